"""Lint rules on what each persona reads: acronyms left unsaid, another persona's name.

Both walk the texts a learner reads when playing each persona of the scenario, in screen order
(:func:`bacasable.scenario.persona_hints.learner_texts`), with the persona's values filled in.
They warn: the exercise still works, but a learner may be lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bacasable.personas.derived import fill_text
from bacasable.scenario.acronyms import unexplained
from bacasable.scenario.loader import Catalogue, Finding
from bacasable.scenario.persona_hints import learner_texts
from bacasable.scenario.schema import Scenario

__all__ = ["other_persona_names", "persona_texts", "unexplained_acronyms"]


def persona_texts(cat: Catalogue, s: Scenario, persona_id: str) -> list[tuple[tuple, str]]:
    """Return the texts ``persona_id`` reads in ``s``, in screen order, its values filled in."""
    persona = cat.personas.get(persona_id)
    texts = list(learner_texts(s, persona_id))
    return texts if persona is None else [(loc, fill_text(persona, t)) for loc, t in texts]


def _warning(cat: Catalogue, key: str, loc: tuple, message: str, fix: str) -> Finding:
    path, line, col = cat.locate(key, loc)
    return Finding(path, line, col, message, severity="warning", fix=fix)


def unexplained_acronyms(cat: Catalogue) -> list[Finding]:
    """Acronyms (RSA, CAF…) not spelt out where a learner first meets them (warnings)."""
    out, seen = [], set()
    for s in cat.scenarios.values():
        for persona_id in s.personas:
            for item in unexplained(persona_texts(cat, s, persona_id)):
                if (s.id, item.acronym, item.loc) in seen:
                    continue
                seen.add((s.id, item.acronym, item.loc))
                out.append(_warning(cat, s.id, item.loc, item.message, item.fix))
    return out


def _names(cat: Catalogue, persona_id: str) -> Iterator[tuple[str, re.Pattern[str]]]:
    for other in cat.personas.values():
        if other.id != persona_id:
            yield other.first_name, re.compile(rf"\b{re.escape(other.first_name)}\b")


def other_persona_names(cat: Catalogue) -> list[Finding]:
    """Texts that name another persona than the one played (« Lucas… » for Karim) (warnings)."""
    out, seen = [], set()
    for s in cat.scenarios.values():
        for persona_id in s.personas:
            names = list(_names(cat, persona_id))
            for loc, text in persona_texts(cat, s, persona_id):
                for name, pattern in names:
                    if pattern.search(text) and (s.id, loc, name) not in seen:
                        seen.add((s.id, loc, name))
                        out.append(_warning(
                            cat, s.id, loc,
                            f"ce texte nomme {name}, mais l'apprenant joue {persona_id}",
                            "Écrivez {first_name} à la place du prénom, ou donnez à chaque "
                            "persona son indice dans « hints_by_persona ».",
                        ))
    return out
