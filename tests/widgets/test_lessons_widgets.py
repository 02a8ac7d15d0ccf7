"""Lessons and quizzes in the views: the console's skip toggle, the quiz section of the bilan."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from widget_support import TODAY, send

from bacasable.common.config import BUILTIN_SCENARIOS, BacasableConfig
from bacasable.reports import build_workshop_report, charts
from bacasable.run.autoplay import answers_for_screen
from bacasable.run.events import RunEvent
from bacasable.run.runner import Runner
from bacasable.scenario.loader import Catalogue, load_catalogue
from bacasable.scenario.schema import Scenario
from bacasable.store import Store
from bacasable.workshop import join_address, pin
from bacasable.workshop.commands import SkipLessons
from bacasable.workshop.session import LearnerSession
from widgets.common.screen import ScreenView
from widgets.facilitator.bilan_view import workshop_view
from widgets.facilitator.console import Console
from widgets.facilitator.console_actions import MSG_LESSONS_PLAYED, MSG_LESSONS_SKIPPED

PIN = "4827"


@pytest.fixture
def taught(w_scenario: Scenario) -> Scenario:
    data = w_scenario.model_dump(exclude_defaults=True)
    data["screens"][1:1] = [
        {"id": "lecon", "title": "Une adresse e-mail", "role": "lesson",
         "body": ["Elle a toujours un @."], "example": "prenom.nom@exemple.fr"},
        {"id": "quiz", "title": "Petit quiz", "role": "quiz", "question": "Où est le @ ?",
         "answers": [{"id": "milieu", "label": "Au milieu", "correct": True,
                      "explanation": "Entre le nom et le fournisseur."},
                     {"id": "fin", "label": "À la fin", "explanation": "La fin est le fournisseur."}]},
    ]
    return Scenario.model_validate(data)


@pytest.fixture
def store(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'bacasable.sqlite'}") as s:
        yield s


@pytest.fixture
def console(store, taught, w_persona, tmp_path, monkeypatch):
    monkeypatch.setattr(join_address, "lan_addresses", lambda: ["192.168.1.20"])
    pin.set_pin(store, PIN)
    catalogue = Catalogue(scenarios={taught.id: taught}, personas={w_persona.id: w_persona})
    c = Console(store, catalogue, config=BacasableConfig(port=8866, data_dir=str(tmp_path)),
                environ={}, poll=False)
    send(c.gate, {"action": "check", "pin": PIN})
    assert c.unlocked
    yield c
    c.close()


def start(c: Console) -> int:
    send(c.panel, {"action": "start", "title": "Atelier e-mail", "place": "Médiathèque",
                   "date": "2026-11-26", "scenarios": ["essai"],
                   "themes": ["Aide aux démarches administratives"], "level": "debutant",
                   "duration": "90", "equipment": ["telephone"]})
    return c.panel.workshop["id"]


def test_the_console_s_toggle_writes_and_the_learner_s_kernel_reads(console, store, taught,
                                                                      w_persona):
    wid = start(console)
    assert console.panel.workshop["skip_lessons"] is False
    learner = LearnerSession(store)
    learner.device = secrets.token_hex(16)
    learner.join(console.panel.workshop["code"], "Tournesol")
    run = Runner(taught, w_persona, seed=1, today=TODAY)
    learner.attach(run)
    assert run.path()[1:3] == ["lecon", "quiz"]

    send(console.panel, {"action": "lessons", "skip": True})
    assert store.workshop(wid)["skip_lessons"] is True
    assert console.panel.workshop["skip_lessons"] is True
    assert console.panel.status == MSG_LESSONS_SKIPPED and console.panel.error == ""
    assert [c["kind"] for c in store.commands_since(wid, None)] == ["lessons"]

    assert any(isinstance(c, SkipLessons) and c.skip for c in learner.poll_once())
    assert run.skip_lessons is True
    assert run.submit(answers_for_screen(run)) and run.current_id == "contact"

    send(console.panel, {"action": "lessons", "skip": "oui"})  # only true skips
    assert store.workshop(wid)["skip_lessons"] is False
    assert console.panel.status == MSG_LESSONS_PLAYED
    learner.poll_once()
    assert run.skip_lessons is False and "quiz" in run.path()


def test_a_reopened_workshop_shows_its_choice(console, store):
    wid = start(console)
    send(console.panel, {"action": "lessons", "skip": True})
    send(console.panel, {"action": "leave"})
    assert console.panel.workshop == {}
    send(console.panel, {"action": "resume", "workshop": wid})
    assert console.panel.workshop["skip_lessons"] is True


def test_without_a_workshop_the_toggle_says_so(console, store):
    send(console.panel, {"action": "lessons", "skip": True})
    assert console.panel.error == "Aucun atelier n'est ouvert dans la console."


def test_the_page_draws_lessons_and_quizzes_with_the_screen():
    module = ScreenView()._esm
    assert module.index("function quizContent") < module.index("export default")
    assert "function lessonContent" in module and "function refreshQuiz" in module


def test_the_bilan_shows_the_quiz_table_when_someone_answered(tmp_path):
    cat = load_catalogue([BUILTIN_SCENARIOS])
    with Store(f"sqlite:///{tmp_path / 'bilan.sqlite'}") as store:
        w = store.create_workshop("Atelier santé", "Salle", "2026-12-10", ["ameli-compte"])
        for name, first in (("Amina", "solide"), ("Bruno", "suite"), ("Chloé", "solide")):
            pid = store.join(w["id"], name)["id"]
            aid = store.start_attempt(pid, "ameli-compte", "christine", 12)
            at = dt.datetime(2026, 12, 10, 9, tzinfo=dt.timezone.utc).timestamp()
            events = [RunEvent("quiz_answered", "ameli-compte", "quiz-mot-de-passe",
                               answer_id=first, correct=first == "solide", first_time=True, at=at)]
            if first != "solide":
                events.append(RunEvent("quiz_answered", "ameli-compte", "quiz-mot-de-passe",
                                       answer_id="solide", correct=True, first_time=False,
                                       at=at + 5))
            store.record_events(aid, events)
        view = workshop_view(build_workshop_report(store, w["id"], cat), charts)
        empty = store.create_workshop("Atelier vide", "Salle", "2026-12-11", ["ameli-compte"])
        store.join(empty["id"], "Denis")
        quiet = workshop_view(build_workshop_report(store, empty["id"], cat), charts)
    section = next(s for s in view["sections"] if s["key"] == "quiz")
    assert section["title"] == "Quiz : bonnes réponses du premier coup"
    table = next(b for b in section["blocks"] if b["type"] == "table")
    labels = [c["label"] for c in table["columns"]]
    assert labels == ["Exercice", "Question", "Ont répondu", "Bonne réponse du premier coup",
                      "Part du premier coup"]
    assert table["rows"][0][1:] == [
        "Quel mot de passe est le plus solide ?", "3", "2", "67\u00a0%"]  # French: a no-break space
    assert table["key"] == "quiz"  # its file: the quiz table, downloaded like the others
    assert "quiz" not in [s["key"] for s in quiet["sections"]]
