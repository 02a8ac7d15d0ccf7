"""The public framework of digital competences (CRCN, used by Pix) that scenarios refer to."""

from __future__ import annotations

__all__ = ["FRAMEWORK", "skill_label", "skill_order"]

#: The 16 competences of the Cadre de référence des compétences numériques (CRCN, the
#: French framework derived from the European DigComp and assessed by Pix), by number.
FRAMEWORK: dict[str, str] = {
    "1.1": "Mener une recherche et une veille d'information",
    "1.2": "Gérer des données",
    "1.3": "Traiter des données",
    "2.1": "Interagir",
    "2.2": "Partager et publier",
    "2.3": "Collaborer",
    "2.4": "S'insérer dans le monde numérique",
    "3.1": "Développer des documents textuels",
    "3.2": "Développer des documents multimédia",
    "3.3": "Adapter les documents à leur finalité",
    "3.4": "Programmer",
    "4.1": "Sécuriser l'environnement numérique",
    "4.2": "Protéger les données personnelles et la vie privée",
    "4.3": "Protéger la santé, le bien-être et l'environnement",
    "5.1": "Résoudre des problèmes techniques",
    "5.2": "Construire un environnement numérique",
}


def skill_label(code: str) -> str:
    """Return "2.4 S'insérer dans le monde numérique"; an unknown number is kept as it is."""
    name = FRAMEWORK.get(code)
    return f"{code} {name}" if name else f"{code} (hors du référentiel)"


def skill_order(code: str) -> tuple[int, ...]:
    """Sort key of a competence number: "2.4" before "4.1", "1.10" after "1.2"."""
    try:
        return tuple(int(part) for part in code.split("."))
    except ValueError:
        return (999,)
