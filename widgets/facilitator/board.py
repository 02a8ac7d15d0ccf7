"""The room board: one tile per learner, updated in place from the ``tiles`` trait."""

from __future__ import annotations

from typing import Any

import traitlets

from bacasable.workshop.room import AUTONOMY_CHOICES, room_summary
from bacasable.workshop.room_attention import group_progress
from widgets.common.base import ActionWidget, module
from widgets.common.pin_gate import CONSOLE_CSS


class Board(ActionWidget):
    """The facilitator's view of the room.

    The view keeps one tile per learner, keyed by ``id``, and only changes the texts that
    changed: an open observation form or the focus stays where it is when the board updates.

    The view sends ``{action: "answer_hand", participant}``, ``{action: "hint", participant}``
    and ``{action: "observe", participant, autonomy, note}``.

    Attributes
    ----------
    tiles : list of dict
        The tiles of :func:`bacasable.workshop.room.format_tile`, in the board's order (who
        needs help first, with ``priority`` and ``reason``:
        :func:`bacasable.workshop.room_attention.order_tiles`).
    summary : str
        One line about the room ("5 apprenants · 1 main levée").
    groups : list of dict
        Where the group is (:func:`bacasable.workshop.room_attention.group_progress`):
        ``scenario``, ``counts``, ``text`` (« Écran 1 : 2 · Écran 2 : 5 · Terminé : 1 »).
    announce : str
        What just happened ("Marie lève la main."), read out by screen readers.
    feedback : dict
        The answer to the last tile action: ``id`` (participant), ``action``, ``kind``
        (``"success"`` or ``"error"``), ``text``, ``seq`` (increases each time).
    autonomy : list of dict
        The autonomy levels offered: ``value``, ``label``.
    """

    _esm = module("facilitator/board.js")
    _css = CONSOLE_CSS

    tiles = traitlets.List(traitlets.Dict()).tag(sync=True)
    summary = traitlets.Unicode("").tag(sync=True)
    groups = traitlets.List(traitlets.Dict()).tag(sync=True)
    announce = traitlets.Unicode("").tag(sync=True)
    feedback = traitlets.Dict().tag(sync=True)
    autonomy = traitlets.List(traitlets.Dict()).tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "autonomy", [{"value": k, "label": v} for k, v in AUTONOMY_CHOICES.items()]
        )
        super().__init__(**kwargs)
        self.add_class("bas-widget")
        self._seq = 0
        if not self.summary:
            self.summary = room_summary(self.tiles)
        if not self.groups:
            self.groups = group_progress(self.tiles)

    def show(self, tiles: list[dict[str, Any]], announce: list[str] | None = None) -> None:
        """Show new tiles (and announce what changed, if anything)."""
        self.tiles = [dict(t) for t in tiles]
        self.summary = room_summary(tiles)
        self.groups = group_progress(tiles)
        if announce:
            self.announce = " ".join(announce)

    def answer(self, participant: int, action: str, text: str, *, error: bool = False) -> None:
        """Show the result of a tile action inside that learner's tile."""
        self._seq += 1
        self.feedback = {
            "id": participant,
            "action": action,
            "kind": "error" if error else "success",
            "text": text,
            "seq": self._seq,
        }
