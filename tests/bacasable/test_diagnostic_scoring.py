"""The diagnostic « Par où commencer ? »: scoring by what was done, placement, its format, checks,
its runner, what the page shows, and its outcome in the store and on the facilitator's board."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from bacasable.authoring import lint
from bacasable.authoring.diagnostic_checks import diagnostic_findings
from bacasable.common.config import BUILTIN_SCENARIOS
from bacasable.run.autoplay import answers_for_screen
from bacasable.run.diagnostic import (
    DiagnosticRunner,
    place,
    runner_for,
    skill_results,
    task_results,
)
from bacasable.run.diagnostic_view import level_sentence, with_titles
from bacasable.run.events import RunEvent
from bacasable.run.runner import Runner
from bacasable.run.view import screen_view
from bacasable.scenario.loader import load_catalogue, load_model
from bacasable.scenario.schema import Scenario
from bacasable.store import MSG_EVENT, Store, StoreError
from bacasable.workshop.room import format_tile

TODAY = dt.date(2026, 11, 26)
CATALOGUE = load_catalogue([BUILTIN_SCENARIOS])
DIAGNOSTIC = CATALOGUE.scenarios["diagnostic"]
KARIM = CATALOGUE.personas["karim"]

NEXT = {level: [{"scenario": "ameli-compte", "reason": "Pour créer un compte pas à pas."}]
        for level in ("debutant", "intermediaire", "avance")}


def mini(**changes) -> dict:
    """A small diagnostic: a welcome, three tasks (6 points at most), a result."""
    data = {
        "id": "mini-diagnostic", "title": "Par où commencer ?", "service": "Test (simulation)",
        "summary": "Trois tâches.", "duration_minutes": 5, "level": "debutant",
        "personas": ["karim"], "skills": ["2.4"],
        "diagnostic": {"placement": {"intermediaire": 3, "avance": 5}, "next": NEXT},
        "screens": [
            {"id": "accueil", "title": "Bienvenue", "role": "info"},
            {"id": "nom", "title": "Nom", "skills": ["2.4"],
             "fields": [{"id": "nom", "kind": "text", "label": "Nom"}]},
            {"id": "courriel", "title": "E-mail", "skills": ["2.1"],
             "fields": [{"id": "email", "kind": "email", "label": "E-mail"}]},
            {"id": "securite", "title": "Mot de passe", "skills": ["4.1", "2.1"],
             "fields": [{"id": "mdp", "kind": "password", "label": "Mot de passe"}]},
            {"id": "fin", "title": "Résultat", "role": "receipt"},
        ],
    }
    data.update(changes)
    return data


MINI = Scenario.model_validate(mini())


def ev(kind: str, screen: str | None = None, **kw) -> RunEvent:
    return RunEvent(type=kind, scenario_id="mini-diagnostic", screen_id=screen, **kw)


# --- scoring and placement (pure functions) --------------------------------------------------


def test_each_task_is_scored_by_what_the_learner_did():
    events = [
        ev("started"), ev("screen_entered", "accueil"), ev("screen_done", "accueil"),
        ev("screen_entered", "nom"), ev("screen_done", "nom"),
        ev("screen_entered", "courriel"),
        ev("hint_shown", "courriel", field_id="email", hint_level=1),
        ev("screen_done", "courriel"),
        ev("screen_entered", "securite"), ev("gave_up", "securite"),
        ev("screen_entered", "fin"), ev("finished", "fin"),
    ]
    tasks = task_results(MINI, events)
    assert [(t.screen_id, t.state, t.points) for t in tasks] == [
        ("nom", "alone", 2), ("courriel", "helped", 1), ("securite", "not_done", 0)]
    result = place(MINI, events)
    assert (result.score, result.most, result.level) == (3, 6, "intermediaire")
    # 2.1: 1 point of 4; 2.4: 2 of 2; 4.1: 0 of 2 — in the framework's order.
    assert result.skills == {"2.1": "practise", "2.4": "done", "4.1": "practise"}
    assert (result.count("alone"), result.count("helped"), result.count("not_done")) == (1, 1, 1)


def test_errors_wrong_quiz_answers_and_coming_back_count_as_help_stored_rows_too():
    rows = [  # as the store gives them back: plain mappings
        {"type": "field_error", "screen_id": "nom", "correct": None},
        {"type": "screen_done", "screen_id": "nom", "correct": None},
        {"type": "gave_up", "screen_id": "courriel", "correct": None},
        {"type": "went_back", "screen_id": "securite", "correct": None},
        {"type": "screen_done", "screen_id": "courriel", "correct": None},
        {"type": "quiz_answered", "screen_id": "securite", "correct": False},
        {"type": "screen_done", "screen_id": "securite", "correct": None},
    ]
    assert [t.state for t in task_results(MINI, rows)] == ["helped", "helped", "helped"]
    right_at_once = [{"type": "quiz_answered", "screen_id": "securite", "correct": True},
                     {"type": "screen_done", "screen_id": "securite"}]
    assert [t.state for t in task_results(MINI, right_at_once)] == [
        "not_done", "not_done", "alone"]


@pytest.mark.parametrize(("score", "level"), [
    (0, "debutant"), (2, "debutant"), (3, "intermediaire"), (4, "intermediaire"),
    (5, "avance"), (6, "avance"),
])
def test_placement_thresholds(score, level):
    assert MINI.diagnostic.placement.level(score) == level


def test_a_competence_is_done_from_three_quarters_of_its_points():
    done_and_helped = task_results(MINI, [ev("screen_done", "courriel"),
                                          ev("hint_shown", "securite"),
                                          ev("screen_done", "securite")])
    # 2.1 is on both: 2 + 1 of 4 points = 75 %.
    assert skill_results(done_and_helped)["2.1"] == "done"
    assert skill_results(done_and_helped)["4.1"] == "practise"  # 1 of 2


def test_tasks_done_before_a_resume_count_as_known():
    events = [ev("resumed", "securite"), ev("screen_done", "securite")]
    tasks = task_results(MINI, events, {"nom": "alone", "courriel": "helped"})
    assert [t.state for t in tasks] == ["alone", "helped", "alone"]


def test_place_refuses_a_scenario_that_is_not_a_diagnostic():
    with pytest.raises(ValueError, match="n'est pas un diagnostic"):
        place(CATALOGUE.scenarios["ameli-compte"], [])


# --- the format (schema) ---------------------------------------------------------------------


@pytest.mark.parametrize(("changes", "message"), [
    ({"placement": {"intermediaire": 4, "avance": 4}},
     "le seuil « avance » (4) doit être plus grand que le seuil « intermediaire » (4)"),
    ({"placement": {"intermediaire": 3, "avance": 7}},
     "dépasse le score le plus haut possible : 6 (2 points pour chacune des 3 tâches)"),
])
def test_thresholds_are_checked_in_french(changes, message):
    data = mini(diagnostic={"placement": changes["placement"], "next": NEXT})
    with pytest.raises(ValidationError, match=re.escape(message)):
        Scenario.model_validate(data)


def test_next_has_one_to_three_exercises_per_level_never_itself():
    four = {**NEXT, "avance": NEXT["avance"] * 4}
    with pytest.raises(ValidationError, match="avance"):
        Scenario.model_validate(mini(diagnostic={"placement": {"intermediaire": 3, "avance": 5},
                                                 "next": four}))
    itself = {**NEXT, "debutant": [{"scenario": "mini-diagnostic", "reason": "Encore."}]}
    with pytest.raises(ValidationError, match="ne se propose pas lui-même"):
        Scenario.model_validate(mini(diagnostic={"placement": {"intermediaire": 3, "avance": 5},
                                                 "next": itself}))


def test_a_diagnostic_has_tasks():
    screens = [{"id": "accueil", "title": "Bienvenue", "role": "info"},
               {"id": "fin", "title": "Résultat", "role": "receipt"}]
    with pytest.raises(ValidationError, match="un diagnostic a au moins une tâche"):
        Scenario.model_validate(mini(screens=screens))


def write(folder: Path, text: str) -> Path:
    path = folder / "mon-diagnostic.yaml"
    path.write_text(text, encoding="utf-8")
    return path


FILE = """\
id: mon-diagnostic
title: Par où commencer ?
service: Test (simulation)
summary: Deux tâches.
duration_minutes: 5
level: debutant
personas: [karim]
diagnostic:
  placement: {intermediaire: 2, avance: 4}
  next:
    debutant:
      - {scenario: ameli-compte, reason: Pour commencer.}
    intermediaire:
      - {scenario: nulle-part, reason: Pour continuer.}
    avance:
      - scenario: ameli-compte
        reason: {reason}
