"""The typed events a learner's run emits: what the store keeps, never what was typed."""

from __future__ import annotations

import dataclasses
import time
from typing import Literal

EventType = Literal[
    "started",
    "screen_entered",
    "field_error",
    "field_ok",
    "hint_shown",
    "screen_done",
    "went_back",
    "personal_data_warning",
    "finished",
    "abandoned",
    "resumed",
    "quiz_answered",
    "gave_up",
    "placed",
]


@dataclasses.dataclass(frozen=True)
class RunEvent:
    """One thing that happened in a run.

    Only ids, kinds and counts: the learner's input never goes in an event.
    """

    #: What happened.
    type: EventType
    #: The scenario and screen it happened on.
    scenario_id: str
    screen_id: str | None = None
    #: The field, for field errors and hints.
    field_id: str | None = None
    #: For ``field_error``: the error kind (``format``, ``checksum``…).
    error_kind: str | None = None
    #: For ``hint_shown``: which hint (1 = the first).
    hint_level: int | None = None
    #: Seconds spent on the screen, for ``screen_done``.
    seconds: float | None = None
    #: For ``quiz_answered``: the answer chosen (its id in the scenario, never a typed text),
    #: whether it is the right one, and whether it is the run's first answer to this quiz.
    answer_id: str | None = None
    correct: bool | None = None
    first_time: bool | None = None
    #: For ``placed`` (a diagnostic's end): the level advised, ``debutant``, ``intermediaire``
    #: or ``avance``. ``gave_up`` says the learner left a diagnostic's task (« Je ne sais pas
    #: faire »).
    level: str | None = None
    #: Wall-clock time of the event.
    at: float = dataclasses.field(default_factory=time.time)

    def as_dict(self) -> dict:
        """Return the event as a plain dict (for the store and JSON)."""
        return dataclasses.asdict(self)
