"""The player driven as the browser drives it: custom messages in, the view trait out."""

from __future__ import annotations

import json
import logging

from widget_support import GOOD_IDENTITY, send

from widgets.learner.player import NO_HINT_MESSAGE, PROBLEM_MESSAGE, ScenarioPlayer


def fields(view):
    return {f["id"]: f for f in view["screen"]["fields"]}


def code_of(player):
    return player.phone.messages[-1]["text"].rsplit(": ", 1)[1]


def to_contact(player):
    send(player.screen, {"action": "submit", "from": "identite", "values": GOOD_IDENTITY})
    assert player.screen.view["screen"]["id"] == "contact"


def test_first_screen_view(player):
    view = player.screen.view
    assert "Rien n'est envoyé" in view["notice"]
    assert view["screen"]["id"] == "identite"
    assert view["step"]["label"].startswith("Étape 1 sur ")
    assert view["cookies"] is True
    assert view["timeout_after"] == 60
    assert view["ui"]["run"] == 0 and view["ui"]["problem"] is None
    assert list(fields(view)) == ["nom", "naissance"]
    assert view["errors"] == []


def test_wrong_value_shows_error_and_stays(player):
    values = {**GOOD_IDENTITY, "nom": "Dupont"}
    send(player.screen, {"action": "submit", "from": "identite", "values": values})
    view = player.screen.view
    assert view["screen"]["id"] == "identite"
    assert view["ui"]["action"] == "submit" and view["ui"]["failed"] is True
    assert fields(view)["nom"]["error"]
    assert [e["field_id"] for e in view["errors"]] == ["nom"]
    # What was typed comes back, so that the form can show it again.
    assert fields(view)["nom"]["value"] == "Dupont"


def test_same_failed_submit_twice_still_changes_the_view(player):
    send(player.screen, {"action": "submit", "from": "identite", "values": {}})
    first = dict(player.screen.view)
    send(player.screen, {"action": "submit", "from": "identite", "values": {}})
    assert player.screen.view["ui"]["seq"] > first["ui"]["seq"]


def test_right_values_go_to_next_screen_and_sms_arrives(player):
    to_contact(player)
    view = player.screen.view
    assert view["ui"]["failed"] is False
    assert view["step"]["label"].startswith("Étape 2 sur ")
    assert view["screen"]["can_go_back"] is True
    assert player.phone.unread == 1
    assert player.phone.messages[0]["sender"] == "Service d'essai"
    assert "Karim" in player.phone.messages[0]["text"]
    assert player.mailbox.messages == []


def test_double_tap_on_continue_is_ignored(player):
    to_contact(player)
    # The second tap was sent from the first screen: it must not submit the second one.
    send(player.screen, {"action": "submit", "from": "identite", "values": GOOD_IDENTITY})
    view = player.screen.view
    assert view["screen"]["id"] == "contact"
    assert view["errors"] == []


def test_hint_for_a_field_then_the_next_one(player):
    send(player.screen, {"action": "hint", "field": "nom"})
    hint = player.screen.view["hint"]
    assert hint["field_id"] == "nom" and hint["level"] == 1 and hint["count"] == 3
    assert hint["text"] == "Regardez la carte d'identité."
    assert player.screen.view["ui"]["action"] == "hint"
    send(player.screen, {"action": "hint", "field": "nom"})
    assert player.screen.view["hint"]["level"] == 2


def test_hint_on_a_field_without_hints_falls_back_to_the_screen(player):
    send(player.screen, {"action": "hint", "field": "naissance"})
    assert player.screen.view["hint"]["field_id"] == "nom"


def test_no_hint_says_so_politely(player):
    to_contact(player)
    send(player.screen, {"action": "hint"})
    view = player.screen.view
    assert view["hint"] is None
    assert view["ui"]["notice"] == NO_HINT_MESSAGE


def test_back_shows_previous_answers(player):
    to_contact(player)
    send(player.screen, {"action": "back", "from": "contact"})
    view = player.screen.view
    assert view["screen"]["id"] == "identite"
    assert fields(view)["nom"]["value"] == "Benali"
    assert fields(view)["naissance"]["value"] == {"day": "14", "month": "03", "year": "1992"}


def test_cookies_banner_closes(player):
    send(player.screen, {"action": "cookies", "accept": False})
    assert player.screen.view["cookies"] is False


def test_personal_data_warning_clears_the_value(player):
    to_contact(player)
    values = {"situation": "chomage", "telephone": "06 23 45 67 89", "code": code_of(player)}
    send(player.screen, {"action": "submit", "from": "contact", "values": values})
    view = player.screen.view
    assert view["screen"]["id"] == "contact"
    assert view["warning"] and "Karim" in view["warning"]
    tel = fields(view)["telephone"]
    assert tel["error_kind"] == "personal_data"
    assert tel["value"] is None
    assert "23 45 67 89" not in json.dumps(view)


