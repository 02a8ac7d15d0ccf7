"""Hints that differ by persona, and every text a learner reads in a scenario, in screen order.

A field's ``hints`` are for every persona. ``hints_by_persona`` gives a persona its own list,
which replaces them when this persona is played::

    hints:
      - Regardez la fiche du personnage.
    hints_by_persona:
      lucas:
        - Lucas va à la Mission locale, mais il n'a ni CEJ ni PACEA.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Annotated, Any

from pydantic import Field, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from .base import Identifier, Text

__all__ = ["PersonaHints", "check_persona_hints", "hints_for", "learner_texts", "screen_texts"]

#: A field's ``hints_by_persona``: for a persona's id, its own hints (one to four, from gentle
#: to explicit), shown instead of the field's ``hints`` when this persona is played.
PersonaHints = dict[Identifier, Annotated[list[Text], Field(min_length=1, max_length=4)]]


def hints_for(spec: Any, persona_id: str) -> list[str]:
    """Return the hints a persona sees for a field: its own, else the common ones ([] for None)."""
    if spec is None:
        return []
    return list(spec.hints_by_persona.get(persona_id) or spec.hints)


def check_persona_hints(screens: Iterable[Any], personas: list[str] | None, title: str) -> None:
    """Refuse a hint for a persona that does not play these screens, located at its key.

    ``personas`` is the scenario's list; None for a shared flow, whose hints stay common (it
    serves scenarios with other personas). Raises a :class:`pydantic.ValidationError` whose
    locations lead to the ``hints_by_persona`` key in the file.
    """
    errors: list[InitErrorDetails] = []
    for si, screen in enumerate(screens):
        for fi, spec in enumerate(screen.fields):
            for persona_id in spec.hints_by_persona:
                if personas is None:
                    message = ("un parcours partagé sert à plusieurs scénarios : ses indices "
                               "sont communs. Écrivez-les dans « hints », avec {first_name} "
                               "ou une donnée de la fiche si besoin")
                elif persona_id not in personas:
                    message = (f"indice pour un persona inconnu : « {persona_id} ». Les "
                               f"personas de ce scénario : {', '.join(personas)}")
                else:
                    continue
                errors.append(InitErrorDetails(
                    type=PydanticCustomError("value_error", message),
                    loc=("screens", si, "fields", fi, "hints_by_persona", persona_id),
                    input=persona_id))
    if errors:
        raise ValidationError.from_exception_data(title, errors)


def screen_texts(screen: Any, base: tuple, persona_id: str | None = None, *,
                 title: bool = False) -> Iterator[tuple[tuple, str]]:
    """Yield the texts of one screen with their locations (under ``base``), in reading order.

    With a ``persona_id``, the hints this persona sees; without, every hint (the common ones,
    then each persona's). The title comes first when ``title`` is true.
    """
    if title:
        yield (*base, "title"), screen.title
    if screen.intro:
        yield (*base, "intro"), screen.intro
    for bi, para in enumerate(screen.body):
        yield (*base, "body", bi), para
    for ei, event in enumerate(screen.events):
        for key in ("subject", "message"):
            if getattr(event, key):
                yield (*base, "events", ei, key), getattr(event, key)
    if screen.example:
        yield (*base, "example"), screen.example
    if screen.picture is not None and screen.picture.caption:
        yield (*base, "picture", "caption"), screen.picture.caption
    if screen.question:
        yield (*base, "question"), screen.question
    for ai, answer in enumerate(screen.answers):
        yield (*base, "answers", ai, "label"), answer.label
        yield (*base, "answers", ai, "explanation"), answer.explanation
    for fi, spec in enumerate(screen.fields):
        loc = (*base, "fields", fi)
        yield (*loc, "label"), spec.label
        if spec.help:
            yield (*loc, "help"), spec.help
        for oi, option in enumerate(spec.options):
            yield (*loc, "options", oi, "label"), option.label
            if option.help:
                yield (*loc, "options", oi, "help"), option.help
        if spec.statement:
            yield (*loc, "statement"), spec.statement
        for kind, message in spec.errors.items():
            yield (*loc, "errors", kind), message
        yield from _hints(spec, loc, persona_id)


def _hints(spec: Any, loc: tuple, persona_id: str | None) -> Iterator[tuple[tuple, str]]:
    if persona_id is None or persona_id not in spec.hints_by_persona:
        yield from (((*loc, "hints", hi), hint) for hi, hint in enumerate(spec.hints))
    for who, hints in spec.hints_by_persona.items():
        if persona_id in (None, who):
            yield from (((*loc, "hints_by_persona", who, hi), h) for hi, h in enumerate(hints))


def learner_texts(scenario: Any, persona_id: str, *, titles: bool = False
                  ) -> Iterator[tuple[tuple, str]]:
    """Yield every text the learner reads when playing ``persona_id``, in screen order.

    The summary (on the exercise's card) first, then each screen: introduction, paragraphs,
    messages received, lesson and quiz, then each field (label, help, choices, statement,
    error messages, and the hints this persona sees). Titles (the scenario's, each screen's)
    are names copied from the real site: yielded only with ``titles=True``. Texts are
    templates: ``{first_name}`` is not filled in. Each comes with its location in the model.
    """
    if titles:
        yield ("title",), scenario.title
    yield ("summary",), scenario.summary
    for si, screen in enumerate(scenario.screens):
        yield from screen_texts(screen, ("screens", si), persona_id, title=titles)
