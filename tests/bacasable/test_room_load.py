"""The room-load benchmark's machinery, small: two learners through Voilà's own protocol.

A functional check, not a timing one: on a real server, the facilitator's console creates the
workshop, both learners join with its code, open the exercise and submit screens, the board
shows their actions, and every event their answer keys emitted is in the store.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # the benchmarks live next to the package, not in it
    sys.path.insert(0, str(ROOT))

from bacasable.common.config import BUILTIN_SCENARIOS  # noqa: E402
from bacasable.scenario.loader import load_catalogue  # noqa: E402
from benchmarks.room_load import Settings, run_round, summary  # noqa: E402


def test_two_learners_join_play_and_every_event_is_stored():
    settings = Settings(learners=[2], spread=1.0, play=12.0, field_time=0.4, browsers=0,
                        static=False)
    played = run_round(2, settings, load_catalogue([BUILTIN_SCENARIOS]), [])
    figures = summary(played)

    assert figures["failures"] == {} and figures["out_of_step"] == {}
    assert [p["pseudonym"] for p in played["people"]] == ["Apprenant 1", "Apprenant 2"]
    stored = played["events"]["stored"]
    for learner in played["people"]:
        assert learner["usable_s"] > 0 and learner["join_s"] > 0 and learner["open_s"] > 0
        assert sum(kind == "right" for kind, _ in learner["submits"]) >= 2
        assert learner["pongs"], "the kernel never answered the page's sign of life"
        assert stored[learner["pseudonym"]] == learner["events_sent"] > 0
    assert figures["board"] is not None and figures["board_missed"] == 0
