"""Days written the French way: « 12 novembre 2026 », « jeudi 1er mai 2026 »."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date

__all__ = ["long_date"]


def long_date(day: dt.date, *, weekday: bool = False) -> str:
    """Return ``day`` in French words, the first of a month as « 1er ».

    Parameters
    ----------
    day
        The day.
    weekday
        Start with the day of the week (« jeudi 26 novembre 2026 »).

    Returns
    -------
    str
        The day in words; its ISO form when Babel has no French data.
    """
    try:
        text = format_date(day, format="full" if weekday else "long", locale="fr_FR")
    except Exception:  # noqa: BLE001 - missing locale data must not hide the day
        return day.isoformat()
    if day.day != 1:
        return text
    # French writes the first day of a month as an ordinal; Babel's patterns cannot say it.
    head, sep, tail = text.partition("1 ")
    return f"{head}1er {tail}" if sep and (not head or head.endswith(" ")) else text
