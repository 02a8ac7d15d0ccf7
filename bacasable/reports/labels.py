"""The French words of the reports: column headings, statuses, autonomy levels, error kinds."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from bacasable.common import french_dates
from bacasable.workshop.room import AUTONOMY_CHOICES
from bacasable.workshop.room_errors import ERROR_WORDS

if TYPE_CHECKING:
    import pandas as pd

#: What a run's status is called in the tables.
STATUS_FINISHED = "Terminé"
STATUS_ABANDONED = "Abandonné"
STATUS_RUNNING = "En cours"

#: The autonomy of a run nobody observed.
NOT_OBSERVED = "Non observé"

#: The exercise of an observation about the learner as a whole (no ``scenario_id``).
WHOLE_WORKSHOP = "Tout l'atelier"

#: French heading of every column of every report table (one name, one meaning everywhere).
COLUMN_LABELS: dict[str, str] = {
    # people
    "pseudonym": "Pseudonyme",
    "joined_at": "Arrivée",
    "last_seen_at": "Dernière activité",
    "participants": "Participants",
    # runs
    "runs": "Parcours",
    "completed_runs": "Parcours terminés",
    "scenario_id": "Code de l'exercice",
    "scenario_title": "Exercice",
    "persona_id": "Persona",
    "status": "État",
    "completed": "Terminé",
    "autonomy": "Autonomie",
    "alone": "Fait seul",
    "minutes": "Durée (min)",
    "errors": "Erreurs",
    "hints": "Indices",
    "screens_done": "Écrans faits",
    "screen_count": "Écrans du parcours",
    # screens
    "position": "N° de l'écran",
    "screen_id": "Code de l'écran",
    "screen_title": "Écran",
    "reached": "Arrivés",
    "done": "Validés",
    "stopped_here": "Arrêtés ici",
    "median_seconds": "Temps médian (s)",
    "mean_seconds": "Temps moyen (s)",
    # errors
    "field_id": "Code du champ",
    "field_label": "Champ",
    "error_kind": "Code de l'erreur",
    "error_label": "Erreur",
    "count": "Nombre",
    "learners": "Apprenants",
    # quizzes
    "question": "Question",
    "answered": "Ont répondu",
    "right_first_time": "Bonne réponse du premier coup",
    "right_first_time_rate": "Part du premier coup",
    # diagnostics (« Par où commencer ? »)
    "placement": "Niveau conseillé",
    "score": "Score",
    "score_max": "Score maximal",
    "tasks_alone": "Tâches faites sans aide",
    "tasks_helped": "Tâches faites avec de l'aide",
    "tasks_not_done": "Tâches pas faites",
    "skills_done": "Compétences acquises",
    "skills_practise": "Compétences à travailler",
    "debutant": "Débutant",
    "intermediaire": "Intermédiaire",
    "avance": "Avancé",
    # observations
    "note": "Note",
    "created_at": "Écrite le",
    # workshops and history
    "id": "N° de l'atelier",
    "workshop_id": "N° de l'atelier",
    "workshop_title": "Atelier",
    "title": "Atelier",
    "date": "Date",
    "completion_rate": "Taux de réussite",
    "errors_per_run": "Erreurs par parcours",
    "hints_per_run": "Indices par parcours",
    "median_minutes": "Durée médiane (min)",
    "rank": "Rang (1 = le plus difficile)",
    # skills
    "skill": "Compétence",
    "skill_label": "Compétence du référentiel",
    "learners_practised": "Apprenants qui l'ont travaillée",
    "learners_alone": "Apprenants qui l'ont réussie seuls",
}

#: One line on what a column means, where its name alone may mislead: « Autonomie : Seul »
#: beside « Fait seul : Non » is an unfinished exercise (:mod:`bacasable.reports.runs`).
COLUMN_HELP: dict[str, str] = {
    "autonomy": "ce que l'animateur a noté en regardant la personne faire l'exercice.",
    "alone": "a terminé l'exercice sans aide. « Non » s'il n'est pas terminé.",
}


def french(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of a report table with French column headings, for display and export.

    Parameters
    ----------
    frame
        A table of :class:`~bacasable.reports.WorkshopReport` or
        :class:`~bacasable.reports.HistoryReport`.

    Returns
    -------
    pandas.DataFrame
        The same rows; each column named by :data:`COLUMN_LABELS` (unknown names kept).
    """
    return frame.rename(columns=lambda name: COLUMN_LABELS.get(name, name))


def autonomy_label(level: str | None) -> str:
    """Return the French label of an autonomy level ("Seul"…), or "Non observé" for None."""
    if level is None or level != level:  # NaN from pandas
        return NOT_OBSERVED
    return AUTONOMY_CHOICES.get(level, str(level))


def error_label(kind: str | None) -> str:
    """Return an error kind in plain French, capitalised ("Mal écrit", "Laissé vide"…)."""
    words = ERROR_WORDS.get(str(kind), str(kind or "erreur"))
    return words[:1].upper() + words[1:]


def long_date(day: dt.date) -> str:
    """Return a day in French words ("12 novembre 2026", "1er mai 2026")."""
    return french_dates.long_date(day)
