"""French long dates: the first of a month is « 1er »."""

from __future__ import annotations

import datetime as dt

import pytest

from bacasable.common.french_dates import long_date


@pytest.mark.parametrize(("day", "plain", "full"), [
    (dt.date(2026, 5, 1), "1er mai 2026", "vendredi 1er mai 2026"),
    (dt.date(2026, 11, 26), "26 novembre 2026", "jeudi 26 novembre 2026"),
    (dt.date(2026, 12, 11), "11 décembre 2026", "vendredi 11 décembre 2026"),
    (dt.date(2027, 1, 21), "21 janvier 2027", "jeudi 21 janvier 2027"),
])
def test_long_dates(day, plain, full):
    assert long_date(day) == plain
    assert long_date(day, weekday=True) == full
