"""A diagnostic's score, from what the learner did: each task done alone, with help, or not done.

Pure functions over a run's events (:class:`~bacasable.run.events.RunEvent` values, or the
rows the store gives back): never what the learner says of themselves, never what was typed.

* A **task** is a screen with fields, or a quiz
  (:func:`~bacasable.scenario.diagnostic_schema.is_task`).
* **Done alone** (2 points): validated (``screen_done``) without a hint, an error, a wrong
  quiz answer, nor a « Je ne sais pas faire » first.
* **Done with help** (1 point): validated after any of those.
* **Not done** (0): never validated, « Je ne sais pas faire » (``gave_up``) or not reached.

The score places the learner with the thresholds of the scenario's ``diagnostic.placement``;
a competence of the framework is « done » when its tasks earned at least three quarters of
their points, « to practise » otherwise. :class:`DiagnosticRunner` is the runner of a
diagnostic: it lets the learner leave a task, and says the level at the end (``placed``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from bacasable.scenario.diagnostic_schema import POINTS_PER_TASK, is_task, task_screens
from bacasable.scenario.framework import skill_order
from bacasable.scenario.schema import Persona, Scenario

from .runner import Runner

__all__ = [
    "DiagnosticResult",
    "DiagnosticRunner",
    "TaskResult",
    "place",
    "runner_for",
    "skill_results",
    "task_results",
]

TaskState = Literal["alone", "helped", "not_done"]
SkillState = Literal["done", "practise"]

#: Points of a task by what the learner did.
POINTS: dict[str, int] = {"alone": POINTS_PER_TASK, "helped": 1, "not_done": 0}
#: Share of its points from which a competence counts as done.
SKILL_DONE_SHARE = 0.75
#: Events that say the learner needed help on a screen (a wrong quiz answer too, below).
_HELP = frozenset({"hint_shown", "field_error", "gave_up"})


@dataclasses.dataclass(frozen=True)
class TaskResult:
    """What the learner did on one task."""

    screen_id: str
    state: TaskState
    #: The competences of the task (the screen's, else the scenario's).
    skills: tuple[str, ...]

    @property
    def points(self) -> int:
        """2 done alone, 1 with help, 0 not done."""
        return POINTS[self.state]


@dataclasses.dataclass(frozen=True)
class DiagnosticResult:
    """The placement of a diagnostic run: its level, its score, each task, each competence."""

    level: str
    score: int
    #: The highest score possible (2 points a task).
    most: int
    tasks: tuple[TaskResult, ...]
    #: Each competence met: ``done`` or ``practise``, in the framework's order.
    skills: dict[str, SkillState]

    def count(self, state: TaskState) -> int:
        """Return how many tasks are in this state."""
        return sum(t.state == state for t in self.tasks)


def _value(event: Any, key: str) -> Any:
    if isinstance(event, Mapping):
        return event.get(key)
    return getattr(event, key, None)


def task_results(
    scenario: Scenario, events: Iterable[Any], done_before: Mapping[str, TaskState] | None = None
) -> list[TaskResult]:
    """Return what the learner did on each task of a diagnostic, in the scenario's order.

    Parameters
    ----------
    scenario
        The diagnostic.
    events
        The run's events, oldest first: :class:`RunEvent` values or mappings with ``type``,
        ``screen_id`` and, for a quiz, ``correct``. Other screens' events are ignored.
    done_before
        Tasks done before the run was reopened, whose events this run no longer has, with
        what is known of them (``alone`` or ``helped``).

    Returns
    -------
    list of TaskResult
    """
    tasks = task_screens(scenario)
    ids = {t.id for t in tasks}
    done: set[str] = set()
    helped: set[str] = set()
    for event in events:
        screen_id = _value(event, "screen_id")
        if screen_id not in ids:
            continue
        kind = _value(event, "type")
        if kind == "screen_done":
            done.add(screen_id)
        elif kind in _HELP or (kind == "quiz_answered" and _value(event, "correct") is False):
            helped.add(screen_id)
    earlier = {k: v for k, v in (done_before or {}).items() if k in ids and k not in done}
    out = []
    for task in tasks:
        state: TaskState
        if task.id in earlier:
            state = "helped" if task.id in helped else earlier[task.id]
        elif task.id not in done:
            state = "not_done"
        else:
            state = "helped" if task.id in helped else "alone"
        out.append(TaskResult(task.id, state, tuple(task.skills or scenario.skills)))
    return out


def skill_results(tasks: Iterable[TaskResult]) -> dict[str, SkillState]:
    """Return each competence of the tasks, ``done`` or ``practise``, in the framework's order.

    A competence is done when its tasks earned at least :data:`SKILL_DONE_SHARE` of their
    points: one task done alone, or two tasks of which one with help.
    """
    points: dict[str, list[int]] = {}
    for task in tasks:
        for code in task.skills:
            points.setdefault(code, []).append(task.points)
    return {
        code: "done" if sum(got) >= SKILL_DONE_SHARE * POINTS_PER_TASK * len(got) else "practise"
        for code, got in sorted(points.items(), key=lambda item: skill_order(item[0]))
    }


def place(
    scenario: Scenario, events: Iterable[Any], done_before: Mapping[str, TaskState] | None = None
) -> DiagnosticResult:
    """Score a diagnostic run and place the learner.

    Parameters
    ----------
    scenario
        A scenario with a ``diagnostic`` block.
    events, done_before
        As for :func:`task_results`.

    Returns
    -------
    DiagnosticResult

    Raises
    ------
    ValueError
        When the scenario is not a diagnostic.
    """
    if scenario.diagnostic is None:
        raise ValueError(f"{scenario.id} n'est pas un diagnostic")
    tasks = tuple(task_results(scenario, events, done_before))
    score = sum(t.points for t in tasks)
    return DiagnosticResult(
        level=scenario.diagnostic.placement.level(score),
        score=score,
        most=POINTS_PER_TASK * len(tasks),
        tasks=tasks,
        skills=skill_results(tasks),
    )


class DiagnosticRunner(Runner):
    """The run of a diagnostic: a task may be left undone, and the end says the level.

    :meth:`give_up` is « Je ne sais pas faire »: the task stays not done (a ``gave_up``
    event) and the next screen comes. When the run finishes, a ``placed`` event carries the
    level advised (the store keeps it as the run's outcome), just before ``finished``.
    """

    def __init__(self, scenario: Scenario, persona: Persona, **options: Any) -> None:
        #: Tasks done before the run was reopened (see :meth:`resume`).
        self.done_before: dict[str, TaskState] = {}
        super().__init__(scenario, persona, **options)

    def give_up(self) -> bool:
        """Leave the task on screen not done and go to the next screen.

        Returns
        -------
        bool
            False, and nothing changes, when the screen is not a task or the run is over.
        """
        screen = self.screen
        if self.status != "running" or not is_task(screen):
            return False
        self._leave()
        self._emit("gave_up", screen_id=screen.id)
        return self._go_on(screen)

    def resume(self, screens_done: list[str], screen_id: str, *, errors: int = 0,
               hints: int = 0) -> bool:
        """Put a reopened run back (see :meth:`Runner.resume`), keeping its tasks done.

        Their events stay in the store, not in this run: a task done before counts as done
        alone when the run had no error nor hint by then, as done with help otherwise.
        """
        moved = super().resume(screens_done, screen_id, errors=errors, hints=hints)
        if moved:
            state: TaskState = "helped" if int(errors) + int(hints) > 0 else "alone"
            self.done_before = {s: state for s in screens_done if s != screen_id}
        return moved

    def result(self) -> DiagnosticResult:
        """Return the placement as the run's events make it now."""
        return place(self.scenario, self.log, self.done_before)

    def _finish(self) -> None:
        if self.status == "running" and self.scenario.diagnostic is not None:
            self._emit("placed", screen_id=self.current_id, level=self.result().level)
        super()._finish()


def runner_for(scenario: Scenario, persona: Persona, **options: Any) -> Runner:
    """Return the runner a learner plays a scenario with: a diagnostic's own, or the usual one.

    Parameters
    ----------
    scenario, persona
        As for :class:`~bacasable.run.runner.Runner`.
    **options
        Its keyword arguments (``seed``, ``today``, ``clock``).
    """
    if scenario.diagnostic is not None:
        return DiagnosticRunner(scenario, persona, **options)
    return Runner(scenario, persona, **options)
