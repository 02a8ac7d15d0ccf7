"""The learner's session in a workshop: joining, writing runs, commands, retries, resuming."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bacasable.run.autoplay import answers_for_screen
from bacasable.run.events import RunEvent
from bacasable.run.runner import Runner
from bacasable.store import Store, StoreError
from bacasable.workshop.commands import (
    GoTo,
    HandAnswered,
    Pause,
    RevealHint,
    ShowMessage,
    parse_command,
    room_state,
)
from bacasable.workshop.outcomes import MSG_NO_CODE, MSG_UNREACHABLE, Joined, Problem
from bacasable.workshop.run_history import screens_done
from bacasable.workshop.session import LearnerSession

BUSY = "La base de données est occupée. Réessayez dans un instant."


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'atelier.sqlite'}") as store:
        yield store


@pytest.fixture
def workshop(store):
    return store.create_workshop("Atelier emploi", "Médiathèque", "2026-11-26", ["demo"])


@pytest.fixture
def clock() -> Clock:
    return Clock()


DEVICE = "d4" * 16  # the token a learner's browser keeps


@pytest.fixture
def session(store, workshop, clock) -> LearnerSession:
    session = LearnerSession(store, clock=clock)
    session.device = DEVICE
    assert isinstance(session.join(workshop["join_code"], "Tournesol"), Joined)
    return session


def stored_types(store: Store, workshop_id: int) -> list[str]:
    return [row["type"] for row in store.events_frame_rows(workshop_id)]


def fail(monkeypatch, store: Store, name: str, message: str = BUSY) -> None:
    def broken(*args, **kwargs):
        raise StoreError(message)

    monkeypatch.setattr(store, name, broken)


# --- joining ------------------------------------------------------------------------------------


def on_device(session: LearnerSession, device: str = DEVICE) -> LearnerSession:
    session.device = device
    return session


def test_join_returns_the_participant_and_the_workshop(store, workshop):
    session = on_device(LearnerSession(store))
    joined = session.join(f" {workshop['join_code'].lower()} ", "Tournesol")
    assert isinstance(joined, Joined) and joined.resumed is False and joined.commands == ()
    assert joined.workshop["title"] == "Atelier emploi"
    assert session.joined and session.scenario_ids == ["demo"]
    assert session.participant_id == joined.participant["id"]
    assert session.workshop_id == workshop["id"]
    again = on_device(LearnerSession(store)).join(workshop["join_code"], "  tournesol ")
    assert again.resumed is True and again.participant["id"] == session.participant_id
    # Same device, nothing typed but the code (the link's): back in.
    back = on_device(LearnerSession(store)).rejoin(workshop["join_code"])
    assert back is not None and back.participant["id"] == session.participant_id


def test_another_device_gets_a_free_pseudonym_or_asks_the_facilitator(store, workshop, clock):
    first = on_device(LearnerSession(store, clock=clock))
    first.join(workshop["join_code"], "Tournesol")
    second = on_device(LearnerSession(store), "e5" * 16)
    taken = second.join(workshop["join_code"], "tournesol")
    assert taken == Problem("tournesol est déjà pris. Essayez tournesol2.", "pseudonym",
                            "tournesol2", first.participant_id)
    assert second.rejoin(workshop["join_code"]) is None
    assert second.ask_handover(taken.taken_by) is None
    assert second.handover_answer(taken.taken_by) is None
    store.answer_handover(first.participant_id, allow=True)
    assert second.handover_answer(taken.taken_by) == "allowed"
    back = second.rejoin(workshop["join_code"])
    assert back is not None and back.resumed and back.participant["id"] == first.participant_id
    # The first page learns it on its next poll, and writes nothing more.
    clock.now += 5
    first.poll_once()
    assert first.moved and first.outbox.stopped


@pytest.mark.parametrize(
    ("code", "pseudonym", "field", "start"),
    [
        ("ZZZZZZ", "Marin", "code", "Ce code ne correspond à aucun atelier ouvert."),
        ("  ", "Marin", "code", MSG_NO_CODE),
        (None, "marin@exemple.fr", "pseudonym", "Choisissez un pseudonyme, pas une adresse"),
        (None, "Marin 0612345678", "pseudonym", "Choisissez un pseudonyme, pas une adresse"),
        (None, "x" * 31, "pseudonym", "Le pseudonyme doit faire au plus 30 caractères."),
    ],
)
def test_join_problems_are_french_values(store, workshop, code, pseudonym, field, start):
    session = LearnerSession(store)
    result = session.join(workshop["join_code"] if code is None else code, pseudonym)
    assert isinstance(result, Problem) and result.field == field
    assert result.message.startswith(start)
    assert not session.joined and session.poll_once() == [] and session.attach is not None


def test_closed_workshop_is_a_problem_about_the_code(store, workshop):
    store.close_workshop(workshop["id"])
    result = LearnerSession(store).join(workshop["join_code"], "Marin")
    assert result == Problem("Ce code ne correspond à aucun atelier ouvert.", "code")


def test_an_unreachable_store_is_a_problem_not_an_exception():
    def unreachable():
        raise StoreError("La base de données n'a pas pu être préparée. Prévenez l'animateur.")

    result = LearnerSession(unreachable).join("ABC234", "Marin")
    assert result == Problem("La base de données n'a pas pu être préparée. Prévenez l'animateur.",
                             "code")

    def crash():
        raise OSError("disk on fire")

    assert LearnerSession(crash).find_workshop("ABC234") == Problem(MSG_UNREACHABLE, "code")


def test_joining_late_gets_the_room_state_not_the_old_commands(store, workshop):
    store.bring_to_screen(workshop["id"], "identity")
    store.reveal_hint(workshop["id"])
    store.set_pause(workshop["id"], True)
    store.send_message(workshop["id"], "Ouvrez l'exercice")
    session = LearnerSession(store)
    joined = session.join(workshop["join_code"], "Marin")
    assert joined.commands == (Pause(True), ShowMessage("Ouvrez l'exercice"))
    assert session.poll_once() == []


def test_the_store_is_opened_only_when_needed(store, workshop):
    opened = []

    def factory():
        opened.append(1)
        return store

    session = LearnerSession(factory)
    assert opened == [] and session.poll_once() == [] and not session.heartbeat()
    session.join(workshop["join_code"], "Marin")
    session.heartbeat()
    assert opened == [1]


# --- writing a run ------------------------------------------------------------------------------


def test_attach_writes_every_event_of_a_new_run(session, store, workshop, scenario, persona):
    runner = Runner(scenario, persona, seed=1)
    assert session.attach(runner) is False
    runner.submit({})
    runner.hint()
    runner.submit(answers_for_screen(runner))
    assert stored_types(store, workshop["id"]) == [e.type for e in runner.log]
    assert session.outbox.stored == len(runner.log) and session.connected
    (tile,) = store.room(workshop["id"])
    assert tile["attempt_id"] == session.attempt_id
    assert (tile["errors"], tile["hints"], tile["screen_id"]) == (1, 1, "identity")
    assert (tile["screen_index"], tile["screen_count"]) == runner.step()


def test_a_batch_is_one_transaction(session, store, scenario, persona, monkeypatch):
    calls = []
    real = store.record_events

    def spy(attempt_id, events, *args):
        events = list(events)
        calls.append(len(events))
        return real(attempt_id, events, *args)

    monkeypatch.setattr(store, "record_events", spy)
    runner = Runner(scenario, persona, seed=1)
    session.attach(runner)
    with session.batch():
        runner.submit({})
        runner.submit(answers_for_screen(runner))
    assert calls == [2, 3]  # started + screen_entered; field_error + screen_done + entered


def test_store_failures_keep_events_in_order_until_written(session, store, workshop, scenario,
                                                           persona, monkeypatch):
    fail(monkeypatch, store, "start_attempt")
    runner = Runner(scenario, persona, seed=1)
    session.attach(runner)  # the run cannot even be started: the exercise goes on
    runner.submit({})
    runner.submit(answers_for_screen(runner))
    assert runner.current_id == "identity"
    assert session.outbox.pending == len(runner.log) and not session.connected
    assert stored_types(store, workshop["id"]) == []
    monkeypatch.undo()
    fail(monkeypatch, store, "commands_since")
    assert session.poll_once() == []  # written, but the commands could not be read
    assert stored_types(store, workshop["id"]) == [e.type for e in runner.log]
    monkeypatch.undo()
    session.poll_once()
    assert session.connected and session.outbox.pending == 0


def test_the_retry_queue_is_bounded(store, workshop, scenario, persona, monkeypatch, caplog):
    session = LearnerSession(store, max_pending=3)
    session.join(workshop["join_code"], "Marin")
    fail(monkeypatch, store, "record_events")
    runner = Runner(scenario, persona, seed=1)
    session.attach(runner)
    runner.submit({})
    runner.hint()
    assert session.outbox.pending == 3
    assert "the oldest is dropped" in caplog.text


def test_a_refused_event_is_dropped_not_retried_forever(session, store, workshop, scenario,
                                                        persona):
    runner = Runner(scenario, persona, seed=1)
    session.attach(runner)
    store.delete_participant(session.participant_id)  # e.g. the facilitator erased the learner
    runner.submit({})
    assert session.outbox.pending == 0
    assert session.heartbeat() is False and session.gone
    assert session.poll_once() == []


def test_screens_done_follow_the_runner_history():
    rows = [{"attempt_id": 1, "type": t, "screen_id": s} for t, s in [
        ("screen_done", "a"), ("screen_done", "b"), ("screen_done", "c"), ("went_back", "d"),
        ("screen_done", "c"), ("resumed", "c"), ("screen_done", "x"),
    ]] + [{"attempt_id": 2, "type": "screen_done", "screen_id": "z"}]
    assert screens_done(rows, 1, {"a", "b", "c", "d", "z"}) == ["a", "b"]


def test_a_reopened_run_resumes_at_the_start_of_its_screen(session, store, workshop, scenario,
                                                           persona):
    runner = Runner(scenario, persona, seed=1)
    session.attach(runner)
    runner.hint()
    runner.submit({})
    runner.submit(answers_for_screen(runner))
    attempt = store.attempt(session.attempt_id)

    later = on_device(LearnerSession(store))  # the tab was closed: a new kernel
    assert later.join(workshop["join_code"], "Tournesol").resumed
    assert later.resumable()["id"] == attempt["id"]
    again = Runner(scenario, persona, seed=2)
    before = len(again.log)
    assert later.attach(again) is True
    assert again.current_id == "identity" and again.history == ["start"]
    assert (again.summary()["errors"], again.summary()["hints"]) == (1, 1)
    assert later.attempt_id == attempt["id"]
    # Only what the reopened runner did after attach is written, to the same run.
    types = stored_types(store, workshop["id"])
    assert types[-2:] == ["resumed", "screen_entered"]
    assert len(types) == len(runner.log) + len(again.log) - before
    resumed = store.attempt(attempt["id"])
    assert (resumed["errors"], resumed["hints"]) == (1, 1)


def test_another_persona_or_a_restart_starts_a_new_run(session, store, scenario, persona):
    runner = Runner(scenario, persona, seed=1)
    session.attach(runner)
    first = session.attempt_id
    other = persona.model_copy(update={"id": "bob"})
    session.attach(Runner(scenario, other, seed=1))
    assert session.attempt_id != first
    # Restarting in the same kernel: the old run is abandoned, never resumed.
    with session.batch():
        runner.abandon()
        again = Runner(scenario, persona, seed=1)
        assert session.attach(again) is False
    assert session.attempt_id not in (first, None)
    assert store.attempt(first)["abandoned_at"] is not None


# --- the room -----------------------------------------------------------------------------------


def test_poll_returns_typed_commands_for_the_room_and_for_me(session, store, workshop):
    other = LearnerSession(store)
    other.join(workshop["join_code"], "Marin")
    wid, me = workshop["id"], session.participant_id
    store.set_pause(wid, True)
    store.send_message(wid, "Pour Marin", other.participant_id)
    store.send_message(wid, "Bravo", me)
    store.bring_to_screen(wid, "identity")
    store.reveal_hint(wid, me, "last_name")
    store.reveal_hint(wid)
    store.set_pause(wid, False)
    commands = session.poll_once()
    assert [type(c) for c in commands] == [Pause, ShowMessage, GoTo, RevealHint, RevealHint,
                                           Pause]
    assert commands[0].paused is True and commands[-1].paused is False
    assert commands[1].text == "Bravo" and commands[1].personal is True
    assert commands[2].screen_id == "identity"
    assert commands[3].field_id == "last_name" and commands[4].field_id is None
    assert session.poll_once() == []  # each command once
    assert [c.text for c in other.poll_once() if isinstance(c, ShowMessage)] == ["Pour Marin"]


def test_parse_command_ignores_what_it_does_not_know():
    assert parse_command({"id": 3, "kind": "dance", "payload": {}}) is None
    assert parse_command({"id": 3, "kind": "goto", "payload": {}}) is None
    assert parse_command({"id": 3, "kind": "message", "payload": None}) == ShowMessage("", False, 3)
    assert room_state({"paused": False, "message": None}) == []


def test_heartbeat_every_five_seconds_while_the_page_is_alive(session, store, workshop, clock,
                                                              monkeypatch):
    beats = []
    real = store.heartbeat
    monkeypatch.setattr(store, "heartbeat", lambda pid: beats.append(pid) or real(pid))
    session.poll_once()
    assert beats == []
    clock.now += 5
    session.poll_once()
    session.poll_once()
    assert beats == [session.participant_id]
    clock.now += 10
    session.poll_once(alive=False)  # the tab is gone: the board must see it
    assert len(beats) == 1
    session.poll_once()
    assert len(beats) == 2


def test_hands(session, store):
    pid = session.participant_id
    assert session.raise_hand() is None and session.hand_raised
    assert store.participant(pid)["hand_raised"] is True
    assert session.lower_hand() is None and not session.hand_raised
    assert store.participant(pid)["hand_raised"] is False
    session.raise_hand()
    store.answer_hand(pid)
    assert session.poll_once() == [HandAnswered()]
    assert not session.hand_raised and session.poll_once() == []


def test_a_failed_hand_signal_is_a_problem(session, store, monkeypatch):
    fail(monkeypatch, store, "raise_hand")
    problem = session.raise_hand()
    assert isinstance(problem, Problem) and "signal" in problem.message
    assert not session.hand_raised and not session.connected


def test_events_carry_nothing_typed(session, store, scenario, persona):
    runner = Runner(scenario, persona, seed=1)
    session.attach(runner)
    runner.submit({"status": "chomage"})
    runner.submit({"last_name": "Zorglub", "code": "999999"})
    dump = repr(store.export_participant(session.participant_id))
    assert "Zorglub" not in dump and "999999" not in dump
    assert all(isinstance(e, RunEvent) for e in runner.log)


def test_the_core_imports_neither_widgets_nor_the_store():
    code = ("import sys, bacasable.workshop.session; "
            "print(','.join(m for m in ('ipywidgets', 'anywidget', 'sqlalchemy') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == ""
