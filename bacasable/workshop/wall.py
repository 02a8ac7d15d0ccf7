"""What the room screen projects on the wall: who joined, and how far the group is.

The projection page's room screen (« S ») shows the workshop's code and the pseudonyms as people
join, then, once someone started an exercise, how many are on each screen and how many
finished. :func:`wall_view` turns the raw tiles of :meth:`Store.room
<bacasable.store.Store.room>` into those texts, in plain French; :func:`joined_sentence` is
what a screen reader says when people join.

The wall is seen by the whole room: it never shows an error, a hint, a raised hand, an
abandoned run, nor a name next to how far someone is. Pure Python: no widget here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bacasable.scenario.loader import Catalogue

__all__ = ["MAX_NAMES", "joined_sentence", "people_text", "wall_view"]

#: The most pseudonyms sent to the wall (the latest ones); the others are « + 12 autres ».
MAX_NAMES = 60


def people_text(count: int) -> str:
    """Return « 5 personnes ont rejoint » (« Personne n'a encore rejoint. » for none)."""
    if count <= 0:
        return "Personne n'a encore rejoint."
    if count == 1:
        return "1 personne a rejoint"
    return f"{count} personnes ont rejoint"


def _done_text(count: int) -> str:
    return f"{count} {'a' if count == 1 else 'ont'} terminé"


def _waiting_text(count: int) -> str:
    if count <= 0:
        return ""
    return f"{count} {'choisit' if count == 1 else 'choisissent'} un exercice"


def _people(count: int) -> str:
    return f"{count} personne{'s' if count > 1 else ''}"


def joined_sentence(names: Sequence[str]) -> str:
    """Return what to announce when ``names`` just joined (one sentence for them all).

    « Léa a rejoint l'atelier. », « Léa et Ali ont rejoint l'atelier. », past three names
    « 4 personnes ont rejoint l'atelier. »; "" for nobody.
    """
    names = [n for n in names if n]
    if not names:
        return ""
    if len(names) == 1:
        return f"{names[0]} a rejoint l'atelier."
    if len(names) <= 3:
        return f"{', '.join(names[:-1])} et {names[-1]} ont rejoint l'atelier."
    return f"{len(names)} personnes ont rejoint l'atelier."


def _progress(
    tiles: Sequence[Mapping[str, Any]], catalogue: Catalogue | None
) -> list[dict[str, Any]]:
    """One entry a scenario someone is doing, in the order they were first started."""
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for tile in tiles:
        groups.setdefault(str(tile.get("scenario_id")), []).append(tile)
    out = []
    for scenario_id, members in groups.items():
        scenario = catalogue.scenarios.get(scenario_id) if catalogue is not None else None
        counts = [int(t.get("screen_count") or 0) for t in members]
        length = max([*counts, *(int(t.get("screen_index") or 1) for t in members)])
        on_screen = [0] * length
        done = 0
        for tile in members:
            if tile.get("done"):
                done += 1
            else:
                index = min(max(int(tile.get("screen_index") or 1), 1), length)
                on_screen[index - 1] += 1
        out.append({
            "scenario": scenario.title if scenario is not None else scenario_id,
            "screens": [{"number": n, "count": c, "text": f"Écran {n} : {_people(c)}"}
                        for n, c in enumerate(on_screen, start=1)],
            "done": done,
            "done_text": _done_text(done),
            "count": len(members),
        })
    return out


def wall_view(
    tiles: Sequence[Mapping[str, Any]], catalogue: Catalogue | None = None
) -> dict[str, Any]:
    """Return what the room screen shows of the room (JSON-able, in plain French).

    Parameters
    ----------
    tiles
        The raw tiles of :meth:`Store.room <bacasable.store.Store.room>`, in the order
        people joined.
    catalogue
        For the exercises' titles (their ids without it).

    Returns
    -------
    dict
        ``count`` (people who joined), ``count_text`` (« 5 personnes ont rejoint »),
        ``names`` (the latest :data:`MAX_NAMES` pseudonyms, in the order they joined),
        ``more`` (how many older ones are left out), ``started`` (someone started an
        exercise), ``progress`` (one entry an exercise being done: ``scenario`` (title),
        ``screens`` (``number``, ``count``, ``text`` « Écran 2 : 3 personnes »), ``done``,
        ``done_text``, ``count``), ``done_text`` (« 3 ont terminé », "" for none) and
        ``waiting_text`` (« 2 choisissent un exercice », "" for none).
        Nothing about errors, hints or hands, and no name next to a screen.
    """
    names = [str(t.get("pseudonym") or "") for t in tiles]
    shown = names[-MAX_NAMES:]
    # An abandoned run counts as choosing again: the wall does not tell who gave up.
    busy = [t for t in tiles if t.get("attempt_id") is not None and not t.get("abandoned")]
    done = sum(bool(t.get("done")) for t in busy)
    return {
        "count": len(tiles),
        "count_text": people_text(len(tiles)),
        "names": shown,
        "more": len(names) - len(shown),
        "started": bool(busy),
        "progress": _progress(busy, catalogue),
        "done_text": _done_text(done) if done else "",
        "waiting_text": _waiting_text(len(tiles) - len(busy)) if busy else "",
    }
