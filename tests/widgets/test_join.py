"""The learner's side of a live workshop, driven as the browser drives it (no browser)."""

from __future__ import annotations

import pytest
from widget_support import GOOD_IDENTITY, TODAY, send

from bacasable.scenario.loader import Catalogue
from bacasable.store import Store, StoreError
from bacasable.workshop.outcomes import MSG_NO_CODE
from bacasable.workshop.session import LearnerSession
from widgets.learner.app import UNKNOWN_SCENARIO, Atelier
from widgets.learner.join import BACK_MESSAGE, CONNECTION_LOST, RESUMED_MESSAGE
from widgets.learner.join_view import JoinView


@pytest.fixture
def store(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'atelier.sqlite'}") as store:
        yield store


@pytest.fixture
def catalogue(w_scenario, w_persona, w_persona_no_mail) -> Catalogue:
    other = w_scenario.model_copy(update={"id": "autre", "title": "Un autre exercice"})
    return Catalogue(
        scenarios={w_scenario.id: w_scenario, other.id: other},
        personas={w_persona.id: w_persona, w_persona_no_mail.id: w_persona_no_mail},
    )


@pytest.fixture
def workshop(store):
    return store.create_workshop("Atelier emploi", "Médiathèque", "2026-11-26", ["essai"])


@pytest.fixture
def make_app(store, catalogue, clock):
    def make(query: str | None = None) -> Atelier:
        options = {"seed": 1, "today": TODAY, "clock": clock}
        return Atelier.from_query(query, catalogue, runner_options=options,
                                  session=lambda: LearnerSession(store))

    return make


PHONE = "0f" * 16  # the token join.js keeps in the browser's localStorage
OTHER_PHONE = "1e" * 16


def join(app: Atelier, code: str, pseudonym: str = "Tournesol", device: str = PHONE) -> None:
    send(app.link.view, {"action": "device", "device": device})
    send(app.link.view, {"action": "join", "code": code, "pseudonym": pseudonym})


@pytest.fixture
def joined(make_app, workshop):
    app = make_app()
    join(app, workshop["join_code"])
    assert app.link.joined
    return app


def started(app: Atelier) -> Atelier:
    send(app.catalogue_view, {"action": "start", "scenario": "essai", "persona": "karim"})
    assert app.player is not None
    return app


def events_of(store: Store, workshop_id: int) -> list[dict]:
    return list(store.events_frame_rows(workshop_id))


# --- alone: as before -----------------------------------------------------------------------


def test_alone_the_join_entry_is_folded_and_no_store_is_opened(catalogue):
    app = Atelier(catalogue)
    assert app.children == (app.link.view, app.catalogue_view)
    assert app.link.view.joined is False and app.link.view.expanded is False
    send(app.catalogue_view, {"action": "start", "scenario": "essai", "persona": "karim"})
    assert app.children == (app.player,)  # the exercise alone, exactly as before
    send(app.player.screen, {"action": "submit", "from": "identite", "values": GOOD_IDENTITY})
    assert app.player.runner.current_id == "contact"
    assert app.link.session is None  # nothing of a workshop was touched
    assert app.link.poll_once() == []


# --- joining ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "pseudonym", "field", "message"),
    [
        ("ZZZZZZ", "Marin", "code", "Ce code ne correspond à aucun atelier ouvert."),
        ("", "Marin", "code", MSG_NO_CODE),
        (None, "marin@exemple.fr", "pseudonym", "pas une adresse e-mail"),
        (None, "", "pseudonym", "Choisissez un pseudonyme"),
    ],
)
def test_join_problems_are_told_in_french(make_app, workshop, code, pseudonym, field, message):
    app = make_app()
    join(app, workshop["join_code"] if code is None else code, pseudonym)
    view = app.link.view
    assert not app.link.joined and view.joined is False
    assert message in view.error and view.error_field == field
    assert view.expanded is True and view.error_seq == 1
    assert "Traceback" not in view.error and "sqlalchemy" not in view.error.lower()
    join(app, workshop["join_code"] if code is None else code, pseudonym)
    assert view.error_seq == 2  # the same problem again is shown (and focused) again


def test_closed_workshop_is_about_the_code(make_app, store, workshop):
    store.close_workshop(workshop["id"])
    app = make_app()
    join(app, workshop["join_code"])
    assert app.link.view.error_field == "code" and app.link.view.error


