"""Synthetic workshops with known events, written through the store's public methods.

Shared by the reports' tests, the bilan page's tests and the CLI's (fixtures in
``tests/bacasable/reports/conftest.py``).

Workshop 1, "Atelier CAF et emploi", 12 November 2026 (times in UTC; Paris is UTC+1):

* **Amina** (joins 09:00) — CAF, persona sophie, new-account path (14 screens, 30 s each):
  finished, no hint, one ``format`` error on identite/date-naissance. 390 s = 6.5 min. Not
  observed. Last seen 09:30.
* **Bruno** (09:01) — CAF, nadia: validates 6 screens (40 s each), enters ``logement``, makes
  2 ``format`` errors on ``loyer``, abandons 50 s after entering it (290 s = 4.8 min).
  Observed on CAF: ``aide_animateur``, with a note starting with "=".
* **Chloé** (09:02) — observed as a whole (no exercise): ``seul``; then CAF, sophie: the new-
  account path, 20 s a screen but 80 s on ``ressources``: 320 s = 5.3 min; hints: 2 on
  ressources/mois-1 (levels 1, 2), 1 on banque/iban. Observed on CAF: ``indices``.
* **Diane** (09:03) — observed as a whole: ``seul``; then France Travail, karim, the full
  path (15 screens, 25 s each), but after ``identite`` she spends 10 s on ``coordonnees``,
  goes back, 5 s more on ``identite``, then goes on: 365 s = 6.1 min. One hint on
  identite/nir; one ``checksum`` error on banque/iban.
* **Emma** (09:04) — joins and does nothing.

Workshop 2, "Atelier emploi", 26 November 2026: **chloe** (the same learner, written without
capital nor accent) does France Travail, lucas: ``verification`` (40 s) then the end screen
``inscription-automatique``: finished, 0.7 min, no hint, screen count 2. **Farid** starts France
Travail, karim: enters ``verification``, one ``required`` error on ``situation`` 18 s later,
and is still on it (0.3 min).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from functools import lru_cache
from typing import Any

from bacasable.common.config import BUILTIN_SCENARIOS
from bacasable.run.events import RunEvent
from bacasable.scenario.loader import Catalogue, load_catalogue
from bacasable.store import Store

CAF = "caf-prime-activite"
FT = "france-travail-inscription"
#: The CAF path of someone creating an account (the receipt ``confirmation`` is last).
CAF_PATH = [
    "accueil", "creation-compte", "code-email", "identite", "coordonnees", "foyer", "logement",
    "activite", "ressources", "autres-ressources", "banque", "recapitulatif", "declaration",
    "confirmation",
]
#: The full France Travail path (the receipt ``confirmation`` is last).
FT_PATH = [
    "verification", "documents", "identite", "coordonnees", "compte", "code-sms", "situation",
    "experience", "connaissances", "projet", "recherche", "banque", "recapitulatif",
    "rendez-vous", "confirmation",
]
FIRST_DAY = dt.datetime(2026, 11, 12, 9, 0, tzinfo=dt.timezone.utc)
SECOND_DAY = dt.datetime(2026, 11, 26, 14, 0, tzinfo=dt.timezone.utc)


@dataclasses.dataclass
class SyntheticWorkshop:
    """The store holding the two workshops, the built-in catalogue and the ids to ask for."""

    store: Store
    catalogue: Catalogue
    workshop_id: int
    second_workshop_id: int
    #: Participant ids by pseudonym ("chloe" is the second workshop's Chloé).
    participants: dict[str, int]


class Clock:
    """The store's clock, moved by hand."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, when: dt.datetime) -> None:
        self.now = when


class Run:
    """Write one run's events as a learner's runner would, at known times."""

    def __init__(self, store: Store, attempt_id: int, scenario_id: str, start: dt.datetime):
        self.store, self.attempt_id, self.scenario_id = store, attempt_id, scenario_id
        self.start = start.timestamp()
        self.t = self.start
        self.events: list[RunEvent] = []
        self.emit("started")

    def emit(self, kind: str, screen_id: str | None = None, wait: float = 0, **kw: Any) -> None:
        self.t += wait
        self.events.append(RunEvent(type=kind, scenario_id=self.scenario_id,
                                    screen_id=screen_id, at=self.t, **kw))

    def screen(self, screen_id: str, seconds: float, errors: tuple = (), hints: tuple = ()) -> None:
        """Enter, err (field, kind) and ask hints (field, level) on the way, then validate."""
        entered = self.t
        self.emit("screen_entered", screen_id)
        for field_id, kind in errors:
            self.emit("field_error", screen_id, wait=1, field_id=field_id, error_kind=kind)
        for field_id, level in hints:
            self.emit("hint_shown", screen_id, wait=1, field_id=field_id, hint_level=level)
        self.t = entered + seconds
        self.emit("screen_done", screen_id, seconds=seconds)

    def finish(self, screen_id: str) -> None:
        self.emit("screen_entered", screen_id)
        self.emit("finished", screen_id, seconds=self.t - self.start)

    def save(self, **where: int) -> None:
        self.store.record_events(self.attempt_id, self.events, **where)


