"""Checks of a diagnostic's block: the exercises it suggests exist, each task says its skills.

:func:`diagnostic_findings` is part of :func:`bacasable.authoring.checks.check_catalogue`
(``bacasable validate``, the scenario editor's « Vérifier »); :func:`diagnostic_texts` gives
the lint of long sentences the reasons the learner reads at the end.
"""

from __future__ import annotations

from collections.abc import Iterator

from bacasable.scenario.diagnostic_schema import LEVELS, is_task
from bacasable.scenario.loader import Catalogue, Finding
from bacasable.scenario.schema import Scenario

__all__ = ["diagnostic_findings", "diagnostic_texts"]


def diagnostic_texts(scenario: Scenario) -> Iterator[tuple[tuple, str]]:
    """Yield the learner-facing texts of a diagnostic's block, with their location."""
    if scenario.diagnostic is None:
        return
    for level in LEVELS:
        for ni, item in enumerate(scenario.diagnostic.next.for_level(level)):
            yield ("diagnostic", "next", level, ni, "reason"), item.reason


def diagnostic_findings(cat: Catalogue, known: Catalogue | None = None) -> list[Finding]:
    """Return what is wrong in the catalogue's diagnostics (an empty list when none is).

    * An exercise of ``next`` that neither the catalogue nor ``known`` (the scenarios the
      editor or an import knows, when they check one file) has: an error, the learner would
      be sent nowhere.
    * A task without its own ``skills`` (a warning: the end of the diagnostic and the bilan
      could not say which competence it shows).
    """
    out = []
    exercises = set(cat.scenarios) | set(known.scenarios if known is not None else ())
    for s in cat.scenarios.values():
        if s.diagnostic is None:
            continue
        for level in LEVELS:
            for ni, item in enumerate(s.diagnostic.next.for_level(level)):
                if item.scenario not in exercises:
                    path, line, col = cat.locate(s.id, ("diagnostic", "next", level, ni,
                                                        "scenario"))
                    out.append(Finding(
                        path, line, col, f"exercice inconnu dans « next » : {item.scenario}",
                        fix="Écrivez l'identifiant (id) d'un exercice de scenarios/.",
                    ))
        for si, screen in enumerate(s.screens):
            if is_task(screen) and not screen.skills:
                path, line, col = cat.locate(s.id, ("screens", si, "id"))
                out.append(Finding(
                    path, line, col,
                    f"la tâche « {screen.id} » ne dit pas ses compétences (skills)",
                    severity="warning",
                    fix="Ajoutez « skills: » avec le numéro des compétences du référentiel "
                    "que cette tâche montre, par exemple [\"4.1\"].",
                ))
    return out
