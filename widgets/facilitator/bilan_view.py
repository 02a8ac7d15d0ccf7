"""The bilan page's tables and charts as JSON for its view: French cells, captions, alt texts."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import pandas as pd

from bacasable.reports import labels
from widgets.common.base import log

from .bilan_cells import cell, day_of, missing, numeric, workshop_label

__all__ = [
    "MAX_ROWS",
    "MSG_CHART",
    "MSG_EMPTY_WORKSHOP",
    "cell",
    "chart_block",
    "day_of",
    "history_view",
    "table_block",
    "workshop_label",
    "workshop_view",
]

#: Rows shown in a table of the page; the downloaded file has them all.
MAX_ROWS = 200

MSG_EMPTY_WORKSHOP = "Personne n'a encore fait d'exercice dans cet atelier."
MSG_EMPTY_PERIOD = "Aucun atelier sur cette période."
MSG_NO_PSEUDONYM = "Aucun exercice fait sous ce pseudonyme sur cette période."
MSG_CHART = "Le graphique n'a pas pu être dessiné. Le tableau ci-dessous donne les mêmes chiffres."
MSG_MORE_ROWS = "Seules les {shown} premières lignes sont affichées sur {total}. " \
    "Le fichier CSV les contient toutes."


# --- blocks --------------------------------------------------------------------------------------


def table_block(
    key: str,
    frame: pd.DataFrame,
    caption: str,
    columns: Sequence[str],
    row_header: str,
    *,
    empty: str = "",
) -> dict[str, Any]:
    """Return a table of the page: caption, column labels, French cells, its download key.

    Parameters
    ----------
    key
        Names the table in the view's ``download`` action (``"learners"``…).
    frame
        The report's frame.
    caption
        The table's caption (its accessible name too).
    columns
        The columns shown, in order (those missing from ``frame`` are skipped).
    row_header
        The column whose cells head their row (``<th scope="row">``).
    empty
        Said instead of the table when the frame has no row ("" : a default sentence).

    Returns
    -------
    dict
        ``type`` "table", ``key``, ``caption``, ``columns`` (``label``, ``numeric``,
        ``header``), ``legend`` (``term``, ``text``: what a column means), ``rows`` (lists of
        str), ``total``, ``note``, ``empty``.
    """
    shown = [c for c in columns if c in frame.columns]
    total = len(frame)
    head = frame.head(MAX_ROWS)
    rows = [[cell(v, c) for c, v in zip(shown, values, strict=True)]
            for values in head[shown].itertuples(index=False, name=None)] if shown else []
    return {
        "type": "table",
        "key": key,
        "caption": caption,
        "columns": [{"label": labels.COLUMN_LABELS.get(c, c), "numeric": numeric(frame, c),
                     "header": c == row_header} for c in shown],
        # What a column's name alone may not say (« Autonomie », « Fait seul »), in one line.
        "legend": [{"term": labels.COLUMN_LABELS.get(c, c), "text": labels.COLUMN_HELP[c]}
                   for c in shown if c in labels.COLUMN_HELP],
        "rows": rows,
        "total": total,
        "note": MSG_MORE_ROWS.format(shown=MAX_ROWS, total=cell(total)) if total > MAX_ROWS
        else "",
        "empty": (empty or "Rien à montrer ici pour l'instant.") if total == 0 else "",
    }


def chart_block(draw: Callable[[], bytes], alt: Callable[[], str], caption: str) -> dict[str, Any]:
    """Return a chart of the page: a PNG as a data URL with its French alt text.

    A chart that cannot be drawn gives a text block saying so (the table beside it stays).
    """
    try:
        png = draw()
        text = alt()
    except Exception:
        log.exception("bilan: a chart could not be drawn (%s)", caption)
        return {"type": "text", "text": MSG_CHART}
    source = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    return {"type": "chart", "src": source, "alt": text, "caption": caption}


def _heading(text: str) -> dict[str, Any]:
    return {"type": "heading", "text": text}


def _text(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text}


def _section(key: str, title: str, blocks: Iterable[dict[str, Any] | None]) -> dict[str, Any]:
    return {"key": key, "title": title, "blocks": [b for b in blocks if b]}


# --- the workshop ---------------------------------------------------------------------------------


def _with_titles(frame: pd.DataFrame, titles: dict[str, str]) -> pd.DataFrame:
    """Add ``scenario_title`` from the scenario ids, when the frame lacks it."""
    if "scenario_title" in frame.columns or "scenario_id" not in frame.columns:
        return frame
    out = frame.copy()
    out["scenario_title"] = [titles.get(str(s), str(s)) for s in out["scenario_id"]]
    return out


def workshop_view(report: Any, charts: Any) -> dict[str, Any]:
    """Return the page's view of a :class:`~bacasable.reports.WorkshopReport`.

    Parameters
    ----------
    report
        The workshop's report.
    charts
        The module drawing the charts (:mod:`bacasable.reports.charts`).

    Returns
    -------
    dict
        ``kind`` "workshop", ``title``, ``empty`` (a sentence when nobody did an exercise),
        ``sections`` (``key``, ``title``, ``blocks``).
    """
    learners = report.learners
    titles = {}
    if len(learners):
        titles = dict(zip(learners["scenario_id"].astype(str), learners["scenario_title"],
                          strict=True))
    sections = [
        _section("attendance", "Présence", [table_block(
            "attendance", report.attendance, "Apprenants présents",
            ("pseudonym", "joined_at", "last_seen_at", "runs", "completed_runs"), "pseudonym",
            empty="Personne n'a rejoint cet atelier.")]),
    ]
    empty = MSG_EMPTY_WORKSHOP if len(learners) == 0 else ""
    if not empty:
        sections.append(_section("learners", "Chaque apprenant", [table_block(
            "learners", learners, "Exercices de chaque apprenant",
            ("pseudonym", "scenario_title", "status", "autonomy", "alone", "minutes", "errors",
             "hints", "screens_done", "screen_count"), "pseudonym")]))
        sections.append(_section("funnel", "Écran par écran : où les apprenants se sont arrêtés",
                                 _funnel_blocks(report, charts)))
        sections.append(_section("errors", "Erreurs les plus fréquentes", [table_block(
            "errors", _with_titles(report.errors, titles), "Erreurs par écran et par champ",
            ("scenario_title", "screen_title", "field_label", "error_label", "count", "learners"),
            "field_label", empty="Aucune erreur dans cet atelier.")]))
        sections.append(_section("screen_times", "Temps passé sur chaque écran",
                                 _per_scenario(report.screen_times, "screen_times",
                                               "Temps par écran",
                                               ("screen_title", "runs", "median_seconds",
                                                "mean_seconds"))))
        if len(getattr(report, "quiz", ())):
            sections.append(_section("quiz", "Quiz : bonnes réponses du premier coup", [
                _text("Pour chaque question : combien d'apprenants ont répondu, et combien ont "
                      "trouvé la bonne réponse du premier coup."),
                table_block("quiz", _with_titles(report.quiz, titles), "Réponses aux quiz",
                            ("scenario_title", "question", "answered", "right_first_time",
                             "right_first_time_rate"), "question")]))
        if len(getattr(report, "diagnostic", ())):
            sections.append(_section("diagnostic", "Par où commencer ? Le niveau de chacun", [
                _text("Le niveau que le diagnostic conseille, d'après ce que chacun a fait."),
                table_block("diagnostic", report.diagnostic, "Niveau conseillé de chaque apprenant",
                            ("pseudonym", "placement", "score", "score_max", "skills_done",
                             "skills_practise"), "pseudonym")]))
    sections.append(_section("observations", "Observations de l'animateur", [table_block(
        "observations", report.observations, "Observations notées pendant l'atelier",
        ("pseudonym", "scenario_title", "autonomy", "note", "created_at"), "pseudonym",
        empty="Aucune observation notée.")]))
    return {"kind": "workshop", "title": report.title(), "empty": empty, "sections": sections}


def _numbered(frame: pd.DataFrame) -> pd.DataFrame:
    """Put each screen's position before its title ("3. Mon identité"): a narrower table."""
    titles = [f"{int(p)}. {t}" if not missing(p) else str(t)
              for p, t in zip(frame["position"], frame["screen_title"], strict=True)]
    return frame.assign(screen_title=titles)


