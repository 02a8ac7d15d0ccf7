"""Who needs the facilitator first, and where the group is: the board's order, in plain French.

:func:`attention` says why a learner's tile comes first (« Main levée depuis 2 min », « 3 erreurs
sur cet écran », « Inactif depuis 4 min »); :func:`order_tiles` sorts the board by it;
:func:`group_progress` counts the learners on each screen (« Écran 1 : 2 · Écran 2 : 5 ·
Terminé : 1 »). They read the tiles of :func:`bacasable.workshop.room.format_tile`. Pure
Python: no widget here.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "ERRORS",
    "HAND",
    "IDLE",
    "OTHER",
    "REPEATED_ERRORS",
    "attention",
    "group_progress",
    "name_key",
    "order_tiles",
]

#: Errors on the same screen from which a learner's tile comes up the board.
REPEATED_ERRORS = 3

#: The ranks of :func:`attention`, most urgent first.
HAND, ERRORS, IDLE, OTHER = range(4)

NOT_STARTED = "Pas encore commencé"
DONE = "Terminé"
ABANDONED = "Abandonné"


def attention(tile: Mapping[str, Any]) -> tuple[int, str]:
    """Return how urgently a learner needs the facilitator, and why, in words.

    Parameters
    ----------
    tile
        A tile of :func:`~bacasable.workshop.room.format_tile`.

    Returns
    -------
    tuple of (int, str)
        The rank (:data:`HAND`, :data:`ERRORS`, :data:`IDLE` or :data:`OTHER`) and the reason
        shown on the tile (« Main levée depuis 2 min », « 3 erreurs sur cet écran »,
        « Inactif depuis 4 min »; "" for :data:`OTHER`).
    """
    if tile.get("hand"):
        reason = str(tile.get("hand_text") or "Main levée")
        return HAND, reason + (" — déconnecté" if tile.get("disconnected") else "")
    running = bool(tile.get("started")) and not tile.get("done") and not tile.get("abandoned")
    errors = int(tile.get("screen_errors") or 0)
    if running and errors >= REPEATED_ERRORS:
        return ERRORS, f"{errors} erreurs sur cet écran"
    if running and tile.get("idle"):
        since = tile.get("idle_for") or ""
        return IDLE, f"Inactif depuis {since}" if since else "Inactif"
    return OTHER, ""


def _sort_key(tile: Mapping[str, Any]) -> tuple[Any, ...]:
    rank, _ = attention(tile)
    # Among raised hands, who waited longest first (as the alert at the top); among the idle,
    # who did nothing longest first. Those orders hold as time goes by: tiles do not jump.
    if rank == HAND:
        wait = -float(tile.get("hand_seconds") or 0)
    elif rank == IDLE:
        wait = -float(tile.get("idle_minutes") or 0)
    else:
        wait = 0.0
    name = str(tile.get("pseudonym") or "")
    return rank, wait, name_key(name), name, int(tile.get("id") or 0)


def name_key(name: str) -> str:
    """Sort "Émile" with the e's and "zoé" with the z's: no accent, no case."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return bare.casefold()


def order_tiles(tiles: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Return the tiles in the board's order, each with its ``priority`` and ``reason``.

    Raised hands first (longest wait first), then repeated errors on a screen (at least
    :data:`REPEATED_ERRORS`), then the inactive (longest first), then everyone else; by name
    within a rank.

    Parameters
    ----------
    tiles
        Tiles of :func:`~bacasable.workshop.room.format_tile`.

    Returns
    -------
    list of dict
        New dicts, sorted, with ``priority`` (the rank) and ``reason`` (its words) added.
    """
    out = []
    for tile in sorted(tiles, key=_sort_key):
        rank, reason = attention(tile)
        out.append({**tile, "priority": rank, "reason": reason})
    return out


def _place(tile: Mapping[str, Any]) -> tuple[int, str]:
    """Return where a learner is, as a sort key and a label (« Écran 2 », « Terminé »)."""
    if not tile.get("started"):
        return 0, NOT_STARTED
    if tile.get("done"):
        return 10_000, DONE
    if tile.get("abandoned"):
        return 10_001, ABANDONED
    step = int(tile.get("step") or tile.get("screen_index") or 1)
    return step, f"Écran {step}"


def _line(scenario: str, places: Counter[tuple[int, str]]) -> dict[str, Any]:
    counts = [{"label": label, "count": count} for (_, label), count in sorted(places.items())]
    return {
        "scenario": scenario,
        "counts": counts,
        "text": " · ".join(f"{c['label']} : {c['count']}" for c in counts),
    }


def group_progress(tiles: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Return how many learners are on each screen, for the board's header.

    With one exercise in the room, one line: « Pas encore commencé : 1 · Écran 1 : 2 · Écran 2 :
    5 · Terminé : 1 ». With several, one line an exercise (its title in ``scenario``) and one
    for those who have not started yet.

    Parameters
    ----------
    tiles
        The room's tiles (:func:`~bacasable.workshop.room.format_tile`), in any order; their
        ``started``, ``done``, ``abandoned``, ``step`` and ``scenario`` are read.

    Returns
    -------
    list of dict
        ``scenario`` (its title, or "" for a line of the whole room), ``counts`` (``label``,
        ``count``, in the path's order) and ``text``. Empty for an empty room.
    """
    waiting: Counter[tuple[int, str]] = Counter()
    by_scenario: dict[str, Counter[tuple[int, str]]] = {}
    for tile in tiles:
        place = _place(tile)
        if place[1] == NOT_STARTED:
            waiting[place] += 1
        else:
            by_scenario.setdefault(str(tile.get("scenario") or ""), Counter())[place] += 1
    if len(by_scenario) <= 1:
        everyone = waiting + next(iter(by_scenario.values()), Counter())
        return [_line("", everyone)] if everyone else []
    lines = [_line(title, places) for title, places in sorted(by_scenario.items())]
    if waiting:
        lines.append(_line("", waiting))
    return lines
