"""The facilitator's bilan: a workshop's or a period's report, its charts and its files.

``notebooks/bilan.ipynb`` displays :func:`bilan`. As for the console, the page holds the
:class:`~widgets.common.pin_gate.PinGate` only until the right PIN is typed. Then the
:class:`BilanPanel` offers the workshops (newest first) and a period (two dates, and a
pseudonym to follow one learner). The report's tables come from :mod:`bacasable.reports` and
are drawn as accessible tables (caption, headers), each chart as a PNG with its French alt
text beside the table of the same numbers (:mod:`widgets.facilitator.bilan_view`).

Files are built in memory (:mod:`widgets.facilitator.downloads`) and sent to the browser in a widget
message with the bytes as a buffer; the view turns them into a download. Nothing is written to
disk. Every problem is a French message on the page, never a traceback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from typing import Any

import ipywidgets
import traitlets

from bacasable import reports
from bacasable.reports import activity, charts
from bacasable.store import StoreError
from widgets.common.base import Action, MessagePanel, log, module, stylesheet
from widgets.common.pin_gate import GatedApp, guarded

from . import downloads
from .bilan_view import cell, day_of, history_view, workshop_label, workshop_view

__all__ = ["Bilan", "BilanPanel", "bilan", "parse_day", "workshop_label"]

MSG_STORE = "Les résultats des ateliers sont inaccessibles. Fermez cette page et relancez " \
    "Bac à sable."
MSG_CHOOSE = "Choisissez un atelier dans la liste."
MSG_NO_REPORT = "Affichez d'abord un bilan."
MSG_REPORT = "Le bilan n'a pas pu être calculé. Réessayez dans un instant."
MSG_FILE = "Le fichier n'a pas pu être préparé. Réessayez dans un instant."
MSG_READY = "Fichier prêt : {name}."
MSG_SHOWN = "{title} : affiché ci-dessous."
MSG_DATE = "Cette date n'est pas valable. Écrivez-la ainsi : 31/12/2026."
MSG_ORDER = "La date de fin est avant la date de début."
MSG_PSEUDONYM = "Un pseudonyme fait au plus 30 caractères."
MSG_FIX = "Corrigez les champs signalés."

BILAN_CSS = stylesheet("facilitator/console.css", "facilitator/nav.css", "facilitator/bilan.css")


class BilanPanel(MessagePanel):
    """The bilan's choices, the report shown and its downloads.

    Attributes
    ----------
    workshops : list of dict
        ``id``, ``label`` ("12 nov. 2026 — Atelier emploi (8 participants)"), newest first.
    form_errors : dict
        French messages by field of the choice: ``workshop``, ``since``, ``until``,
        ``pseudonym``.
    view : dict
        The report shown (:func:`widgets.facilitator.bilan_view.workshop_view` or
        ``history_view``), or
        ``{}``.
    activity : dict
        The activity report's form (workshop only,
        :func:`widgets.facilitator.downloads.activity_form`):
        ``groups`` of count fields, ``places``, ``place``, ``errors`` (field or group key →
        French message) and ``rows`` (``[field, value]`` of the last report prepared).
    error, status : str
        Messages in French.

    Notes
    -----
    Actions sent: ``workshop`` (``workshop``), ``period`` (``since``, ``until``,
    ``pseudonym``), ``download`` (``file``: ``table`` with ``table``, ``xlsx``, ``html``,
    ``activity`` with ``format``, ``counts`` and ``place``, ``activity_period`` with
    ``format``). A file comes back as a custom message ``{kind: "file", name, mime}`` with
    the bytes as buffer.
    """

    _esm = module("facilitator/nav.js", "facilitator/forms.js", "facilitator/bilan.js")
    _css = BILAN_CSS

    workshops = traitlets.List().tag(sync=True)
    form_errors = traitlets.Dict().tag(sync=True)
    view = traitlets.Dict().tag(sync=True)
    activity = traitlets.Dict().tag(sync=True)
    #: Increased after each action, so that the view clears its "Patientez" even when the
    #: messages stay the same.
    answered = traitlets.Int(0).tag(sync=True)

    def deliver(self, download: downloads.Download) -> None:
        """Send a file to the browser (its bytes as the message's buffer) and say it is ready."""
        self.send({"kind": "file", "name": download.name, "mime": download.mime},
                  buffers=[download.data])
        self.say(status=MSG_READY.format(name=download.name))


class Bilan(GatedApp):
    """The bilan page: the PIN gate, then the choice of a workshop or a period and the report.

    Parameters
    ----------
    store : Store, optional
        The outcome store; default: the configuration's.
    catalogue : Catalogue, optional
        The scenarios (titles, screens, skills); default: loaded once the PIN is right.
    config : BacasableConfig, optional
    environ : mapping, optional
        The kernel's environment; default ``os.environ``.

    Attributes
    ----------
    panel : BilanPanel or None
        None until the PIN is right.
    report : WorkshopReport or HistoryReport or None
        The report shown.
    workshop : dict or None
        The workshop of the report shown (None for a period).
    """

    GATE_TITLE = "Bilan des ateliers"
    GATE_BUTTON = "Ouvrir le bilan"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.panel: BilanPanel | None = None
        self.report: Any = None
        self.workshop: dict[str, Any] | None = None
        self._stem = "bilan"
        super().__init__(*args, **kwargs)
        self.add_class("bas-console-app")
        self.add_class("bas-bilan-app")

    def build(self) -> list[ipywidgets.Widget]:
        """Make the bilan (the PIN was right): the list of workshops and the period's form."""
        self.panel = BilanPanel()
        self.panel.on_action(guarded(self.handle, self.say_error))
        return [self.panel]

    def opened(self, status: str, problem: str) -> None:
        """Read the workshops, then show the first messages."""
        super().opened(status, self.load_workshops() or problem)

    def load_workshops(self) -> str:
        """Read the list of workshops again; return a problem to show, or ""."""
        assert self.panel is not None
        try:
            found = self.store.list_workshops()
        except StoreError as error:
            log.exception("bilan: workshops unavailable")
            return error.message or MSG_STORE
        except Exception:
            log.exception("bilan: workshops unavailable")
            return MSG_STORE
        found.sort(key=lambda w: (day_of(w.get("date")) or dt.date.min, w.get("id") or 0),
                   reverse=True)
        self.panel.workshops = [{"id": w["id"], "label": workshop_label(w)} for w in found]
        return ""

    # --- actions -----------------------------------------------------------------------------

    def handle(self, content: Action) -> None:
        """Do what the panel's view asks: show a report, or prepare a file."""
        assert self.panel is not None
        action = content.get("action")
        try:
            if action in ("workshop", "period"):
                self.load_workshops()  # one created since the page opened is listed too
            if action == "workshop":
                self.show_workshop(content.get("workshop"))
            elif action == "period":
                self.show_period(content.get("since"), content.get("until"),
                                 content.get("pseudonym"))
            elif action == "download":
                self.download(content)
            elif action == "refresh":
                self.panel.say(error=self.load_workshops())
        finally:
            self.panel.answered += 1

    def show_workshop(self, workshop_id: Any) -> None:
        """Show the report of workshop ``workshop_id`` (an id, as an int or a text)."""
        assert self.panel is not None
        wid = _as_int(workshop_id)
        if wid is None:
            self.panel.form_errors = {"workshop": MSG_CHOOSE}
            self.panel.say(error=MSG_CHOOSE)
            return
        self.panel.form_errors = {}
        report = self._build(reports.build_workshop_report, self.store, wid, self.catalogue)
        if report is None:
            return
        self.report, self.workshop = report, report.workshop
        self._stem = downloads.stem("bilan", str(report.workshop.get("title") or "atelier"),
                                    day_of(report.workshop.get("date")))
        self.panel.activity = downloads.activity_form(activity.participants_total(report))
        self.panel.view = workshop_view(report, charts)
        self.panel.say(status=MSG_SHOWN.format(title=report.title()))

    def show_period(self, since: Any, until: Any, pseudonym: Any) -> None:
        """Show the report of a period (dates as typed; either may be empty) and a learner."""
        assert self.panel is not None
        errors: dict[str, str] = {}
        start, errors_since = parse_day(since)
        end, errors_until = parse_day(until)
        if errors_since:
            errors["since"] = errors_since
        if errors_until:
            errors["until"] = errors_until
        if start and end and end < start:
            errors["until"] = MSG_ORDER
        name = " ".join(pseudonym.split()) if isinstance(pseudonym, str) else ""
        if len(name) > 30:
            errors["pseudonym"] = MSG_PSEUDONYM
        self.panel.form_errors = errors
        if errors:
            self.panel.say(error=MSG_FIX)
            return
        report = self._build(reports.build_history_report, self.store, self.catalogue,
                             since=start, until=end, pseudonym=name or None)
        if report is None:
            return
        self.report, self.workshop = report, None
        self._stem = downloads.stem("bilan", "periode", "-".join(
            d.isoformat() for d in (start, end) if d))
        self.panel.activity = {}
        self.panel.view = history_view(report, charts, name)
        self.panel.say(status=MSG_SHOWN.format(title=report.title()))

    def _build(self, build: Any, *args: Any, **kwargs: Any) -> Any:
        """Return ``build(*args, **kwargs)``, or None once its problem is said in French."""
        assert self.panel is not None
        try:
            return build(*args, **kwargs)
        except StoreError as error:
            log.exception("bilan: report not built")
            self.panel.say(error=error.message or MSG_STORE)
        except Exception:
            log.exception("bilan: report not built")
            self.panel.say(error=MSG_REPORT)
        return None

    def download(self, content: Action) -> downloads.Download | None:
        """Prepare the file asked for and send it to the browser; return it (None: a problem)."""
        assert self.panel is not None
        if self.report is None:
            self.panel.say(error=MSG_NO_REPORT)
            return None
        kind = content.get("file")
        fmt = "xlsx" if content.get("format") == "xlsx" else "csv"
        try:
            if kind == "table":
                made = downloads.table_file(self.report, str(content.get("table")), self._stem)
            elif kind == "xlsx":
                made = downloads.workbook_file(self.report, self._stem)
            elif kind == "html" and self.workshop is not None:
                made = downloads.report_file(self.report, self._stem)
            elif kind == "activity" and self.workshop is not None:
                made = self._activity_file(content, fmt)
            elif kind == "activity_period" and self.workshop is None:
                ids = [int(i) for i in self.report.workshops["id"]]
                made = downloads.activity_period_file(
                    self.store, self.catalogue, ids,
                    self._stem.replace("bilan", "compte-rendu", 1), fmt)
            else:
                made = None
        except Exception:
            log.exception("bilan: file %r", kind)
            self.panel.say(error=MSG_FILE)
            return None
        if made is not None:
            self.panel.deliver(made)
        return made

    def _activity_file(self, content: Action, fmt: str) -> downloads.Download | None:
        """Return the workshop's activity report with the counts typed (checked first)."""
        assert self.panel is not None and self.workshop is not None
        form = self.panel.activity or downloads.activity_form(
            activity.participants_total(self.report))
        typed = content.get("counts")
        typed = typed if isinstance(typed, dict) else {}
        keys = [f["key"] for g in form["groups"] for f in g["fields"]]
        values = {k: "" if typed.get(k) is None else str(typed.get(k)).strip()[:12]
                  for k in keys}
        place = content.get("place") if content.get("place") in activity.PLACE_KINDS else ""
        made, errors, rows = downloads.activity_file(
            self.workshop, self.report, self.catalogue, values, place,
            self._stem.replace("bilan", "compte-rendu", 1), fmt)
        groups = [{**g, "fields": [{**f, "value": values[f["key"]]} for f in g["fields"]]}
                  for g in form["groups"]]
        self.panel.activity = {**form, "groups": groups, "place": place, "errors": errors,
                               "rows": [[str(k), cell(v)] for k, v in rows]}
        if errors:
            self.panel.say(error=MSG_FIX)
        return made

    def close(self) -> None:
        """Close the widgets."""
        for widget in (self.gate, self.panel):
            if widget is not None:
                with contextlib.suppress(Exception):
                    widget.close()
        super().close()


# --- helpers -------------------------------------------------------------------------------------


def parse_day(value: Any) -> tuple[dt.date | None, str]:
    """Read a date typed as ``AAAA-MM-JJ`` (a date field) or ``JJ/MM/AAAA``.

    Returns
    -------
    date or None, str
        The day (None when empty or not valid) and a French message ("" when valid or empty).
    """
    if value is None:
        return None, ""
    text = str(value).strip()
    if not text:
        return None, ""
    found = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    parts = (found.group(1), found.group(2), found.group(3)) if found else None
    if parts is None:
        found = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text)
        parts = (found.group(3), found.group(2), found.group(1)) if found else None
    if parts is None:
        return None, MSG_DATE
    try:
        day = dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None, MSG_DATE
    if not 2000 <= day.year <= 2100:
        return None, MSG_DATE
    return day, ""


def _as_int(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]{1,12}", value.strip()):
        return int(value.strip())
    return None




def bilan() -> Bilan:
    """Return the bilan page (display it as the last expression of a cell)."""
    return Bilan()
