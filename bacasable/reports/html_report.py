"""A workshop's report as one static HTML page, made by nbconvert, to keep or print.

As for the printable handout (:mod:`bacasable.workshop.handout`), a notebook is built in memory with
only outputs (HTML blocks, no code) and converted by nbconvert's ``basic`` template with the
inputs left out, inside a page of our own: ``lang="fr"``, no script, nothing loaded from the
internet. Tables are real HTML tables with a caption and column headers; charts are PNG images
embedded in the page (``data:`` base64) with a French ``alt`` text, so the file can be emailed
or archived on its own. The learners appear under their pseudonyms only.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import math
import numbers
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bacasable.common.static_page import notebook_html

from . import charts
from .exports import write_bytes
from .labels import COLUMN_LABELS

__all__ = [
    "PSEUDONYMOUS_NOTICE",
    "REPORT_CSS",
    "html_table",
    "report_blocks",
    "report_html",
    "write_report_html",
]

PSEUDONYMOUS_NOTICE = (
    "Données pseudonymes : chaque participant est désigné par le pseudonyme qu'il a choisi. "
    "Ce bilan ne contient rien de ce que les participants ont tapé dans les exercices. "
    "Gardez-le pour vous et votre structure."
)

REPORT_CSS = """
body { font-family: "Atkinson Hyperlegible", Arial, sans-serif; font-size: 12pt; color: #1e1e1e;
       margin: 0 auto; max-width: 60rem; padding: 1rem; line-height: 1.45; background: #fff; }
h1 { font-size: 20pt; margin: 0 0 .5rem; }
h2 { font-size: 16pt; margin: 1.5rem 0 .5rem; border-bottom: 2px solid #1d3f8f; }
h3 { font-size: 13pt; margin: 1rem 0 .5rem; }
.notice { border: 2px solid #1d3f8f; background: #e9eef8; padding: .5rem .75rem; }
dl.summary { display: grid; grid-template-columns: max-content auto; gap: .2rem 1rem; }
dl.summary dt { font-weight: bold; }
dl.summary dd { margin: 0; }
table { border-collapse: collapse; margin: .5rem 0 1rem; width: 100%; }
caption { text-align: left; font-weight: bold; padding: .3rem 0; }
th, td { border: 1px solid #6b6b6b; padding: .25rem .5rem; text-align: left;
         vertical-align: top; }
thead th { background: #e9eef8; }
tbody th { font-weight: normal; }
tbody tr:nth-child(even) { background: #f4f4f4; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: .5rem 0 1rem; break-inside: avoid; page-break-inside: avoid; }
figure img { max-width: 100%; height: auto; }
figcaption { font-size: 11pt; color: #3d3d3d; }
@media print { body { max-width: none; } section { break-inside: auto; } }
"""

#: The columns each table shows (technical ids are left to the exports).
_SHOWN = {
    "attendance": ("pseudonym", "joined_at", "last_seen_at", "runs", "completed_runs"),
    "learners": ("pseudonym", "scenario_title", "persona_id", "status", "autonomy", "alone",
                 "minutes", "errors", "hints", "screens_done", "screen_count"),
    "funnel": ("position", "screen_title", "reached", "done", "stopped_here", "errors", "hints"),
    "screen_times": ("position", "screen_title", "runs", "median_seconds", "mean_seconds"),
    "errors": ("scenario_title", "screen_title", "field_label", "error_label", "count",
               "learners"),
    "observations": ("pseudonym", "scenario_title", "autonomy", "note", "created_at"),
}


# --- cells and tables -------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    """Return a value as a French reader reads it: Oui/Non, 1,5, 12/11/2026 10:05."""
    if isinstance(value, (list, tuple)):
        return ", ".join(_cell_text(v) for v in value)
    if value is None or value is pd.NaT or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "Oui" if value else "Non"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isfinite(number) and number.is_integer():
            return str(int(number))
        return f"{number:.1f}".replace(".", ",")
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def html_table(frame: pd.DataFrame, caption: str, columns: Sequence[str] | None = None,
               *, row_header: str | None = None, empty: str = "Aucune ligne.") -> str:
    """Return an accessible HTML table of a report table, with French headings.

    Parameters
    ----------
    frame
        The table (English column names, see :data:`~bacasable.reports.labels.COLUMN_LABELS`).
    caption
        What the table holds, read first by screen readers.
    columns
        The columns shown, in order (default: all).
    row_header
        The column that names each row (default: the first one shown).
    empty
        The sentence shown instead of a table without rows (the caption is not shown then).

    Returns
    -------
    str
        ``<table>`` with ``<caption>``, ``<th scope="col">`` headings and the cell that names
        each row as ``<th scope="row">``; numbers aligned right; every text escaped.
    """
    e = html.escape
    columns = list(columns or frame.columns)
    row_header = row_header or columns[0]
    if frame.empty:
        return f'<p class="empty">{e(empty)}</p>'
    numeric = {c: pd.api.types.is_numeric_dtype(frame[c].dtype)
               and not pd.api.types.is_bool_dtype(frame[c].dtype) for c in columns}
    head = "".join(f'<th scope="col">{e(COLUMN_LABELS.get(c, c))}</th>' for c in columns)
    rows = []
    for values in frame.loc[:, columns].itertuples(index=False, name=None):
        cells = []
        for column, value in zip(columns, values, strict=True):
            text = e(_cell_text(value))
            if column == row_header:
                cells.append(f'<th scope="row">{text}</th>')
            elif numeric[column]:
                cells.append(f'<td class="num">{text}</td>')
            else:
                cells.append(f"<td>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f"<table>\n<caption>{e(caption)}</caption>\n<thead><tr>{head}</tr></thead>\n"
            "<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>")


def _figure(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(alt)}">'
            "</figure>")


# --- the page ---------------------------------------------------------------------------------


def _header(report: Any) -> str:
    e = html.escape
    workshop = report.workshop
    learners = report.learners
    items = [
        ("Date", _cell_text(workshop.get("date"))),
        ("Lieu", workshop.get("place") or "non renseigné"),
        ("Participants inscrits", str(len(report.attendance))),
        ("Parcours", str(len(learners))),
        ("Parcours terminés", str(int(learners["completed"].astype(bool).sum()))),
    ]
    summary = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in items)
    return (f"<header><h1>{e(report.title())}</h1>"
            f'<p class="notice" role="note">{e(PSEUDONYMOUS_NOTICE)}</p>'
            f'<dl class="summary">{summary}</dl></header>')


def _section(title: str, *parts: str) -> str:
    return f"<section><h2>{html.escape(title)}</h2>\n" + "\n".join(parts) + "\n</section>"


def _scenario_ids(report: Any) -> list[str]:
    """Return the exercises done, in the funnel's order (the workshop's)."""
    return list(dict.fromkeys(report.funnel["scenario_id"].astype(str)))


def _scenario_section(report: Any, scenario_id: str) -> str:
    e = html.escape
    funnel = report.funnel[report.funnel["scenario_id"].astype(str) == scenario_id]
    times = report.screen_times[report.screen_times["scenario_id"].astype(str) == scenario_id]
    title = str(funnel["scenario_title"].iloc[0]) if len(funnel) else scenario_id
    reached = funnel[funnel["reached"] > 0]
    parts = [
        "<h3>Où les participants se sont arrêtés</h3>",
        _figure(charts.funnel_chart(report, scenario_id),
                charts.funnel_alt_text(report, scenario_id)),
        html_table(reached, f"Parcours écran par écran : « {title} »", _SHOWN["funnel"],
                   row_header="screen_title", empty="Personne n'a atteint un écran."),
        "<h3>Temps passé sur chaque écran</h3>",
        _figure(charts.screen_time_chart(report, scenario_id),
                charts.screen_time_alt_text(report, scenario_id)),
        html_table(times, f"Temps par écran, en secondes : « {title} »", _SHOWN["screen_times"],
                   row_header="screen_title", empty="Aucun écran validé."),
    ]
    return f"<section><h2>Exercice « {e(title)} »</h2>\n" + "\n".join(parts) + "\n</section>"


def _errors(report: Any) -> pd.DataFrame:
    """Return the errors table with each exercise's title (the table names it by id)."""
    titles: dict[str, str] = {}
    for frame in (report.funnel, report.learners):
        for sid, title in zip(frame["scenario_id"].astype(str),
                              frame["scenario_title"].astype(str), strict=True):
            titles.setdefault(sid, title)
    errors = report.errors.copy()
    errors["scenario_title"] = [titles.get(s, s) for s in errors["scenario_id"].astype(str)]
    return errors


def report_blocks(report: Any) -> list[str]:
    """Return the HTML blocks of a workshop's report, in reading order."""
    attendance = report.attendance
    blocks = [
        _header(report),
        _section("Présence", html_table(
            attendance, f"Présence : {len(attendance)} participant(s)", _SHOWN["attendance"],
            empty="Personne n'a rejoint l'atelier.")),
        _section("Parcours de chaque participant", html_table(
            report.learners, "Exercices faits par chaque participant", _SHOWN["learners"],
            empty="Aucun exercice n'a été commencé.")),
    ]
    blocks += [_scenario_section(report, s) for s in _scenario_ids(report)]
    blocks += [
        _section("Erreurs les plus fréquentes", html_table(
            _errors(report), "Erreurs par écran et par champ, les plus fréquentes d'abord",
            _SHOWN["errors"], empty="Aucune erreur.")),
        _section("Observations de l'animateur", html_table(
            report.observations, "Observations notées pendant l'atelier",
            _SHOWN["observations"], empty="Aucune observation.")),
    ]
    return blocks


def report_html(report: Any) -> str:
    """Return a workshop's report as one static HTML page (French, no script, nothing external).

    Parameters
    ----------
    report
        The :class:`~bacasable.reports.WorkshopReport`.

    Returns
    -------
    str
        The page: summary, attendance, each learner's runs, for each exercise a funnel chart
        and table and a time-per-screen chart and table, frequent errors, observations.
    """
    return notebook_html(report_blocks(report), report.title(), REPORT_CSS)


def write_report_html(report: Any, path: str | Path) -> Path:
    """Write :func:`report_html` to ``path`` (temporary file, then rename); return the path."""
    return write_bytes(path, report_html(report).encode("utf-8"))
