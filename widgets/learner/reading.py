"""The learner's reading tools: « Lire à voix haute » and the text size (A− / A / A+)."""

from __future__ import annotations

from typing import Any

import traitlets

from bacasable.server.speech import MAX_CHARS, SPEECH_PATH
from widgets.common.base import ActionWidget, module

#: The text sizes offered, in percent of the device's own size; the first is "Taille normale".
TEXT_SIZES = (100, 125, 150, 175, 200)
#: Where the page keeps the chosen size, on the device only (localStorage).
SIZE_KEY = "bacasable-taille-texte"


class ReadingToolbar(ActionWidget):
    """A row of buttons above the exercise: read the screen aloud, make the text smaller or larger.

    Everything happens in the learner's browser: the kernel only holds the settings, and the
    size the page reports. The view reads the current screen's words from the page itself (its
    title and intro; or, when a field had the focus, that field's label, help and error), never
    what the learner typed and nothing of a password field. It uses the device's French voice
    (``speechSynthesis``); without one, WAVs made by espeak-ng on the workshop laptop
    (:mod:`bacasable.server.speech`); else it says that reading aloud is not available here.

    Attributes
    ----------
    size : int
        The text size in percent, one of ``sizes``. The view sets it from what the device kept
        (``localStorage[size_key]``) and on each A− / A / A+; setting it here resizes the page.
    sizes : list of int
        The sizes A− and A+ step through, smallest first; "A" goes back to the first.
    size_key : str
        The ``localStorage`` key of the size on the device (prefixed ``bacasable-``).
    speech_path : str
        The server's espeak-ng route, under the page's base URL.
    max_chars : int
        The longest piece of text sent to that route at once.
    """

    _esm = module("learner/reading.js")

    size = traitlets.Int(TEXT_SIZES[0]).tag(sync=True)
    sizes = traitlets.List(traitlets.Int(), default_value=list(TEXT_SIZES)).tag(sync=True)
    size_key = traitlets.Unicode(SIZE_KEY).tag(sync=True)
    speech_path = traitlets.Unicode(SPEECH_PATH).tag(sync=True)
    max_chars = traitlets.Int(MAX_CHARS).tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_class("bas-widget")

    @traitlets.validate("sizes")
    def _valid_sizes(self, proposal: Any) -> list[int]:
        sizes = sorted({int(s) for s in proposal["value"] if 50 <= int(s) <= 400})
        if not sizes:
            raise traitlets.TraitError("at least one text size between 50 and 400 %")
        return sizes

    @traitlets.validate("size")
    def _valid_size(self, proposal: Any) -> int:
        """Make a size that is not offered the nearest one offered (the page may send any)."""
        wanted = int(proposal["value"])
        return min(self.sizes, key=lambda s: (abs(s - wanted), s))

    @traitlets.observe("sizes")
    def _keep_size_offered(self, change: Any) -> None:
        self.size = self.size  # validated again against the new list

    def larger(self) -> int:
        """Go one size up (as A+), up to the largest; return the new size."""
        self.size = next((s for s in self.sizes if s > self.size), self.sizes[-1])
        return self.size

    def smaller(self) -> int:
        """Go one size down (as A−), down to the smallest; return the new size."""
        self.size = next((s for s in reversed(self.sizes) if s < self.size), self.sizes[0])
        return self.size

    def reset(self) -> int:
        """Go back to the normal size (as A); return it."""
        self.size = self.sizes[0]
        return self.size
