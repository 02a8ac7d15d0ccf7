"""The activity report of a collective workshop: the fields facilitators copy into the platform.

French digital-inclusion facilitators report each collective workshop with a fixed set of fields
(date, duration, place, title, level, themes, sub-themes, equipment, notes, participants and
their breakdowns). :func:`activity_report` fills them from the workshop's settings, the
exercises' metadata and who took part; :func:`activity_rows` gives one row per workshop of a
period, ready for :mod:`~bacasable.reports.exports`.

What the sandbox cannot know is « non renseigné »: the kind of place, the people followed by name
and every breakdown (gender, age, situation, already accompanied), unless the facilitator gives
the counts. Counts that do not add up are not refused: the field « À vérifier » says why in
French (a message a line), so that the table is still written and the facilitator sees what to
fix.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, get_args

import pandas as pd

from bacasable.scenario.schema import LEVEL_LABELS, Subtheme
from bacasable.workshop.form import DEFAULT_THEME, EQUIPMENT, THEMES

__all__ = [
    "ACTIVITY_FIELDS",
    "AGE_COUNTS",
    "CHECK_FIELD",
    "COUNT_FIELDS",
    "GENDER_COUNTS",
    "NOT_GIVEN",
    "PLACE_KINDS",
    "STATUS_COUNTS",
    "SUBTHEMES",
    "TOTAL",
    "activity_frame",
    "activity_report",
    "activity_rows",
    "check_counts",
    "count_errors",
    "participants_total",
]

#: The value of a field the sandbox cannot know and the facilitator did not give.
NOT_GIVEN = "non renseigné"
#: The kinds of place of the activity report (the workshop does not record it).
PLACE_KINDS = ("Lieu de l'activité", "À domicile", "À distance", "Autre lieu")
#: The sub-themes of "Aide aux démarches administratives", in the platform's order.
SUBTHEMES: tuple[str, ...] = get_args(Subtheme)

#: The counts a facilitator may give: key of ``counts`` → field of the report.
GENDER_COUNTS = {
    "women": "Genre : femmes",
    "men": "Genre : hommes",
    "gender_not_given": "Genre : non communiqué",
}
AGE_COUNTS = {
    "age_under_12": "Âge : moins de 12 ans",
    "age_12_18": "Âge : 12-18 ans",
    "age_18_24": "Âge : 18-24 ans",
    "age_25_39": "Âge : 25-39 ans",
    "age_40_59": "Âge : 40-59 ans",
    "age_60_69": "Âge : 60-69 ans",
    "age_70_plus": "Âge : 70 ans et plus",
    "age_not_given": "Âge : non communiqué",
}
STATUS_COUNTS = {
    "in_school": "Situation : scolarisé",
    "unemployed": "Situation : sans emploi",
    "employed": "Situation : en emploi",
    "retired": "Situation : retraité",
    "status_not_given": "Situation : non communiquée",
}
#: The key of ``counts`` that replaces the computed total of participants.
TOTAL = "total"
#: Every count, in the platform's order: (key of ``counts``, field of the report, group).
COUNT_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("tracked", "Bénéficiaires suivis", "Participants"),
    (TOTAL, "Participants anonymes : total", "Participants"),
    ("already_accompanied", "Déjà accompagnés", "Participants"),
    *((key, label, "Genre") for key, label in GENDER_COUNTS.items()),
    *((key, label, "Âge") for key, label in AGE_COUNTS.items()),
    *((key, label, "Situation") for key, label in STATUS_COUNTS.items()),
)
#: Each breakdown, as the messages name it.
_BREAKDOWNS = (
    ("Les genres", GENDER_COUNTS),
    ("Les tranches d'âge", AGE_COUNTS),
    ("Les situations", STATUS_COUNTS),
)
#: The field holding what does not add up (one French message a line; empty when all is well).
CHECK_FIELD = "À vérifier"

#: Every field of the report, in the platform's order.
ACTIVITY_FIELDS = (
    "N° de l'atelier",
    "Type d'activité",
    "Date",
    "Durée (minutes)",
    "Type de lieu",
    "Lieu",
    "Titre de l'atelier",
    "Niveau",
    "Thématiques",
    "Sous-thématiques (aide aux démarches administratives)",
    "Matériel utilisé",
    "Notes",
    *(label for _key, label, _group in COUNT_FIELDS),
    CHECK_FIELD,
)

MSG_NO_PARTICIPANT = ("Il faut au moins un participant : personne n'a fait d'exercice dans cet "
                      "atelier. Donnez le nombre de participants.")


def participants_total(report: Any) -> int:
    """Return how many learners did at least one thing: started an exercise, or were observed.

    Parameters
    ----------
    report
        The :class:`~bacasable.reports.WorkshopReport` of the workshop.
    """
    attendance = report.attendance
    active = set(attendance.loc[attendance["runs"] > 0, "pseudonym"].astype(str))
    active.update(report.observations["pseudonym"].dropna().astype(str))
    return len(active)


def _count(value: Any) -> int | None:
    """Return the count as an int; None unless a whole number from 0 (digits in text too)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def check_counts(counts: Mapping[str, Any], total: int) -> tuple[dict[str, int], list[str]]:
    """Check the facilitator's counts against the participants' total.

    Parameters
    ----------
    counts
        Keys of :data:`COUNT_FIELDS` → whole numbers (``int`` or digits; ``None`` or ``""``:
        not given); others are ignored. ``total`` here replaces the computed total.
    total
        The participants the store knows of (:func:`participants_total`).

    Returns
    -------
    clean : dict
        The counts that are whole numbers from 0, including ``total``.
    messages : list of str
        French messages, one per problem: a count that is not a number, no participant at
        all, a breakdown (or "already accompanied") above the total. Empty when all is well.
    """
    clean: dict[str, int] = {}
    messages: list[str] = []
    for key, field, _group in COUNT_FIELDS:
        if key not in counts or counts[key] is None or counts[key] == "":
            continue
        number = _count(counts[key])
        if number is None:
            messages.append(f"« {field} » : écrivez un nombre entier (0 ou plus).")
        else:
            clean[key] = number
    clean.setdefault(TOTAL, total)
    total = clean[TOTAL]
    if total + clean.get("tracked", 0) < 1:
        messages.append(MSG_NO_PARTICIPANT)
    if clean.get("already_accompanied", 0) > total:
        messages.append(f"« Déjà accompagnés » ({clean['already_accompanied']}) dépasse le "
                        f"total des participants ({total}).")
    for name, group in _BREAKDOWNS:
        given = sum(clean.get(key, 0) for key in group)
        if given > total:
            messages.append(f"{name} comptent {given} personnes, plus que le total des "
                            f"participants ({total}).")
    return clean, messages


