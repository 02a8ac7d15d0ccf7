r"""CSV and Excel exports of report tables, safe against formula injection, in French.

Pseudonyms and notes are typed by people, so they are never trusted (OWASP, "CSV
Injection"). In a CSV file, every text cell that a spreadsheet could read as a formula is
*neutralised*: a text starting with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a
line feed gets a leading apostrophe, so that Excel, LibreOffice and Google Sheets show it as
text and never run it. In an Excel file every text is written as a *text cell*, where no formula
can start: it holds exactly the text, with no apostrophe. Numbers stay numbers (a negative
number is not text and cannot be a formula).

The CSV files are made for French Excel, which opens a double-clicked CSV with the system's
regional settings: UTF-8 **with** a byte-order mark (without it, Excel reads ``é`` as ``Ã©``),
``;`` between columns and ``,`` as the decimal mark (as in ``1,5``), ``\r\n`` line ends,
booleans as « Oui » / « Non » and times as ``JJ/MM/AAAA HH:MM``, local time
(:data:`~bacasable.reports.frames.TIMEZONE`, like the tables).
Read one back with ``pandas.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig")``.

The Excel files (openpyxl) have one sheet per table, a French sheet name, the header row in
bold and frozen, and columns as wide as their content (within limits).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import numbers
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from .frames import TIMEZONE
from .labels import french as french_labels

__all__ = [
    "CSV_DECIMAL",
    "CSV_ENCODING",
    "CSV_SEPARATOR",
    "FORMULA_PREFIXES",
    "TABLE_NAMES",
    "csv_bytes",
    "report_sheets",
    "safe_cell",
    "safe_frame",
    "sheet_name",
    "write_bytes",
    "write_csv",
    "write_report_csv",
    "write_xlsx",
    "xlsx_bytes",
]

#: First characters that make a spreadsheet read a cell as a formula (OWASP), plus the line
#: breaks and tab that some spreadsheets skip before looking for them.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
#: CSV settings for French Excel (see the module's docstring).
CSV_SEPARATOR = ";"
CSV_DECIMAL = ","
CSV_ENCODING = "utf-8-sig"

#: Excel's limits on a sheet name: 31 characters, none of these.
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
#: Each report table's French sheet name and CSV file name (workshop and period reports).
TABLE_NAMES: dict[str, tuple[str, str]] = {
    "attendance": ("Présence", "presence"),
    "learners": ("Parcours", "parcours"),
    "funnel": ("Écran par écran", "ecran-par-ecran"),
    "errors": ("Erreurs fréquentes", "erreurs"),
    "screen_times": ("Temps par écran", "temps-par-ecran"),
    "observations": ("Observations", "observations"),
    "quiz": ("Quiz", "quiz"),
    "workshops": ("Ateliers", "ateliers"),
    "progress": ("Progression", "progression"),
    "difficulty": ("Difficulté", "difficulte"),
    "skills": ("Compétences", "competences"),
    "diagnostic": ("Par où commencer", "diagnostic"),
    "diagnostic_levels": ("Niveaux conseillés", "niveaux-conseilles"),
}

#: Control characters an ``.xlsx`` file may not hold (openpyxl refuses them).
_EXCEL_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_MAX_WIDTH = 60
_MIN_WIDTH = 8


def safe_cell(value: Any) -> Any:
    """Return ``value``, neutralised when it is a text a spreadsheet could run as a formula.

    Parameters
    ----------
    value
        Any cell value.

    Returns
    -------
    Any
        A text starting with one of :data:`FORMULA_PREFIXES` gets a leading apostrophe
        (``"=1+1"`` → ``"'=1+1"``); every other value (numbers, negative ones too, dates,
        booleans, missing values) is returned unchanged.

    Examples
    --------
    >>> safe_cell("=1+1")
    "'=1+1"
    >>> safe_cell(-2)
    -2
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``df`` whose text cells and column names are neutralised.

    Only the columns that can hold text (object, string, categorical) are looked at, so
    numeric columns stay numeric.
    """
    out = df.copy()
    for column in out.columns:
        series = out[column]
        if isinstance(series.dtype, pd.CategoricalDtype):
            series = series.astype(object)
        if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
            out[column] = series.astype(object).map(safe_cell)
    out.columns = [safe_cell(str(c)) for c in out.columns]
    return out


def _missing(value: Any) -> bool:
    """Tell whether a scalar cell is empty (None, NaN, NaT, pd.NA)."""
    if isinstance(value, (list, tuple, set, dict, np.ndarray)):
        return False
    return value is None or bool(pd.isna(value))


def _plain_value(value: Any) -> Any:
    """Return booleans as Oui/Non, aware times as times of the reports' zone without zone."""
    if isinstance(value, (bool, np.bool_)):
        return "Oui" if value else "Non"
    if _missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        # Excel knows no time zones: the same local time as the report's tables.
        return value.astimezone(ZoneInfo(TIMEZONE)).replace(tzinfo=None)
    return value