def test_joining_offers_the_workshop_scenarios_and_shows_the_bar(make_app, store, workshop):
    app = make_app()
    assert {c["id"] for c in app.catalogue_view.scenarios} == {"essai", "autre"}
    join(app, workshop["join_code"].lower(), "Marin 12")
    view = app.link.view
    assert view.joined and view.title == "Atelier emploi" and view.pseudonym == "Marin 12"
    assert view.error == "" and view.notice == ""
    assert [c["id"] for c in app.catalogue_view.scenarios] == ["essai"]
    assert app.children == (view, app.catalogue_view)
    assert [p["pseudonym"] for p in store.participants(workshop["id"])] == ["Marin 12"]
    # Only the workshop's exercises can be opened.
    assert app.start("autre") is False and app.catalogue_view.message == UNKNOWN_SCENARIO
    started(app)
    assert app.children == (view, app.player)


def test_code_from_the_qr_code_asks_only_the_pseudonym(make_app, workshop):
    app = make_app(f"?code={workshop['join_code']}&scenario=essai")
    view = app.link.view
    assert view.code_locked and view.expanded and view.title == "Atelier emploi"
    assert view.code == workshop["join_code"] and app.player is None
    send(view, {"action": "join", "pseudonym": "Tournesol"})
    assert app.link.joined


def test_unknown_code_in_the_link_is_editable_with_its_message(make_app):
    app = make_app("code=ABCDEF")
    view = app.link.view
    assert not view.code_locked and view.code == "ABCDEF"
    assert view.error_field == "code" and "aucun atelier" in view.error


def test_joining_late_sees_the_pause_and_the_last_message(make_app, store, workshop):
    store.set_pause(workshop["id"], True)
    store.send_message(workshop["id"], "Ouvrez l'exercice France Travail")
    app = make_app()
    join(app, workshop["join_code"])
    view = app.link.view
    assert view.paused and view.message == "Ouvrez l'exercice France Travail"
    assert view.message_seq == 1
    assert app.link.poll_once() == []  # the old commands are not replayed


# --- the hand, the pause, messages, goto, hints ------------------------------------------------


def test_raising_the_hand_writes_to_the_store(joined, store):
    pid = joined.link.session.participant_id
    send(joined.link.view, {"action": "hand", "raise": True})
    assert joined.link.view.hand_raised is True
    assert store.participant(pid)["hand_raised"] is True
    send(joined.link.view, {"action": "hand", "raise": False})
    assert joined.link.view.hand_raised is False
    assert store.participant(pid)["hand_raised"] is False
    # The facilitator answers a raised hand: the learner's button comes back.
    send(joined.link.view, {"action": "hand", "raise": True})
    store.answer_hand(pid)
    joined.link.poll_once()
    assert joined.link.view.hand_raised is False


def test_a_failed_hand_signal_is_told_without_a_traceback(joined, store, monkeypatch):
    def broken(participant_id):
        raise StoreError("La base de données est occupée. Réessayez dans un instant.")

    monkeypatch.setattr(store, "raise_hand", broken)
    send(joined.link.view, {"action": "hand", "raise": True})
    assert joined.link.view.hand_raised is False
    assert joined.link.view.notice.startswith("Le signal n'a pas pu être envoyé")


def test_pause_blocks_submit_until_resumed(joined, store, workshop):
    app = started(joined)
    store.set_pause(workshop["id"], True)
    app.link.poll_once()
    assert app.link.view.paused is True and app.player.paused is True
    send(app.player.screen, {"action": "submit", "from": "identite", "values": GOOD_IDENTITY})
    send(app.player.screen, {"action": "hint", "field": "nom"})
    assert app.player.runner.current_id == "identite"
    assert [e.type for e in app.player.runner.log] == ["started", "screen_entered"]
    store.set_pause(workshop["id"], False)
    app.link.poll_once()
    assert app.link.view.paused is False and app.player.paused is False
    send(app.player.screen, {"action": "submit", "from": "identite", "values": GOOD_IDENTITY})
    assert app.player.runner.current_id == "contact"


def test_an_exercise_opened_during_a_pause_is_paused(joined, store, workshop):
    store.set_pause(workshop["id"], True)
    joined.link.poll_once()
    app = started(joined)
    assert app.player.paused is True


def test_a_message_shows(joined, store, workshop):
    store.send_message(workshop["id"], "Regardez votre téléphone")
    joined.link.poll_once()
    view = joined.link.view
    assert view.message == "Regardez votre téléphone" and view.message_seq == 1
    assert view.message_personal is False
    store.send_message(workshop["id"], "Bravo !", joined.link.session.participant_id)
    joined.link.poll_once()
    assert view.message == "Bravo !" and view.message_personal is True and view.message_seq == 2


def test_goto_moves_the_runner(joined, store, workshop):
    app = started(joined)
    store.bring_to_screen(workshop["id"], "secret")
    app.link.poll_once()
    assert app.player.runner.current_id == "secret"
    assert app.player.screen.view["screen"]["id"] == "secret"
    assert app.player.screen.view["ui"]["action"] == "goto"
    assert store.room(workshop["id"])[0]["screen_id"] == "secret"