@lru_cache(maxsize=1)
def builtin_catalogue() -> Catalogue:
    """The built-in scenarios (read once per test session)."""
    return load_catalogue([BUILTIN_SCENARIOS])


def build_synthetic(store: Store, clock: Clock) -> SyntheticWorkshop:
    """Write the two workshops of this module's docstring into ``store``."""
    clock.set(FIRST_DAY - dt.timedelta(hours=1))
    first = store.create_workshop(
        "Atelier CAF et emploi", "Médiathèque Jean-Macé", "2026-11-12", [CAF, FT],
        themes=["Aide aux démarches administratives"], level="intermediaire",
        duration_minutes=120, equipment=["ordinateur"],
    )
    ids: dict[str, int] = {}
    for minute, name in enumerate(["Amina", "Bruno", "Chloé", "Diane", "Emma"]):
        clock.set(FIRST_DAY + dt.timedelta(minutes=minute))
        ids[name] = store.join(first["id"], name)["id"]
    at = FIRST_DAY + dt.timedelta(minutes=5)

    clock.set(at)
    store.record_observation(ids["Chloé"], "seul", "À l'aise avec la souris.")
    store.record_observation(ids["Diane"], "seul", "")

    clock.set(at + dt.timedelta(seconds=1))
    amina = Run(store, store.start_attempt(ids["Amina"], CAF, "sophie", 14), CAF, at)
    for screen_id in CAF_PATH[:-1]:
        errors = (("date-naissance", "format"),) if screen_id == "identite" else ()
        amina.screen(screen_id, 30, errors=errors)
    amina.finish(CAF_PATH[-1])
    amina.save(screen_index=14, screen_count=14)

    clock.set(at + dt.timedelta(seconds=2))
    bruno = Run(store, store.start_attempt(ids["Bruno"], CAF, "nadia", 14), CAF, at)
    for screen_id in CAF_PATH[:6]:
        bruno.screen(screen_id, 40)
    bruno.emit("screen_entered", "logement")
    bruno.emit("field_error", "logement", wait=20, field_id="loyer", error_kind="format")
    bruno.emit("field_error", "logement", wait=20, field_id="loyer", error_kind="format")
    bruno.emit("abandoned", "logement", wait=10)
    bruno.save(screen_index=7, screen_count=14)

    clock.set(at + dt.timedelta(seconds=3))
    chloe = Run(store, store.start_attempt(ids["Chloé"], CAF, "sophie", 14), CAF, at)
    for screen_id in CAF_PATH[:-1]:
        hints: tuple = ()
        if screen_id == "ressources":
            hints = (("mois-1", 1), ("mois-1", 2))
        elif screen_id == "banque":
            hints = (("iban", 1),)
        chloe.screen(screen_id, 80 if screen_id == "ressources" else 20, hints=hints)
    chloe.finish(CAF_PATH[-1])
    chloe.save(screen_index=14, screen_count=14)

    clock.set(at + dt.timedelta(seconds=4))
    diane = Run(store, store.start_attempt(ids["Diane"], FT, "karim", 15), FT, at)
    for screen_id in FT_PATH[:-1]:
        if screen_id == "coordonnees":
            diane.emit("screen_entered", "coordonnees")
            diane.emit("went_back", "coordonnees", wait=10)
            diane.screen("identite", 5)
        errors = (("iban", "checksum"),) if screen_id == "banque" else ()
        hints = (("nir", 1),) if screen_id == "identite" else ()
        diane.screen(screen_id, 25, errors=errors, hints=hints)
    diane.finish(FT_PATH[-1])
    diane.save(screen_index=15, screen_count=15)

    clock.set(at + dt.timedelta(minutes=10))
    store.record_observation(
        ids["Bruno"], "aide_animateur", "=SOMME(A1:A2) Besoin d'aide pour le loyer.", CAF
    )
    clock.set(at + dt.timedelta(minutes=11))
    store.record_observation(ids["Chloé"], "indices", "A demandé des indices.", CAF)
    clock.set(FIRST_DAY + dt.timedelta(minutes=30))
    store.heartbeat(ids["Amina"])
    clock.set(FIRST_DAY + dt.timedelta(hours=2))
    store.close_workshop(first["id"])

    clock.set(SECOND_DAY - dt.timedelta(hours=1))
    second = store.create_workshop("Atelier emploi", "Centre social", "2026-11-26", [FT])
    clock.set(SECOND_DAY)
    ids["chloe"] = store.join(second["id"], "chloe")["id"]
    clock.set(SECOND_DAY + dt.timedelta(minutes=1))
    ids["Farid"] = store.join(second["id"], "Farid")["id"]
    at = SECOND_DAY + dt.timedelta(minutes=2)
    clock.set(at)
    again = Run(store, store.start_attempt(ids["chloe"], FT, "lucas", 15), FT, at)
    again.screen("verification", 40)
    again.finish("inscription-automatique")
    again.save(screen_index=2, screen_count=2)
    farid = Run(store, store.start_attempt(ids["Farid"], FT, "karim", 15), FT, at)
    farid.emit("screen_entered", "verification")
    farid.emit("field_error", "verification", wait=18, field_id="situation",
               error_kind="required")
    farid.save(screen_index=1)
    return SyntheticWorkshop(store, builtin_catalogue(), first["id"], second["id"], ids)