def _plain(df: pd.DataFrame, *, for_csv: bool) -> pd.DataFrame:
    """Return the values as a French reader expects them: Oui/Non, local times, no zone."""
    out = df.copy()
    for column in out.columns:
        series = out[column]
        if (isinstance(series.dtype, (pd.CategoricalDtype, pd.DatetimeTZDtype))
                or pd.api.types.is_bool_dtype(series.dtype)
                or pd.api.types.is_datetime64_dtype(series.dtype) or series.dtype == object):
            series = series.astype(object).map(_plain_value)
            if for_csv:
                series = series.map(_csv_time)
        out[column] = series
    return out


def _csv_time(value: Any) -> Any:
    """Return dates and times as French Excel reads them: ``12/11/2026``, ``12/11/2026 14:05``."""
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return value


def _export_frame(df: pd.DataFrame, *, french: bool, for_csv: bool) -> pd.DataFrame:
    frame = _plain(french_labels(df) if french else df, for_csv=for_csv)
    # A CSV cell has no type: the apostrophe keeps a formula from running. An Excel cell is
    # written as a text cell (see xlsx_bytes), where no formula can start: it keeps the text.
    return safe_frame(frame) if for_csv else frame


def csv_bytes(df: pd.DataFrame, *, french: bool = True) -> bytes:
    r"""Return ``df`` as a CSV file for French Excel, neutralised against formula injection.

    Parameters
    ----------
    df
        A report table (English column names, renamed by ``labels.french``) or any table.
    french
        Rename the columns to their French labels.

    Returns
    -------
    bytes
        UTF-8 with a byte-order mark, ``;`` separated, ``,`` decimal mark, ``\r\n`` line ends.
    """
    frame = _export_frame(df, french=french, for_csv=True)
    text = frame.to_csv(index=False, sep=CSV_SEPARATOR, decimal=CSV_DECIMAL,
                        lineterminator="\r\n")
    return text.encode(CSV_ENCODING)


def sheet_name(name: str, taken: set[str] | None = None) -> str:
    r"""Return ``name`` as a valid Excel sheet name, unique among ``taken`` (which it joins).

    Excel refuses ``[ ] : * ? / \``, more than 31 characters, and names that differ only by case.
    """
    base = _SHEET_FORBIDDEN.sub("-", str(name)).strip("' ") or "Feuille"
    base = base[:31]
    taken = taken if taken is not None else set()
    candidate, n = base, 2
    while candidate.casefold() in taken:
        suffix = f" ({n})"
        candidate = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(candidate.casefold())
    return candidate


def _width(values: list[Any]) -> float:
    longest = 0
    for value in values:
        if _missing(value):
            continue
        text = _csv_time(value) if isinstance(value, (dt.date, dt.datetime)) else value
        for line in str(text).splitlines() or [""]:
            longest = max(longest, len(line))
    return float(min(max(longest + 2, _MIN_WIDTH), _MAX_WIDTH))


