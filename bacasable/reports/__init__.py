"""Reports of the workshops on pandas: one workshop's tables, and progress over time.

:func:`build_workshop_report` gives the tables of one workshop (attendance, runs, funnel,
errors, time per screen, observations, quizzes); :func:`build_history_report` those of a period
(workshops, each learner's progress, exercises by difficulty, skills). Both read the store in
short batches through :func:`load_frames`. Column names are English; :func:`labels.french`
gives the French headings. Exports, charts and the HTML report live beside them.
"""

from __future__ import annotations

from . import labels
from .frames import Frames, load_frames
from .history import HistoryReport, build_history_report
from .labels import COLUMN_LABELS, french
from .workshop_report import WorkshopReport, build_workshop_report

__all__ = [
    "COLUMN_LABELS",
    "Frames",
    "HistoryReport",
    "WorkshopReport",
    "build_history_report",
    "build_workshop_report",
    "french",
    "labels",
    "load_frames",
]

# --- exports, charts, activity report, HTML report (helper R2's modules) -----------------------
# Imported last; none of them loads matplotlib, openpyxl or nbconvert until it is used.
from .activity import activity_report, activity_rows  # noqa: E402
from .charts import (  # noqa: E402
    chart_alt_text,
    difficulty_chart,
    funnel_chart,
    screen_time_chart,
)
from .exports import (  # noqa: E402
    csv_bytes,
    safe_cell,
    safe_frame,
    write_csv,
    write_xlsx,
    xlsx_bytes,
)
from .html_report import report_html, write_report_html  # noqa: E402

__all__ += [
    "activity_report",
    "activity_rows",
    "chart_alt_text",
    "csv_bytes",
    "difficulty_chart",
    "funnel_chart",
    "report_html",
    "safe_cell",
    "safe_frame",
    "screen_time_chart",
    "write_csv",
    "write_report_html",
    "write_xlsx",
    "xlsx_bytes",
]
