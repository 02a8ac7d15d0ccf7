"""What a diagnostic's screens show besides the form: « Je ne sais pas faire », then the result.

:func:`diagnostic_view` gives the page, as JSON-ready data, whether the screen is a task (the
learner may leave it) and, at the end, the level advised in plain words, the exercises to do
next with their reasons, and the competences done or to practise.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bacasable.scenario.diagnostic_schema import is_task
from bacasable.scenario.framework import skill_label

from .diagnostic import DiagnosticResult, place
from .runner import Runner

__all__ = [
    "GIVE_UP_LABEL",
    "LEVEL_NAMES",
    "diagnostic_view",
    "level_sentence",
    "with_titles",
]

#: The button that leaves a task not done.
GIVE_UP_LABEL = "Je ne sais pas faire"
#: Said under it, so that leaving a task is no failure.
GIVE_UP_HELP = "Ce n'est pas grave : vous passez à la tâche suivante."
#: The levels in plain words.
LEVEL_NAMES = {"debutant": "débutant", "intermediaire": "intermédiaire", "avance": "avancé"}


def level_sentence(level: str) -> str:
    """Return « Vous pouvez commencer par les exercices du niveau débutant. » (or another)."""
    name = LEVEL_NAMES.get(level, LEVEL_NAMES["debutant"])
    return f"Vous pouvez commencer par les exercices du niveau {name}."


def _tasks(n: int) -> str:
    return f"{n} tâche" if n <= 1 else f"{n} tâches"


def _task_lines(result: DiagnosticResult) -> list[str]:
    alone, helped = result.count("alone"), result.count("helped")
    left = result.count("not_done")
    lines = [f"Vous avez fait {_tasks(alone + helped)} sur {len(result.tasks)}."]
    if alone:
        lines.append(f"{_tasks(alone)} sans aide.")
    if helped:
        lines.append(f"{_tasks(helped)} avec un indice ou après une erreur.")
    if left:
        lines.append(f"{_tasks(left)} à apprendre.")
    return lines


def result_view(run: Runner, result: DiagnosticResult) -> dict[str, Any]:
    """Return the end of a diagnostic as the page shows it.

    Returns
    -------
    dict
        ``level`` (``debutant``…), ``title`` (« Niveau conseillé : débutant »), ``sentence``
        (:func:`level_sentence`), ``lines`` (the tasks done, in plain words), ``score`` and
        ``most``, ``next`` (``scenario``, ``title``: the id until :func:`with_titles`,
        ``reason``), ``skills_done`` and ``skills_practise`` (« 4.1 Sécuriser… »).
    """
    diagnostic = run.scenario.diagnostic
    following = diagnostic.next.for_level(result.level) if diagnostic is not None else []
    return {
        "level": result.level,
        "title": f"Niveau conseillé : {LEVEL_NAMES.get(result.level, result.level)}",
        "sentence": level_sentence(result.level),
        "lines": _task_lines(result),
        "score": result.score,
        "most": result.most,
        "next": [{"scenario": n.scenario, "title": n.scenario, "reason": run.text(n.reason)}
                 for n in following],
        "skills_done": [skill_label(c) for c, s in result.skills.items() if s == "done"],
        "skills_practise": [skill_label(c) for c, s in result.skills.items() if s == "practise"],
    }


def diagnostic_view(run: Runner) -> dict[str, Any] | None:
    """Return what a diagnostic's screen adds to :func:`~bacasable.run.view.screen_view`.

    Returns
    -------
    dict or None
        None for a scenario that is not a diagnostic. Otherwise ``task`` (the screen is a
        task the learner may leave: the page shows ``give_up_label`` and ``give_up_help``)
        and ``result`` (:func:`result_view`, once the run is on its last screen; else None).
    """
    if run.scenario.diagnostic is None:
        return None
    screen = run.screen
    can_leave = hasattr(run, "give_up") and run.status == "running"
    ended = run.status == "finished" or screen.role == "receipt"
    result = None
    if ended:
        done_before = getattr(run, "done_before", None)
        result = result_view(run, place(run.scenario, run.log, done_before))
    return {
        "task": bool(can_leave and is_task(screen)),
        "give_up_label": GIVE_UP_LABEL,
        "give_up_help": GIVE_UP_HELP,
        "result": result,
    }


def with_titles(view: dict[str, Any], titles: Mapping[str, str] | None) -> dict[str, Any]:
    """Put the exercises' titles in a screen view's result, in place of their ids.

    Parameters
    ----------
    view
        What :func:`~bacasable.run.view.screen_view` returned (changed in place).
    titles
        Exercise titles by scenario id (the catalogue's); an id missing keeps itself.

    Returns
    -------
    dict
        ``view``.
    """
    result = (view.get("diagnostic") or {}).get("result")
    if result and titles:
        for item in result["next"]:
            item["title"] = titles.get(item["scenario"], item["title"])
    return view
