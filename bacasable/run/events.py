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
    #: Wall-clock time of the event.
    at: float = dataclasses.field(default_factory=time.time)

    def as_dict(self) -> dict:
        """Return the event as a plain dict (for the store and JSON)."""
        return dataclasses.asdict(self)