def _per_scenario(frame: pd.DataFrame, key: str, caption: str,
                  columns: Sequence[str]) -> list[dict[str, Any]]:
    """Return a heading and a table for each exercise (each downloads the whole frame)."""
    blocks: list[dict[str, Any]] = []
    if len(frame) == 0:
        return [_text("Aucun écran validé pour l'instant.")]
    ids = frame["scenario_id"].astype(str)
    for scenario_id in dict.fromkeys(ids):
        part = frame[ids == scenario_id]
        title = str(part["scenario_title"].iloc[0])
        block = table_block(f"{key}:{scenario_id}", _numbered(part), f"{caption} : {title}",
                            columns, "screen_title")
        block["download_key"] = key
        blocks += [_heading(title), block]
    return blocks


def _funnel_blocks(report: Any, charts: Any) -> list[dict[str, Any]]:
    funnel = report.funnel
    blocks: list[dict[str, Any]] = [_text(
        "Pour chaque exercice : combien d'apprenants ont atteint chaque écran, l'ont terminé, "
        "ou s'y sont arrêtés.")]
    scenario_ids = list(dict.fromkeys(funnel["scenario_id"].astype(str))) if len(funnel) else []
    for scenario_id in scenario_ids:
        part = funnel[funnel["scenario_id"].astype(str) == scenario_id]
        title = str(part["scenario_title"].iloc[0])
        caption = f"Parcours écran par écran : {title}"
        blocks.append(_heading(title))
        blocks.append(chart_block(lambda s=scenario_id: charts.funnel_chart(report, s),
                                  lambda s=scenario_id: charts.chart_alt_text(report, s),
                                  f"Graphique du parcours : {title}"))
        block = table_block(f"funnel:{scenario_id}", _numbered(part), caption,
                            ("screen_title", "reached", "done", "stopped_here", "errors",
                             "hints"), "screen_title")
        block["download_key"] = "funnel"
        blocks.append(block)
    return blocks


