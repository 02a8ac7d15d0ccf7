"""The HTML report: static, French, accessible tables, charts inside, nothing from outside."""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser

import pandas as pd
import pytest
from synthetic_reports import CAF, FIRST_DAY, SECOND_DAY, Clock, build_synthetic

from bacasable.reports import build_workshop_report
from bacasable.reports.html_report import (
    PSEUDONYMOUS_NOTICE,
    html_table,
    report_html,
    write_report_html,
)
from bacasable.store import Store

PNG = b"\x89PNG\r\n\x1a\n"
HOSTILE = "<script>alert(1)</script>"
#: The store refuses < > in a pseudonym; a quote and a leading dash are allowed.
ODD_PSEUDONYM = "-Zoé d'Arc"


class Page(HTMLParser):
    """The tags of a page, its tables (caption, headings, rows of cell texts) and its texts."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.tables: list[dict] = []
        self._cell: list[str] | None = None
        self._caption = False
        self.text = ""
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "table":
            self.tables.append({"caption": "", "head": [], "rows": []})
        elif tag == "caption":
            self._caption = True
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("th", "td") and self.tables:
            self._cell = []
            if tag == "th" and attrs.get("scope") == "col":
                self.tables[-1]["head"].append(None)

    def handle_endtag(self, tag):
        if tag == "caption":
            self._caption = False
        elif tag in ("th", "td") and self._cell is not None:
            text = "".join(self._cell)
            table = self.tables[-1]
            if table["head"] and table["head"][-1] is None:
                table["head"][-1] = text
            else:
                table["rows"][-1].append(text)
            self._cell = None

    def handle_data(self, data):
        self.text += data
        if self._caption:
            self.tables[-1]["caption"] += data
        elif self._cell is not None:
            self._cell.append(data)

    def table(self, caption: str) -> dict:
        return next(t for t in self.tables if t["caption"].startswith(caption))


@pytest.fixture(scope="module")
def synthetic():
    clock = Clock(FIRST_DAY)
    store = Store("sqlite:///:memory:", clock=clock)
    sw = build_synthetic(store, clock)
    # an odd pseudonym and a hostile note, in the second workshop (the first one is closed)
    clock.set(SECOND_DAY)
    person = store.join(sw.second_workshop_id, ODD_PSEUDONYM)
    store.record_observation(person["id"], "seul",
                             HOSTILE + '"><img src="https://evil.example/x.png">')
    yield sw
    store.close()


@pytest.fixture(scope="module")
def page(synthetic):
    report = build_workshop_report(synthetic.store, synthetic.workshop_id, synthetic.catalogue)
    return report, report_html(report)


@pytest.fixture(scope="module")
def second_page(synthetic):
    report = build_workshop_report(synthetic.store, synthetic.second_workshop_id,
                                   synthetic.catalogue)
    return report, report_html(report)


def test_a_french_static_page_with_nothing_from_outside(page):
    _report, text = page
    assert text.startswith("<!DOCTYPE html>\n<html lang=\"fr\">")
    parsed = Page(text)
    tags = [t for t, _ in parsed.tags]
    assert "script" not in tags and "link" not in tags and "iframe" not in tags
    for _tag, attrs in parsed.tags:
        for name in ("src", "href"):
            assert not re.match(r"\s*(https?:)?//", attrs.get(name) or ""), attrs
    assert "jp-InputArea" not in text and "In&nbsp;[" not in text and "input_area" not in text
    assert "<title>Bilan de l&#x27;atelier « Atelier CAF et emploi » du 12 novembre 2026</title>" \
        in text


def test_it_says_the_data_are_pseudonymous_and_escapes_what_people_typed(second_page):
    _report, text = second_page
    assert PSEUDONYMOUS_NOTICE in Page(text).text
    assert HOSTILE not in text
    parsed = Page(text)
    assert HOSTILE + '"><img src="https://evil.example/x.png">' in parsed.text  # as text
    assert "script" not in [t for t, _a in parsed.tags]
    assert all(a["src"].startswith("data:image/png;base64,") for t, a in parsed.tags
               if t == "img")
    assert [ODD_PSEUDONYM, "26/11/2026 15:00"] == parsed.table("Présence")["rows"][-1][:2]


def test_html_table_escapes_every_cell_and_heading():
    frame = pd.DataFrame({"pseudonym": [HOSTILE], "<b>": ['"&']})
    text = html_table(frame, "<i>légende</i>")
    assert "<script>" not in text and "<b>" not in text and "<i>" not in text
    assert "<caption>&lt;i&gt;légende&lt;/i&gt;</caption>" in text
    assert "<td>&quot;&amp;</td>" in text


def test_charts_are_embedded_pngs_with_alt_text(page):
    report, text = page
    images = [attrs for tag, attrs in Page(text).tags if tag == "img"]
    assert len(images) == 4  # funnel and time per screen, for each of the 2 exercises
    for attrs in images:
        prefix = "data:image/png;base64,"
        assert attrs["src"].startswith(prefix)
        assert base64.b64decode(attrs["src"][len(prefix):]).startswith(PNG)
        assert attrs["alt"].startswith("Graphique en barres de l'exercice")
    assert images[0]["alt"].endswith("Le plus d'arrêts : 1 à l'écran 9, « Mon logement ».")


def test_tables_have_captions_and_column_headers(page):
    _report, text = page
    parsed = Page(text)
    assert len(parsed.tables) == 8  # presence, runs, 2 × (funnel, time), errors, observations
    for table in parsed.tables:
        assert table["caption"] and table["head"]
        assert all(h for h in table["head"])
    assert text.count('<th scope="col">') == sum(len(t["head"]) for t in parsed.tables)
    assert '<th scope="row">Amina</th>' in text


def test_known_numbers_in_the_tables(page):
    _report, text = page
    parsed = Page(text)
    presence = parsed.table("Présence : 5 participant(s)")
    assert presence["head"] == ["Pseudonyme", "Arrivée", "Dernière activité", "Parcours",
                                "Parcours terminés"]
    assert presence["rows"][1][:2] == ["Amina", "12/11/2026 10:00"]  # Paris time
    assert [r[3:] for r in presence["rows"][1:]] == [
        ["1", "1"], ["1", "0"], ["1", "1"], ["1", "1"], ["0", "0"]]
    runs = parsed.table("Exercices faits par chaque participant")
    assert runs["rows"][2] == ["Bruno", "Demander la prime d'activité", "nadia", "Abandonné",
                               "Avec l'aide de l'animateur", "Non", "4,8", "2", "0", "6", "14"]
    funnel = parsed.table("Parcours écran par écran : « Demander la prime d'activité »")
    assert funnel["head"] == ["N° de l'écran", "Écran", "Arrivés", "Validés", "Arrêtés ici",
                              "Erreurs", "Indices"]
    assert len(funnel["rows"]) == 1 + 14  # the screens somebody reached
    assert ["9", "Mon logement", "3", "2", "1", "2", "0"] in funnel["rows"]
    times = parsed.table("Temps par écran, en secondes : « Demander la prime d'activité »")
    assert ["11", "Mes ressources des 3 derniers mois", "2", "55", "55"] in times["rows"]
    errors = parsed.table("Erreurs par écran et par champ")
    assert errors["rows"][1] == ["Demander la prime d'activité", "Mon logement",
                                 "Montant de votre loyer par mois, sans les charges",
                                 "Mal écrit", "2", "1"]
    notes = parsed.table("Observations notées pendant l'atelier")
    assert ["Bruno", "Demander la prime d'activité", "Avec l'aide de l'animateur",
            "=SOMME(A1:A2) Besoin d'aide pour le loyer.", "12/11/2026 10:15"] in notes["rows"]


def test_row_headers_name_each_row():
    frame = pd.DataFrame({"position": [1], "screen_title": ["Accueil"], "reached": [2]})
    text = html_table(frame, "Essai", row_header="screen_title")
    assert '<th scope="row">Accueil</th>' in text and '<td class="num">1</td>' in text
    assert html_table(frame.iloc[0:0], "Essai", empty="Rien.") == '<p class="empty">Rien.</p>'


def test_a_workshop_nobody_joined(synthetic, tmp_path):
    workshop = synthetic.store.create_workshop("Vide", "", "2026-12-05", [CAF])
    report = build_workshop_report(synthetic.store, workshop["id"], synthetic.catalogue)
    target = tmp_path / "rapports" / "vide.html"
    assert write_report_html(report, target) == target
    text = target.read_text(encoding="utf-8")
    parsed = Page(text)
    assert "Personne n'a rejoint l'atelier." in parsed.text
    assert "Aucun exercice n'a été commencé." in parsed.text
    assert "<img" not in text and "<table" not in text
    assert report_html(report) == text  # the same report gives the same page