def test_password_rules_are_listed_and_never_sent_back(player):
    to_contact(player)
    values = {"situation": "chomage", "telephone": "", "code": code_of(player)}
    send(player.screen, {"action": "submit", "from": "contact", "values": values})
    assert player.screen.view["screen"]["id"] == "secret"
    mdp = fields(player.screen.view)["mdp"]
    assert mdp["rules"][0] == "au moins 12 caractères"
    assert any("majuscule" in r for r in mdp["rules"])
    send(player.screen, {"action": "submit", "from": "secret", "values": {"mdp": "court"}})
    view = player.screen.view
    assert fields(view)["mdp"]["error"] and fields(view)["mdp"]["value"] is None
    assert "court" not in json.dumps(view)


def play_to_review(player):
    to_contact(player)
    values = {"situation": "chomage", "telephone": "", "code": code_of(player)}
    send(player.screen, {"action": "submit", "from": "contact", "values": values})
    send(player.screen, {"action": "submit", "from": "secret",
                         "values": {"mdp": "Bonjour2026Karim"}})
    assert player.screen.view["screen"]["id"] == "recap"


def test_review_lists_answers_and_edit_goes_back_to_that_screen(player):
    play_to_review(player)
    view = player.screen.view
    assert [s["screen_id"] for s in view["review"]][:2] == ["identite", "contact"]
    assert "Bonjour2026Karim" not in json.dumps(view)
    send(player.screen, {"action": "back", "from": "recap", "to": "identite"})
    assert player.screen.view["screen"]["id"] == "identite"


def test_full_run_ends_with_receipt_and_warm_summary(player, clock):
    send(player.screen, {"action": "hint", "field": "nom"})
    send(player.screen, {"action": "submit", "from": "identite", "values": {}})
    play_to_review(player)
    clock.now += 300
    send(player.screen, {"action": "submit", "from": "recap", "values": {}})
    view = player.screen.view
    assert view["screen"]["role"] == "receipt" and view["status"] == "finished"
    assert view["receipt"]["number"].startswith("AB-")
    closing = view["ui"]["closing"]
    assert closing["title"].startswith("Bravo")
    text = " ".join(closing["lines"])
    assert "corrigé 2 erreurs" in text and "1 indice" in text and "environ 5 minutes" in text
    assert player.mailbox.unread == 1 and player.mailbox.messages[0]["subject"] == "Confirmation"


def test_restart_starts_a_new_run(player):
    events = []
    player.on_event(events.append)
    to_contact(player)
    old = player.runner
    send(player.screen, {"action": "restart"})
    assert player.runner is not old and old.status == "abandoned"
    view = player.screen.view
    assert view["screen"]["id"] == "identite" and view["ui"]["run"] == 1
    assert player.phone.messages == [] and player.phone.unread == 0
    send(player.screen, {"action": "submit", "from": "identite", "values": GOOD_IDENTITY})
    types = [e.type for e in events]
    assert "abandoned" in types and types[-1] == "screen_entered"


def test_catalogue_action_abandons_and_calls_back(w_scenario, w_persona):
    called = []
    player = ScenarioPlayer(w_scenario, w_persona, on_catalogue=lambda: called.append(True))
    send(player.screen, {"action": "catalogue"})
    assert called == [True] and player.runner.status == "abandoned"


def test_check_on_blur_shows_error_in_place(player):
    send(player.screen, {"action": "check", "field": "nom", "value": "Dupont"})
    view = player.screen.view
    assert fields(view)["nom"]["error"] and view["ui"]["action"] == "check"
    assert view["ui"]["failed"] is False


def test_handler_exception_shows_french_message_and_keeps_screen(player, monkeypatch, caplog):
    def broken(values=None):
        raise RuntimeError("boom in the core")

    monkeypatch.setattr(player.runner, "submit", broken)
    before = player.screen.view["screen"]["id"]
    with caplog.at_level(logging.ERROR, logger="bacasable"):
        send(player.screen, {"action": "submit", "from": before, "values": GOOD_IDENTITY})
    view = player.screen.view
    assert view["ui"]["problem"] == PROBLEM_MESSAGE
    assert view["screen"]["id"] == before
    dumped = json.dumps(view)
    assert "Traceback" not in dumped and "boom" not in dumped and "RuntimeError" not in dumped
    assert any("boom" in (r.exc_text or "") or r.exc_info for r in caplog.records)
    # The next action works again and the problem message goes away.
    monkeypatch.undo()
    send(player.screen, {"action": "submit", "from": before, "values": GOOD_IDENTITY})
    assert player.screen.view["ui"]["problem"] is None
    assert player.screen.view["screen"]["id"] == "contact"


def test_view_building_failure_keeps_last_view(player, monkeypatch):
    import widgets.learner.player as module

    def broken(run):
        raise ValueError("view broke")

    monkeypatch.setattr(module, "screen_view", broken)
    send(player.screen, {"action": "hint", "field": "nom"})
    view = player.screen.view
    assert view["screen"]["id"] == "identite"
    assert view["ui"]["problem"] == PROBLEM_MESSAGE


def test_malformed_messages_are_ignored(player):
    before = player.screen.view
    send(player.screen, "not a dict")
    send(player.screen, {"action": 3})
    send(player.screen, {"action": "format_disk"})
    assert player.screen.view == before


def test_view_is_json(player):
    to_contact(player)
    json.dumps(player.screen.view)
    json.dumps(player.phone.messages)
