"""Each learner's attestation of practice: what it says, one A4 page each, the typed name kept
out of the store, and the ``bacasable attestation`` command."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import synthetic_reports as synthetic
from synthetic_reports import CAF, CAF_PATH, FT, FT_PATH

from bacasable.cli import main
from bacasable.common.config import BacasableConfig
from bacasable.reports import build_workshop_report
from bacasable.reports.attestation import (
    MSG_NAME_CHARS,
    MSG_NAME_FOR_ONE,
    MSG_NAME_LONG,
    MSG_NO_RUN,
    MSG_NO_SKILL,
    MSG_NOBODY,
    MSG_NOT_HERE,
    NOT_A_CERTIFICATION,
    AttestationError,
    attestation_page,
    attestations_html,
    build_attestations,
)
from bacasable.reports.skills import FRAMEWORK
from bacasable.store import Store, StoreError

TYPED_NAME = "Jeanne Dupont-Lefèvre"


class Sheets(HTMLParser):
    """The attestations of a page: for each, its summary (dt → dd), table rows and list items."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.sheets: list[dict] = []
        self.classes: list[str] = []
        self.title = ""
        self._text: list[str] | None = None
        self._where = ""
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and "attestation" in (attrs.get("class") or "").split():
            self.classes.append(attrs["class"])
            self.sheets.append({"summary": {}, "rows": [], "skills": [], "empty": [],
                                "participant": int(attrs["data-participant"])})
        elif tag == "tr" and self.sheets:
            self.sheets[-1]["rows"].append([])
        if tag in ("dt", "dd", "th", "td", "li", "p", "title"):
            self._text, self._where = [], tag
            self._class = attrs.get("class") or ""

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if self._text is None or tag != self._where:
            return
        text, self._text = "".join(self._text), None
        if tag == "title":
            self.title = text
            return
        sheet = self.sheets[-1]
        if tag == "dt":
            self._term = text
        elif tag == "dd":
            sheet["summary"][self._term] = text
        elif tag in ("th", "td") and sheet["rows"]:
            sheet["rows"][-1].append(text)
        elif tag == "li":
            sheet["skills"].append(text)
        elif tag == "p" and self._class == "empty":
            sheet["empty"].append(text)


def skills_of(catalogue, scenario_id: str, screen_ids: list[str]) -> list[str]:
    """The competences of these screens, read from the scenario itself, in framework order."""
    scenario = catalogue.scenarios[scenario_id]
    codes = {code for screen in scenario.screens if screen.id in screen_ids
             for code in (screen.skills or scenario.skills)}
    return sorted(codes, key=lambda c: tuple(int(p) for p in c.split(".")))


def database_dump(store: Store) -> str:
    """Every row of the in-memory database, as SQL text."""
    with contextlib.closing(store.engine.raw_connection()) as raw:
        return "\n".join(raw.driver_connection.iterdump())


# --- what each attestation says -----------------------------------------------------------------


def test_each_learner_has_their_exercises_and_how_they_did_them(shared_synthetic_workshop):
    sw = shared_synthetic_workshop
    sheets = build_attestations(sw.store, sw.workshop_id, sw.catalogue)
    assert [a.name for a in sheets] == ["Amina", "Bruno", "Chloé", "Diane", "Emma"]
    assert {(a.workshop_title, a.date, a.place, a.date_text) for a in sheets} == {
        ("Atelier CAF et emploi", dt.date(2026, 11, 12), "Médiathèque Jean-Macé",
         "12 novembre 2026")}
    done = {a.name: [(x.title, x.persona, x.state, x.how) for x in a.exercises] for a in sheets}
    caf, ft = "Demander la prime d'activité", "S'inscrire à France Travail"
    assert done == {
        # Not observed, no hint: alone.
        "Amina": [(caf, "Sophie Martin", "Terminé", "seul")],
        # Observed on the exercise: the facilitator's help, though 6 screens of 14 were done.
        "Bruno": [(caf, "Nadia Diallo", "Non terminé (6 écrans sur 14)",
                   "avec l'aide de l'animateur")],
        # Observed "seul" as a whole, then "indices" on CAF: the exercise's observation wins.
        "Chloé": [(caf, "Sophie Martin", "Terminé", "avec des indices")],
        # Observed "seul" as a whole: that counts for her exercise, despite one hint.
        "Diane": [(ft, "Karim Benali", "Terminé", "seul")],
        "Emma": [],
    }


