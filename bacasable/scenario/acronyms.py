"""The acronyms of French procedures a learner may not know, and where a text leaves one unsaid.

Each acronym is spelt out the first time a learner meets it in an exercise, in the same text,
close to it: « le RSA (revenu de solidarité active) ». The lint warns trainers when it is not
(:mod:`bacasable.authoring.plain_lint`); a test holds the built-in scenarios to it.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable

__all__ = ["ACRONYMS", "NEAR", "Unexplained", "explained_at", "unexplained"]

#: Acronym → the plain words that say what it is. A text explains the acronym when these
#: words are near it (case, accents' case and apostrophes aside).
ACRONYMS: dict[str, str] = {
    "ALF": "allocation de logement familiale",
    "ALS": "allocation de logement sociale",
    "ANTS": "Agence nationale des titres sécurisés",
    "APL": "aide personnalisée au logement",
    "ASF": "allocation de soutien familial",
    "BIC": "code de la banque",
    "CACES": "certificat de conduite",
    "CAF": "caisse d'allocations familiales",
    "CDD": "contrat à durée déterminée",
    "CDI": "contrat à durée indéterminée",
    "CEJ": "contrat d'engagement jeune",
    "CPAM": "caisse primaire d'assurance maladie",
    "IBAN": "numéro de compte bancaire",
    "MSA": "Mutualité sociale agricole",
    "NIR": "numéro de sécurité sociale",
    "PACEA": "parcours d'accompagnement vers l'emploi et l'autonomie",
    "RFR": "revenu fiscal de référence",
    "RIB": "relevé d'identité bancaire",
    "ROME": "répertoire des métiers",
    "RSA": "revenu de solidarité active",
}

#: How many characters may separate an acronym from its plain words, either side.
NEAR = 80

_WORDS = re.compile(r"\b(" + "|".join(sorted(ACRONYMS, key=len, reverse=True)) + r")\b")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("’", "'").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).casefold()


@dataclasses.dataclass(frozen=True)
class Unexplained:
    """An acronym met for the first time without its plain words near it."""

    acronym: str
    #: Where the text is (as given with it), and the text.
    loc: tuple
    text: str

    @property
    def message(self) -> str:
        """What is wrong, in plain French."""
        return f"le sigle « {self.acronym} » n'est pas expliqué la première fois qu'il paraît"

    @property
    def fix(self) -> str:
        """How to fix it, in plain French."""
        return (f"Écrivez ce qu'il veut dire juste à côté, par exemple : « {self.acronym} "
                f"({ACRONYMS[self.acronym]}) ».")


def explained_at(text: str, start: int, acronym: str) -> bool:
    """Say whether the plain words of ``acronym`` are :data:`NEAR` its place ``start``."""
    window = text[max(0, start - NEAR): start + len(acronym) + NEAR]
    return _fold(ACRONYMS[acronym]) in _fold(window)


def unexplained(texts: Iterable[tuple[tuple, str]]) -> list[Unexplained]:
    """Return the acronyms of :data:`ACRONYMS` not spelt out where they first appear.

    ``texts`` are (location, text) pairs in the order the learner reads them; an acronym is
    written in capitals, as a word. Only its first appearance counts.
    """
    seen: set[str] = set()
    out: list[Unexplained] = []
    for loc, text in texts:
        for match in _WORDS.finditer(text):
            acronym = match.group(1)
            if acronym in seen:
                continue
            seen.add(acronym)
            if not explained_at(text, match.start(), acronym):
                out.append(Unexplained(acronym, loc, text))
    return out
