"""The "new workshop" form: the activity report's option lists, the form's defaults, its checks.

:func:`form_options` gives what the console's form offers (scenarios, themes, levels, durations,
equipment, defaults); :func:`validate_workshop_form` checks what it sends back and returns the
arguments of :meth:`Store.create_workshop <bacasable.store.Store.create_workshop>`, or French
messages field by field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from bacasable.scenario.loader import Catalogue
from bacasable.scenario.schema import LEVEL_LABELS

__all__ = [
    "DEFAULT_THEME",
    "DURATIONS",
    "EQUIPMENT",
    "LEVELS",
    "THEMES",
    "form_options",
    "validate_workshop_form",
]

#: Themes of the public activity report of a collective workshop, in its order.
THEMES = (
    "Diagnostic numérique",
    "Prendre en main du matériel",
    "Maintenance de matériel",
    "Gérer ses contenus numériques",
    "Navigation sur internet",
    "E-mail",
    "Bureautique",
    "Réseaux sociaux communication",
    "Santé",
    "Banque et achats en ligne",
    "Accompagner un professionnel",
    "Insertion professionnelle",
    "Prévention en sécurité numérique",
    "Parentalité",
    "Scolarité et numérique",
    "Créer avec le numérique",
    "Culture numérique",
    "Intelligence artificielle (IA)",
    "Aide aux démarches administratives",
)
#: The theme checked by default: the sandbox's whole point.
DEFAULT_THEME = "Aide aux démarches administratives"

#: Levels of the activity report: stored value → label.
LEVELS = dict(LEVEL_LABELS)

#: Durations of the activity report, in minutes (any other value from 1 to 1440 is accepted).
DURATIONS = (15, 30, 45, 60, 90, 120)

#: Equipment of the activity report: stored value → label.
EQUIPMENT = {
    "ordinateur": "Ordinateur",
    "telephone": "Téléphone",
    "tablette": "Tablette",
    "autre": "Autre",
    "aucun": "Pas de matériel",
}

MSG_NO_SCENARIO = "Choisissez au moins un exercice."
MSG_NO_THEME = "Choisissez au moins un thème."
MSG_TITLE = "Donnez un titre à l'atelier (200 caractères au plus)."
MSG_PLACE = "Le lieu doit faire au plus 200 caractères."
MSG_DATE = "Date non valide : choisissez un jour (AAAA-MM-JJ)."
MSG_DURATION = "Durée non valide : un nombre de minutes entre 1 et 1440."
MSG_LEVEL = "Choisissez un niveau : débutant, intermédiaire ou avancé."
MSG_EXPECTED = "Nombre non valide : écrivez un nombre de participants entre 1 et 60, ou rien."
#: Most learners one workshop may expect (the store's limit).
MAX_EXPECTED = 60


def form_options(catalogue: Catalogue | None, today: dt.date | None = None) -> dict[str, Any]:
    """Return what the "new workshop" form offers, JSON-able.

    Parameters
    ----------
    catalogue
        The scenarios to choose from (none without it).
    today
        The default date (default: today).

    Returns
    -------
    dict
        ``scenarios`` (``id``, ``title``, ``service``, by title), ``themes``,
        ``default_themes``, ``levels`` and ``equipment`` (``value``, ``label``), ``durations``,
        ``defaults`` (``date``, ``level``, ``duration``, ``equipment``).
    """
    scenarios = sorted(
        (catalogue.scenarios.values() if catalogue else []),
        key=lambda s: s.title.casefold(),
    )
    return {
        "scenarios": [{"id": s.id, "title": s.title, "service": s.service} for s in scenarios],
        "themes": list(THEMES),
        "default_themes": [DEFAULT_THEME],
        "levels": [{"value": k, "label": v} for k, v in LEVELS.items()],
        "durations": list(DURATIONS),
        "equipment": [{"value": k, "label": v} for k, v in EQUIPMENT.items()],
        "defaults": {
            "date": (today or dt.date.today()).isoformat(),
            "level": "debutant",
            "duration": 120,
            "equipment": ["telephone"],
        },
    }


def validate_workshop_form(
    values: Mapping[str, Any], scenario_ids: Iterable[str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Check the "new workshop" form; return the arguments of ``create_workshop`` and the errors.

    Parameters
    ----------
    values
        ``title``, ``place``, ``date`` (``AAAA-MM-JJ``), ``scenarios`` (ids), ``themes``,
        ``level``, ``duration`` (minutes, text or int), ``equipment`` (values of
        :data:`EQUIPMENT`), ``expected`` (learners expected, text or int, may be empty), as
        the form sends them.
    scenario_ids
        The scenarios that may be chosen (the others are ignored).

    Returns
    -------
    clean : dict
        Keyword arguments for :meth:`Store.create_workshop` (empty when there are errors).
    errors : dict
        Field name → French message; empty when the form is valid.
    """
    errors: dict[str, str] = {}
    title = values.get("title")
    title = " ".join(title.split()) if isinstance(title, str) else ""
    if not title or len(title) > 200:
        errors["title"] = MSG_TITLE
    place = values.get("place")
    place = " ".join(place.split()) if isinstance(place, str) else ""
    if len(place) > 200:
        errors["place"] = MSG_PLACE
    day = None
    try:
        day = dt.date.fromisoformat(str(values.get("date") or "").strip())
    except ValueError:
        errors["date"] = MSG_DATE
    known = list(scenario_ids)
    chosen = _strings(values.get("scenarios"))
    scenarios = [s for s in known if s in chosen]
    if not scenarios:
        errors["scenarios"] = MSG_NO_SCENARIO
    chosen_themes = _strings(values.get("themes"))
    themes = [t for t in THEMES if t in chosen_themes]
    if not themes:
        errors["themes"] = MSG_NO_THEME
    level = values.get("level")
    if level not in LEVELS:
        errors["level"] = MSG_LEVEL
    duration = values.get("duration")
    try:
        minutes = int(str(duration).strip())
    except ValueError:
        minutes = 0
    if isinstance(duration, bool) or not 1 <= minutes <= 1440:
        errors["duration"] = MSG_DURATION
    chosen_equipment = _strings(values.get("equipment"))
    equipment = [e for e in EQUIPMENT if e in chosen_equipment]
    expected = _expected(values.get("expected"))
    if expected == -1:
        errors["expected"] = MSG_EXPECTED
    if errors:
        return {}, errors
    return {
        "title": title,
        "place": place,
        "date": day,
        "scenario_ids": scenarios,
        "themes": themes,
        "level": level,
        "duration_minutes": minutes,
        "equipment": equipment,
        "expected_learners": expected,
    }, {}


def _expected(value: Any) -> int | None:
    """Read the learners expected: None when not said, -1 when not a number from 1 to 60."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        return -1
    return number if not isinstance(value, bool) and 1 <= number <= MAX_EXPECTED else -1


def _strings(value: Any) -> set[str]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        return set()
    return {v for v in value if isinstance(v, str)}
