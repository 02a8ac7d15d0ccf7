"""The report's charts as PNG (or SVG) bytes, drawn offline by matplotlib, with French alt text.

Matplotlib is imported only when a chart is drawn (the facilitator's kernel, never the learners'),
and only its Agg canvas is used: no pyplot, no global backend switched, nothing shown on screen,
safe in a server. The font is DejaVu Sans, which ships inside matplotlib, so a chart looks the
same on every machine without the network (the project's Atkinson Hyperlegible is bundled as
WOFF2 for browsers only, a format matplotlib cannot read). The PNG carries no date or version,
so the same data give the same bytes.

Colours (:data:`PALETTE`) contrast at least 3:1 with the white background (WCAG 1.4.11, graphical
objects) and are told apart by people with colour-blindness (Okabe–Ito blue and vermilion, a dark
grey); the "stopped here" bars are hatched too and every bar carries its number, so that colour is
never the only way to read a chart (WCAG 1.4.1). Each chart has a French sentence for ``alt``.
"""

from __future__ import annotations

import io
import textwrap
from typing import Any

import pandas as pd

__all__ = [
    "BACKGROUND",
    "PALETTE",
    "TEXT_COLOUR",
    "chart_alt_text",
    "contrast_ratio",
    "difficulty_alt_text",
    "difficulty_chart",
    "funnel_alt_text",
    "funnel_chart",
    "funnel_svg",
    "screen_time_alt_text",
    "screen_time_chart",
    "seconds_text",
]

#: Bar colours: reached (dark grey), validated (blue), stopped here (vermilion, hatched).
PALETTE = {"reached": "#4d4d4d", "done": "#0072b2", "stopped": "#c85200", "time": "#0072b2"}
TEXT_COLOUR = "#1e1e1e"
BACKGROUND = "#ffffff"

#: What each series of the funnel is called in its legend.
FUNNEL_SERIES = (
    ("reached", "Arrivés à l'écran", "reached", ""),
    ("done", "Écran validé", "done", ""),
    ("stopped_here", "Arrêtés à cet écran", "stopped", "//"),
)

_RC = {
    "font.family": "DejaVu Sans",
    "font.size": 11,
    "axes.edgecolor": TEXT_COLOUR,
    "axes.labelcolor": TEXT_COLOUR,
    "text.color": TEXT_COLOUR,
    "xtick.color": TEXT_COLOUR,
    "ytick.color": TEXT_COLOUR,
    "hatch.color": BACKGROUND,
    "hatch.linewidth": 1.5,
    "svg.hashsalt": "bacasable",
    "svg.fonttype": "path",
}
_LABEL_WIDTH = 30
_TITLE_WIDTH = 60
_DPI = 100


# --- words ------------------------------------------------------------------------------------


def seconds_text(seconds: float | None) -> str:
    """Return a duration for a chart: "45 s", "1 min 05 s", "1 h 02 min"; "—" when unknown."""
    if seconds is None or pd.isna(seconds):
        return "—"
    total = int(round(float(seconds)))
    if total < 60:
        return f"{total} s"
    minutes, rest = divmod(total, 60)
    if minutes < 60:
        return f"{minutes} min {rest:02d} s"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def _number(value: float, digits: int = 1) -> str:
    """Return a French decimal: 1,5 (no trailing ",0")."""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"
    return text.replace(".", ",")


def _errors_per_run(value: float) -> str:
    """Return "0,7 erreur par parcours", "2,5 erreurs par parcours" (French: plural from 2)."""
    value = float(value)
    return f"{_number(value)} {'erreur' if value < 2 else 'erreurs'} par parcours"


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count <= 1 else many}"


def _rows(frame: pd.DataFrame, scenario_id: str) -> pd.DataFrame:
    rows = frame[frame["scenario_id"].astype(str) == str(scenario_id)]
    return rows.sort_values("position").reset_index(drop=True)


