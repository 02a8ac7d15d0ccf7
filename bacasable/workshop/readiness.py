"""How ready the learners' pages are: what the server writes and the console says.

The server warms one kernel per learner a workshop expects (:mod:`bacasable.server.kernel_starts`)
and writes the pool's state in the store's setting :data:`WARMING_SETTING`; the console reads it
and says « Prêt pour 12 apprenants » or what is still being prepared.
"""

from __future__ import annotations

import dataclasses
import json
import time

from bacasable.store.settings import WARMING_SETTING

__all__ = ["PoolState", "WARMING_SETTING", "readiness_sentence"]



@dataclasses.dataclass(frozen=True)
class PoolState:
    """What the console shows of the learners' kernels."""

    #: How many kernels the open workshops want waiting (0: no workshop expects anyone).
    wanted: int
    #: Kernels waiting for a page, ready.
    ready: int
    #: Kernels being prepared (warming or waiting for their turn).
    preparing: int
    #: Estimated seconds until every wanted kernel is ready.
    seconds_left: int

    def to_json(self) -> str:
        """Return it as the server writes it, with the time it was true."""
        return json.dumps({**dataclasses.asdict(self), "at": time.time()})

    @classmethod
    def from_json(cls, text: str | None, max_age: float = 30.0) -> PoolState | None:
        """Read what the server wrote; None when missing, unreadable or older than ``max_age``."""
        try:
            data = json.loads(text or "")
            if time.time() - float(data["at"]) > max_age:
                return None
            return cls(**{f.name: int(data[f.name]) for f in dataclasses.fields(cls)})
        except (ValueError, TypeError, KeyError):
            return None


def readiness_sentence(state: PoolState | None) -> str:
    """Return what the console says of the learners' pages ("" when there is nothing to say).

    Parameters
    ----------
    state
        What the server wrote (:meth:`PoolState.from_json`), or None.
    """
    if state is None or state.wanted <= 0:
        return ""
    people = "apprenant" if state.wanted == 1 else "apprenants"
    if state.ready >= state.wanted:
        return f"Prêt pour {state.wanted} {people} : leur page s'ouvrira tout de suite."
    seconds = max(5, -(-state.seconds_left // 5) * 5)
    return (f"Préparation des pages : {state.ready} sur {state.wanted} prêtes. "
            f"Encore environ {seconds} secondes.")