# --- over time ------------------------------------------------------------------------------------


def history_view(report: Any, charts: Any, pseudonym: str = "") -> dict[str, Any]:
    """Return the page's view of a :class:`~bacasable.reports.HistoryReport`.

    Parameters
    ----------
    report
        The period's report.
    charts
        The module drawing the charts (:mod:`bacasable.reports.charts`).
    pseudonym
        The learner followed, if any ("" : everyone).

    Returns
    -------
    dict
        ``kind`` "period", ``title``, ``empty``, ``sections``.
    """
    empty = ""
    if len(report.workshops) == 0:
        empty = MSG_EMPTY_PERIOD
    elif pseudonym and len(report.progress) == 0:
        empty = MSG_NO_PSEUDONYM
    sections = [_section("workshops", "Ateliers de la période", [table_block(
        "workshops", report.workshops, "Ateliers de la période",
        ("title", "date", "participants", "runs", "completed_runs"), "title",
        empty=MSG_EMPTY_PERIOD)])]
    if not empty:
        progress_title = (f"Progression de {pseudonym}" if pseudonym
                          else "Progression de chaque apprenant")
        sections.append(_section("progress", progress_title, [
            _text("Un même apprenant est reconnu à son pseudonyme, sans tenir compte des "
                  "majuscules ni des accents."),
            table_block("progress", report.progress, progress_title,
                        ("pseudonym", "date", "workshop_title", "scenario_title", "completed",
                         "autonomy", "alone", "errors", "hints", "minutes"), "pseudonym")]))
        difficulty = report.difficulty
        chart = chart_block(lambda: charts.difficulty_chart(report),
                            lambda: charts.chart_alt_text(report),
                            "Graphique des exercices classés par difficulté")
        sections.append(_section("difficulty", "Exercices du plus difficile au plus facile", [
            chart if len(difficulty) else None,
            table_block("difficulty", difficulty, "Exercices classés par difficulté",
                        ("rank", "scenario_title", "runs", "completion_rate", "errors_per_run",
                         "hints_per_run", "median_minutes"), "scenario_title")]))
        sections.append(_section("skills", "Compétences travaillées", [
            _text("Les compétences du référentiel public des compétences numériques que les "
                  "exercices font travailler, et combien d'apprenants les ont réussies seuls."),
            table_block("skills", report.skills, "Compétences travaillées et réussies seul",
                        ("skill_label", "learners_practised", "learners_alone"), "skill_label",
                        empty="Les exercices faits ne sont liés à aucune compétence.")]))
        if len(getattr(report, "diagnostic_levels", ())):
            sections.append(_section("diagnostic_levels", "Niveaux conseillés par atelier", [
                table_block("diagnostic_levels", report.diagnostic_levels,
                            "Niveaux conseillés par le diagnostic, atelier par atelier",
                            ("workshop_title", "date", "learners", "debutant", "intermediaire",
                             "avance"), "workshop_title")]))
    return {"kind": "period", "title": report.title(), "empty": empty, "sections": sections}
