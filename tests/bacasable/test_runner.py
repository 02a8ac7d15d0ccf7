import datetime as dt

from bacasable.run.runner import Runner


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def make(scenario, persona, **kw):
    events = []
    clock = Clock()
    run = Runner(scenario, persona, seed=1, today=dt.date(2026, 11, 26), clock=clock, **kw)
    run.subscribe(events.append)
    return run, events, clock


def sms_code(run):
    return next(m for m in run.messages if m.kind == "sms").text.split(": ")[1]


def test_starts_on_first_screen_with_cookie_banner(scenario, persona):
    run, _, _ = make(scenario, persona)
    assert run.current_id == "start"
    assert run.cookies_pending
    run.answer_cookies(False)
    assert not run.cookies_pending
    assert run.step() == (1, 4)  # the ending branch is not on the ordinary path


def test_wrong_answer_stays_and_reports_error_kind(scenario, persona):
    run, events, _ = make(scenario, persona)
    assert run.submit({}) is False
    assert run.results["status"].error_kind == "required"
    assert events[-1].type == "field_error" and events[-1].error_kind == "required"
    assert run.current_id == "start"


def test_full_run_reaches_receipt_and_events_hold_no_typed_text(scenario, persona):
    run, events, clock = make(scenario, persona)
    assert run.submit({"status": "chomage"})
    assert run.current_id == "identity"
    assert run.submit({"last_name": "Martin", "code": "000000"}) is False
    assert {run.results["last_name"].error_kind, run.results["code"].error_kind} == {
        "mismatch", "wrong_code"}
    clock.now += 30
    assert run.submit({"last_name": "durand", "code": sms_code(run)})
    assert run.current_id == "review"
    review = run.review()
    assert [s["screen_id"] for s in review] == ["start", "identity"]
    assert run.submit({})
    assert run.current_id == "done"
    assert run.status == "finished"
    assert run.receipt_number.startswith("AB-") and len(run.receipt_number) == 7
    types = [e.type for e in events]
    assert types[0] == "started" and types[-1] == "finished"
    done = [e for e in events if e.type == "screen_done" and e.screen_id == "identity"]
    assert done[0].seconds == 30
    for event in events:
        assert "Martin" not in str(event.as_dict()) and "durand" not in str(event.as_dict())
    summary = run.summary()
    assert summary["errors"] == 2 and summary["hints"] == 0


def test_branch_to_ending_screen_finishes(scenario, persona):
    run, events, _ = make(scenario, persona)
    # The persona's expected answer is "chomage"; a mismatch blocks "rsa" for Alice.
    assert run.submit({"status": "rsa"}) is False
    assert run.results["status"].error_kind == "mismatch"


def test_branch_taken_when_condition_holds(scenario, persona):
    data = scenario.model_dump()
    data["screens"][0]["fields"][0].pop("expected")
    from bacasable.scenario.schema import Scenario

    run, _, _ = make(Scenario.model_validate(data), persona)
    assert run.submit({"status": "rsa"})
    assert run.current_id == "auto"
    assert run.status == "finished"


def test_back_restores_answers_and_hints_progress(scenario, persona):
    run, events, _ = make(scenario, persona)
    assert run.hint() == "Relisez l'histoire d'Alice."
    assert run.hint() == "Alice cherche un emploi."
    assert run.hint() == "Alice cherche un emploi."  # no hint past the last
    assert run.stats["start"].hints == 2
    run.submit({"status": "chomage"})
    assert run.back()
    assert run.current_id == "start"
    assert run.drafts["status"] == "chomage"
    assert [e.hint_level for e in events if e.type == "hint_shown"] == [1, 2, 2]


def test_same_code_is_kept_when_coming_back(scenario, persona):
    run, _, _ = make(scenario, persona)
    run.submit({"status": "chomage"})
    first = sms_code(run)
    run.back()
    run.submit({"status": "chomage"})
    assert [m.text for m in run.messages if m.kind == "sms"][-1].endswith(first)


def test_go_to_and_abandon(scenario, persona):
    run, events, _ = make(scenario, persona)
    assert run.go_to("review")
    assert not run.go_to("nowhere")
    run.abandon()
    assert run.status == "abandoned"
    assert events[-1].type == "abandoned"
    assert run.submit({}) is False


def test_submit_with_junk_never_raises(scenario, persona):
    run, _, _ = make(scenario, persona)
    for junk in (None, [], "texte", 42, {"status": {"a": 1}}, {"status": ["x"] * 1000}):
        assert run.submit(junk) is False


def test_resume_restores_screen_and_counters(scenario, persona):
    run, events, _ = make(scenario, persona)
    assert run.resume(["start", "identity"], "review", errors=3, hints=1)
    assert run.current_id == "review" and run.history == ["start", "identity"]
    assert run.summary()["errors"] == 3 and run.summary()["hints"] == 1
    assert events[-2].type == "resumed" and events[-1].type == "screen_entered"
    assert run.submit({}) and run.status == "finished"


def test_resume_with_unknown_screen_changes_nothing(scenario, persona):
    run, _, _ = make(scenario, persona)
    assert not run.resume(["start"], "nowhere")
    assert run.current_id == "start" and run.history == []


def test_the_mailbox_shows_the_address_created_in_the_exercise():
    from bacasable.common.config import BUILTIN_SCENARIOS
    from bacasable.run.autoplay import play_through
    from bacasable.run.messages import mail_address
    from bacasable.scenario.loader import load_catalogue

    cat = load_catalogue([BUILTIN_SCENARIOS])
    scenario = cat.scenarios["adresse-email-cv"]
    for persona_id in scenario.personas:
        persona = cat.personas[persona_id]
        run = Runner(scenario, persona, seed=1)
        assert mail_address(run) == persona.email  # none yet, or the old one
        assert play_through(run).finished
        assert mail_address(run) == persona.situation["messagerie"]["adresse"] != persona.email
