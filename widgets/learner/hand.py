"""« Lever la main » in the exercise's bar: the workshop's hand, where the learner is."""

from __future__ import annotations

from typing import Any

import traitlets

from widgets.common.base import ActionWidget, module


class HandButton(ActionWidget):
    """One button, « Lever la main » then « Baisser la main », in the exercise's sticky bar.

    :class:`~widgets.learner.join.WorkshopLink` adds it to the player's bar once the learner is
    in a workshop, sends its actions to the session and keeps ``raised`` as the store says.

    Attributes
    ----------
    raised : bool
        The learner's hand is up (the facilitator's answer puts it down).

    Notes
    -----
    Action sent: ``hand`` (``raise``: bool), as the workshop's bar sends it.
    """

    _esm = module("learner/hand.js")

    raised = traitlets.Bool(False).tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_class("bas-widget")