def test_goto_from_the_list_opens_the_exercise_there(joined, store, workshop):
    store.bring_to_screen(workshop["id"], "contact")
    joined.link.poll_once()
    assert joined.player is not None and joined.player.runner.current_id == "contact"


def test_goto_an_unknown_screen_changes_nothing(joined, store, workshop):
    app = started(joined)
    store.bring_to_screen(workshop["id"], "ailleurs")
    app.link.poll_once()
    assert app.player.runner.current_id == "identite"


def test_hint_command_reveals_a_hint(joined, store, workshop):
    app = started(joined)
    store.reveal_hint(workshop["id"], app.link.session.participant_id, "nom")
    app.link.poll_once()
    hint = app.player.screen.view["hint"]
    assert hint["field_id"] == "nom" and hint["level"] == 1
    assert store.room(workshop["id"])[0]["hints"] == 1


# --- what is written --------------------------------------------------------------------------


def test_every_event_is_written_one_transaction_per_action(joined, store, workshop, monkeypatch):
    calls = []
    real = store.record_events

    def spy(attempt_id, events, *args, **kwargs):
        events = list(events)
        calls.append([e.type for e in events])
        return real(attempt_id, events, *args, **kwargs)

    monkeypatch.setattr(store, "record_events", spy)
    app = started(joined)
    send(app.player.screen, {"action": "submit", "from": "identite", "values": {}})
    send(app.player.screen, {"action": "submit", "from": "identite", "values": GOOD_IDENTITY})
    assert calls == [["started", "screen_entered"], ["field_error", "field_error"],
                     ["screen_done", "screen_entered"]]
    stored = events_of(store, workshop["id"])
    assert [r["type"] for r in stored] == [e.type for e in app.player.runner.log]
    tile = store.room(workshop["id"])[0]
    assert tile["errors"] == 2 and tile["screen_id"] == "contact" and tile["screen_index"] == 2


def test_restart_starts_a_new_run(joined, store, workshop):
    app = started(joined)
    send(app.player.screen, {"action": "restart"})
    attempts = store.export_participant(app.link.session.participant_id)["attempts"]
    assert len(attempts) == 2
    assert attempts[0]["abandoned_at"] is not None and attempts[1]["abandoned_at"] is None


def test_store_failure_never_breaks_the_exercise(joined, store, workshop, monkeypatch):
    app = started(joined)
    real = store.record_events

    def down(*args, **kwargs):
        raise StoreError("La base de données est occupée. Réessayez dans un instant.")

    monkeypatch.setattr(store, "record_events", down)
    send(app.player.screen, {"action": "submit", "from": "identite", "values": GOOD_IDENTITY})
    assert app.player.runner.current_id == "contact"
    assert app.player.screen.view["ui"]["problem"] is None
    app.link.poll_once()
    assert app.link.view.connection == CONNECTION_LOST
    monkeypatch.setattr(store, "record_events", real)
    app.link.poll_once()
    assert app.link.view.connection == ""
    stored = events_of(store, workshop["id"])
    assert [r["type"] for r in stored] == [e.type for e in app.player.runner.log]


def test_nothing_typed_is_stored(joined, store, workshop):
    app = started(joined)
    send(app.player.screen, {"action": "submit", "from": "identite",
                             "values": {"nom": "Dupontel", "naissance": GOOD_IDENTITY["naissance"]}})
    dump = repr(store.export_participant(app.link.session.participant_id))
    assert "Dupontel" not in dump and "1992" not in dump


# --- coming back --------------------------------------------------------------------------------


def test_reopening_the_page_resumes_at_the_same_screen(make_app, store, workshop):
    first = make_app()
    join(first, workshop["join_code"], "Marin 12")
    started(first)
    send(first.player.screen, {"action": "submit", "from": "identite", "values": {}})
    send(first.player.screen, {"action": "hint", "field": "nom"})
    send(first.player.screen, {"action": "submit", "from": "identite", "values": GOOD_IDENTITY})
    assert first.player.runner.current_id == "contact"

    # The tab was closed; a new kernel, opened from the QR code's link on the same phone: the
    # page sends its device token and the learner is back without typing anything.
    again = make_app(f"code={workshop['join_code']}")
    send(again.link.view, {"action": "device", "device": PHONE})
    assert again.link.joined and again.link.view.pseudonym == "Marin 12"
    player = again.player
    assert player is not None and player.runner.current_id == "contact"
    assert player.runner.history == ["identite"]
    assert player.screen.view["ui"]["notice"] == RESUMED_MESSAGE
    summary = player.runner.summary()
    assert summary["errors"] == 2 and summary["hints"] == 1
    tiles = store.room(workshop["id"])
    assert len(tiles) == 1 and tiles[0]["screen_id"] == "contact" and tiles[0]["errors"] == 2
    assert len(store.export_participant(tiles[0]["participant_id"])["attempts"]) == 1


