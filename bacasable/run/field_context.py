"""What a field's check may need beyond the value: the persona, earlier answers, today, codes."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from bacasable.scenario.schema import Persona


@dataclasses.dataclass(frozen=True)
class FieldContext:
    """What a check may need beyond the value: the persona, earlier answers, today, codes sent."""

    persona: Persona | None = None
    #: Valid answers of the current screen so far, by field id (for ``same_as``).
    screen_answers: dict[str, Any] = dataclasses.field(default_factory=dict)
    #: Codes sent by screen events, by event id (for ``code`` fields).
    codes: dict[str, str] = dataclasses.field(default_factory=dict)
    today: dt.date = dataclasses.field(default_factory=dt.date.today)