def _funnel_rows(report: Any, scenario_id: str) -> pd.DataFrame:
    """Return the funnel's screens somebody reached (the branches nobody took are noise)."""
    rows = _rows(report.funnel, scenario_id)
    return rows[rows["reached"] > 0].reset_index(drop=True)


def _scenario_title(report: Any, scenario_id: str) -> str:
    for frame in (report.funnel, report.screen_times, report.learners):
        rows = frame[frame["scenario_id"].astype(str) == str(scenario_id)]
        if len(rows):
            return str(rows["scenario_title"].iloc[0])
    return str(scenario_id)


# --- drawing ----------------------------------------------------------------------------------


def _figure(rows: int) -> Any:
    """Return a white figure tall enough for ``rows`` labelled bars, on the Agg canvas."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    height = 1.6 + 0.55 * max(rows, 1)
    fig = Figure(figsize=(9, height), dpi=_DPI, facecolor=BACKGROUND, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _render(draw: Any, fmt: str) -> bytes:
    """Draw with the project's settings and return the image bytes (no date, no version)."""
    import matplotlib

    if fmt not in ("png", "svg"):
        raise ValueError(f"format d'image inconnu : {fmt}")
    with matplotlib.rc_context(_RC):
        fig = draw()
        buffer = io.BytesIO()
        metadata = {"Software": None} if fmt == "png" else {"Date": None, "Creator": None}
        fig.savefig(buffer, format=fmt,
                    facecolor=BACKGROUND, metadata=metadata)
    return buffer.getvalue()


def _labels(rows: pd.DataFrame) -> list[str]:
    return [textwrap.fill(f"{int(p)}. {t}", _LABEL_WIDTH)
            for p, t in zip(rows["position"], rows["screen_title"], strict=True)]


def _style(ax: Any, title: str, xlabel: str) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.set_title(textwrap.fill(title, _TITLE_WIDTH), loc="left", fontsize=13, fontweight="bold")
    ax.set_xlabel(xlabel)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", color="#d0d0d0", linewidth=0.8)
    ax.set_axisbelow(True)


def _empty(ax: Any, title: str) -> None:
    ax.set_title(textwrap.fill(title, _TITLE_WIDTH), loc="left", fontsize=13, fontweight="bold")
    ax.text(0.5, 0.5, "Aucune donnée pour ce graphique.", ha="center", va="center",
            transform=ax.transAxes)
    ax.set_axis_off()


def funnel_chart(report: Any, scenario_id: str, *, fmt: str = "png") -> bytes:
    """Draw where an exercise's runs went: reached, validated and stopped, screen by screen.

    Parameters
    ----------
    report
        A :class:`~bacasable.reports.WorkshopReport` (its ``funnel`` table).
    scenario_id
        The exercise.
    fmt
        ``"png"`` or ``"svg"``.

    Returns
    -------
    bytes
        The image: one group of three horizontal bars per screen somebody reached, in the
        exercise's order (numbered by their position in it).
    """
    rows = _funnel_rows(report, scenario_id)
    title = f"« {_scenario_title(report, scenario_id)} » : où les participants se sont arrêtés"

    def draw() -> Any:
        fig = _figure(len(rows) * 1.2)
        ax = fig.add_subplot()
        if rows.empty:
            _empty(ax, title)
            return fig
        base = list(range(len(rows)))
        height = 0.27
        for offset, (column, label, colour, hatch) in zip((-1, 0, 1), FUNNEL_SERIES,
                                                          strict=True):
            bars = ax.barh([b + offset * height for b in base], rows[column].astype(int),
                           height=height, color=PALETTE[colour], hatch=hatch or None,
                           edgecolor=BACKGROUND if hatch else PALETTE[colour], label=label)
            ax.bar_label(bars, padding=3, fontsize=9, color=TEXT_COLOUR)
        ax.set_yticks(base, _labels(rows))
        ax.invert_yaxis()
        ax.set_xlim(0, max(1, int(rows["reached"].max())) * 1.12)
        _style(ax, title, "Nombre de parcours")
        fig.legend(loc="outside lower center", ncol=3, frameon=False, handlelength=2.2)
        return fig

    return _render(draw, fmt)


