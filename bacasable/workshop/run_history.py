"""A stored run read back: the screens it has done, rebuilt from its events.

Answers are never stored, so a run reopened in a new kernel starts again from its events
alone: :func:`screens_done` gives back what ``Runner.history`` held when it stopped.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["screens_done"]


def screens_done(rows: Iterator[dict[str, Any]] | list[dict[str, Any]], attempt_id: int,
                 known: set[str]) -> list[str]:
    """Rebuild the screens a stored run has done, in order, from its events.

    Parameters
    ----------
    rows : iterable of dict
        Stored events (``attempt_id``, ``type``, ``screen_id``), oldest first, as
        ``Store.events_frame_rows`` yields them; other runs' events are skipped.
    attempt_id : int
        The run.
    known : set of str
        The scenario's screen ids (others are ignored).

    Returns
    -------
    list of str
        As ``Runner.history`` was: each ``screen_done`` adds its screen (once), each
        ``went_back`` removes the last, a ``resumed`` removes the screen resumed at.
    """
    done: list[str] = []
    for row in rows:
        if row.get("attempt_id") != attempt_id:
            continue
        kind, screen = row.get("type"), row.get("screen_id")
        if kind == "screen_done" and screen in known:
            if screen in done:
                done.remove(screen)
            done.append(screen)
        elif kind == "went_back" and done:
            done.pop()
        elif kind == "resumed" and screen in done:
            done.remove(screen)
    return done
