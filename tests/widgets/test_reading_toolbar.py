"""The reading toolbar's state: text sizes, what the page reports, and its place in the player."""

from __future__ import annotations

import re

import pytest
import traitlets

from bacasable.server.speech import MAX_CHARS, SPEECH_PATH
from widgets.common.base import SHARED_CSS, STATIC
from widgets.learner.reading import SIZE_KEY, TEXT_SIZES, ReadingToolbar


def test_defaults_are_what_the_page_needs():
    bar = ReadingToolbar()
    assert bar.size == 100
    assert bar.sizes == [100, 125, 150, 175, 200] == list(TEXT_SIZES)
    # Kept on the device under the project's prefix.
    assert bar.size_key == SIZE_KEY and SIZE_KEY.startswith("bacasable-")
    assert bar.speech_path == SPEECH_PATH == "/bacasable/voix"
    assert bar.max_chars == MAX_CHARS == 600
    state = bar.get_state()
    for name in ("size", "sizes", "size_key", "speech_path", "max_chars"):
        assert name in state, f"{name} is not synced with the page"


def test_a_plus_steps_up_to_200_and_stays_there():
    bar = ReadingToolbar()
    assert [bar.larger() for _ in range(5)] == [125, 150, 175, 200, 200]
    assert bar.size == 200


def test_a_minus_steps_down_to_100_and_a_goes_back_to_normal():
    bar = ReadingToolbar(size=175)
    assert [bar.smaller() for _ in range(4)] == [150, 125, 100, 100]
    bar.larger()
    bar.larger()
    assert bar.reset() == 100 and bar.size == 100


def test_the_size_the_page_reports_is_kept():
    bar = ReadingToolbar()
    seen = []
    bar.observe(lambda change: seen.append(change["new"]), "size")
    bar.set_state({"size": 150})  # as a comm "update" from the browser
    assert bar.size == 150 and seen == [150]


@pytest.mark.parametrize(("sent", "kept"), [(160, 150), (1000, 200), (0, 100), (112, 100),
                                            (113, 125), (-50, 100)])
def test_a_size_not_offered_becomes_the_nearest_offered(sent, kept):
    bar = ReadingToolbar()
    bar.set_state({"size": sent})
    assert bar.size == kept


def test_sizes_are_sorted_and_the_size_stays_one_of_them():
    bar = ReadingToolbar(size=175)
    bar.sizes = [150, 100, 150, 120]
    assert bar.sizes == [100, 120, 150]
    assert bar.size == 150
    with pytest.raises(traitlets.TraitError):
        bar.sizes = []
    with pytest.raises(traitlets.TraitError):
        bar.sizes = [10, 900]


def test_the_player_shows_the_toolbar_first_and_closes_it(player):
    assert isinstance(player.reading, ReadingToolbar)
    assert player.children[0] is player.reading
    assert player.children[-1] is player.screen
    player.close()
    assert player.reading.comm is None


def test_module_and_stylesheet_come_from_the_package():
    bar = ReadingToolbar()
    js = (STATIC / "learner" / "reading.js").read_text(encoding="utf-8")
    assert bar._esm.endswith(js) and "export default" in bar._esm
    assert "learner/reading.css" in SHARED_CSS
    css = (STATIC / "learner" / "reading.css").read_text(encoding="utf-8")
    assert css in bar._css
    # The size scales the root: every size of the sandbox is in rem.
    assert "html[data-bas-text-size]" in css and "--bas-text-scale" in css


def test_the_reading_module_never_reads_what_was_typed():
    js = (STATIC / "learner" / "reading.js").read_text(encoding="utf-8")
    # No control's value is ever read: only labels, help, errors, title and intro.
    assert not re.search(r"\.value\b", js)
    assert "input, select, textarea" in js  # controls are dropped from every copy read
    for name in ("Lire à voix haute", "Réduire le texte", "Taille normale", "Agrandir le texte",
                 "La lecture à voix haute n'est pas disponible sur cet appareil."):
        assert name in js