def test_how_agrees_with_the_reports_done_alone(shared_synthetic_workshop):
    sw = shared_synthetic_workshop
    runs = build_workshop_report(sw.store, sw.workshop_id, sw.catalogue).learners
    sheets = build_attestations(sw.store, sw.workshop_id, sw.catalogue)
    ours = [(a.pseudonym, x.finished and x.how == "seul") for a in sheets for x in a.exercises]
    theirs = list(zip(runs["pseudonym"], runs["alone"].astype(bool), strict=True))
    assert ours == theirs


def test_competences_are_those_of_the_screens_validated(shared_synthetic_workshop):
    sw = shared_synthetic_workshop
    sheets = {a.pseudonym: a for a in build_attestations(sw.store, sw.workshop_id, sw.catalogue)}
    codes = {name: [c.code for c in a.competences] for name, a in sheets.items()}
    # Amina validated every screen of her path but the receipt, which she reached.
    assert codes["Amina"] == skills_of(sw.catalogue, CAF, CAF_PATH)
    # Bruno validated the first six screens only.
    assert codes["Bruno"] == skills_of(sw.catalogue, CAF, CAF_PATH[:6])
    assert set(codes["Bruno"]) < set(codes["Amina"])
    assert codes["Diane"] == skills_of(sw.catalogue, FT, FT_PATH)
    assert codes["Emma"] == []
    labels = {c.code: c.label for a in sheets.values() for c in a.competences}
    assert labels and labels == {code: FRAMEWORK[code] for code in labels}


def test_a_learner_who_validated_no_screen_practised_no_competence(shared_synthetic_workshop):
    sw = shared_synthetic_workshop
    farid = build_attestations(sw.store, sw.second_workshop_id, sw.catalogue,
                               participant_id=sw.participants["Farid"])
    assert [(a.name, len(a.exercises), a.competences) for a in farid] == [("Farid", 1, ())]
    assert Sheets(attestations_html(farid)).sheets[0]["empty"] == [MSG_NO_SKILL]


# --- the page -----------------------------------------------------------------------------------


def test_one_a4_page_per_learner_without_logo_nor_anything_from_outside(
        shared_synthetic_workshop):
    sw = shared_synthetic_workshop
    page = attestation_page(sw.store, sw.workshop_id, sw.catalogue)
    parsed = Sheets(page)
    assert [s["participant"] for s in parsed.sheets] == [
        sw.participants[n] for n in ("Amina", "Bruno", "Chloé", "Diane", "Emma")]
    # Every attestation but the first starts a new printed page.
    assert parsed.classes == ["attestation"] + ["attestation new-page"] * 4
    assert re.search(r"@page \{ size: A4;", page)
    assert re.search(r"\.attestation\.new-page \{ break-before: page;", page)
    assert page.count(NOT_A_CERTIFICATION) == 5
    assert page.startswith('<!DOCTYPE html>\n<html lang="fr">')
    for outside in ("<script", "<img", "<link", "src=", "http:", "https:", "@import", "url("):
        assert outside not in page, outside
    assert "Marianne" not in page and "République" not in page
    assert parsed.title == ("Attestations de participation — atelier « Atelier CAF et emploi » "
                            "du 12 novembre 2026")
    bruno = parsed.sheets[1]
    assert bruno["summary"] == {"Nom": "Bruno", "Atelier": "Atelier CAF et emploi",
                                "Date": "12 novembre 2026", "Lieu": "Médiathèque Jean-Macé"}
    assert bruno["rows"] == [
        ["Exercice", "Personne fictive", "Terminé ?", "Comment"],
        ["Demander la prime d'activité", "Nadia Diallo", "Non terminé (6 écrans sur 14)",
         "Avec l'aide de l'animateur"],
    ]
    assert bruno["skills"] == [f"{code} {FRAMEWORK[code]}"
                               for code in skills_of(sw.catalogue, CAF, CAF_PATH[:6])]
    emma = parsed.sheets[4]
    assert emma["rows"] == [] and emma["empty"] == [MSG_NO_RUN, MSG_NO_SKILL]


