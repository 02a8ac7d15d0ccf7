"""The bilan page's cells: numbers, dates, rates and booleans as short French texts."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent

from bacasable.reports.frames import TIMEZONE

__all__ = ["EMPTY", "LOCALE", "cell", "day_of", "missing", "numeric", "workshop_label"]

LOCALE = "fr_FR"
#: A table (and its file) with no row says so rather than showing an empty grid.
EMPTY = "—"

#: Columns shown as a percentage (the frames hold a rate between 0 and 1).
PERCENT = {"completion_rate", "right_first_time_rate"}
#: Columns of days (a time there is midnight: only the day is shown).
DAYS = {"date"}
#: Columns with one decimal at most.
DECIMALS = {"minutes", "median_minutes", "median_seconds", "mean_seconds", "errors_per_run",
            "hints_per_run"}


# --- cells ---------------------------------------------------------------------------------------


def missing(value: Any) -> bool:
    """Return whether ``value`` is a missing scalar (None, NaN, NaT)."""
    if value is None or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or an array: not a missing scalar
        return False


def cell(value: Any, column: str = "") -> str:
    """Return ``value`` as the French text of a table cell.

    Parameters
    ----------
    value
        A number, a bool, a date or datetime, a text; missing values give "—".
    column
        The column's name: rates are shown as percentages, some columns with one decimal.

    Returns
    -------
    str
        "1 234", "3,5", "75 %", "Oui", "12 nov. 2026", "12/11/2026 14:05"…
    """
    if missing(value):
        return EMPTY
    if isinstance(value, bool) or (hasattr(value, "dtype") and value.dtype == bool):
        return "Oui" if bool(value) else "Non"
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime) and column in DAYS:
        value = value.date()
    if isinstance(value, dt.datetime):
        # The report's times are local already; an aware one is put in the same zone.
        local = value.astimezone(ZoneInfo(TIMEZONE)) if value.tzinfo else value
        return format_datetime(local, "dd/MM/yyyy HH:mm", locale=LOCALE)
    if isinstance(value, dt.date):
        return format_date(value, "medium", locale=LOCALE)
    if isinstance(value, (int, float)) or hasattr(value, "dtype"):
        try:
            number = float(value)
        except (TypeError, ValueError):
            return str(value)
        if math.isinf(number):
            return EMPTY
        if column in PERCENT:
            return format_percent(number, locale=LOCALE)
        if column in DECIMALS or not number.is_integer():
            return format_decimal(number, format="#,##0.#", locale=LOCALE)
        return format_decimal(int(number), locale=LOCALE)
    return str(value)


def numeric(frame: pd.DataFrame, column: str) -> bool:
    """Return whether ``column`` of ``frame`` holds numbers (its cells are aligned right)."""
    if column not in frame.columns:
        return False
    kind = frame[column].dtype
    return pd.api.types.is_numeric_dtype(kind) and not pd.api.types.is_bool_dtype(kind)


def day_of(value: Any) -> dt.date | None:
    """Return the day of a date, a datetime or an ISO text (None otherwise)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def workshop_label(workshop: dict[str, Any]) -> str:
    """Return a workshop as listed: "12 nov. 2026 — Atelier emploi (8 participants)"."""
    day = day_of(workshop.get("date"))
    when = format_date(day, "medium", locale=LOCALE) if day else "date inconnue"
    count = int(workshop.get("participant_count") or 0)
    people = "1 participant" if count == 1 else \
        f"{format_decimal(count, locale=LOCALE)} participants"
    return f"{when} — {workshop.get('title') or 'Sans titre'} ({people})"
