"""The diagnostic in the learner's app and on the facilitator's board, driven as the browser does."""

from __future__ import annotations

import datetime as dt

from widget_support import send

from bacasable.common.config import BUILTIN_SCENARIOS
from bacasable.run.autoplay import answers_for_screen
from bacasable.run.diagnostic import DiagnosticRunner
from bacasable.scenario.loader import load_catalogue
from bacasable.store import Store
from bacasable.workshop.room import RoomWatcher
from widgets.facilitator.board import Board
from widgets.learner.app import Atelier
from widgets.learner.catalogue import scenario_cards

CATALOGUE = load_catalogue([BUILTIN_SCENARIOS])
OPTIONS = {"seed": 3, "today": dt.date(2026, 11, 26)}


def test_the_diagnostic_card_comes_first_and_says_so():
    cards, broken = scenario_cards(CATALOGUE)
    assert broken == 0
    assert cards[0]["id"] == "diagnostic" and cards[0]["title"] == "Par où commencer ?"
    assert cards[0]["diagnostic"] is True
    assert [c["id"] for c in cards if c["diagnostic"]] == ["diagnostic"]
    # The other cards keep their themes, in the catalogue's order.
    assert [c["category"] for c in cards[1:3]] == ["emploi", "emploi"]


def test_a_learner_leaves_a_task_then_sees_the_level_and_the_exercises_next():
    app = Atelier(CATALOGUE, runner_options=OPTIONS)
    assert app.start("diagnostic", "christine")
    player = app.player
    assert isinstance(player.runner, DiagnosticRunner)
    send(player.screen, {"action": "submit", "from": "accueil", "values": {}})
    view = player.screen.view
    assert view["screen"]["id"] == "menu" and view["diagnostic"]["task"] is True
    send(player.screen, {"action": "give_up", "from": "menu"})
    assert player.screen.view["screen"]["id"] == "nom"
    assert player.screen.view["ui"]["action"] == "give_up"
    # A double tap sent from the screen left behind changes nothing.
    send(player.screen, {"action": "give_up", "from": "menu"})
    assert player.screen.view["screen"]["id"] == "nom"
    run = player.runner
    while run.status == "running":
        screen = run.screen.id
        send(player.screen, {"action": "submit", "from": screen,
                             "values": answers_for_screen(run)})
        assert run.current_id != screen or run.status != "running", screen
    result = player.screen.view["diagnostic"]["result"]
    assert result["title"] == "Niveau conseillé : avancé"  # 9 tasks alone: 18 points
    assert [(n["title"], n["reason"]) for n in result["next"]] == [
        ("Demander la prime d'activité",
         "Pour une démarche longue, avec les ressources de tout le foyer."),
        ("S'inscrire à France Travail", "Pour un long formulaire, à relire avant de valider.")]
    assert result["skills_practise"] == ["1.1 Mener une recherche et une veille d'information"]


def test_the_give_up_action_is_refused_while_paused_and_outside_a_diagnostic():
    app = Atelier(CATALOGUE, runner_options=OPTIONS)
    assert app.start("diagnostic", "karim")
    player = app.player
    send(player.screen, {"action": "submit", "from": "accueil", "values": {}})
    player.paused = True
    send(player.screen, {"action": "give_up", "from": "menu"})
    assert player.runner.current_id == "menu"
    player.paused = False
    assert app.start("ameli-compte", "christine")
    send(app.player.screen, {"action": "give_up", "from": "accueil"})
    view = app.player.screen.view
    assert view["screen"]["id"] == "accueil" and view["ui"]["failed"] is True
    assert "diagnostic" not in view


def test_the_board_tile_shows_the_level_advised():
    with Store("sqlite:///:memory:") as store:
        workshop = store.create_workshop("Atelier", "", "2026-11-26", ["diagnostic"])
        pid = store.join(workshop["id"], "Léa")["id"]
        attempt = store.start_attempt(pid, "diagnostic", "karim", 13)
        app = Atelier(CATALOGUE, runner_options=OPTIONS)
        app.start("diagnostic", "karim")
        run = app.player.runner
        while run.status == "running":
            if run.screen.fields and run.screen.id != "nom":
                assert run.give_up()
            else:
                assert run.submit(answers_for_screen(run))
        store.record_events(attempt, run.log)
        tiles = RoomWatcher(store, workshop["id"], CATALOGUE).refresh()
    board = Board()
    board.show(tiles)
    assert board.tiles[0]["placement_text"] == "Niveau conseillé : débutant"
    assert board.tiles[0]["state_text"] == "Exercice terminé"


def test_the_bilan_page_shows_each_learners_level_and_the_levels_per_workshop():
    from bacasable.reports import build_history_report, build_workshop_report, charts
    from widgets.facilitator.bilan_view import history_view, workshop_view

    with Store("sqlite:///:memory:") as store:
        workshop = store.create_workshop("Atelier", "", "2026-11-26", ["diagnostic"])
        for name, leave in (("Léa", 8), ("Tom", 0)):
            pid = store.join(workshop["id"], name)["id"]
            attempt = store.start_attempt(pid, "diagnostic", "karim", 13)
            app = Atelier(CATALOGUE, runner_options=OPTIONS)
            app.start("diagnostic", "karim")
            run = app.player.runner
            left = [s.id for s in run.scenario.screens if s.fields][:leave]
            while run.status == "running":
                if run.current_id in left:
                    assert run.give_up()
                else:
                    assert run.submit(answers_for_screen(run))
            store.record_events(attempt, run.log)
        report = build_workshop_report(store, workshop["id"], CATALOGUE)
        period = build_history_report(store, CATALOGUE)
    section = next(s for s in workshop_view(report, charts)["sections"]
                   if s["key"] == "diagnostic")
    table = next(b for b in section["blocks"] if b["type"] == "table")
    assert [c["label"] for c in table["columns"]][:4] == [
        "Pseudonyme", "Niveau conseillé", "Score", "Score maximal"]
    assert [row[:4] for row in table["rows"]] == [["Léa", "Débutant", "4", "20"],
                                                  ["Tom", "Avancé", "20", "20"]]
    levels = next(s for s in history_view(period, charts)["sections"]
                  if s["key"] == "diagnostic_levels")
    rows = next(b for b in levels["blocks"] if b["type"] == "table")["rows"]
    assert [row[2:] for row in rows] == [["2", "1", "0", "1"]]