screens:
  - id: nom
    title: Nom
    skills: ["2.4"]
    fields: [{id: nom, kind: text, label: Nom}]
  - id: courriel
    title: E-mail
    fields: [{id: email, kind: email, label: E-mail}]
"""


def test_a_missing_level_is_told_in_french_with_its_line(tmp_path):
    text = FILE.replace("    avance:\n      - scenario: ameli-compte\n        reason: {reason}\n",
                        "")
    scenario, found = load_model(write(tmp_path, text), Scenario, {})
    assert scenario is None
    assert [(f.line, f.message) for f in found] == [
        (10, "diagnostic.next.avance : champ obligatoire manquant")]


def test_checks_find_an_unknown_exercise_and_a_task_without_skills(tmp_path):
    write(tmp_path, FILE.replace("{reason}", "Pour aller plus loin."))
    cat = load_catalogue([BUILTIN_SCENARIOS, tmp_path])
    found = [f for f in diagnostic_findings(cat) if f.path.endswith("mon-diagnostic.yaml")]
    assert [(f.line, f.severity, f.message) for f in found] == [
        (14, "error", "exercice inconnu dans « next » : nulle-part"),
        (23, "warning", "la tâche « courriel » ne dit pas ses compétences (skills)"),
    ]
    assert all(f.fix for f in found)


def test_the_reasons_are_within_the_sentence_lint(tmp_path):
    long = ("Pour apprendre à remplir un très long formulaire de la caisse avec beaucoup "
            "de pages et de questions sur les revenus de tout le foyer familial.")
    write(tmp_path, FILE.replace("{reason}", long))
    cat = load_catalogue([tmp_path])
    found = lint.long_sentences(cat)
    assert [(f.line, f.message[:30]) for f in found] == [(17, "phrase trop longue (26 mots, 2")]


def test_the_builtin_diagnostic_is_clean_and_suggests_known_exercises():
    assert diagnostic_findings(CATALOGUE) == []
    names = {n.scenario for level in ("debutant", "intermediaire", "avance")
             for n in DIAGNOSTIC.diagnostic.next.for_level(level)}
    assert names <= set(CATALOGUE.scenarios) and "diagnostic" not in names
    assert not [f for f in lint.long_sentences(CATALOGUE) if "diagnostic" in f.path]
    tasks = [s for s in DIAGNOSTIC.screens if s.fields]
    assert len(tasks) == 10 and all(s.skills for s in tasks)


# --- the runner and the page -----------------------------------------------------------------


def diagnostic_run() -> DiagnosticRunner:
    run = runner_for(DIAGNOSTIC, KARIM, seed=3, today=TODAY)
    assert isinstance(run, DiagnosticRunner)
    return run


def test_runner_for_gives_the_usual_runner_to_other_scenarios():
    run = runner_for(CATALOGUE.scenarios["ameli-compte"], CATALOGUE.personas["christine"])
    assert type(run) is Runner


def test_i_cannot_do_it_leaves_the_task_not_done_and_goes_on():
    run = diagnostic_run()
    view = screen_view(run)
    assert view["diagnostic"]["task"] is False  # the welcome is no task
    assert run.give_up() is False and run.current_id == "accueil"
    assert run.submit({})
    view = screen_view(run)
    assert view["screen"]["id"] == "menu" and view["diagnostic"]["task"] is True
    assert view["diagnostic"]["give_up_label"] == "Je ne sais pas faire"
    assert run.give_up() is True
    assert run.current_id == "nom"
    assert [(e.type, e.screen_id) for e in run.log[-2:]] == [
        ("gave_up", "menu"), ("screen_entered", "nom")]
    assert "menu" not in run.answers and "menu" in run.history


def play(run: DiagnosticRunner, *, hint_on: set[str], give_up_on: set[str]) -> None:
    while run.status == "running":
        screen = run.screen.id
        if screen in give_up_on:
            assert run.give_up()
            continue
        if screen in hint_on:
            assert run.hint()
        assert run.submit(answers_for_screen(run)), (screen, run.results)


def test_a_diagnostic_played_to_its_end_places_the_learner_before_finishing():
    run = diagnostic_run()
    play(run, hint_on={"carte-vitale"}, give_up_on={"faux-sms", "mot-de-passe"})
    kinds = [(e.type, e.level) for e in run.log][-2:]
    # 7 tasks alone (14), one with a hint (1), two not done: 15, under « avance » (16).
    assert kinds == [("placed", "intermediaire"), ("finished", None)]
    result = screen_view(run)["diagnostic"]["result"]
    assert result["title"] == "Niveau conseillé : intermédiaire"
    assert result["sentence"] == "Vous pouvez commencer par les exercices du niveau intermédiaire."
    assert (result["score"], result["most"]) == (15, 20)
    assert result["lines"] == ["Vous avez fait 8 tâches sur 10.", "7 tâches sans aide.",
                               "1 tâche avec un indice ou après une erreur.",
                               "2 tâches à apprendre."]
    assert [n["scenario"] for n in result["next"]] == [
        n.scenario for n in DIAGNOSTIC.diagnostic.next.intermediaire]
    assert "4.2 Protéger les données personnelles et la vie privée" in result["skills_practise"]
    assert "1.2 Gérer des données" in result["skills_done"]


def test_a_beginner_is_told_to_start_with_beginners_exercises_titles_given():
    run = diagnostic_run()
    tasks = {s.id for s in DIAGNOSTIC.screens if s.fields}
    play(run, hint_on=set(), give_up_on=tasks - {"nom", "naissance"})
    assert run.result().level == "debutant" and run.result().score == 4
    view = with_titles(screen_view(run), {sid: s.title for sid, s in CATALOGUE.scenarios.items()})
    result = view["diagnostic"]["result"]
    assert result["sentence"] == level_sentence("debutant") == (
        "Vous pouvez commencer par les exercices du niveau débutant.")
    assert result["next"][1] == {
        "scenario": "ameli-compte", "title": "Créer son compte ameli",
        "reason": "Pour créer un compte pas à pas, avec un code reçu par SMS."}


def test_a_reopened_diagnostic_keeps_the_tasks_done_before():
    run = diagnostic_run()
    assert run.resume(["accueil", "menu", "nom"], "naissance", errors=1, hints=0)
    assert run.done_before == {"accueil": "helped", "menu": "helped", "nom": "helped"}
    states = {t.screen_id: t.state for t in run.result().tasks}
    assert states["menu"] == states["nom"] == "helped" and states["naissance"] == "not_done"


# --- the outcome in the store, and on the board ----------------------------------------------


@pytest.fixture
def store():
    with Store("sqlite:///:memory:") as s:
        yield s


def stored_run(store: Store, participant: int, **play_kw) -> int:
    run = diagnostic_run()
    attempt = store.start_attempt(participant, DIAGNOSTIC.id, KARIM.id, run.step()[1])
    play(run, **play_kw)
    store.record_events(attempt, run.log)
    return attempt


def test_the_level_is_the_runs_outcome_and_the_board_shows_it_later(store):
    workshop = store.create_workshop("Atelier", "", "2026-11-26", [DIAGNOSTIC.id])
    lea = store.join(workshop["id"], "Léa")["id"]
    store.join(workshop["id"], "Tom")
    attempt = stored_run(store, lea, hint_on=set(), give_up_on={"menu", "nom", "naissance",
                                                                "email", "carte-vitale", "faux-sms"})
    assert store.attempt(attempt)["placement"] == "debutant"
    # Léa goes on with another exercise: her tile still says the level advised.
    store.start_attempt(lea, "ameli-compte", "christine", 10)
    tiles = {t["pseudonym"]: t for t in store.room(workshop["id"])}
    assert tiles["Léa"]["placement"] == "debutant" and tiles["Tom"]["placement"] is None
    assert tiles["Léa"]["scenario_id"] == "ameli-compte"
    shown = format_tile(tiles["Léa"], CATALOGUE)
    assert shown["placement_text"] == "Niveau conseillé : débutant"
    assert format_tile(tiles["Tom"], CATALOGUE)["placement_text"] == ""


def test_the_store_keeps_only_the_three_levels(store):
    workshop = store.create_workshop("Atelier", "", "2026-11-26", [DIAGNOSTIC.id])
    pid = store.join(workshop["id"], "Léa")["id"]
    attempt = store.start_attempt(pid, DIAGNOSTIC.id, KARIM.id, 13)
    with pytest.raises(StoreError) as error:
        store.record_events(attempt, [RunEvent(type="placed", scenario_id=DIAGNOSTIC.id,
                                               level="Je suis expert")])
    assert error.value.message == MSG_EVENT
    assert store.attempt(attempt)["placement"] is None


def test_migration_down_and_up_keeps_every_run_and_event(tmp_path):
    from alembic import command
    from sqlalchemy import func, inspect, select

    from bacasable.store import tables as t
    from bacasable.store.migrations import HEAD_REVISION, alembic_config

    url = f"sqlite:///{tmp_path / 'atelier.sqlite'}"
    with Store(url) as s:
        workshop = s.create_workshop("Atelier", "", "2026-11-26", [DIAGNOSTIC.id])
        pid = s.join(workshop["id"], "Léa")["id"]
        attempt = stored_run(s, pid, hint_on=set(), give_up_on=set())
        assert s.attempt(attempt)["placement"] == "avance"
        with s.engine.connect() as conn:
            events = conn.execute(select(func.count()).select_from(t.events)).scalar()
            levels = conn.execute(select(t.events.c.level).where(
                t.events.c.type == "placed")).scalars().all()
        assert levels == ["avance"]
    command.downgrade(alembic_config(url), "0005")
    with Store(url, upgrade=False) as s:
        assert s.revision() == "0005"
        with s.engine.connect() as conn:
            assert "placement" not in {c["name"] for c in inspect(conn).get_columns("attempts")}
            assert conn.execute(select(func.count()).select_from(t.events.alias())).scalar() \
                == events  # dropped in place: no run lost its events
        s.upgrade()
        assert s.revision() == HEAD_REVISION
        assert s.attempt(attempt)["placement"] is None


# --- the trainer's editor --------------------------------------------------------------------


def test_a_trainer_edits_a_reason_in_the_editor_and_saves(tmp_path):
    import shutil

    from bacasable.authoring.scenario_edit import ScenarioDocument, editable_texts

    folder = tmp_path / "scenarios"
    shutil.copytree(BUILTIN_SCENARIOS / "personas", folder / "personas")
    copy = folder / "diagnostic.yaml"
    shutil.copyfile(BUILTIN_SCENARIOS / "diagnostic.yaml", copy)
    doc = ScenarioDocument.open(copy)
    result = next(i for i, s in enumerate(doc.tree["screens"]) if s["id"] == "resultat")
    reasons = [t for t in editable_texts(doc, result) if t["path"][0] == "diagnostic"]
    assert [(t["path"][2:4], t["label"]) for t in reasons][:2] == [
        (["debutant", 0], "Pourquoi cet exercice : adresse-email-cv"),
        (["debutant", 1], "Pourquoi cet exercice : ameli-compte")]
    assert reasons[0]["group_label"] == "Exercices conseillés au niveau débutant"
    assert not [t for t in editable_texts(doc, 1) if t["path"][0] == "diagnostic"]
    doc.set_text(reasons[1]["path"], "Pour créer un compte avec un code reçu par SMS.")
    # The exercises it names are known to the editor: nothing refuses the file.
    assert [f for f in doc.findings(CATALOGUE) if f.severity == "error"] == []
    assert any("exercice inconnu" in f.message for f in doc.findings(None))
    doc.save(CATALOGUE)
    saved = load_catalogue([folder]).scenarios["diagnostic"].diagnostic.next.debutant[1]
    assert saved.reason == "Pour créer un compte avec un code reçu par SMS."


# --- in a workshop: the learner's session writes the run, the store keeps the level ---------


def test_in_a_workshop_the_level_reaches_the_store_even_after_reopening(store):
    from bacasable.workshop.outcomes import Joined
    from bacasable.workshop.session import LearnerSession

    workshop = store.create_workshop("Atelier", "", "2026-11-26", [DIAGNOSTIC.id])
    session = LearnerSession(store)
    session.device = "d4" * 16
    assert isinstance(session.join(workshop["join_code"], "Léa"), Joined)
    run = diagnostic_run()
    assert session.attach(run) is False
    with session.batch():
        assert run.submit({})  # the welcome
    with session.batch():
        assert run.hint()
        assert run.submit(answers_for_screen(run))  # the menu, with a hint
    with session.batch():
        assert run.give_up()  # the name: « Je ne sais pas faire »
    # The page is closed; the learner comes back on a new kernel: the run is reopened.
    again = LearnerSession(store)
    again.device = session.device
    assert isinstance(again.join(workshop["join_code"], "Léa"), Joined)
    reopened = diagnostic_run()
    assert again.attach(reopened) is True
    assert reopened.current_id == "naissance"
    assert reopened.done_before == {"accueil": "helped", "menu": "helped"}
    with again.batch():
        play(reopened, hint_on=set(), give_up_on=set())
    # The menu with a hint (1), the name not done (0), eight tasks alone (16): 17.
    assert (reopened.result().score, reopened.result().level) == (17, "avance")
    tile = store.room(workshop["id"])[0]
    assert (tile["pseudonym"], tile["placement"], tile["done"]) == ("Léa", "avance", True)