def xlsx_bytes(sheets: Mapping[str, pd.DataFrame], *, french: bool = True) -> bytes:
    """Return an Excel workbook with one sheet per table, neutralised against formula injection.

    Parameters
    ----------
    sheets
        Sheet name (French, e.g. ``"Présence"``) → table, in order.
    french
        Rename the columns to their French labels.

    Returns
    -------
    bytes
        The ``.xlsx`` file: header row bold and frozen, column widths fitted, dates as dates.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    bold = Font(bold=True)
    for name, df in sheets.items():
        sheet = book.create_sheet(sheet_name(name, taken))
        frame = _export_frame(df, french=french, for_csv=False)
        sheet.append([_xlsx_value(str(c)) for c in frame.columns])
        for cell in sheet[1]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in frame.itertuples(index=False, name=None):
            sheet.append([_xlsx_value(v) for v in row])
        for row in sheet.iter_rows(min_row=1):
            for cell in row:
                if isinstance(cell.value, str):
                    # A text cell, never a formula: openpyxl writes text starting with "="
                    # as a formula unless told otherwise.
                    cell.data_type = "s"
                elif isinstance(cell.value, dt.datetime):
                    cell.number_format = "DD/MM/YYYY HH:MM"
                elif isinstance(cell.value, dt.date):
                    cell.number_format = "DD/MM/YYYY"
        sheet.freeze_panes = "A2"
        for index, column in enumerate(frame.columns, start=1):
            letter = sheet.cell(row=1, column=index).column_letter
            header = str(column)
            sheet.column_dimensions[letter].width = _width(
                [header[:30]] + list(frame.iloc[:, index - 1])
            )
    if not book.sheetnames:
        book.create_sheet("Vide")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value: Any) -> Any:
    """Return a value openpyxl accepts: a plain number, text, date, or None."""
    if _missing(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return "Oui" if value else "Non"
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, str):
        return _EXCEL_ILLEGAL.sub("", value)  # Excel refuses most control characters
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value
    if isinstance(value, (list, tuple, set)):
        return _EXCEL_ILLEGAL.sub("", ", ".join(str(v) for v in value))
    return _EXCEL_ILLEGAL.sub("", str(value))


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file then a rename (never half a file).

    The folder is created if needed. Returns the path.
    """
    path = Path(path).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return path


def report_sheets(report: Any) -> dict[str, pd.DataFrame]:
    """Return a report's tables by French sheet name (:data:`TABLE_NAMES`), in order.

    Parameters
    ----------
    report
        A :class:`~bacasable.reports.WorkshopReport` or :class:`~bacasable.reports.HistoryReport`
        (anything with ``tables()``).
    """
    return {TABLE_NAMES.get(name, (name, name))[0]: frame
            for name, frame in report.tables().items()}


def write_report_csv(report: Any, folder: str | Path) -> list[Path]:
    """Write each table of a report as a CSV file in ``folder`` (created); return the paths.

    The files are named by :data:`TABLE_NAMES` (``presence.csv``, ``parcours.csv``…).
    """
    folder = Path(folder).expanduser()
    return [write_csv(frame, folder / f"{TABLE_NAMES.get(name, (name, name))[1]}.csv")
            for name, frame in report.tables().items()]


def write_csv(df: pd.DataFrame, path: str | Path, *, french: bool = True) -> Path:
    """Write :func:`csv_bytes` of ``df`` to ``path`` (temporary file, then rename)."""
    return write_bytes(path, csv_bytes(df, french=french))


def write_xlsx(sheets: Mapping[str, pd.DataFrame], path: str | Path, *,
               french: bool = True) -> Path:
    """Write :func:`xlsx_bytes` of ``sheets`` to ``path`` (temporary file, then rename)."""
    return write_bytes(path, xlsx_bytes(sheets, french=french))
