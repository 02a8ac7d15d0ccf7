"""Lessons and quizzes in a workshop: the answers kept, the facilitator's skip reaching runs."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from sqlalchemy import inspect, text

from bacasable.run.autoplay import answers_for_screen
from bacasable.run.events import RunEvent
from bacasable.run.runner import Runner
from bacasable.scenario.schema import Scenario
from bacasable.store import Store, StoreError
from bacasable.store.migrations import alembic_config
from bacasable.workshop.commands import SkipLessons, parse_command, room_state
from bacasable.workshop.outcomes import Joined
from bacasable.workshop.session import LearnerSession

LESSON = {"id": "lecon", "title": "Le RIB", "role": "lesson", "body": ["Le RIB donne l'IBAN."]}
QUIZ = {"id": "quiz", "title": "Petit quiz", "role": "quiz", "question": "Quel mois ?",
        "answers": [{"id": "a", "label": "Août", "explanation": "Non, pas août."},
                    {"id": "b", "label": "Octobre", "correct": True,
                     "explanation": "Le mois du paiement."}]}


@pytest.fixture
def taught(scenario: Scenario) -> Scenario:
    data = scenario.model_dump(exclude_defaults=True)
    data["screens"][3:3] = [LESSON, QUIZ]  # after the identity screen
    return Scenario.model_validate(data)


@pytest.fixture
def store():
    with Store("sqlite:///:memory:") as store:
        yield store


@pytest.fixture
def workshop(store):
    return store.create_workshop("Atelier emploi", "Médiathèque", "2026-11-26", ["demo"])


def runner(scenario: Scenario, persona) -> Runner:
    return Runner(scenario, persona, seed=1, today=dt.date(2026, 11, 26))


def joined(store: Store, workshop: dict, pseudonym: str) -> LearnerSession:
    session = LearnerSession(store)
    session.device = secrets.token_hex(16)  # the token a learner's browser keeps
    assert isinstance(session.join(workshop["join_code"], pseudonym), Joined)
    return session


def play_to(run: Runner, screen_id: str) -> None:
    while run.current_id != screen_id:
        assert run.submit(answers_for_screen(run)), run.current_id


# --- what the store keeps -----------------------------------------------------------------------


def test_a_quiz_answer_is_kept_as_ids_and_flags(store, workshop):
    pid = store.join(workshop["id"], "Marie")["id"]
    aid = store.start_attempt(pid, "demo", "alice", 5)
    store.record_events(aid, [
        RunEvent("quiz_answered", "demo", "quiz", answer_id="a", correct=False, first_time=True),
        RunEvent("quiz_answered", "demo", "quiz", answer_id="b", correct=True, first_time=False),
    ])
    rows = [(r["type"], r["answer_id"], r["correct"], r["first_time"])
            for r in store.events_frame_rows(workshop["id"])]
    assert rows == [("quiz_answered", "a", False, True), ("quiz_answered", "b", True, False)]
    attempt = store.attempt(aid)
    assert attempt["errors"] == 0 and attempt["current_screen"] == "quiz"


@pytest.mark.parametrize("bad", [{"correct": "oui"}, {"first_time": 1},
                                 {"answer_id": "Une réponse tapée"}])
def test_anything_but_an_answer_id_and_two_flags_is_refused(store, workshop, bad):
    pid = store.join(workshop["id"], "Marie")["id"]
    aid = store.start_attempt(pid, "demo", "alice", 5)
    event = {"type": "quiz_answered", "scenario_id": "demo", "screen_id": "quiz", **bad}
    with pytest.raises(StoreError):
        store.record_events(aid, [event])
    assert list(store.events_frame_rows(workshop["id"])) == []


def test_the_skip_is_a_command_and_the_room_s_state(store, workshop):
    wid = workshop["id"]
    start = store.last_command_id(wid)
    skip = store.set_skip_lessons(wid, True)
    assert store.workshop(wid)["skip_lessons"] is True
    again = store.set_skip_lessons(wid, False)
    assert store.workshop(wid)["skip_lessons"] is False
    rows = store.commands_since(wid, None, start)
    assert [(r["id"], r["kind"], r["payload"]) for r in rows] == [
        (skip, "lessons", {"skip": True}), (again, "lessons", {"skip": False})]
    assert [parse_command(r) for r in rows] == [SkipLessons(True, skip), SkipLessons(False, again)]
    assert parse_command({"id": 9, "kind": "lessons", "payload": {"skip": "oui"}}) is None
    assert SkipLessons(True) in room_state({"skip_lessons": True})
    assert not [c for c in room_state({"skip_lessons": False}) if isinstance(c, SkipLessons)]


def test_the_migration_keeps_the_commands_and_accepts_the_new_kind(tmp_path):
    from alembic import command

    url = f"sqlite:///{tmp_path / 'atelier.sqlite'}"
    with Store(url) as s:
        w = s.create_workshop("A", "", "2026-01-01", ["demo"])
        pause = s.set_pause(w["id"], True)
    command.downgrade(alembic_config(url), "0004")
    with Store(url, upgrade=False) as s, s.engine.connect() as conn:
        assert "skip_lessons" not in {c["name"] for c in inspect(conn).get_columns("workshops")}
        assert "answer_id" not in {c["name"] for c in inspect(conn).get_columns("events")}
    with Store(url) as s:
        assert [c["id"] for c in s.commands_since(w["id"], None)] == [pause]
        assert s.workshop(w["id"])["skip_lessons"] is False
        skip = s.set_skip_lessons(w["id"], True)
        assert skip > pause and s.workshop(w["id"])["paused"] is True
        with s.engine.connect() as conn:  # the database refuses a kind it does not know
            with pytest.raises(Exception, match="CHECK"):
                conn.execute(text("INSERT INTO commands (workshop_id, kind, payload, created_at) "
                                  "VALUES (1, 'other', '{}', '2026-01-01')"))


# --- the learner's side reads it ----------------------------------------------------------------


def test_the_facilitator_s_skip_reaches_the_learners_runs(store, workshop, taught, persona):
    session = joined(store, workshop, "Tournesol")
    run = runner(taught, persona)
    session.attach(run)
    assert run.skip_lessons is False and "lecon" in run.path()
    store.set_skip_lessons(workshop["id"], True)  # the facilitator's kernel writes
    commands = session.poll_once()  # the learner's kernel reads
    assert SkipLessons(True, commands[0].id) in commands
    assert run.skip_lessons is True and session.skip_lessons is True
    play_to(run, "identity")
    assert run.submit(answers_for_screen(run)) and run.current_id == "review"
    # A run started later in the same session skips them from the start.
    later = runner(taught, persona)
    session.attach(later)
    assert later.skip_lessons is True and "quiz" not in later.path()
    # Turned off: the next runs play them again.
    store.set_skip_lessons(workshop["id"], False)
    session.poll_once()
    assert later.skip_lessons is False and "quiz" in later.path()


def test_a_learner_who_joins_after_the_skip_reads_it(store, workshop, taught, persona):
    store.set_skip_lessons(workshop["id"], True)
    session = joined(store, workshop, "Marguerite")
    run = runner(taught, persona)
    session.attach(run)
    assert run.skip_lessons is True and run.path() == ["start", "identity", "review", "done"]
    play_to(run, "review")
    session.flush()
    stored = {r["screen_id"] for r in store.events_frame_rows(workshop["id"])}
    assert "identity" in stored and not {"lecon", "quiz"} & stored


def test_alone_the_lessons_and_quizzes_are_played(taught, persona):
    session = LearnerSession(lambda: pytest.fail("a learner alone never opens the store"))
    run = runner(taught, persona)
    assert session.attach(run) is False
    assert run.skip_lessons is False
    play_to(run, "quiz")
    assert run.path()[2:4] == ["lecon", "quiz"]
