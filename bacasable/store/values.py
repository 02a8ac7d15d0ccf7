"""Checks on the values that go into the store, and the shapes of the rows that come out."""

from __future__ import annotations

import datetime as dt
import math
import re
import secrets
import time
from collections.abc import Iterable, Mapping
from typing import Any, get_args

from bacasable.run.events import EventType, RunEvent
from bacasable.scenario.diagnostic_schema import LEVELS

from . import tables as t
from .errors import (
    MSG_DATE,
    MSG_EVENT,
    MSG_IDENTIFIER,
    MSG_LIST,
    MSG_PSEUDONYM_CHARS,
    MSG_PSEUDONYM_EMPTY,
    MSG_PSEUDONYM_LONG,
    MSG_PSEUDONYM_PERSONAL,
    MSG_SCREEN_COUNT,
    StoreError,
)

#: The characters of a join code: capitals and digits without 0/O, 1/I/L (easy to misread).
JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

#: The event types a run emits (from :data:`bacasable.run.events.EventType`).
EVENT_TYPES = frozenset(get_args(EventType))

#: Autonomy levels, as the facilitator's console may label them.
AUTONOMY_LABELS = {
    "seul": "seul",
    "indices": "avec des indices",
    "aide_animateur": "avec l'aide de l'animateur",
    "fait_par_animateur": "fait par l'animateur",
}


def utcnow() -> dt.datetime:
    """Return the current time, aware, in UTC."""
    return dt.datetime.now(dt.timezone.utc)


def new_join_code() -> str:
    """Return a random join code: 6 characters of :data:`JOIN_ALPHABET` (from ``secrets``)."""
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(t.JOIN_CODE_LENGTH))


def normalise_join_code(code: Any) -> str | None:
    """Return a typed join code in canonical form, or None when it cannot be one.

    Case, spaces and dashes do not matter (``" ab2-c3d "`` → ``"AB2C3D"``).
    """
    if not isinstance(code, str):
        return None
    cleaned = "".join(ch for ch in code.upper() if not ch.isspace() and ch not in "-–._")
    if len(cleaned) != t.JOIN_CODE_LENGTH or any(ch not in JOIN_ALPHABET for ch in cleaned):
        return None
    return cleaned


# --- times ----------------------------------------------------------------------------------


def _as_utc(value: dt.datetime | float | int | None, default: dt.datetime) -> dt.datetime:
    """Return a datetime (naive = UTC) or a POSIX timestamp as an aware UTC datetime."""
    if value is None:
        return default
    if isinstance(value, (int, float)):
        return dt.datetime.fromtimestamp(value, dt.timezone.utc)
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


def _since(value: dt.datetime | dt.date | float | None) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time(), dt.timezone.utc)
    return _as_utc(value, utcnow())


