"""``bacasable report``: a workshop's report written as HTML, CSV, Excel and activity report."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import synthetic_reports as synthetic

from bacasable.cli import main
from bacasable.common.config import BacasableConfig
from bacasable.store import Store


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "donnees"
    monkeypatch.setenv("BACASABLE_DATA", str(folder))
    monkeypatch.delenv("BACASABLE_DB", raising=False)
    monkeypatch.delenv("BACASABLE_SCENARIOS", raising=False)
    monkeypatch.chdir(tmp_path)  # no bacasable_config.py from the checkout
    return folder


@pytest.fixture
def workshops():
    """The two synthetic workshops, written in the configured SQLite file."""
    clock = synthetic.Clock(synthetic.FIRST_DAY)
    store = Store.from_config(BacasableConfig(), clock=clock)
    try:
        sw = synthetic.build_synthetic(store, clock)
        codes = {w["id"]: w["join_code"] for w in store.list_workshops()}
        yield sw, codes
    finally:
        store.close()


def run(*argv: str) -> int:
    with pytest.raises(SystemExit) as done:
        main(list(argv))
    return done.value.code


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig")


def test_every_output_of_a_closed_workshop_by_its_join_code(workshops, tmp_path, capsys):
    sw, codes = workshops
    code = codes[sw.workshop_id]
    typed = f" {code[:3].lower()}-{code[3:]} "  # as someone may type it
    assert run("report", typed, "--html", "sortie/bilan.html", "--csv", "tableaux",
               "--xlsx", "bilan.xlsx", "--activity", "activite.csv") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == ("Bilan de l'atelier « Atelier CAF et emploi » du 12 novembre 2026 : "
                      "5 participant(s), 4 parcours, dont 3 terminé(s).")
    assert out[1:] == [
        f"Bilan HTML écrit : {Path('sortie') / 'bilan.html'}",
        f"Tableaux CSV écrits : 9 fichiers dans {Path('tableaux')}",
        f"Classeur Excel écrit : {Path('bilan.xlsx')}",
        f"Compte rendu d'activité écrit : {Path('activite.csv')}",
    ]
    page = (tmp_path / "sortie" / "bilan.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"fr\">") and "<script" not in page
    assert sorted(p.name for p in (tmp_path / "tableaux").iterdir()) == [
        "diagnostic.csv", "ecran-par-ecran.csv", "erreurs.csv", "niveaux-conseilles.csv",
        "observations.csv", "parcours.csv", "presence.csv", "quiz.csv", "temps-par-ecran.csv"]
    assert read_csv(tmp_path / "tableaux" / "presence.csv")["Parcours"].tolist() == [1, 1, 1, 1, 0]
    book = openpyxl.load_workbook(tmp_path / "bilan.xlsx")
    assert book.sheetnames[:2] == ["Présence", "Parcours"]
    assert book["Observations"]["D4"].value == "=SOMME(A1:A2) Besoin d'aide pour le loyer."
    assert book["Observations"]["D4"].data_type == "s"
    report = read_csv(tmp_path / "activite.csv")
    assert report["Participants anonymes : total"].tolist() == [4]
    assert report["Titre de l'atelier"].tolist() == ["Atelier CAF et emploi"]
    assert report["Date"].tolist() == ["12/11/2026"]
    assert not [p for p in tmp_path.rglob("*.tmp")]


def test_by_number_with_the_activity_report_in_excel(workshops, tmp_path, capsys):
    sw, _codes = workshops
    assert run("report", str(sw.second_workshop_id), "--activity", "activite.xlsx") == 0
    assert "Atelier emploi" in capsys.readouterr().out
    sheet = openpyxl.load_workbook(tmp_path / "activite.xlsx")["Compte rendu d'activité"]
    header = [c.value for c in sheet[1]]
    values = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert values["Participants anonymes : total"] == 2
    assert values["Lieu"] == "Centre social"
    assert values["Genre : femmes"] == "non renseigné"


def test_without_output_it_only_says_what_it_found(workshops, capsys):
    sw, _codes = workshops
    assert run("report", str(sw.workshop_id)) == 0
    out = capsys.readouterr().out
    assert "4 parcours, dont 3 terminé(s)." in out
    assert "Rien n'est écrit : ajoutez --html FICHIER" in out


@pytest.mark.parametrize("arg", ["ZZZZZZ", "999", "n'importe quoi"])
def test_unknown_workshop(workshops, capsys, arg):
    assert run("report", arg, "--html", "bilan.html") == 1
    err = capsys.readouterr().err
    assert err.strip() == (f"Aucun atelier n'a le code ou le numéro « {arg} ». Donnez le code "
                           "affiché au tableau (6 caractères) ou le numéro de l'atelier.")
    assert not Path("bilan.html").exists()


def test_no_workshop_given(capsys):
    assert run("report") == 2
    assert "Donnez un atelier, par son code ou son numéro" in capsys.readouterr().err


def test_a_file_that_cannot_be_written(workshops, tmp_path, capsys):
    sw, _codes = workshops
    (tmp_path / "fichier").write_text("pas un dossier")
    assert run("report", str(sw.workshop_id), "--xlsx", "fichier/bilan.xlsx") == 1
    err = capsys.readouterr().err
    assert err.startswith("Impossible d'écrire fichier/bilan.xlsx : ")
    assert "Traceback" not in err


def test_the_report_command_is_listed(capsys):
    assert run() == 2
    assert "report" in capsys.readouterr().out


def test_xlsx_written_is_a_workbook(workshops, tmp_path):
    sw, _codes = workshops
    assert run("report", str(sw.workshop_id), "--xlsx", "b.xlsx") == 0
    frame = pd.read_excel(io.BytesIO((tmp_path / "b.xlsx").read_bytes()), sheet_name="Parcours")
    assert frame["Durée (min)"].tolist() == [6.5, 4.8, 5.3, 6.1]
