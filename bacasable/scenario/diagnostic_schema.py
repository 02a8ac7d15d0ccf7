"""The ``diagnostic:`` block of a scenario: a short placement test made of small real tasks.

A diagnostic (« Par où commencer ? ») is a scenario like the others: same YAML, same screens,
same field kinds and events. Its ``diagnostic:`` block says how its score places the learner
(``placement``) and which exercises to do next at each level (``next``). Each screen with
fields, or each quiz, is one **task**, scored by what the learner did
(:mod:`bacasable.run.diagnostic`): 2 points done alone, 1 with a hint or after an error,
0 not done (« Je ne sais pas faire »).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from .base import Identifier, Text, _Model

__all__ = [
    "LEVELS",
    "POINTS_PER_TASK",
    "Diagnostic",
    "NextExercise",
    "NextExercises",
    "Placement",
    "diagnostic_problem",
    "is_task",
    "task_screens",
]

#: The levels a diagnostic places a learner at, from the first to the last.
LEVELS = ("debutant", "intermediaire", "avance")
PlacementLevel = Literal["debutant", "intermediaire", "avance"]

#: The most points a task gives (done alone, at the first try).
POINTS_PER_TASK = 2

#: How many exercises a level suggests, at least and at most.
MIN_NEXT, MAX_NEXT = 1, 3


class NextExercise(_Model):
    """An exercise to do next, with the reason, in one plain sentence for the learner."""

    #: The id of a scenario of the catalogue (``ameli-compte``…).
    scenario: Identifier
    #: Why this one: « Pour remplir un formulaire pas à pas. »
    reason: Text


class NextExercises(_Model):
    """The exercises to do next at each level, one to three each, the first one first."""

    debutant: list[NextExercise] = Field(min_length=MIN_NEXT, max_length=MAX_NEXT)
    intermediaire: list[NextExercise] = Field(min_length=MIN_NEXT, max_length=MAX_NEXT)
    avance: list[NextExercise] = Field(min_length=MIN_NEXT, max_length=MAX_NEXT)

    def for_level(self, level: str) -> list[NextExercise]:
        """Return the exercises of a level (those of ``debutant`` for an unknown one)."""
        return list(getattr(self, level, None) or self.debutant)


class Placement(_Model):
    """The lowest score of each level; under ``intermediaire``, the learner is a beginner."""

    #: From this score on, the learner starts with the exercises of level « intermédiaire ».
    intermediaire: int = Field(ge=1)
    #: From this score on, with those of level « avancé ».
    avance: int = Field(ge=1)

    @model_validator(mode="after")
    def _in_order(self) -> Placement:
        if self.avance <= self.intermediaire:
            raise ValueError(
                f"le seuil « avance » ({self.avance}) doit être plus grand que le seuil "
                f"« intermediaire » ({self.intermediaire})"
            )
        return self

    def level(self, score: int) -> PlacementLevel:
        """Return the level of a score: « avance », « intermediaire » or « debutant »."""
        if score >= self.avance:
            return "avance"
        if score >= self.intermediaire:
            return "intermediaire"
        return "debutant"


class Diagnostic(_Model):
    """How the tasks of a diagnostic place the learner, and what to do next at each level."""

    #: The scores from which a learner is « intermédiaire », then « avancé » (2 points a task
    #: done alone, 1 with help, 0 not done).
    placement: Placement
    #: For each level, the 1 to 3 exercises to do next, each with its reason.
    next: NextExercises


def is_task(screen: Any) -> bool:
    """Return True when a screen of a diagnostic is a task: a form with fields, or a quiz."""
    return screen.role == "quiz" or (screen.role == "form" and bool(screen.fields))


def task_screens(scenario: Any) -> list[Any]:
    """Return the task screens of a scenario, in order."""
    return [s for s in scenario.screens if is_task(s)]


def diagnostic_problem(scenario: Any) -> str | None:
    """Return what is wrong with a scenario's ``diagnostic`` block (in French), or None.

    A diagnostic has at least one task, and its thresholds are within reach: « avance » is
    at most 2 points a task.
    """
    diagnostic = scenario.diagnostic
    if diagnostic is None:
        return None
    tasks = task_screens(scenario)
    if not tasks:
        return "un diagnostic a au moins une tâche : un écran avec des champs, ou un quiz"
    most = POINTS_PER_TASK * len(tasks)
    if diagnostic.placement.avance > most:
        return (
            f"le seuil « avance » ({diagnostic.placement.avance}) dépasse le score le plus "
            f"haut possible : {most} (2 points pour chacune des {len(tasks)} tâches)"
        )
    if any(n.scenario == scenario.id for level in LEVELS
           for n in diagnostic.next.for_level(level)):
        return "un diagnostic ne se propose pas lui-même dans « next »"
    return None
