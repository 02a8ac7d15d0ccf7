"""Which screen follows which in a scenario: the branches' conditions, and the path they make.

Routing depends only on the scenario and on the answers given so far, read through an
:data:`Answer` function, so that it can be worked out without running anything:
:class:`~bacasable.run.runner.Runner` asks it where to go, and for the path to number its screens.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bacasable.scenario.schema import Condition, Scenario, Screen

#: Returns the valid answer of a ``screen_id.field_id`` reference, or None when there is none.
Answer = Callable[[str], Any]


def condition_holds(cond: Condition | None, answer: Answer) -> bool:
    """Return True when a branch's condition holds for the answers given.

    Parameters
    ----------
    cond : Condition or None
        The branch's ``when``; None always holds.
    answer : Answer
        Reads the answer the condition is about.

    Returns
    -------
    bool
        Whether the answer ``equals`` the value (or, for checkboxes, includes it), differs
        from ``not_equals``, or is one of ``any_of``.
    """
    if cond is None:
        return True
    value = answer(cond.field)
    if isinstance(value, list):
        values = set(value)
    else:
        values = {value}
    if cond.equals is not None:
        return value == cond.equals or (isinstance(value, list) and cond.equals in values)
    if cond.not_equals is not None:
        return value != cond.not_equals
    return bool(values & set(cond.any_of or ()))


def _only_by_branch(scenario: Scenario, screen: Screen) -> bool:
    targets = {b.goto for s in scenario.screens for b in s.next}
    return screen.end and screen.id in targets


def next_screen(scenario: Scenario, screen: Screen, answer: Answer) -> str | None:
    """Return the screen that follows ``screen`` given the answers, or None after the last.

    Parameters
    ----------
    scenario : Scenario
    screen : Screen
        One of its screens.
    answer : Answer
        Reads the answers the branches' conditions are about.

    Returns
    -------
    str or None
        The target of the first branch whose condition holds, else the next screen in order
        that is not an end reached only by a branch; None after an end screen or the last one.
    """
    if screen.end:
        return None
    for branch in screen.next:
        if condition_holds(branch.when, answer):
            return branch.goto
    index = [s.id for s in scenario.screens].index(screen.id) + 1
    # Screens reached only by a branch that ends are skipped on the ordinary path.
    while index < len(scenario.screens):
        candidate = scenario.screens[index]
        if not _only_by_branch(scenario, candidate):
            return candidate.id
        index += 1
    return None


def expected_path(scenario: Scenario, answer: Answer) -> list[str]:
    """Return the screens from first to last, as the answers make the path now.

    Parameters
    ----------
    scenario : Scenario
    answer : Answer
        Reads the answers given so far (a screen not answered yet takes no branch that needs
        its answer).

    Returns
    -------
    list of str
        Screen ids, each once: a loop back to a screen already on the path ends it.
    """
    seen: list[str] = []
    current: str | None = scenario.screens[0].id
    while current is not None and current not in seen:
        seen.append(current)
        current = next_screen(scenario, scenario.screen(current), answer)
    return seen