def funnel_svg(report: Any, scenario_id: str) -> str:
    """Return :func:`funnel_chart` as SVG text (texts drawn as paths: no font needed)."""
    return funnel_chart(report, scenario_id, fmt="svg").decode("utf-8")


def screen_time_chart(report: Any, scenario_id: str, *, fmt: str = "png") -> bytes:
    """Draw the median time spent on each screen of an exercise (``screen_times`` table).

    Parameters
    ----------
    report
        A :class:`~bacasable.reports.WorkshopReport`.
    scenario_id
        The exercise.
    fmt
        ``"png"`` or ``"svg"``.

    Returns
    -------
    bytes
        The image: one horizontal bar per screen validated at least once, labelled "1 min 05 s".
    """
    rows = _rows(report.screen_times, scenario_id)
    title = f"« {_scenario_title(report, scenario_id)} » : temps passé sur chaque écran"

    def draw() -> Any:
        fig = _figure(len(rows))
        ax = fig.add_subplot()
        if rows.empty:
            _empty(ax, title)
            return fig
        values = rows["median_seconds"].astype(float).fillna(0.0)
        bars = ax.barh(range(len(rows)), values, height=0.6, color=PALETTE["time"])
        ax.bar_label(bars, labels=[seconds_text(v) for v in rows["median_seconds"]], padding=3,
                     fontsize=9)
        ax.set_yticks(range(len(rows)), _labels(rows))
        ax.invert_yaxis()
        ax.set_xlim(0, max(1.0, float(values.max())) * 1.2)
        _style(ax, title, "Temps médian sur l'écran (secondes)")
        return fig

    return _render(draw, fmt)


def _difficulty_frame(source: Any) -> pd.DataFrame:
    frame = getattr(source, "difficulty", source)
    return frame.sort_values("rank").reset_index(drop=True)


def difficulty_chart(source: Any, *, fmt: str = "png") -> bytes:
    """Draw the exercises from the hardest to the easiest, with the share of runs finished.

    Parameters
    ----------
    source
        A :class:`~bacasable.reports.HistoryReport` or its ``difficulty`` table.
    fmt
        ``"png"`` or ``"svg"``.

    Returns
    -------
    bytes
        The image: one bar per exercise (percentage finished), labelled with the errors per run.
    """
    rows = _difficulty_frame(source)
    title = "Exercices du plus difficile au plus facile : part des parcours terminés"

    def draw() -> Any:
        fig = _figure(len(rows))
        ax = fig.add_subplot()
        if rows.empty:
            _empty(ax, title)
            return fig
        shares = rows["completion_rate"].astype(float).fillna(0.0) * 100
        bars = ax.barh(range(len(rows)), shares, height=0.6, color=PALETTE["done"])
        notes = [f"{_number(s, 0)} % · {_errors_per_run(e)}"
                 for s, e in zip(shares, rows["errors_per_run"].fillna(0.0), strict=True)]
        ax.bar_label(bars, labels=notes, padding=3, fontsize=9)
        ax.set_yticks(range(len(rows)), [textwrap.fill(f"{int(r)}. {t}", _LABEL_WIDTH)
                                         for r, t in zip(rows["rank"], rows["scenario_title"],
                                                         strict=True)])
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        _style(ax, title, "Parcours terminés (%)")
        return fig

    return _render(draw, fmt)


# --- alt text ---------------------------------------------------------------------------------


