"""The list of exercises: one card per scenario, a persona to choose and a "Commencer" button."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import traitlets

from bacasable.common import config
from bacasable.scenario.framework import FRAMEWORK, skill_order
from bacasable.scenario.loader import Catalogue
from bacasable.scenario.schema import CATEGORY_LABELS, LEVEL_LABELS
from widgets.common.base import ActionWidget, log, module

#: Told to the learner when some scenario file could not be read (details go to the log).
BROKEN_MESSAGE = "Un exercice n'a pas pu être chargé. Prévenez l'animateur."
BROKEN_MESSAGE_MANY = "{n} exercices n'ont pas pu être chargés. Prévenez l'animateur."


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


#: The group of the exercises that name none, shown last.
OTHER_CATEGORY = ("autres", "Autres exercices")

#: Where an exercise comes from, as the cards say it.
ORIGIN_BUILTIN = "Exercice fourni"
ORIGIN_LOCAL = "Exercice local (dossier {folder})"
ORIGIN_OVERRIDES = "remplace l'exercice fourni"


def _is_builtin(path: Path | None, builtin: Path) -> bool:
    if path is None:
        return False
    try:
        return Path(path).resolve().parent == Path(builtin).resolve()
    except OSError:
        return False


def scenario_origin(
    catalogue: Catalogue, scenario_id: str, builtin: Path | None = None
) -> dict[str, Any]:
    """Say whether a scenario is built-in or comes from a local folder.

    Parameters
    ----------
    catalogue : Catalogue
    scenario_id : str
    builtin : Path, optional
        The built-in scenario folder (default: :data:`bacasable.common.config.BUILTIN_SCENARIOS`).

    Returns
    -------
    dict
        ``local`` (bool), ``folder`` (the local folder, or ""), ``origin`` ("Exercice fourni"
        or "Exercice local (dossier …)") and ``overrides``: "remplace l'exercice fourni" when
        a local file replaces a built-in scenario of the same id, else "".
    """
    builtin = config.BUILTIN_SCENARIOS if builtin is None else builtin
    path = catalogue.sources.get(scenario_id)
    if path is None or _is_builtin(path, builtin):
        return {"local": False, "folder": "", "origin": ORIGIN_BUILTIN, "overrides": ""}
    folder = str(Path(path).parent)
    replaced = _is_builtin(catalogue.overridden.get(scenario_id), builtin)
    return {"local": True, "folder": folder, "origin": ORIGIN_LOCAL.format(folder=folder),
            "overrides": ORIGIN_OVERRIDES if replaced else ""}


def scenario_cards(catalogue: Catalogue) -> tuple[list[dict[str, Any]], int]:
    """Return the cards of the startable scenarios, and how many could not be offered.

    Parameters
    ----------
    catalogue : Catalogue
        What :func:`bacasable.scenario.loader.load_catalogue` read.

    Returns
    -------
    cards : list of dict
        ``id``, ``title``, ``service``, ``summary``, ``duration`` ("30 min"), ``level``
        ("Débutant"), ``diagnostic`` (a placement test: « Par où commencer ? », shown first),
        the origin of :func:`scenario_origin` (``local``, ``folder``, ``origin``,
        ``overrides``), ``category``, ``category_label`` and ``category_rank``
        (the catalogue's group), ``skills`` ("2.4 S'insérer…") and ``personas`` (``id``,
        ``first_name``, ``story``) of each scenario that has at least one known persona,
        sorted by group, level, then title, the diagnostics first.
    broken : int
        Scenario files with errors plus scenarios with no known persona.
    """
    # Persona files are not exercises: a scenario left with no persona is counted below.
    broken_files = {f.path for f in catalogue.errors if Path(f.path).parent.name != "personas"}
    loaded_files = {str(p) for p in catalogue.sources.values()}
    broken = len(broken_files - loaded_files)
    order = list(LEVEL_LABELS)
    groups = list(CATEGORY_LABELS)
    cards = []
    for scenario in catalogue.scenarios.values():
        personas = [catalogue.personas[p] for p in scenario.personas if p in catalogue.personas]
        if not personas:
            log.warning("scenario %s has no known persona: not offered", scenario.id)
            broken += 1
            continue
        cards.append({
            "id": scenario.id,
            "title": scenario.title,
            "service": scenario.service,
            "summary": scenario.summary,
            "duration": f"{scenario.duration_minutes} min",
            "level": LEVEL_LABELS.get(scenario.level, scenario.level),
            "level_rank": order.index(scenario.level) if scenario.level in order else 99,
            "diagnostic": scenario.diagnostic is not None,
            "category": scenario.category or OTHER_CATEGORY[0],
            "category_label": CATEGORY_LABELS.get(scenario.category or "", OTHER_CATEGORY[1]),
            "category_rank": groups.index(scenario.category) if scenario.category else 99,
            "skills": [f"{code} {FRAMEWORK[code]}" for code in sorted(scenario.skills,
                                                                      key=skill_order)
                       if code in FRAMEWORK],
            **scenario_origin(catalogue, scenario.id),
            "personas": [
                {"id": p.id, "first_name": p.first_name, "story": _first_line(p.story)}
                for p in personas
            ],
        })
    cards.sort(key=lambda c: (not c["diagnostic"], c["category_rank"], c["level_rank"],
                              c["title"]))
    return cards, broken


class CatalogueView(ActionWidget):
    """Cards of the exercises; "Commencer" sends ``{action: "start", scenario, persona}``.

    Attributes
    ----------
    scenarios : list of dict
        The cards of :func:`scenario_cards`.
    message : str
        A polite message shown above the cards ("Cet exercice n'existe pas…"), or "".
    problem : str
        The plain-French notice about exercises that could not be loaded, or "".
    focus_title : bool
        Put focus on the title when shown (back from an exercise).
    """

    _esm = module("learner/catalogue.js")

    scenarios = traitlets.List(traitlets.Dict()).tag(sync=True)
    message = traitlets.Unicode("").tag(sync=True)
    problem = traitlets.Unicode("").tag(sync=True)
    focus_title = traitlets.Bool(False).tag(sync=True)

    def __init__(self, catalogue: Catalogue | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_class("bas-widget")
        if catalogue is not None:
            self.show(catalogue)

    def show(self, catalogue: Catalogue) -> None:
        """Show the scenarios of ``catalogue`` and, politely, how many could not be loaded.

        Parameters
        ----------
        catalogue : Catalogue
        """
        for finding in catalogue.findings:
            log.warning("catalogue: %s", finding)
        cards, broken = scenario_cards(catalogue)
        self.scenarios = cards
        if broken == 1:
            self.problem = BROKEN_MESSAGE
        elif broken > 1:
            self.problem = BROKEN_MESSAGE_MANY.format(n=broken)
        else:
            self.problem = ""