def test_coming_back_with_nothing_to_resume(make_app, workshop):
    first = make_app()
    join(first, workshop["join_code"])
    again = make_app()
    join(again, workshop["join_code"])
    assert again.player is None and again.link.view.notice == BACK_MESSAGE


def test_a_second_device_cannot_drive_a_run_until_the_facilitator_allows_it(make_app, store,
                                                                            workshop):
    first = make_app()
    join(first, workshop["join_code"], "Marie")
    started(first)
    other = make_app(f"code={workshop['join_code']}")
    send(other.link.view, {"action": "device", "device": OTHER_PHONE})
    assert not other.link.joined  # this phone never joined: the form asks for a pseudonym
    join(other, workshop["join_code"], "marie", OTHER_PHONE)
    view = other.link.view
    assert not other.link.joined and view.error == "marie est déjà pris. Essayez marie2."
    assert view.error_field == "pseudonym" and view.suggestion == "marie2"
    send(view, {"action": "handover"})
    assert view.waiting and other.link.answer_handover() is None
    tile = store.room(workshop["id"])[0]
    assert tile["handover_asked"] and not other.link.joined
    store.answer_handover(tile["participant_id"], allow=True)
    assert other.link.answer_handover() == "allowed"
    assert other.link.joined and not view.waiting and view.pseudonym == "Marie"
    # The first page hears of it on its next poll: it says so, and writes nothing more.
    first.link.session._owner_checked = -100.0
    first.link.poll_once()
    assert first.link.view.moved and first.link.session.outbox.stopped


def test_two_people_asking_for_one_pseudonym_get_it_and_a_suggestion(make_app, store, workshop):
    first = make_app()
    join(first, workshop["join_code"], "Marie")
    second = make_app()
    join(second, workshop["join_code"], "Marie", OTHER_PHONE)
    assert second.link.view.suggestion == "Marie2"
    join(second, workshop["join_code"], second.link.view.suggestion, OTHER_PHONE)
    assert second.link.joined and second.link.view.pseudonym == "Marie2"
    refused = make_app()
    join(refused, workshop["join_code"], "Marie", "2d" * 16)
    send(refused.link.view, {"action": "handover"})
    store.answer_handover(first.link.session.participant_id, allow=False)
    assert refused.link.answer_handover() == "refused"
    assert refused.link.view.error.startswith("L'animateur n'a pas donné cette place")


def test_join_view_traits_are_synced():
    names = set(JoinView().keys)
    assert {"code", "code_locked", "joined", "error", "error_seq", "paused", "message",
            "message_seq", "hand_raised", "connection"} <= names


def test_no_heartbeat_once_the_page_is_silent(store, catalogue, workshop, monkeypatch):
    import widgets.learner.join as join_module

    app = Atelier(catalogue, session=lambda: LearnerSession(store, heartbeat_every=0))
    join(app, workshop["join_code"])
    beats = []
    real = store.heartbeat
    monkeypatch.setattr(store, "heartbeat", lambda pid: beats.append(pid) or real(pid))
    app.link.poll_once()
    assert len(beats) == 1 and app.link.page_alive
    # The tab was closed (the kernel lives on): no ping for a while, no heartbeat.
    monkeypatch.setattr(join_module.time, "monotonic", lambda: 1e12)
    assert not app.link.page_alive
    app.link.poll_once()
    assert len(beats) == 1
    send(app.link.view, {"action": "alive"})
    app.link.poll_once()
    assert len(beats) == 2


def test_join_view_module_and_css_come_from_the_package():

    from widgets.common.base import STATIC, stylesheet

    view = JoinView()
    assert view._esm.endswith((STATIC / "learner" / "join.js").read_text(encoding="utf-8"))
    assert view._esm.startswith((STATIC / "common" / "dom.js").read_text(encoding="utf-8"))
    assert view._css == stylesheet()
    text = (STATIC / "learner" / "join.js").read_text(encoding="utf-8")
    assert "http" not in text and "import " not in text.split("\n", 3)[0]
    for words in ("Rejoindre un atelier", "Votre pseudonyme", "Lever la main", "Baisser la main",
                  "Main levée — l'animateur arrive", "Pause — regardez l'écran",
                  'role: "alert"', 'role: "status"', "pas votre vrai nom"):
        assert words in text, words


def test_each_sign_of_life_is_answered_so_the_page_knows_its_kernel_lives(make_app, monkeypatch):
    app = make_app()
    sent = []
    monkeypatch.setattr(app.link.view, "send", sent.append)
    send(app.link.view, {"action": "alive"})
    assert sent == [{"pong": True}]
