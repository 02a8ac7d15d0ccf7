"""The printable handout: static HTML, one page per screen, numbered notes, nothing from outside."""

from __future__ import annotations

import datetime as dt
import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bacasable.cli import main
from bacasable.run.view import SIMULATION_NOTICE
from bacasable.scenario.loader import load_catalogue
from bacasable.workshop.handout import handout_html, handout_title, write_handout
from bacasable.workshop.walkthrough import Walkthrough

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture(scope="module")
def cat():
    return load_catalogue([SCENARIOS])


class Parsed(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.sections: list[dict] = []
        self.items_per_section: list[int] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "section" and "screen" in (attrs.get("class") or "").split():
            self.sections.append(attrs)
            self.items_per_section.append(0)
        if tag == "li" and self.sections:
            self.items_per_section[-1] += 1


@pytest.fixture(scope="module")
def nadia(cat):
    scenario, persona = cat.scenarios["caf-prime-activite"], cat.personas["nadia"]
    walk = Walkthrough(scenario, persona, today=dt.date(2026, 11, 26))
    return walk, handout_html(scenario, persona, walk)


def test_nothing_loaded_from_outside_and_no_code(nadia):
    _walk, text = nadia
    assert not re.search(r"https?://", text)
    parsed = Parsed(text)
    assert not [t for t, _ in parsed.tags if t in ("script", "link", "iframe", "img", "object")]
    assert "jp-InputArea" not in text and "In&nbsp;[" not in text and "from widgets" not in text
    assert "application/vnd.jupyter.widget" not in text


def test_header_notice_and_one_page_per_screen(nadia):
    walk, text = nadia
    assert text.startswith("<!DOCTYPE html>") and '<html lang="fr">' in text
    title = "Fiche pratique : Demander la prime d'activité — exemple avec Nadia Diallo"
    assert handout_title(walk.scenario, walk.persona).startswith("Fiche pratique : ")
    assert f"<h1>{title}</h1>" in html.unescape(text)
    assert SIMULATION_NOTICE in html.unescape(text)
    parsed = Parsed(text)
    assert [s["data-screen"] for s in parsed.sections] == walk.path
    # A page break before every screen but the first (each screen is a block of its own).
    assert ".screen.next { break-before: page; page-break-before: always; }" in text
    assert ["next" in (s.get("class") or "").split() for s in parsed.sections] == [
        i > 0 for i in range(len(walk.path))]


def test_numbered_notes_match_the_numbered_fields(nadia):
    walk, text = nadia
    parsed = Parsed(text)
    for step, items in zip(walk.steps, parsed.items_per_section, strict=True):
        assert items == 1 + len(step.screen.fields)
    connexion = text[text.index('data-screen="connexion"'):]
    connexion = connexion[: connexion.index("</section>")]
    assert '<span class="num">2</span>' in connexion
    assert "•" * 10 in connexion  # the password is never printed
    identite = text[text.index('data-screen="identite"'):]
    assert "DIALLO" in identite.upper()
    # The walkthrough's position is kept.
    assert walk.position == (0, -1)


def test_cli_writes_the_handout(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "out" / "fiche.html"
    main(["handout", "france-travail-inscription", "--persona", "lucas", "--html", str(target)])
    assert "Fiche pratique écrite" in capsys.readouterr().out
    text = target.read_text(encoding="utf-8")
    assert "exemple avec Lucas" in text and not re.search(r"https?://", text)
    with pytest.raises(SystemExit) as stop:
        main(["handout", "inconnu", "--html", str(tmp_path / "x.html")])
    assert stop.value.code == 1
    assert "Scénario inconnu" in capsys.readouterr().out


def test_write_handout_creates_the_folder(tmp_path, cat):
    scenario = cat.scenarios["france-travail-inscription"]
    path = write_handout(scenario, cat.personas["karim"], tmp_path / "a" / "b.html")
    assert path.is_file() and path.read_text(encoding="utf-8").count('<section class="screen') >= 10


def _every_run():
    cat = load_catalogue([SCENARIOS])
    return [(s.id, p) for s in cat.scenarios.values() for p in s.personas]


@pytest.mark.parametrize("scenario_id, persona_id", _every_run())
def test_every_exercise_and_persona_has_a_handout_of_its_path(cat, scenario_id, persona_id):
    scenario, persona = cat.scenarios[scenario_id], cat.personas[persona_id]
    walk = Walkthrough(scenario, persona, today=dt.date(2026, 11, 26))
    text = handout_html(scenario, persona, walk)
    parsed = Parsed(text)
    assert len(parsed.sections) == len(walk.steps)
    for step in walk.steps:
        assert html.escape(step.screen.title, quote=False) in text
    assert "{" not in re.sub(r"<style.*?</style>", "", text, flags=re.S)  # every value filled


def test_option_labels_get_the_persona_values_as_on_the_page(cat):
    from bacasable.personas.derived import resolve

    scenario = cat.scenarios["ameli-compte"]
    screens = list(scenario.screens)
    index = next(i for i, s in enumerate(screens) if s.id == "choix-connexion")
    field = screens[index].fields[0]
    options = [o.model_copy(update={"label": f"{o.label} à {{address.city}}"})
               for o in field.options]
    screens[index] = screens[index].model_copy(
        update={"fields": [field.model_copy(update={"options": options})]})
    persona = cat.personas["christine"]
    changed = scenario.model_copy(update={"screens": screens})
    walk = Walkthrough(changed, persona, today=dt.date(2026, 11, 26))
    text = html.unescape(handout_html(changed, persona, walk))
    assert f"Créer mon compte avec ma carte Vitale et mon RIB à {resolve(persona, 'address.city')}" \
        in text
    assert "{address.city}" not in text