def _parse_date(value: Any, message: str = MSG_DATE) -> dt.date:
    """Return a day given as a date, a datetime (its day) or ISO text; else ``message``."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise StoreError(message)


# --- texts and numbers ----------------------------------------------------------------------


def _plain(text: str) -> str:
    """Return a text without NUL characters, which PostgreSQL refuses in any text column."""
    return text.replace("\x00", "")


def _identifier(value: Any, *, optional: bool = False) -> str | None:
    """Check a scenario, screen, field or persona id (a short text) and return it."""
    if value is None and optional:
        return None
    if (not isinstance(value, str) or not value.strip() or len(value) > t.ID_LENGTH
            or "\x00" in value):
        raise StoreError(MSG_IDENTIFIER)
    return value.strip()


def _short_list(values: Iterable[Any], *, max_len: int = t.ID_LENGTH) -> list[str]:
    if isinstance(values, str):
        raise StoreError(MSG_LIST)
    out = []
    for v in values:
        if not isinstance(v, str) or not v.strip() or len(v) > max_len:
            raise StoreError(MSG_LIST)
        out.append(v.strip())
    return out


def _clean_pseudonym(pseudonym: Any) -> str:
    """Check a pseudonym: 1 to 30 characters, no e-mail address, no number of 5 digits or more."""
    if not isinstance(pseudonym, str):
        raise StoreError(MSG_PSEUDONYM_EMPTY)
    name = " ".join(pseudonym.split())
    if not name:
        raise StoreError(MSG_PSEUDONYM_EMPTY)
    if len(name) > t.PSEUDONYM_LENGTH:
        raise StoreError(MSG_PSEUDONYM_LONG)
    if "@" in name or sum(ch.isdigit() for ch in name) > 4:
        raise StoreError(MSG_PSEUDONYM_PERSONAL)
    if not all(ch.isalnum() or ch in " -'’_." for ch in name):
        raise StoreError(MSG_PSEUDONYM_CHARS)
    return name


def _check_count(value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10_000:
        raise StoreError(MSG_SCREEN_COUNT)


#: The id of a quiz's answer, as the scenario format allows it (``Identifier``).
_ANSWER_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


def _event_row(event: Any) -> dict[str, Any]:
    """Return the columns of an event: only the fields of a RunEvent, checked."""
    if isinstance(event, RunEvent):
        data = event.as_dict()
    elif isinstance(event, Mapping):
        data = dict(event)
    else:
        raise StoreError(MSG_EVENT)
    try:
        kind = data["type"]
        if kind not in EVENT_TYPES:
            raise StoreError(MSG_EVENT)
        at = float(data.get("at") if data.get("at") is not None else time.time())
        seconds = data.get("seconds")
        if seconds is not None:
            seconds = float(seconds)
            if not math.isfinite(seconds):
                raise StoreError(MSG_EVENT)
        hint_level = data.get("hint_level")
        if hint_level is not None and (  # an Integer column: 32 bits on PostgreSQL
            isinstance(hint_level, bool) or not isinstance(hint_level, int)
            or not 0 <= hint_level <= 10_000
        ):
            raise StoreError(MSG_EVENT)
        for flag in ("correct", "first_time"):
            if data.get(flag) is not None and not isinstance(data.get(flag), bool):
                raise StoreError(MSG_EVENT)
        answer_id = data.get("answer_id")
        if answer_id is not None and not (  # an id of the scenario file, never a typed text
            isinstance(answer_id, str) and _ANSWER_ID.fullmatch(answer_id)
        ):
            raise StoreError(MSG_EVENT)
        if data.get("level") is not None and data.get("level") not in LEVELS:
            raise StoreError(MSG_EVENT)  # a diagnostic's level: one of three words
        error_kind = data.get("error_kind")
        if error_kind is not None and (
            not isinstance(error_kind, str) or len(error_kind) > 40 or "\x00" in error_kind
        ):
            raise StoreError(MSG_EVENT)
        return {
            "type": kind,
            "scenario_id": _identifier(data.get("scenario_id")),
            "screen_id": _identifier(data.get("screen_id"), optional=True),
            "field_id": _identifier(data.get("field_id"), optional=True),
            "error_kind": error_kind,
            "hint_level": hint_level,
            "seconds": seconds,
            "answer_id": answer_id,
            "correct": data.get("correct"),
            "first_time": data.get("first_time"),
            "level": data.get("level"),
            "at": dt.datetime.fromtimestamp(at, dt.timezone.utc),
        }
    except StoreError as error:
        if error.message == MSG_IDENTIFIER:
            raise StoreError(MSG_EVENT) from None
        raise
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        raise StoreError(MSG_EVENT) from None


# --- rows out -------------------------------------------------------------------------------


def _row(row: Any) -> dict[str, Any]:
    return dict(row._mapping)


def _workshop_dict(row: Any) -> dict[str, Any]:
    out = _row(row)
    out["open"] = out["closed_at"] is None
    return out


def _participant_dict(row: Any) -> dict[str, Any]:
    out = _row(row)
    out["hand_raised"] = out["hand_raised_at"] is not None and out["hand_answered_at"] is None
    return out


def _jsonable(value: Any) -> Any:
    """Datetimes and dates as ISO 8601 text, recursively: a value ``json.dumps`` accepts."""
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value
