"""A quiz screen within a run: the answers given, and what the learner is told about each.

A wrong answer is never a failure: the screen stays, says kindly why that answer is not the
right one, and lets the learner try again. No score is kept, only, in the run's events, which
answer was chosen, whether it was right and whether it was the first try.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from bacasable.scenario.schema import Answer, Screen

#: What the learner is told, before the answer's explanation, when it is right.
RIGHT = "Bonne réponse."
#: … when it is not, before and after the explanation.
NOT_QUITE = "Pas tout à fait."
TRY_AGAIN = "Essayez encore."
#: When the learner confirms without choosing.
CHOOSE_FIRST = "Choisissez une réponse, puis validez."
#: The button that confirms the answer chosen, before the quiz is solved.
CHECK_LABEL = "Valider ma réponse"


@dataclasses.dataclass
class QuizState:
    """The answers given to one quiz of a run (in memory, like the run's answers)."""

    #: The last answer chosen, by id.
    chosen: str | None = None
    #: How many answers were given.
    tries: int = 0
    #: The right answer was found: the learner may go on.
    solved: bool = False
    #: Confirmed without choosing: the screen asks to choose.
    unanswered: bool = False


def find_answer(screen: Screen, answer_id: Any) -> Answer | None:
    """Return the answer of ``screen`` with this id, or None."""
    return next((a for a in screen.answers if a.id == answer_id), None)


def give_answer(state: QuizState, screen: Screen, answer_id: Any) -> Answer | None:
    """Note an answer to a quiz in ``state``; return it when it counts (an event is due).

    The screen stays either way, to say why (:func:`feedback`). No answer chosen: the screen
    asks to choose. Once the right answer is found, other answers change nothing.
    """
    choice = find_answer(screen, answer_id)
    state.unanswered = choice is None and not state.solved
    if choice is None or state.solved:
        return None
    state.tries += 1
    state.chosen, state.solved = choice.id, choice.correct
    return choice


def right_answer(screen: Screen) -> Answer | None:
    """Return the quiz's right answer (None for a screen that is not a quiz)."""
    return next((a for a in screen.answers if a.correct), None)


def feedback(screen: Screen, state: QuizState | None) -> dict[str, Any] | None:
    """Return what the screen says about the last answer, or None before any.

    Returns
    -------
    dict or None
        ``right`` (bool), ``title`` (« Bonne réponse. » or « Pas tout à fait. »), ``text``
        (the answer's explanation) and ``next`` (« Essayez encore. » after a wrong answer);
        or, confirmed without a choice, ``right`` False and ``title`` « Choisissez une réponse ».
    """
    if state is None:
        return None
    if state.unanswered:
        return {"right": False, "title": CHOOSE_FIRST, "text": None, "next": None}
    answer = find_answer(screen, state.chosen)
    if answer is None:
        return None
    if answer.correct:
        return {"right": True, "title": RIGHT, "text": answer.explanation, "next": None}
    return {"right": False, "title": NOT_QUITE, "text": answer.explanation, "next": TRY_AGAIN}
