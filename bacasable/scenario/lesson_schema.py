"""The parts of a short lesson and of a quiz screen, and what such a screen may hold."""

from __future__ import annotations

from typing import Any

from .base import Identifier, Text, _Model
from .persona_schema import DocumentKind

#: Screens that teach rather than copy the site: the facilitator may skip them for the room.
LESSON_ROLES = frozenset({"lesson", "quiz"})

#: The continue button of a lesson, when the scenario gives none.
LESSON_CONTINUE = "J'ai compris"

#: How many answers a quiz offers.
MIN_ANSWERS, MAX_ANSWERS = 2, 4


class Picture(_Model):
    """A picture of a lesson: one of the persona's fictional papers (``document: vitale_card``)."""

    #: The kind of document shown: the persona's first document of this kind.
    document: DocumentKind
    #: A short sentence under the picture (« Le numéro est en haut de la carte. »).
    caption: Text | None = None


class Answer(_Model):
    """One answer of a quiz, with what the learner is told on choosing it."""

    id: Identifier
    label: Text
    correct: bool = False
    #: Why this answer is right, or why it is not: shown once it is chosen.
    explanation: Text


def lesson_defaults(data: Any) -> Any:
    """Give a lesson its own continue button (« J'ai compris ») when it names none."""
    if isinstance(data, dict) and data.get("role") == "lesson" and "continue_label" not in data:
        return {**data, "continue_label": LESSON_CONTINUE}
    return data


def lesson_problem(screen: Any) -> str | None:
    """Return what is wrong with a lesson or quiz screen (in French), or None.

    A lesson and a quiz have no field; ``example`` and ``picture`` belong to a lesson,
    ``question`` and ``answers`` to a quiz: one question, two to four answers, exactly one
    of them right, each with its explanation.
    """
    role = screen.role
    if role in LESSON_ROLES and screen.fields:
        return f"un écran « {role} » n'a pas de champ (fields) : retirez-les"
    if role != "lesson" and (screen.example or screen.picture):
        return "« example » et « picture » vont sur un écran « lesson »"
    if role != "quiz":
        if screen.question or screen.answers:
            return "« question » et « answers » vont sur un écran « quiz »"
        return None
    if not screen.question:
        return "un quiz pose une question (question:)"
    count = len(screen.answers)
    if not MIN_ANSWERS <= count <= MAX_ANSWERS:
        return f"un quiz propose de {MIN_ANSWERS} à {MAX_ANSWERS} réponses, pas {count}"
    right = sum(a.correct for a in screen.answers)
    if right != 1:
        return f"un quiz a exactement une bonne réponse (correct: true), pas {right}"
    ids = [a.id for a in screen.answers]
    if len(ids) != len(set(ids)):
        return "deux réponses du quiz ont le même identifiant"
    return None