def _scenario_ids(workshop: Mapping[str, Any], report: Any) -> list[str]:
    """Return the exercises of the workshop: those planned, then any other done."""
    ids = [str(i) for i in workshop.get("scenario_ids") or []]
    done = dict.fromkeys(report.learners["scenario_id"].astype(str))
    return ids + [s for s in done if s not in ids]


def _scenarios(workshop: Mapping[str, Any], report: Any, catalogue: Any) -> list[Any]:
    known = getattr(catalogue, "scenarios", None) or {}
    return [known[i] for i in _scenario_ids(workshop, report) if i in known]


def _titles(workshop: Mapping[str, Any], report: Any, catalogue: Any) -> list[str]:
    known = getattr(catalogue, "scenarios", None) or {}
    return [known[i].title if i in known else i for i in _scenario_ids(workshop, report)]


def _in_order(values: Iterable[str], order: Iterable[str]) -> list[str]:
    """Return the values in the platform's order; unknown ones after, as given."""
    given = list(dict.fromkeys(v for v in values if v))
    ordered = [v for v in order if v in given]
    return ordered + [v for v in given if v not in ordered]


def _notes(workshop: Mapping[str, Any], report: Any, catalogue: Any) -> str:
    titles = _titles(workshop, report, catalogue)
    runs = len(report.learners)
    finished = int(report.learners["completed"].astype(bool).sum()) if runs else 0
    text = "Atelier « Bac à sable » (démarches en ligne simulées)."
    if titles:
        text += " Exercices : " + ", ".join(f"« {t} »" for t in titles) + "."
    return text + f" Parcours : {runs}, dont {finished} terminé{'s' if finished > 1 else ''}."


