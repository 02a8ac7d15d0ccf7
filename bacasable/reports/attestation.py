"""Each learner's attestation of practice: one printable A4 page, static HTML, no logo.

At the end of a workshop the facilitator may print, for one learner or for all, a page that
says what each one practised: the workshop's date and place, each exercise done (its title,
the fictional person, finished or not, and how: alone, with hints, with the facilitator's
help) and the competences of the public framework (CRCN) practised on the way. It says it
is an attestation of practice, not a certification.

How a run was done is the reports' autonomy (:mod:`bacasable.reports.runs`): the
facilitator's latest observation, else, when nobody observed it, "avec des indices" if the
learner asked for a hint and "seul" otherwise (the rule of "done alone"). A competence is
practised when a screen that carries it was validated (as in the history's skills table).

The page shows the name the facilitator types at print time, else the pseudonym. That name
is never stored: it lives only in the returned HTML, never in the store, a file name, the
page's title (browsers name a saved PDF after it) nor a log.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from bacasable.common import french_dates
from bacasable.common.static_page import notebook_html
from bacasable.store.values import AUTONOMY_LABELS

from .exports import write_bytes
from .frames import load_frames
from .runs import run_table, screens_done
from .skills import FRAMEWORK, screen_skills, skill_order

__all__ = [
    "ATTESTATION_CSS",
    "NOT_A_CERTIFICATION",
    "Attestation",
    "AttestationError",
    "Competence",
    "ExerciseDone",
    "attestation_block",
    "attestation_page",
    "attestations_html",
    "build_attestations",
    "clean_name",
    "find_participant",
    "write_attestations",
]

#: The sentence every attestation carries, word for word.
NOT_A_CERTIFICATION = ("Attestation de participation à un atelier d'entraînement — "
                       "ce n'est pas une certification.")
#: What the sandbox is, in plain words.
SANDBOX_NOTICE = ("Les exercices se font dans un bac à sable : des copies de démarches en "
                  "ligne, avec des personnes fictives. Rien n'est envoyé à un vrai service.")
#: The framework the competences come from.
FRAMEWORK_NAME = "Cadre de référence des compétences numériques (CRCN)"
#: The longest name that may be typed at print time.
NAME_LENGTH = 80

MSG_NOBODY = "Personne n'a rejoint cet atelier : il n'y a aucune attestation à imprimer."
MSG_NOT_HERE = "Cette personne ne participe pas à cet atelier."
MSG_NAME_FOR_ONE = ("Un nom ne peut être tapé que pour une seule personne. "
                    "Choisissez d'abord la personne.")
MSG_NAME_LONG = f"Le nom est trop long : {NAME_LENGTH} caractères au plus."
MSG_NAME_CHARS = "Le nom contient un caractère qui ne s'imprime pas. Tapez-le à nouveau."
MSG_NO_RUN = "Aucun exercice n'a été commencé pendant cet atelier."
MSG_NO_SKILL = "Aucun écran n'a été validé : aucune compétence n'est notée."

ATTESTATION_CSS = """
@page { size: A4; margin: 18mm 16mm; }
body { font-family: "Atkinson Hyperlegible", Arial, sans-serif; font-size: 12pt; color: #1e1e1e;
       margin: 0 auto; max-width: 46rem; padding: 1rem; line-height: 1.4; background: #fff; }
.attestation { break-inside: avoid; page-break-inside: avoid; }
.attestation.new-page { break-before: page; page-break-before: always; }
h1 { font-size: 20pt; margin: 0 0 .4rem; }
h2 { font-size: 14pt; margin: 1.1rem 0 .4rem; border-bottom: 2px solid #1d3f8f; }
.notice { border: 2px solid #1d3f8f; background: #e9eef8; padding: .5rem .75rem;
          font-weight: bold; }
dl.summary { display: grid; grid-template-columns: max-content auto; gap: .2rem 1rem; }
dl.summary dt { font-weight: bold; }
dl.summary dd { margin: 0; }
table { border-collapse: collapse; margin: .4rem 0 .8rem; width: 100%; }
caption { text-align: left; font-weight: bold; padding: .3rem 0; }
th, td { border: 1px solid #6b6b6b; padding: .25rem .5rem; text-align: left;
         vertical-align: top; }
thead th { background: #e9eef8; }
tbody th { font-weight: normal; }
ul.skills { margin: .3rem 0; padding-left: 1.2rem; }
.code { font-weight: bold; font-variant-numeric: tabular-nums; }
.small { font-size: 10.5pt; color: #3d3d3d; }
.signature { margin-top: 1.5rem; border: 1px solid #6b6b6b; min-height: 5rem;
             padding: .4rem .6rem; width: 60%; }
@media print { body { max-width: none; padding: 0; } }
"""


class AttestationError(ValueError):
    """An expected problem, with a plain-French message the interface can show as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        #: The message for the user, in French.
        self.message = message


@dataclasses.dataclass(frozen=True)
class ExerciseDone:
    """One run of one learner, as the attestation says it."""

    scenario_id: str
    #: The exercise's title ("Demander la prime d'activité").
    title: str
    #: The fictional person played ("Sophie Martin"), or the persona's id if unknown.
    persona: str
    finished: bool
    screens_done: int
    screen_count: int
    #: How: "seul", "avec des indices", "avec l'aide de l'animateur"…
    how: str

    @property
    def state(self) -> str:
        """Return "Terminé", or "Non terminé (6 écrans sur 14)"."""
        if self.finished:
            return "Terminé"
        if self.screen_count:
            return f"Non terminé ({self.screens_done} écrans sur {self.screen_count})"
        return "Non terminé"


@dataclasses.dataclass(frozen=True)
class Competence:
    """A competence of the framework: its code ("2.4") and its plain label."""

    code: str
    label: str


@dataclasses.dataclass(frozen=True)
class Attestation:
    """What one learner's attestation says."""

    participant_id: int
    pseudonym: str
    #: The name shown: the one typed at print time, else the pseudonym.
    name: str
    workshop_title: str
    date: dt.date | None
    place: str
    exercises: tuple[ExerciseDone, ...]
    competences: tuple[Competence, ...]

    @property
    def date_text(self) -> str:
        """Return the workshop's day in words ("12 novembre 2026"), or "non renseignée"."""
        return french_dates.long_date(self.date) if self.date else "non renseignée"


# --- what each attestation says ---------------------------------------------------------------


def clean_name(name: str | None) -> str | None:
    """Return a name typed at print time, tidied (spaces), or None when it is blank.

    Raises
    ------
    AttestationError
        For a name longer than :data:`NAME_LENGTH` or with a character that does not print.
        The message never repeats the name.
    """
    if name is None:
        return None
    if not isinstance(name, str):
        raise AttestationError(MSG_NAME_CHARS)
    tidy = " ".join(unicodedata.normalize("NFC", name).split())
    if not tidy:
        return None
    if any(unicodedata.category(ch).startswith("C") for ch in tidy):
        raise AttestationError(MSG_NAME_CHARS)
    if len(tidy) > NAME_LENGTH:
        raise AttestationError(MSG_NAME_LONG)
    return tidy


def find_participant(participants: Iterable[dict[str, Any]], pseudonym: str) -> int | None:
    """Return the id of the participant with this pseudonym (case and spaces ignored), or None.

    ``participants`` are those of one workshop, as ``Store.participants`` lists them.
    """
    key = " ".join(str(pseudonym).split()).casefold()
    for person in participants:
        if " ".join(str(person["pseudonym"]).split()).casefold() == key:
            return int(person["id"])
    return None


def how_done(level: str | None, hints: int) -> str:
    """Return how a run was done, from the reports' autonomy level and the hints shown.

    The facilitator's observation wins; a run nobody observed was done "avec des indices"
    if a hint was shown, "seul" otherwise (the reports' rule of "done alone").
    """
    if isinstance(level, str) and level in AUTONOMY_LABELS:
        return AUTONOMY_LABELS[level]
    return AUTONOMY_LABELS["indices"] if hints > 0 else AUTONOMY_LABELS["seul"]


def _persona_name(catalogue: Any, persona_id: Any) -> str:
    personas = getattr(catalogue, "personas", None) or {}
    persona = personas.get(str(persona_id))
    if persona is None:
        return str(persona_id)
    return f"{persona.first_name} {persona.last_name}"


def _competence(code: str) -> Competence:
    return Competence(code, FRAMEWORK.get(code, "Compétence hors du référentiel"))


def build_attestations(store: Any, workshop_id: int, catalogue: Any, *,
                       participant_id: int | None = None,
                       name: str | None = None) -> list[Attestation]:
    """Build the attestations of a workshop's learners, or of one of them.

    Parameters
    ----------
    store
        The outcome store (:class:`~bacasable.store.Store`); only read.
    workshop_id
        The workshop.
    catalogue
        The scenarios and personas (titles, names, competences); an exercise it no longer
        has is shown by its id, without competences.
    participant_id
        One learner of that workshop; None for all of them, in the order they joined.
    name
        The name to print instead of the pseudonym (one learner only). Never stored.

    Returns
    -------
    list of Attestation
        One per learner; a learner who did no exercise has an empty ``exercises``.

    Raises
    ------
    AttestationError
        Nobody joined the workshop, the learner is not in it, or the name cannot be used.
    StoreError
        When there is no such workshop (a French message).
    """
    shown = clean_name(name)
    if shown is not None and participant_id is None:
        raise AttestationError(MSG_NAME_FOR_ONE)
    workshop = store.workshop(workshop_id)
    frames = load_frames(store, workshop_id=workshop_id)
    people = frames.participants
    if people.empty:
        raise AttestationError(MSG_NOBODY)
    if participant_id is not None:
        people = people[people["id"] == int(participant_id)]
        if people.empty:
            raise AttestationError(MSG_NOT_HERE)
    runs = run_table(frames, catalogue)
    mapping = screen_skills(catalogue)
    done = screens_done(frames)
    owner = dict(zip(runs["attempt_id"].tolist(), runs["participant_id"].tolist(), strict=True))
    practised: dict[int, set[str]] = {}
    for attempt_id, scenario_id, screen_id in done.astype(object).itertuples(index=False):
        skills = mapping.get((str(scenario_id), str(screen_id)), ())
        practised.setdefault(int(owner[attempt_id]), set()).update(skills)
    date = workshop.get("date")
    out = []
    for pid, pseudonym in zip(people["id"].tolist(), people["pseudonym"].tolist(), strict=True):
        mine = runs[runs["participant_id"] == pid]
        exercises = tuple(
            ExerciseDone(
                scenario_id=str(row.scenario_id), title=str(row.scenario_title),
                persona=_persona_name(catalogue, row.persona_id), finished=bool(row.completed),
                screens_done=int(row.screens_done), screen_count=int(row.screen_count),
                how=how_done(row.autonomy_level, int(row.hints)),
            )
            for row in mine.itertuples(index=False)
        )
        codes = sorted(practised.get(int(pid), ()), key=skill_order)
        out.append(Attestation(
            participant_id=int(pid), pseudonym=str(pseudonym),
            name=shown if shown is not None else str(pseudonym),
            workshop_title=str(workshop.get("title") or ""),
            date=date if isinstance(date, dt.date) else None,
            place=str(workshop.get("place") or ""),
            exercises=exercises, competences=tuple(_competence(c) for c in codes),
        ))
    return out


# --- the page ---------------------------------------------------------------------------------


def _exercises_html(attestation: Attestation) -> str:
    e = html.escape
    if not attestation.exercises:
        return f'<p class="empty">{e(MSG_NO_RUN)}</p>'
    rows = "\n".join(
        f"<tr><th scope=\"row\">{e(x.title)}</th><td>{e(x.persona)}</td>"
        f"<td>{e(x.state)}</td><td>{e(x.how[:1].upper() + x.how[1:])}</td></tr>"
        for x in attestation.exercises
    )
    return ("<table>\n<caption>Chaque exercice, terminé ou non, et comment il a été fait"
            "</caption>\n<thead><tr>"
            '<th scope="col">Exercice</th><th scope="col">Personne fictive</th>'
            '<th scope="col">Terminé ?</th><th scope="col">Comment</th>'
            f"</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>")


def _competences_html(attestation: Attestation) -> str:
    e = html.escape
    if not attestation.competences:
        return f'<p class="empty">{e(MSG_NO_SKILL)}</p>'
    items = "".join(f'<li><span class="code">{e(c.code)}</span> {e(c.label)}</li>'
                    for c in attestation.competences)
    return (f'<p>Compétences du {e(FRAMEWORK_NAME)} :</p>'
            f'<ul class="skills">{items}</ul>')


def attestation_block(attestation: Attestation, *, new_page: bool = False) -> str:
    """Return one learner's attestation as an HTML ``<section>`` (one A4 page)."""
    e = html.escape
    place = attestation.place or "non renseigné"
    summary = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in (
        ("Nom", attestation.name),
        ("Atelier", attestation.workshop_title),
        ("Date", attestation.date_text),
        ("Lieu", place),
    ))
    css = "attestation new-page" if new_page else "attestation"
    return (
        f'<section class="{css}" data-participant="{attestation.participant_id}">\n'
        "<h1>Attestation de participation</h1>\n"
        f'<p class="notice" role="note">{e(NOT_A_CERTIFICATION)}</p>\n'
        f'<dl class="summary">{summary}</dl>\n'
        f"<p>{e(attestation.name)} a participé à cet atelier pour s'entraîner aux "
        "démarches en ligne.</p>\n"
        f"<h2>Exercices faits</h2>\n{_exercises_html(attestation)}\n"
        f"<h2>Compétences numériques travaillées</h2>\n{_competences_html(attestation)}\n"
        f'<p class="small">{e(SANDBOX_NOTICE)}</p>\n'
        '<div class="signature">Signature de l\'animatrice ou de l\'animateur :</div>\n'
        "</section>"
    )


def _page_title(attestations: Sequence[Attestation]) -> str:
    """Return the page's title: the workshop, never a name (a saved PDF is named after it)."""
    first = attestations[0]
    head = "Attestation de participation" if len(attestations) == 1 else (
        "Attestations de participation")
    return f"{head} — atelier « {first.workshop_title} » du {first.date_text}"


def attestations_html(attestations: Sequence[Attestation]) -> str:
    """Return attestations as one static HTML page: one A4 page each, a page break between.

    Parameters
    ----------
    attestations
        Those of :func:`build_attestations`.

    Returns
    -------
    str
        ``<!DOCTYPE html>`` page in French, without script, logo nor external resource.

    Raises
    ------
    AttestationError
        When there is no attestation to print.
    """
    if not attestations:
        raise AttestationError(MSG_NOBODY)
    blocks = [attestation_block(a, new_page=i > 0) for i, a in enumerate(attestations)]
    return notebook_html(blocks, _page_title(attestations), ATTESTATION_CSS)


def attestation_page(store: Any, workshop_id: int, catalogue: Any, *,
                     participant_id: int | None = None, name: str | None = None) -> str:
    """Return the printable page of a workshop's attestations (all, or one learner's).

    :func:`build_attestations` then :func:`attestations_html`: what the console's
    « Imprimer les attestations » button needs. Raises :class:`AttestationError` (and
    ``StoreError``) with a French ``message``.
    """
    return attestations_html(build_attestations(
        store, workshop_id, catalogue, participant_id=participant_id, name=name))


def write_attestations(page: str, path: str | Path) -> Path:
    """Write a page of :func:`attestations_html` to ``path`` (temporary file, then rename)."""
    return write_bytes(path, page.encode("utf-8"))