def funnel_alt_text(report: Any, scenario_id: str) -> str:
    """Return what :func:`funnel_chart` shows, in French sentences (for ``alt``)."""
    rows = _funnel_rows(report, scenario_id)
    title = _scenario_title(report, scenario_id)
    if rows.empty:
        return f"Graphique vide : personne n'a fait l'exercice « {title} »."
    runs = report.learners[report.learners["scenario_id"].astype(str) == str(scenario_id)]
    started = len(runs) or int(rows["reached"].iloc[0])
    finished = int(runs["completed"].sum()) if len(runs) else int(rows["done"].iloc[-1])
    text = (f"Graphique en barres de l'exercice « {title} » : pour chacun de ses "
            f"{_plural(len(rows), 'écran atteint', 'écrans atteints')}, le nombre de parcours "
            f"arrivés à l'écran, qui l'ont validé et qui se sont arrêtés là. "
            f"{_plural(started, 'parcours a', 'parcours ont')} commencé, "
            f"{_plural(finished, 'est allé', 'sont allés')} jusqu'au bout.")
    stops = rows[rows["stopped_here"] > 0]
    if stops.empty:
        return text + " Personne ne s'est arrêté en route."
    worst = stops.sort_values(["stopped_here", "position"], ascending=[False, True]).iloc[0]
    return (text + f" Le plus d'arrêts : {int(worst['stopped_here'])} à l'écran "
            f"{int(worst['position'])}, « {worst['screen_title']} ».")


def screen_time_alt_text(report: Any, scenario_id: str) -> str:
    """Return what :func:`screen_time_chart` shows, in French sentences (for ``alt``)."""
    rows = _rows(report.screen_times, scenario_id)
    title = _scenario_title(report, scenario_id)
    if rows.empty:
        return f"Graphique vide : aucun écran de l'exercice « {title} » n'a été validé."
    longest = rows.sort_values(["median_seconds", "position"], ascending=[False, True]).iloc[0]
    return (f"Graphique en barres de l'exercice « {title} » : le temps médian passé sur "
            f"chacun des {_plural(len(rows), 'écran validé', 'écrans validés')}. "
            f"Le plus long : l'écran {int(longest['position'])}, « {longest['screen_title']} », "
            f"avec {seconds_text(longest['median_seconds'])}.")


def difficulty_alt_text(source: Any) -> str:
    """Return what :func:`difficulty_chart` shows, in French sentences (for ``alt``)."""
    rows = _difficulty_frame(source)
    if rows.empty:
        return "Graphique vide : aucun exercice n'a été fait sur la période."
    hardest = rows.iloc[0]
    text = (f"Graphique en barres : {_plural(len(rows), 'exercice classé', 'exercices classés')}"
            f" du plus difficile au plus facile, avec la part des parcours terminés. "
            f"Le plus difficile : « {hardest['scenario_title']} », "
            f"{_number(float(hardest['completion_rate']) * 100, 0)} % de parcours terminés et "
            f"{_errors_per_run(hardest['errors_per_run'])}.")
    if len(rows) > 1:
        easiest = rows.iloc[-1]
        text += (f" Le plus facile : « {easiest['scenario_title']} », "
                 f"{_number(float(easiest['completion_rate']) * 100, 0)} % de parcours terminés.")
    return text


def chart_alt_text(source: Any, scenario_id: str | None = None, *,
                   kind: str | None = None) -> str:
    """Return the alt text of a chart, in French sentences.

    Parameters
    ----------
    source
        The :class:`~bacasable.reports.WorkshopReport` (funnel, screen time) or the
        :class:`~bacasable.reports.HistoryReport` / its ``difficulty`` table.
    scenario_id
        The exercise, for the funnel and screen-time charts.
    kind
        "funnel", "screen_time" or "difficulty"; default: the funnel when an exercise is
        given, else the difficulty.

    Returns
    -------
    str
        What the chart shows and its main finding.
    """
    kind = kind or ("funnel" if scenario_id is not None else "difficulty")
    if kind == "funnel":
        return funnel_alt_text(source, str(scenario_id))
    if kind == "screen_time":
        return screen_time_alt_text(source, str(scenario_id))
    if kind == "difficulty":
        return difficulty_alt_text(source)
    raise ValueError(f"graphique inconnu : {kind}")


def contrast_ratio(first: str, second: str = BACKGROUND) -> float:
    """Return the WCAG contrast ratio of two ``#rrggbb`` colours (1 to 21)."""

    def luminance(colour: str) -> float:
        channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