def activity_report(
    workshop: Mapping[str, Any],
    report: Any,
    catalogue: Any,
    counts: Mapping[str, Any] | None = None,
    *,
    place_kind: str | None = None,
) -> dict[str, Any]:
    """Fill the activity report of a collective workshop.

    Parameters
    ----------
    workshop
        The workshop, as :meth:`Store.workshop <bacasable.store.Store.workshop>` returns it.
    report
        Its :class:`~bacasable.reports.WorkshopReport` (who did what).
    catalogue
        The scenarios (:class:`~bacasable.scenario.loader.Catalogue`), for their titles and
        sub-themes.
    counts
        What the facilitator counted, keys of :data:`COUNT_FIELDS` (``total``, ``women``,
        ``age_25_39``…); without them the breakdowns are « non renseigné » and the total is
        the number of learners who did at least one thing (:func:`participants_total`).
    place_kind
        The kind of place, one of :data:`PLACE_KINDS`,
        which the workshop does not record.

    Returns
    -------
    dict
        :data:`ACTIVITY_FIELDS` → value, in order: texts, numbers, the date; « À vérifier »
        holds the French messages of :func:`check_counts`, one a line (empty when all is
        well; :func:`count_errors` gives them as a list).
    """
    total = participants_total(report)
    clean, messages = check_counts(counts or {}, total)
    themes = _in_order(workshop.get("themes") or [], THEMES)
    subthemes: list[str] = []
    if DEFAULT_THEME in themes:
        subthemes = _in_order(
            (t for s in _scenarios(workshop, report, catalogue)
             for t in (getattr(s, "subthemes", None) or [])),
            SUBTHEMES,
        )
    level = workshop.get("level")
    equipment = [EQUIPMENT.get(e, e) for e in workshop.get("equipment") or []]
    day = workshop.get("date")
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    out: dict[str, Any] = {
        "N° de l'atelier": workshop.get("id"),
        "Type d'activité": "Atelier collectif",
        "Date": day,
        "Durée (minutes)": workshop.get("duration_minutes"),
        "Type de lieu": place_kind or NOT_GIVEN,
        "Lieu": workshop.get("place") or NOT_GIVEN,
        "Titre de l'atelier": workshop.get("title") or "",
        "Niveau": LEVEL_LABELS.get(level, level or NOT_GIVEN),
        "Thématiques": ", ".join(themes) or NOT_GIVEN,
        "Sous-thématiques (aide aux démarches administratives)": ", ".join(subthemes),
        "Matériel utilisé": ", ".join(equipment) or NOT_GIVEN,
        "Notes": _notes(workshop, report, catalogue),
    }
    for key, field, _group in COUNT_FIELDS:
        out[field] = clean.get(key, NOT_GIVEN)
    out[CHECK_FIELD] = "\n".join(messages)
    return out


def count_errors(result: Mapping[str, Any]) -> list[str]:
    """Return the French messages of an :func:`activity_report` (empty when all is well)."""
    return [line for line in str(result.get(CHECK_FIELD) or "").splitlines() if line]


def activity_frame(rows: Mapping[str, Any] | Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Return activity reports (one, or several) as a table with the :data:`ACTIVITY_FIELDS`."""
    if isinstance(rows, Mapping):
        rows = [rows]
    return pd.DataFrame(list(rows), columns=list(ACTIVITY_FIELDS))


def activity_rows(
    store: Any,
    catalogue: Any,
    workshop_ids: Iterable[int] | None = None,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    counts: Mapping[int, Mapping[str, Any]] | None = None,
) -> pd.DataFrame:
    """Return the activity reports of several workshops, one row each, oldest first.

    Parameters
    ----------
    store
        The outcome store.
    catalogue
        The scenarios.
    workshop_ids
        The workshops; None: every workshop whose day is between ``since`` and ``until``
        (both included, each optional).
    since, until
        The period, when ``workshop_ids`` is None.
    counts
        The facilitator's counts by workshop id (see :func:`activity_report`).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ACTIVITY_FIELDS` (French already: export with ``french=False``).
    """
    from .workshop_report import build_workshop_report

    if workshop_ids is None:
        workshop_ids = [w["id"] for w in store.list_workshops()
                        if (since is None or w["date"] >= since)
                        and (until is None or w["date"] <= until)]
    rows = []
    for workshop_id in workshop_ids:
        report = build_workshop_report(store, int(workshop_id), catalogue)
        given = (counts or {}).get(int(workshop_id))
        rows.append(activity_report(report.workshop, report, catalogue, given))
    frame = activity_frame(rows)
    return frame.sort_values(["Date", "N° de l'atelier"], kind="stable").reset_index(drop=True)
