"""The facilitator's bilan without a browser: the PIN gate, the reports shown, the files sent.

The data are the synthetic workshops of ``tests/synthetic_reports.py`` (known events,
known numbers), built through the store's public methods.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json

import openpyxl
import pandas as pd
import pytest
from ipywidgets.widgets.widget import _instances
from sqlalchemy import create_engine, update
from synthetic_reports import FIRST_DAY, Clock, build_synthetic
from widget_support import send

from bacasable import reports
from bacasable.common.config import BacasableConfig
from bacasable.store import Store, StoreError, tables
from bacasable.workshop import pin
from widgets.facilitator import bilan as bilan_module
from widgets.facilitator.bilan import (
    MSG_CHOOSE,
    MSG_DATE,
    MSG_NO_REPORT,
    MSG_ORDER,
    Bilan,
    parse_day,
)
from widgets.facilitator.bilan_view import (
    MAX_ROWS,
    MSG_CHART,
    MSG_EMPTY_PERIOD,
    MSG_EMPTY_WORKSHOP,
    MSG_NO_PSEUDONYM,
    cell,
    table_block,
)
from widgets.facilitator.downloads import stem

PIN = "4827"
HOSTILE = '=HYPERLINK("x")'


@pytest.fixture
def synthetic(tmp_path):
    clock = Clock(FIRST_DAY)
    store = Store(f"sqlite:///{tmp_path / 'bacasable.sqlite'}", clock=clock)
    try:
        made = build_synthetic(store, clock)
        pin.set_pin(store, PIN)
        yield made
    finally:
        store.close()


@pytest.fixture
def make(synthetic, tmp_path):
    made = []

    def _make(store=None) -> Bilan:
        page = Bilan(store or synthetic.store, synthetic.catalogue,
                     config=BacasableConfig(data_dir=str(tmp_path / "data")), environ={})
        made.append(page)
        return page

    yield _make
    for page in made:
        page.close()


class Sent(list):
    """What the panel sent to the browser: (content, buffers) pairs."""

    def files(self) -> list[tuple[dict, bytes]]:
        return [(c, bytes(b[0])) for c, b in self if c.get("kind") == "file"]


def opened(make, store=None) -> tuple[Bilan, Sent]:
    page = make(store)
    send(page.gate, {"action": "check", "pin": PIN})
    assert page.unlocked
    sent = Sent()
    page.panel.send = lambda content, buffers=None: sent.append((content, buffers))
    return page, sent


def tables_of(view: dict) -> dict[str, dict]:
    return {b["key"]: b for s in view["sections"] for b in s["blocks"] if b["type"] == "table"}


def column(block: dict, label: str) -> list[str]:
    index = [c["label"] for c in block["columns"]].index(label)
    return [row[index] for row in block["rows"]]


def csv_frame(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), sep=";", encoding="utf-8-sig", dtype=str,
                       keep_default_na=False)


def synced(widget) -> str:
    state = {k: v for k, v in widget.get_state().items() if k not in ("_esm", "_css")}
    return json.dumps(state, ensure_ascii=False, default=str)


# --- the gate and the choice ---------------------------------------------------------------------


def test_nothing_but_the_gate_before_the_right_pin(make):
    before = set(_instances)
    page = make()
    assert page.children == (page.gate,) and page.panel is None
    assert page.gate.title == "Bilan des ateliers"
    send(page.gate, {"action": "check", "pin": "9999"})
    assert not page.unlocked and page.gate.error
    leaked = [w for k, w in _instances.items() if k not in before and "Atelier" in synced(w)]
    assert leaked == []
    send(page.gate, {"action": "check", "pin": PIN})
    assert page.unlocked and page.children == (page.panel,)
    # Newest first, by the workshop's day: title, day and participants.
    assert [w["label"] for w in page.panel.workshops] == [
        "26 nov. 2026 — Atelier emploi (2 participants)",
        "12 nov. 2026 — Atelier CAF et emploi (5 participants)",
    ]
    assert page.panel.view == {} and page.panel.error == ""
    assert "bas-bilan-app" in page._dom_classes


def test_a_bad_choice_or_an_unknown_workshop_is_a_french_message(make):
    page, sent = opened(make)
    send(page.panel, {"action": "workshop", "workshop": ""})
    assert page.panel.form_errors == {"workshop": MSG_CHOOSE} and page.panel.view == {}
    send(page.panel, {"action": "workshop", "workshop": "999"})
    assert page.panel.error == "Cet atelier n'existe pas (ou plus)."
    send(page.panel, {"action": "download", "file": "xlsx"})
    assert page.panel.error == MSG_NO_REPORT and sent == []
    answered = page.panel.answered
    for strange in ({"action": 3}, {"nothing": True}, {"action": "download", "file": "nope"},
                    {"action": "teleport"}):
        send(page.panel, strange)
    assert sent == [] and page.panel.answered == answered + 2


# --- one workshop --------------------------------------------------------------------------------


def test_workshop_report_shows_known_tables_and_charts(make, synthetic):
    page, _ = opened(make)
    send(page.panel, {"action": "workshop", "workshop": str(synthetic.workshop_id)})
    view = page.panel.view
    assert page.panel.error == ""
    assert view["title"] == "Bilan de l'atelier « Atelier CAF et emploi » du 12 novembre 2026"
    assert page.panel.status.startswith(view["title"])
    assert [s["key"] for s in view["sections"]] == [
        "attendance", "learners", "funnel", "errors", "screen_times", "observations"]
    found = tables_of(view)
    for block in found.values():
        assert block["caption"] and sum(c["header"] for c in block["columns"]) == 1

    attendance = found["attendance"]
    assert column(attendance, "Pseudonyme") == ["Amina", "Bruno", "Chloé", "Diane", "Emma"]
    assert column(attendance, "Arrivée")[0] == "12/11/2026 10:00"  # Paris time
    assert column(attendance, "Parcours terminés") == ["1", "0", "1", "1", "0"]

    learners = found["learners"]
    assert column(learners, "Pseudonyme") == ["Amina", "Bruno", "Chloé", "Diane"]
    assert column(learners, "État") == ["Terminé", "Abandonné", "Terminé", "Terminé"]
    assert column(learners, "Durée (min)") == ["6,5", "4,8", "5,3", "6,1"]  # French decimals
    assert column(learners, "Fait seul") == ["Oui", "Non", "Non", "Oui"]
    assert column(learners, "Autonomie")[1] == "Avec l'aide de l'animateur"
    numeric = {c["label"]: c["numeric"] for c in learners["columns"]}
    assert numeric["Erreurs"] and not numeric["Pseudonyme"]

    # The funnel: for each exercise a heading, a PNG with its alt text, the same numbers.
    funnel = next(s for s in view["sections"] if s["key"] == "funnel")["blocks"]
    charts = [b for b in funnel if b["type"] == "chart"]
    assert [b["text"] for b in funnel if b["type"] == "heading"] == [
        "Demander la prime d'activité", "S'inscrire à France Travail"]
    assert len(charts) == 2
    for chart in charts:
        assert chart["src"].startswith("data:image/png;base64,")
        assert base64.b64decode(chart["src"].split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
        assert chart["alt"].startswith("Graphique en barres de l'exercice")
    assert "Le plus d'arrêts : 1 à l'écran" in charts[0]["alt"]
    caf = found["funnel:caf-prime-activite"]
    assert caf["download_key"] == "funnel"
    logement = column(caf, "Écran").index("9. Mon logement")
    assert column(caf, "Arrêtés ici")[logement] == "1" and column(caf, "Arrivés")[0] == "3"

    errors = found["errors"]
    assert column(errors, "Champ")[0] == "Montant de votre loyer par mois, sans les charges"
    assert column(errors, "Nombre")[0] == "2" and column(errors, "Erreur")[0] == "Mal écrit"
    times = found["screen_times:caf-prime-activite"]
    assert times["caption"] == "Temps par écran : Demander la prime d'activité"
    assert times["download_key"] == "screen_times"
    where = column(times, "Écran").index("11. Mes ressources des 3 derniers mois")
    assert column(times, "Temps médian (s)")[where] == "55"  # Amina 30 s, Chloé 80 s
    assert column(times, "Parcours")[where] == "2"
    assert "screen_times:france-travail-inscription" in found
    assert column(found["observations"], "Note")[2] == "=SOMME(A1:A2) Besoin d'aide pour le loyer."
    json.dumps(page.panel.get_state(), default=str)  # the whole view travels as JSON


def test_nobody_did_anything_yet(make, synthetic):
    store = synthetic.store
    page, _ = opened(make)
    empty = store.create_workshop("Atelier du lundi", "Mairie", "2026-12-01", ["caf-prime-activite"])
    store.join(empty["id"], "Gaston")
    send(page.panel, {"action": "workshop", "workshop": empty["id"]})
    # A workshop created since the page opened is listed once a report is asked for.
    assert page.panel.workshops[0]["label"] == "1 déc. 2026 — Atelier du lundi (1 participant)"
    view = page.panel.view
    assert view["empty"] == MSG_EMPTY_WORKSHOP == "Personne n'a encore fait d'exercice dans cet atelier."
    assert [s["key"] for s in view["sections"]] == ["attendance", "observations"]
    assert column(tables_of(view)["attendance"], "Pseudonyme") == ["Gaston"]
    assert tables_of(view)["observations"]["empty"] == "Aucune observation notée."
    assert page.panel.error == ""


def test_store_or_report_failures_are_french_messages(make, synthetic, monkeypatch):
    class Broken:
        def list_workshops(self):
            raise RuntimeError("disk gone")

    page, _ = opened(make)
    page._store = Broken()
    send(page.panel, {"action": "refresh"})
    assert page.panel.error == bilan_module.MSG_STORE

    page, _ = opened(make)
    monkeypatch.setattr(reports, "build_workshop_report",
                        lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")))
    send(page.panel, {"action": "workshop", "workshop": synthetic.workshop_id})
    assert page.panel.error == bilan_module.MSG_REPORT and page.panel.view == {}
    monkeypatch.setattr(reports, "build_history_report",
                        lambda *a, **k: (_ for _ in ()).throw(StoreError("Base en panne.")))
    send(page.panel, {"action": "period", "since": "", "until": "", "pseudonym": ""})
    assert page.panel.error == "Base en panne."


def test_a_chart_that_fails_leaves_its_table(make, synthetic, monkeypatch):
    page, _ = opened(make)
    monkeypatch.setattr(bilan_module.charts, "funnel_chart",
                        lambda *a, **k: (_ for _ in ()).throw(RuntimeError("no font")))
    send(page.panel, {"action": "workshop", "workshop": synthetic.workshop_id})
    funnel = next(s for s in page.panel.view["sections"] if s["key"] == "funnel")["blocks"]
    assert [b["text"] for b in funnel if b["type"] == "text"][1:] == [MSG_CHART, MSG_CHART]
    assert sum(b["type"] == "table" for b in funnel) == 2 and page.panel.error == ""


# --- a period ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "day", "message"), [
    ("", None, ""),
    ("  ", None, ""),
    ("2026-11-12", dt.date(2026, 11, 12), ""),
    ("12/11/2026", dt.date(2026, 11, 12), ""),
    ("1.2.2026", dt.date(2026, 2, 1), ""),
    ("31/02/2026", None, MSG_DATE),
    ("demain", None, MSG_DATE),
    ("?", None, MSG_DATE),  # what the view sends for a date half typed
    ("12/11/26", None, MSG_DATE),
    ("1850-01-01", None, MSG_DATE),
])
def test_dates_typed_or_picked(typed, day, message):
    assert parse_day(typed) == (day, message)


def test_period_form_says_what_is_wrong_next_to_each_field(make):
    page, _ = opened(make)
    send(page.panel, {"action": "period", "since": "31/02/2026", "until": "hier",
                      "pseudonym": "x" * 31})
    assert page.panel.form_errors == {"since": MSG_DATE, "until": MSG_DATE,
                                      "pseudonym": bilan_module.MSG_PSEUDONYM}
    assert page.panel.error == bilan_module.MSG_FIX and page.panel.view == {}
    send(page.panel, {"action": "period", "since": "2026-11-30", "until": "2026-11-01",
                      "pseudonym": ""})
    assert page.panel.form_errors == {"until": MSG_ORDER}
    assert MSG_ORDER == "La date de fin est avant la date de début."


def test_period_report_progress_difficulty_and_skills(make):
    page, _ = opened(make)
    send(page.panel, {"action": "period", "since": "2026-11-01", "until": "30/11/2026",
                      "pseudonym": ""})
    assert page.panel.form_errors == {} and page.panel.error == ""
    view = page.panel.view
    assert view["kind"] == "period" and view["empty"] == ""
    assert view["title"] == "Bilan des ateliers du 1er novembre 2026 au 30 novembre 2026"
    found = tables_of(view)
    assert column(found["workshops"], "Atelier") == ["Atelier CAF et emploi", "Atelier emploi"]
    assert column(found["workshops"], "Date") == ["12 nov. 2026", "26 nov. 2026"]
    assert len(found["progress"]["rows"]) == 6
    difficulty = found["difficulty"]
    assert column(difficulty, "Rang (1 = le plus difficile)") == ["1", "2"]
    assert column(difficulty, "Taux de réussite") == ["67\u00a0%", "67\u00a0%"]
    chart = next(b for s in view["sections"] for b in s["blocks"] if b["type"] == "chart")
    assert chart["alt"].startswith("Graphique en barres : 2 exercices classés")
    assert found["skills"]["rows"] and found["skills"]["columns"][0]["header"]

    send(page.panel, {"action": "period", "since": "", "until": "", "pseudonym": "CHLOE"})
    view = page.panel.view
    progress = tables_of(view)["progress"]
    assert column(progress, "Pseudonyme") == ["Chloé", "Chloé"]
    assert column(progress, "Exercice") == ["Demander la prime d'activité",
                                            "S'inscrire à France Travail"]
    assert progress["caption"] == "Progression de CHLOE"

    send(page.panel, {"action": "period", "since": "", "until": "", "pseudonym": "Zorro"})
    assert page.panel.view["empty"] == MSG_NO_PSEUDONYM
    send(page.panel, {"action": "period", "since": "01/01/2025", "until": "31/12/2025",
                      "pseudonym": ""})
    assert page.panel.view["empty"] == MSG_EMPTY_PERIOD
    assert [s["key"] for s in page.panel.view["sections"]] == ["workshops"]


# --- files ---------------------------------------------------------------------------------------


def test_each_table_as_csv_neutralised_and_in_french(make, synthetic):
    engine = create_engine(synthetic.store.engine.url)
    with engine.begin() as conn:  # a hostile pseudonym that got into the database
        conn.execute(update(tables.participants)
                     .where(tables.participants.c.id == synthetic.participants["Emma"])
                     .values(pseudonym=HOSTILE))
    engine.dispose()
    page, sent = opened(make)
    send(page.panel, {"action": "workshop", "workshop": synthetic.workshop_id})
    send(page.panel, {"action": "download", "file": "table", "table": "attendance"})
    send(page.panel, {"action": "download", "file": "table", "table": "observations"})
    send(page.panel, {"action": "download", "file": "table", "table": "funnel"})
    (attendance, data), (observations, notes), (funnel, steps) = sent.files()
    assert attendance == {"kind": "file", "mime": "text/csv",
                          "name": "bilan-atelier-caf-et-emploi-2026-11-12-presence.csv"}
    assert page.panel.status == f"Fichier prêt : {funnel['name']}."  # the last one
    frame = csv_frame(data)
    assert list(frame.columns) == ["Pseudonyme", "Arrivée", "Dernière activité", "Parcours",
                                   "Parcours terminés"]
    assert frame["Pseudonyme"].tolist()[-1] == "'" + HOSTILE
    assert not any(line.startswith(("=", "+", "-", "@"))
                   for line in data.decode("utf-8-sig").splitlines())
    assert csv_frame(notes)["Note"].tolist()[2] == "'=SOMME(A1:A2) Besoin d'aide pour le loyer."
    assert set(csv_frame(steps)["Exercice"]) == {"Demander la prime d'activité",
                                                "S'inscrire à France Travail"}
    assert funnel["name"].endswith("-ecran-par-ecran.csv")
    send(page.panel, {"action": "download", "file": "table", "table": "secrets"})
    assert len(sent.files()) == 3


def test_excel_and_html_report(make, synthetic):
    page, sent = opened(make)
    send(page.panel, {"action": "workshop", "workshop": synthetic.workshop_id})
    send(page.panel, {"action": "download", "file": "xlsx"})
    send(page.panel, {"action": "download", "file": "html"})
    (book_msg, book), (html_msg, html) = sent.files()
    assert book_msg["name"] == "bilan-atelier-caf-et-emploi-2026-11-12.xlsx"
    sheets = openpyxl.load_workbook(io.BytesIO(book))
    assert sheets.sheetnames == ["Présence", "Parcours", "Écran par écran",
                                 "Erreurs fréquentes", "Temps par écran", "Observations", "Quiz",
                                 "Par où commencer", "Niveaux conseillés"]
    notes = [row[3] for row in sheets["Observations"].iter_rows(min_row=2, values_only=True)]
    assert notes[2] == "=SOMME(A1:A2) Besoin d'aide pour le loyer."
    assert html_msg["mime"] == "text/html" and html_msg["name"].endswith(".html")
    text = html.decode("utf-8")
    assert 'lang="fr"' in text and "Atelier CAF et emploi" in text and "<script" not in text


def test_activity_report_counts_checked_next_to_their_fields(make, synthetic):
    page, sent = opened(make)
    send(page.panel, {"action": "workshop", "workshop": synthetic.workshop_id})
    form = page.panel.activity
    assert [g["legend"] for g in form["groups"]] == ["Participants", "Genre", "Âge", "Situation"]
    fields = {f["key"]: f for g in form["groups"] for f in g["fields"]}
    assert fields["total"]["value"] == "4"  # Emma did nothing and was not observed
    assert fields["women"]["label"] == "Femmes" and fields["age_70_plus"]["label"] == "70 ans et plus"

    send(page.panel, {"action": "download", "file": "activity", "format": "csv",
                      "counts": {"women": "beaucoup", "men": "3", "gender_not_given": "2",
                                 "already_accompanied": "9", "total": "4"}})
    errors = page.panel.activity["errors"]
    assert errors == {
        "women": "« Genre : femmes » : écrivez un nombre entier (0 ou plus).",
        "already_accompanied": "« Déjà accompagnés » (9) dépasse le total des participants (4).",
        "genre": "Les genres comptent 5 personnes, plus que le total des participants (4).",
    }
    assert sent.files() == [] and page.panel.error == bilan_module.MSG_FIX
    values = {f["key"]: f["value"] for g in page.panel.activity["groups"] for f in g["fields"]}
    assert values["women"] == "beaucoup"  # what was typed stays in the form

    send(page.panel, {"action": "download", "file": "activity", "format": "csv",
                      "place": "À distance",
                      "counts": {"women": "2", "men": "1", "total": "4", "age_40_59": "3"}})
    assert page.panel.activity["errors"] == {} and page.panel.error == ""
    (message, data), = sent.files()
    assert message["name"] == "compte-rendu-atelier-caf-et-emploi-2026-11-12.csv"
    row = csv_frame(data).iloc[0]
    assert row["Genre : femmes"] == "2" and row["Genre : non communiqué"] == "non renseigné"
    assert row["Âge : 40-59 ans"] == "3" and row["Type de lieu"] == "À distance"
    assert row["Titre de l'atelier"] == "Atelier CAF et emploi" and row["Date"] == "12/11/2026"
    shown = dict(page.panel.activity["rows"])
    assert shown["Genre : femmes"] == "2" and shown["Date"] == "12 nov. 2026"

    send(page.panel, {"action": "download", "file": "activity", "format": "xlsx",
                      "counts": {"total": "6"}})
    message, data = sent.files()[-1]
    assert message["name"].endswith(".xlsx") and data[:2] == b"PK"


def test_period_files(make):
    page, sent = opened(make)
    send(page.panel, {"action": "period", "since": "2026-11-01", "until": "2026-11-30",
                      "pseudonym": ""})
    assert page.panel.activity == {}
    send(page.panel, {"action": "download", "file": "table", "table": "difficulty"})
    send(page.panel, {"action": "download", "file": "activity_period", "format": "csv"})
    send(page.panel, {"action": "download", "file": "xlsx"})
    send(page.panel, {"action": "download", "file": "html"})  # a workshop's only: nothing
    (difficulty, data), (activity, rows), (book_msg, book) = sent.files()
    assert difficulty["name"] == "bilan-periode-2026-11-01-2026-11-30-difficulte.csv"
    assert csv_frame(data)["Taux de réussite"].tolist() == ["0,67", "0,67"]
    assert activity["name"] == "compte-rendu-periode-2026-11-01-2026-11-30.csv"
    assert csv_frame(rows)["Titre de l'atelier"].tolist() == ["Atelier CAF et emploi",
                                                              "Atelier emploi"]
    assert openpyxl.load_workbook(io.BytesIO(book)).sheetnames == [
        "Ateliers", "Progression", "Difficulté", "Compétences", "Niveaux conseillés"]


# --- cells and names -----------------------------------------------------------------------------


def test_cells_are_french():
    assert cell(1234) == "1\u202f234"
    assert cell(3.25, "minutes") == "3,2" and cell(4.0, "minutes") == "4"
    assert cell(0.5, "completion_rate") == "50\u00a0%"
    assert cell(True) == "Oui" and cell(False) == "Non"
    assert cell(None) == "—" and cell(float("nan")) == "—" and cell(pd.NaT) == "—"
    assert cell(dt.date(2026, 11, 12)) == "12 nov. 2026"
    assert cell(pd.Timestamp("2026-11-12 09:05")) == "12/11/2026 09:05"
    assert cell(pd.Timestamp("2026-11-12"), "date") == "12 nov. 2026"
    assert cell(dt.datetime(2026, 11, 12, 8, 5, tzinfo=dt.timezone.utc)) == "12/11/2026 09:05"
    assert cell(HOSTILE) == HOSTILE  # the page shows it as text; only files neutralise


def test_long_tables_are_cut_on_the_page_only():
    frame = pd.DataFrame({"pseudonym": [f"p{i}" for i in range(MAX_ROWS + 5)],
                          "runs": range(MAX_ROWS + 5)})
    block = table_block("attendance", frame, "Apprenants", ("pseudonym", "runs", "nope"),
                        "pseudonym")
    assert len(block["rows"]) == MAX_ROWS and block["total"] == MAX_ROWS + 5
    assert block["note"].startswith(f"Seules les {MAX_ROWS} premières lignes")
    assert [c["label"] for c in block["columns"]] == ["Pseudonyme", "Parcours"]
    empty = table_block("errors", frame.iloc[:0], "Erreurs", ("pseudonym",), "pseudonym",
                        empty="Aucune erreur.")
    assert empty["rows"] == [] and empty["empty"] == "Aucune erreur."
    assert block["legend"] == []  # nothing a name alone may mislead about


def test_autonomy_and_done_alone_say_what_they_mean_beside_the_table():
    frame = pd.DataFrame({"pseudonym": ["Amina"], "autonomy": ["Seul"], "alone": [False]})
    block = table_block("learners", frame, "Exercices", ("pseudonym", "autonomy", "alone"),
                        "pseudonym")
    assert [(line["term"], line["text"][:20]) for line in block["legend"]] == [
        ("Autonomie", "ce que l'animateur a"), ("Fait seul", "a terminé l'exercice")]
    assert block["rows"] == [["Amina", "Seul", "Non"]]


def test_file_names():
    assert stem("bilan", "Atelier CAF & emploi !", dt.date(2026, 11, 12)) == \
        "bilan-atelier-caf-emploi-2026-11-12"
    assert stem("bilan", "Ça va ?") == "bilan-ca-va"
    assert stem("bilan", "///") == "bilan"