def test_the_typed_name_is_printed_and_never_stored(synthetic_workshop):
    sw = synthetic_workshop
    before = database_dump(sw.store)
    page = attestation_page(sw.store, sw.workshop_id, sw.catalogue,
                            participant_id=sw.participants["Bruno"],
                            name=f"  {TYPED_NAME.replace(' ', '   ')} ")
    parsed = Sheets(page)
    assert len(parsed.sheets) == 1 and parsed.classes == ["attestation"]
    assert parsed.sheets[0]["summary"]["Nom"] == TYPED_NAME
    assert f"{TYPED_NAME} a participé à cet atelier" in page
    assert "Bruno" not in page  # the pseudonym gives way to the name
    assert TYPED_NAME not in parsed.title
    after = database_dump(sw.store)
    assert after == before and "Dupont" not in after


def test_a_typed_name_is_escaped(shared_synthetic_workshop):
    sw = shared_synthetic_workshop
    page = attestation_page(sw.store, sw.workshop_id, sw.catalogue,
                            participant_id=sw.participants["Amina"], name="<b>Zoé</b> & Cie")
    assert "<b>Zoé" not in page
    assert Sheets(page).sheets[0]["summary"]["Nom"] == "<b>Zoé</b> & Cie"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"name": TYPED_NAME}, MSG_NAME_FOR_ONE),
    ({"participant_id": "chloe", "name": "x" * 81}, MSG_NAME_LONG),
    ({"participant_id": "chloe", "name": "Jeanne\x00Dupont"}, MSG_NAME_CHARS),
    ({"participant_id": "chloe"}, MSG_NOT_HERE),  # Chloé of the second workshop
])
def test_what_cannot_be_printed_says_why(shared_synthetic_workshop, kwargs, message):
    sw = shared_synthetic_workshop
    if "participant_id" in kwargs:
        kwargs = {**kwargs, "participant_id": sw.participants[kwargs["participant_id"]]}
    with pytest.raises(AttestationError) as raised:
        build_attestations(sw.store, sw.workshop_id, sw.catalogue, **kwargs)
    assert raised.value.message == message
    assert "Jeanne" not in message  # a refused name is not repeated


def test_a_workshop_nobody_joined_and_an_unknown_one(synthetic_workshop):
    sw = synthetic_workshop
    empty = sw.store.create_workshop("Atelier vide", "", "2026-12-01", [CAF])
    with pytest.raises(AttestationError) as raised:
        attestation_page(sw.store, empty["id"], sw.catalogue)
    assert raised.value.message == MSG_NOBODY
    with pytest.raises(AttestationError):
        attestations_html([])
    with pytest.raises(StoreError):
        build_attestations(sw.store, 999, sw.catalogue)


# --- the command --------------------------------------------------------------------------------


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "donnees"
    monkeypatch.setenv("BACASABLE_DATA", str(folder))
    monkeypatch.delenv("BACASABLE_DB", raising=False)
    monkeypatch.delenv("BACASABLE_SCENARIOS", raising=False)
    monkeypatch.chdir(tmp_path)  # no bacasable_config.py from the checkout
    return folder


@pytest.fixture
def workshops(data_dir):
    """The synthetic workshops and an empty one, in the configured SQLite file."""
    clock = synthetic.Clock(synthetic.FIRST_DAY)
    store = Store.from_config(BacasableConfig(), clock=clock)
    try:
        sw = synthetic.build_synthetic(store, clock)
        empty = store.create_workshop("Atelier vide", "Mairie", "2026-12-01", [CAF])
        codes = {w["id"]: w["join_code"] for w in store.list_workshops()}
        yield sw, codes, empty["id"]
    finally:
        store.close()


def run(*argv: str) -> int:
    with pytest.raises(SystemExit) as done:
        main(list(argv))
    return done.value.code


def test_the_command_prints_everyone_by_join_code(workshops, tmp_path, capsys):
    sw, codes, _empty = workshops
    assert run("attestation", codes[sw.workshop_id].lower(), "--out", "sortie/att.html") == 0
    assert capsys.readouterr().out.splitlines() == [
        "Atelier « Atelier CAF et emploi » : 5 attestation(s), une page chacune.",
        "Sans exercice commencé : Emma.",
        f"Attestations écrites : {Path('sortie') / 'att.html'}",
        "Ouvrez le fichier dans un navigateur et imprimez-le (format A4).",
    ]
    parsed = Sheets((tmp_path / "sortie" / "att.html").read_text(encoding="utf-8"))
    assert [s["summary"]["Nom"] for s in parsed.sheets] == [
        "Amina", "Bruno", "Chloé", "Diane", "Emma"]
    assert not list(tmp_path.rglob("*.tmp"))


