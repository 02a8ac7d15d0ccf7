"""The bilan page's files: CSV, Excel, HTML and activity report, built in memory for the browser."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from bacasable.common.slugs import slug
from bacasable.reports import activity, exports, html_report

__all__ = [
    "CSV",
    "HTML",
    "XLSX",
    "Download",
    "activity_file",
    "activity_form",
    "activity_period_file",
    "count_errors",
    "count_groups",
    "report_file",
    "stem",
    "table_file",
    "workbook_file",
]

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HTML = "text/html"


@dataclass(frozen=True)
class Download:
    """A file for the browser to save: its name, its media type and its bytes."""

    #: The file's name, as the browser saves it.
    name: str
    #: Its media type (:data:`CSV`, :data:`XLSX`, :data:`HTML`).
    mime: str
    #: Its content.
    data: bytes


def stem(kind: str, title: str, when: Any = None) -> str:
    """Return the start of the files' names: ``bilan-atelier-emploi-2026-11-12``.

    Parameters
    ----------
    kind
        ``"bilan"`` or ``"compte-rendu"``…
    title
        The workshop's title (accents and punctuation are dropped).
    when
        A date (or a text) added at the end, if any.
    """
    parts = [kind, slug(title, limit=40)]
    if isinstance(when, (dt.date, dt.datetime)):
        parts.append(when.strftime("%Y-%m-%d"))
    elif when:
        parts.append(re.sub(r"[^0-9a-z-]+", "-", str(when).lower()).strip("-"))
    return "-".join(p for p in parts if p)


def table_file(report: Any, key: str, name_stem: str) -> Download | None:
    """Return one table of ``report`` as a CSV file, or None for an unknown table.

    Parameters
    ----------
    report
        A workshop's or a period's report.
    key
        The table: ``"learners"``, ``"funnel"``… (a key of the report's tables).
    name_stem
        The start of the file's name (:func:`stem`).
    """
    tables = report.tables()
    if key not in tables:
        return None
    suffix = exports.TABLE_NAMES.get(key, (key, key))[1]
    return Download(f"{name_stem}-{suffix}.csv", CSV, exports.csv_bytes(tables[key]))


def workbook_file(report: Any, name_stem: str) -> Download:
    """Return every table of ``report`` in one Excel file, a sheet each."""
    return Download(f"{name_stem}.xlsx", XLSX, exports.xlsx_bytes(exports.report_sheets(report)))


def report_file(report: Any, name_stem: str) -> Download:
    """Return the workshop's printable HTML report (no code, charts inside)."""
    return Download(f"{name_stem}.html", HTML, html_report.report_html(report).encode("utf-8"))


def activity_period_file(store: Any, catalogue: Any, workshop_ids: list[int], name_stem: str,
                         fmt: str) -> Download:
    """Return the activity report of a period's workshops, a row each, as CSV or Excel."""
    rows = activity.activity_rows(store, catalogue, workshop_ids)
    return _frame_file(rows, name_stem, fmt, "Comptes rendus")


def _frame_file(frame: pd.DataFrame, name_stem: str, fmt: str, sheet: str) -> Download:
    # The activity report's columns are French already.
    if fmt == "xlsx":
        return Download(f"{name_stem}.xlsx", XLSX,
                        exports.xlsx_bytes({sheet: frame}, french=False))
    return Download(f"{name_stem}.csv", CSV, exports.csv_bytes(frame, french=False))


# --- the activity report of one workshop ------------------------------------------------------

HELP = {
    activity.TOTAL: "Prérempli : les apprenants qui ont fait au moins un exercice, ou que vous "
                    "avez observés. Corrigez-le si besoin.",
    "tracked": "Les personnes que vous suivez par leur nom sur la plateforme.",
}


def count_groups() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """Return the counts of the activity report by group: key, legend, (key, field) pairs."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for key, field, group in activity.COUNT_FIELDS:
        groups.setdefault(group, []).append((key, field))
    return [(slug(group), group, fields) for group, fields in groups.items()]


def _short(field: str, group: str) -> str:
    """Return a field's label inside its group: « Genre : femmes » becomes « Femmes »."""
    prefix = f"{group} : "
    name = field[len(prefix):] if field.startswith(prefix) else field
    return name[:1].upper() + name[1:]


def activity_form(total: int) -> dict[str, Any]:
    """Return the activity report's form: the groups of counts, the total filled in.

    Returns
    -------
    dict
        ``groups`` (``key``, ``legend``, ``fields``: ``key``, ``label``, ``help``,
        ``value``), ``places`` (the kinds of place), ``place`` (""), ``errors`` ({}),
        ``rows`` ([]).
    """
    groups = [{"key": key, "legend": legend,
               "fields": [{"key": k, "label": _short(field, legend), "help": HELP.get(k, ""),
                           "value": str(total) if k == activity.TOTAL else ""}
                          for k, field in fields]}
              for key, legend, fields in count_groups()]
    return {"groups": groups, "places": list(activity.PLACE_KINDS), "place": "", "errors": {},
            "rows": []}


def count_errors(values: dict[str, str], total: int) -> dict[str, str]:
    """Return :func:`activity.check_counts`'s messages by field (or group) of the form.

    A message naming a field goes with it; one about a breakdown goes with that group (the
    message disappears without that group's counts); any other goes with the total.
    """
    _, messages = activity.check_counts(values, total)
    found: dict[str, list[str]] = {}
    for message in messages:
        found.setdefault(_where(message, values, total), []).append(message)
    return {key: " ".join(texts) for key, texts in found.items()}


def _where(message: str, values: dict[str, str], total: int) -> str:
    for key, field, _group in activity.COUNT_FIELDS:
        if f"« {field} »" in message:
            return key
    for group, _legend, fields in count_groups():
        keys = {k for k, _ in fields}
        if activity.TOTAL in keys:
            continue
        without = {k: v for k, v in values.items() if k not in keys}
        if message not in activity.check_counts(without, total)[1]:
            return group
    return activity.TOTAL


def activity_file(workshop: dict[str, Any], report: Any, catalogue: Any,
                  counts: dict[str, str], place: str, name_stem: str,
                  fmt: str) -> tuple[Download | None, dict[str, str], list[list[Any]]]:
    """Return the workshop's activity report as a file, or the problems with the counts.

    Parameters
    ----------
    workshop, report, catalogue
        As :func:`bacasable.reports.activity.activity_report` takes them.
    counts
        The form's counts, as typed (keys of ``activity.COUNT_FIELDS``).
    place
        One of :data:`bacasable.reports.activity.PLACE_KINDS`, or "" (« non renseigné »).
    name_stem
        The start of the file's name.
    fmt
        ``"csv"`` or ``"xlsx"``.

    Returns
    -------
    Download or None, dict, list
        The file (None when a count is wrong), the French messages by field, and the
        report's fields and values (``[field, value]``).
    """
    total = activity.participants_total(report)
    errors = count_errors(counts, total)
    if errors:
        return None, errors, []
    result = activity.activity_report(workshop, report, catalogue, counts,
                                      place_kind=place if place in activity.PLACE_KINDS else None)
    rows = [[field, value] for field, value in result.items()]
    frame = activity.activity_frame(result)
    return _frame_file(frame, name_stem, fmt, "Compte rendu"), {}, rows
