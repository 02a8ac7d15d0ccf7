"""Voilà's English log goes to a file; the facilitator's terminal shows French sentences only."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

__all__ = ["JOURNAL_NAME", "follow_log"]

#: The server's log, in the data folder, written again at each start.
JOURNAL_NAME = "journal-serveur.log"
#: At most one sentence about errors in this many seconds (a burst is one problem).
ERROR_EVERY = 60.0
MSG_ERROR = "Un problème est noté dans le journal du serveur : {path}"


def _is_error(line: str) -> bool:
    return " ERROR " in line or line.startswith("Traceback") or "| ERROR |" in line


def follow_log(
    stream: IO[str],
    path: Path,
    say: Callable[[str], None],
    clock: Callable[[], float] = time.monotonic,
) -> threading.Thread:
    """Copy every line of ``stream`` into ``path``; tell ``say`` in French when errors come.

    Parameters
    ----------
    stream
        The server's output (text, line by line), until it closes.
    path
        The log file: made again (its folder too), never grows across starts.
    say
        Prints a sentence for the facilitator (the English lines never reach it).
    clock
        Seconds, to space the sentences about errors.

    Returns
    -------
    threading.Thread
        The daemon thread doing it, started.
    """
    path.parent.mkdir(parents=True, exist_ok=True)

    def run() -> None:
        last = -ERROR_EVERY
        with path.open("w", encoding="utf-8", errors="replace") as log:
            for line in stream:
                log.write(line)
                log.flush()
                if _is_error(line) and clock() - last >= ERROR_EVERY:
                    last = clock()
                    say(MSG_ERROR.format(path=path))

    thread = threading.Thread(target=run, name="bacasable-journal", daemon=True)
    thread.start()
    return thread
