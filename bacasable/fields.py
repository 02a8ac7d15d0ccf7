"""Validation of each field kind: pure functions, any value in, a result with a French message out."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from .schema import FieldSpec, Persona


@dataclasses.dataclass(frozen=True)
class FieldContext:
    """What a check may need beyond the value: the persona, earlier answers, today, codes sent."""

    persona: Persona | None = None
    #: Valid answers of the current screen so far, by field id (for ``same_as``).
    screen_answers: dict[str, Any] = dataclasses.field(default_factory=dict)
    #: Codes sent by screen events, by event id (for ``code`` fields).
    codes: dict[str, str] = dataclasses.field(default_factory=dict)
    today: dt.date = dataclasses.field(default_factory=dt.date.today)


@dataclasses.dataclass(frozen=True)
class FieldResult:
    """The outcome of checking one field: never an exception."""

    ok: bool
    #: The normalised value, kept in memory for the review screen only (never stored).
    value: Any = None
    #: The kind of error (schema.ErrorKind) or ``personal_data``.
    error_kind: str | None = None
    #: The message shown under the field, in plain French.
    message: str | None = None
    #: A gentle warning: the learner typed what looks like real personal data.
    warning: str | None = None
    #: The value to show on the review screen (masked for passwords).
    display: str | None = None


def check_field(spec: FieldSpec, raw: Any, ctx: FieldContext) -> FieldResult:
    """Check ``raw`` against ``spec`` (its kind, rules and expected value); never raise."""
    raise NotImplementedError  # implemented by the fields work
