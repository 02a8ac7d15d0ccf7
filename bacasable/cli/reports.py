"""The ``report`` command: a workshop's report as HTML, CSV, Excel, and its activity report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from traitlets import Unicode

from .command import ALIASES
from .store import StoreCommand

if TYPE_CHECKING:
    from bacasable.store import Store

__all__ = ["ReportCommand", "find_workshop"]

USAGE = ("bacasable report CODE --html bilan.html [--csv DOSSIER] [--xlsx bilan.xlsx] "
         "[--activity compte-rendu.csv]")
MSG_UNKNOWN = ("Aucun atelier n'a le code ou le numéro « {arg} ». Donnez le code affiché au "
               "tableau (6 caractères) ou le numéro de l'atelier.")


def find_workshop(store: Store, text: str) -> dict[str, Any] | None:
    """Return the workshop with this join code (open or closed) or this number, or None.

    A join code is tried first: a code of six digits would otherwise be read as a number.
    """
    from bacasable.store import StoreError
    from bacasable.store.values import normalise_join_code

    code = normalise_join_code(text)
    if code is not None:
        for workshop in store.list_workshops():
            if workshop["join_code"] == code:
                return workshop
    cleaned = text.strip()
    if cleaned.isdigit():
        try:
            return store.workshop(int(cleaned))
        except StoreError:
            return None
    return None


class ReportCommand(StoreCommand):
    """Write a workshop's report: HTML page, CSV tables, Excel workbook, activity report."""

    name = "bacasable report"
    description = ("Écrit le bilan d'un atelier (code ou numéro) : " + USAGE + ". "
                   "Le compte rendu d'activité est en CSV, ou en Excel si le fichier finit "
                   "par .xlsx.")
    html = Unicode("", help="Rapport HTML écrit dans ce fichier.").tag(config=True)
    csv = Unicode("", help="Dossier où chaque tableau est écrit en CSV.").tag(config=True)
    xlsx = Unicode("", help="Classeur Excel écrit, une feuille par tableau.").tag(config=True)
    activity = Unicode("", help="Compte rendu d'activité écrit (.csv ou .xlsx).").tag(config=True)
    aliases = {
        **ALIASES,
        "html": "ReportCommand.html",
        "csv": "ReportCommand.csv",
        "xlsx": "ReportCommand.xlsx",
        "activity": "ReportCommand.activity",
    }

    def start(self) -> None:
        """Run the command."""
        from bacasable.reports.workshop_report import build_workshop_report
        from bacasable.scenario.loader import load_catalogue

        if len(self.extra_args) != 1:
            self.fail(f"Donnez un atelier, par son code ou son numéro : {USAGE}", 2)
        arg = self.extra_args[0]
        catalogue = load_catalogue(self.settings.all_scenario_dirs())
        with self.open_store() as store, self.store_errors():
            workshop = find_workshop(store, arg)
            if workshop is None:
                self.fail(MSG_UNKNOWN.format(arg=arg))
            report = build_workshop_report(store, workshop["id"], catalogue)
        learners = report.learners
        print(f"{report.title()} : {len(report.attendance)} participant(s), "
              f"{len(learners)} parcours, dont {int(learners['completed'].sum())} terminé(s).")
        writers = self._writers(report, catalogue)
        if not writers:
            print("Rien n'est écrit : ajoutez --html FICHIER, --csv DOSSIER, --xlsx FICHIER ou "
                  "--activity FICHIER.")
            self.exit(0)
        for target, write, done in writers:
            try:
                written = write()
            except OSError as error:
                self.fail(f"Impossible d'écrire {target} : {error.strerror or error}")
            print(f"{done} : {written}")
        self.exit(0)

    def _writers(self, report: Any, catalogue: Any) -> list[tuple[str, Callable[[], Any], str]]:
        """Return what to write: (target, function writing it, French words once written)."""
        from bacasable.reports import exports
        from bacasable.reports.activity import activity_frame, activity_report
        from bacasable.reports.html_report import write_report_html

        def activity_file() -> Path:
            frame = activity_frame(activity_report(report.workshop, report, catalogue))
            if self.activity.lower().endswith(".xlsx"):
                return exports.write_xlsx({"Compte rendu d'activité": frame}, self.activity,
                                          french=False)
            return exports.write_csv(frame, self.activity, french=False)

        def csv_folder() -> str:
            paths = exports.write_report_csv(report, self.csv)
            return f"{len(paths)} fichiers dans {Path(self.csv).expanduser()}"

        plan = [
            (self.html, lambda: write_report_html(report, self.html), "Bilan HTML écrit"),
            (self.csv, csv_folder, "Tableaux CSV écrits"),
            (self.xlsx, lambda: exports.write_xlsx(exports.report_sheets(report), self.xlsx),
             "Classeur Excel écrit"),
            (self.activity, activity_file, "Compte rendu d'activité écrit"),
        ]
        return [item for item in plan if item[0]]
