"""The French names the scenario editor gives to the keys of a scenario file: one table.

The editor's form names each text by what it does for the learner (« Message si la réponse
n'est pas dans la liste »), never by the key written in the file (``not_a_choice``). Every key
the schema allows has its name here; ``tests/bacasable/test_form_labels.py`` checks it, so a new
error kind cannot reach the form without a French name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import get_args

from bacasable.scenario.schema import ErrorKind

__all__ = [
    "ERROR_LABELS",
    "SCREEN_TEXT_LABELS",
    "FIELD_TEXT_LABELS",
    "WALKTHROUGH_LABELS",
    "error_label",
    "exercise_name",
    "option_label",
    "hint_label",
    "PERSONA_HINT_TEXTS",
    "persona_hint_label",
    "body_label",
]

#: The texts of a screen, by key of the file.
SCREEN_TEXT_LABELS: dict[str, str] = {
    "title": "Titre de l'écran",
    "intro": "Texte d'introduction",
    "continue_label": "Texte du bouton « Continuer »",
}

#: The texts of a field, by key of the file.
FIELD_TEXT_LABELS: dict[str, str] = {
    "label": "Libellé",
    "help": "Aide sous le libellé",
    "statement": "Texte de la déclaration",
}

#: The facilitator's texts of the projected walkthrough (learners never see them).
WALKTHROUGH_LABELS: dict[str, str] = {
    "callout": "Bulle affichée en projection",
    "notes": "Notes pour l'animateur",
    "common_error": "Erreur fréquente",
}

#: The error messages of a field, by error kind: when the learner reads each one.
ERROR_LABELS: dict[str, str] = {
    "required": "Message si la personne ne répond pas",
    "format": "Message si la réponse est mal écrite",
    "mismatch": "Message si la réponse n'est pas celle du personnage",
    "too_short": "Message si la réponse est trop courte",
    "too_long": "Message si la réponse est trop longue",
    "too_small": "Message si le nombre est trop petit",
    "too_large": "Message si le nombre est trop grand",
    "not_whole": "Message si le nombre n'est pas entier",
    "date_invalid": "Message si la date n'existe pas",
    "date_future": "Message si la date est dans le futur",
    "date_past": "Message si la date est déjà passée",
    "too_young": "Message si la personne est trop jeune",
    "too_old": "Message si la personne est trop âgée",
    "out_of_range": "Message si la date n'est pas dans la période demandée",
    "weak_password": "Message si le mot de passe n'est pas assez sûr",
    "not_same": "Message si les deux réponses ne sont pas identiques",
    "checksum": "Message si un chiffre du numéro est faux",
    "inconsistent": "Message si le numéro ne va pas avec le sexe ou la naissance",
    "temporary_number": "Message si le numéro de sécurité sociale est provisoire",
    "not_a_choice": "Message si la réponse n'est pas dans la liste",
    "too_few_choices": "Message s'il n'y a pas assez de cases cochées",
    "too_many_choices": "Message s'il y a trop de cases cochées",
    "wrong_code": "Message si le code n'est pas le bon",
    "wrong_document": "Message si le document envoyé n'est pas le bon",
    "not_accepted": "Message si la case n'est pas cochée",
    "taken": "Message si l'adresse est déjà prise",
    "no_greeting": "Message si le message ne commence pas par une formule de politesse",
    "no_sign_off": "Message si le message ne finit pas par une formule de politesse",
}
assert set(ERROR_LABELS) == set(get_args(ErrorKind)), "every error kind needs a French name"


def error_label(kind: object) -> str:
    """Return the form's name of the error message of ``kind`` (a key the schema refuses too)."""
    return ERROR_LABELS.get(str(kind), "Message d'erreur")


def option_label(number: int) -> str:
    """Return the form's name of the text of choice ``number`` (from 1)."""
    return f"Choix {number} : texte affiché"


def hint_label(number: int, new: bool = False) -> str:
    """Return the form's name of hint ``number`` (from 1); ``new``: not written yet."""
    return f"Indice {number}" + (" (nouvel indice)" if new else "")


#: The folded part of a field's hints for one persona (``hints_by_persona``); ``{name}``: its
#: first name, ``{number}``: a hint's number (from 1).
PERSONA_HINT_TEXTS: dict[str, str] = {
    "title": "Indices pour {name} (si elle ou il a besoin d'autres indices)",
    "common": "{name} voit les indices communs, écrits plus haut.",
    "own": "{name} voit ces indices à la place des indices communs. Videz une case pour "
           "retirer un indice.",
    "add": "Écrire des indices pour {name}",
    "remove_all": "Supprimer les indices de {name}",
    "remove_one": "Retirer l'indice {number} pour {name}",
    "playing": "Personnage joué dans l'aperçu : {name}.",
}


def persona_hint_label(number: int, name: str, new: bool = False) -> str:
    """Return the form's name of hint ``number`` (from 1) of the persona called ``name``."""
    return f"Indice {number} pour {name}" + (" (nouvel indice)" if new else "")


def body_label(number: int) -> str:
    """Return the form's name of paragraph ``number`` (from 1) of a screen."""
    return f"Paragraphe {number}"


def exercise_name(scenario_id: object, titles: Mapping[str, str] | None) -> str:
    """Return an exercise's title for the form, « … » around it; its id only if unknown."""
    title = (titles or {}).get(str(scenario_id))
    return f"« {title} »" if title else str(scenario_id)