def test_the_command_prints_one_learner_under_a_typed_name_kept_nowhere(
        workshops, data_dir, tmp_path, capsys):
    sw, _codes, _empty = workshops
    assert run("attestation", str(sw.workshop_id), "--participant", " bruno ",
               "--name", TYPED_NAME, "--debug") == 0
    written = tmp_path / f"attestations-atelier-{sw.workshop_id}.html"
    parsed = Sheets(written.read_text(encoding="utf-8"))
    assert [s["summary"]["Nom"] for s in parsed.sheets] == [TYPED_NAME]
    assert [s["participant"] for s in parsed.sheets] == [sw.participants["Bruno"]]
    out, err = capsys.readouterr()
    assert "1 attestation(s)" in out
    assert "Exiting application" in err  # the debug log ran, and did not see the name
    assert "Dupont" not in out + err
    assert [p for p in tmp_path.rglob("*") if "Dupont" in p.name] == []
    stored = [p for p in data_dir.rglob("*") if p.is_file()]
    assert stored and not any(b"Dupont" in p.read_bytes() for p in stored)


def test_the_typed_name_is_not_a_setting(workshops, capsys):
    sw, _codes, _empty = workshops
    # --show-config prints the settings and returns without running the command.
    main(["attestation", str(sw.workshop_id), "--participant", "Bruno", "--name", TYPED_NAME,
          "--show-config"])
    out = capsys.readouterr().out
    assert "participant = 'Bruno'" in out and "Dupont" not in out


def test_the_name_given_as_name_equals(workshops, tmp_path):
    sw, _codes, _empty = workshops
    assert run("attestation", str(sw.workshop_id), f"--name={TYPED_NAME}",
               "--participant=Chloé", "--out=a.html") == 0
    parsed = Sheets((tmp_path / "a.html").read_text(encoding="utf-8"))
    assert [s["participant"] for s in parsed.sheets] == [sw.participants["Chloé"]]
    assert parsed.sheets[0]["summary"]["Nom"] == TYPED_NAME


@pytest.mark.parametrize(("args", "status", "message"), [
    ((), 2, "Donnez un atelier, par son code ou son numéro"),
    (("ZZZZZZ",), 1, "Aucun atelier n'a le code ou le numéro « ZZZZZZ »."),
    (("{first}", "--name", TYPED_NAME), 2,
     "Un nom ne peut être tapé que pour une seule personne : ajoutez --participant"),
    (("{first}", "--participant", "Amina", "--name"), 2, "Tapez le nom après --name"),
    (("{first}", "--participant", "Amina", "--name", "--out", "a.html"), 2,
     "Tapez le nom après --name"),
    (("{first}", "--participant", "Amina", "--name", "x" * 81), 2, MSG_NAME_LONG),
    (("{first}", "--participant", "Zoé"), 1,
     "Personne n'a le pseudonyme « Zoé » dans cet atelier."),
    (("{empty}",), 1, MSG_NOBODY),
])
def test_the_command_errors_are_french_sentences(workshops, tmp_path, capsys, args, status,
                                                  message):
    sw, _codes, empty = workshops
    args = [a.format(first=sw.workshop_id, empty=empty) for a in args]
    assert run("attestation", *args) == status
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not [p for p in tmp_path.glob("*.html")]


def test_the_command_cannot_write_its_file(workshops, tmp_path, capsys):
    sw, _codes, _empty = workshops
    (tmp_path / "fichier").write_text("pas un dossier")
    assert run("attestation", str(sw.workshop_id), "--out", "fichier/a.html") == 1
    err = capsys.readouterr().err
    assert err.startswith("Impossible d'écrire fichier/a.html : ") and "Traceback" not in err


def test_the_command_is_listed_with_french_help(data_dir, capsys):
    assert run() == 2
    assert "attestation" in capsys.readouterr().out
    assert run("attestation", "--help") == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "une page A4 par personne" in out
    assert "Nom à imprimer à la place du pseudonyme" in out
