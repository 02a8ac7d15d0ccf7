"""Lessons and quizzes inside a scenario: the format, the run, the page's data, the checks."""

from __future__ import annotations

import datetime as dt
import typing
from pathlib import Path

import pytest
from pydantic import ValidationError
from ruamel.yaml import YAML

from bacasable.authoring import lint
from bacasable.authoring.checks import check_catalogue
from bacasable.common.config import BUILTIN_SCENARIOS
from bacasable.run.autoplay import answers_for_screen, play_through
from bacasable.run.quiz import CHOOSE_FIRST, NOT_QUITE, RIGHT, TRY_AGAIN
from bacasable.run.runner import Runner
from bacasable.run.view import screen_view
from bacasable.scenario.loader import load_catalogue
from bacasable.scenario.schema import Scenario, Screen, ScreenRole

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guide-scenarios.md"


def answers(right: str = "paie", count: int = 3) -> list[dict]:
    ids = ["travail", "paie", "jamais", "bulletin", "autre"][:count]
    return [{"id": i, "label": f"Réponse {i}", "correct": i == right,
             "explanation": f"Explication de {i}."} for i in ids]


QUIZ = {"id": "quiz", "title": "Petit quiz", "role": "quiz",
        "question": "Pour la CAF, c'est un salaire de quel mois ?", "answers": answers()}
LESSON = {"id": "lecon", "title": "Le RIB", "role": "lesson",
          "body": ["Le RIB donne votre IBAN.", "Il commence par FR."],
          "example": "L'IBAN de {first_name} : {bank.iban_formatted}",
          "picture": {"document": "rib", "caption": "Le RIB de {first_name}."}}


@pytest.fixture
def taught(scenario: Scenario) -> Scenario:
    """The demo scenario with a lesson and a quiz after its identity screen."""
    data = scenario.model_dump(exclude_defaults=True)
    data["screens"][3:3] = [LESSON, QUIZ]
    return Scenario.model_validate(data)


def run_of(scenario: Scenario, persona, **kw) -> tuple[Runner, list]:
    run = Runner(scenario, persona, seed=1, today=dt.date(2026, 11, 26))
    events: list = []
    run.subscribe(events.append)
    for name, value in kw.items():
        setattr(run, name, value)
    return run, events


def go_to_screen(run: Runner, screen_id: str) -> None:
    while run.current_id != screen_id:
        assert run.submit(answers_for_screen(run)), run.current_id


# --- the format -------------------------------------------------------------------------------


@pytest.mark.parametrize("right", [None, "both"])
def test_a_quiz_has_exactly_one_right_answer(right):
    data = answers()
    for answer in data:
        answer["correct"] = right == "both" and answer["id"] in ("paie", "travail")
    with pytest.raises(ValidationError) as error:
        Screen.model_validate({**QUIZ, "answers": data})
    count = 2 if right == "both" else 0
    assert f"un quiz a exactement une bonne réponse (correct: true), pas {count}" in str(error.value)


@pytest.mark.parametrize(("count", "valid"), [(1, False), (2, True), (4, True), (5, False)])
def test_a_quiz_offers_two_to_four_answers(count, valid):
    data = {**QUIZ, "answers": answers("travail", count)}
    if valid:
        assert len(Screen.model_validate(data).answers) == count
    else:
        with pytest.raises(ValidationError, match=f"un quiz propose de 2 à 4 réponses, pas {count}"):
            Screen.model_validate(data)


@pytest.mark.parametrize(("screen", "message"), [
    ({**QUIZ, "question": None}, "un quiz pose une question"),
    ({**QUIZ, "fields": [{"id": "x", "kind": "text", "label": "X"}]}, "n'a pas de champ"),
    ({**QUIZ, "answers": answers()[:1] * 2}, "un quiz a exactement une bonne réponse"),
    ({**QUIZ, "answers": [*answers()[:2], {**answers()[0], "label": "Autre"}]},
     "deux réponses du quiz ont le même identifiant"),
    ({"id": "f", "title": "Form", "example": "Un exemple."}, "« example » et « picture » vont"),
    ({**LESSON, "question": "Une question ?"}, "« question » et « answers » vont"),
    ({**LESSON, "picture": {"document": "passeport"}}, "picture.document"),
])
def test_what_a_lesson_or_a_quiz_may_hold_is_said_in_french(screen, message):
    with pytest.raises(ValidationError, match=message):
        Screen.model_validate(screen)


def test_a_lesson_says_j_ai_compris_unless_the_file_says_otherwise():
    assert Screen.model_validate(LESSON).continue_label == "J'ai compris"
    assert Screen.model_validate({**LESSON, "continue_label": "Suite"}).continue_label == "Suite"
    assert Screen.model_validate(QUIZ).continue_label == "Continuer"


def test_a_wrong_quiz_in_a_file_is_found_with_its_line(tmp_path, scenario, persona):
    data = scenario.model_dump(mode="json", exclude_defaults=True)
    data["screens"][2:2] = [{**QUIZ, "answers": answers("nobody")}]
    yaml = YAML()
    (tmp_path / "personas").mkdir()
    with open(tmp_path / "demo.yaml", "w", encoding="utf-8") as out:
        yaml.dump(data, out)
    with open(tmp_path / "personas" / "alice.yaml", "w", encoding="utf-8") as out:
        yaml.dump(persona.model_dump(mode="json", exclude_defaults=True), out)
    cat = load_catalogue([tmp_path])
    found = [str(f) for f in cat.findings]
    assert len(found) == 1 and "demo.yaml:" in found[0]
    assert "un quiz a exactement une bonne réponse (correct: true), pas 0" in found[0]


# --- the run ------------------------------------------------------------------------------------


def test_a_quiz_answered_wrong_then_right(taught, persona):
    run, events = run_of(taught, persona)
    go_to_screen(run, "quiz")
    before = len(events)
    # The page confirms an answer with a check of the field "answer".
    assert run.check("answer", "travail") is None
    assert run.current_id == "quiz" and not run.quizzes["quiz"].solved
    assert run.submit({}) is False and run.current_id == "quiz"  # no going on before it is found
    run.check("answer", "travail")  # the same wrong answer again
    run.check("answer", "paie")
    assert run.quizzes["quiz"].solved and run.current_id == "quiz"
    quiz = [(e.answer_id, e.correct, e.first_time) for e in events[before:]
            if e.type == "quiz_answered"]
    assert quiz == [("travail", False, True), ("travail", False, False), ("paie", True, False)]
    assert all(e.screen_id == "quiz" and e.field_id is None for e in events[before:])
    assert not [e for e in events if e.type == "field_error"]  # a wrong answer is no error
    run.check("answer", "jamais")  # once found, other answers change nothing
    assert len([e for e in events if e.type == "quiz_answered"]) == 3
    assert run.submit({}) is True and run.current_id == "review"
    assert run.stats["quiz"].errors == 0 and run.summary()["errors"] == 0


def test_the_right_answer_sent_with_continue_goes_on_at_once(taught, persona):
    run, events = run_of(taught, persona)
    go_to_screen(run, "quiz")
    assert run.submit({}) is False  # nothing chosen: asked to choose, nothing recorded
    assert screen_view(run)["quiz"]["feedback"]["title"] == CHOOSE_FIRST
    assert not [e for e in events if e.type == "quiz_answered"]
    assert run.submit({"answer": "paie"}) is True and run.current_id == "review"
    assert [(e.answer_id, e.correct, e.first_time) for e in events
            if e.type == "quiz_answered"] == [("paie", True, True)]


def test_the_persona_plays_lessons_and_quizzes_right_the_first_time(taught, persona):
    run, events = run_of(taught, persona)
    result = play_through(run)
    assert result.finished and {"lecon", "quiz"} <= set(result.path)
    assert [(e.answer_id, e.first_time) for e in events if e.type == "quiz_answered"] == [
        ("paie", True)]


def test_skipped_lessons_and_quizzes_leave_the_path(taught, persona):
    played, _ = run_of(taught, persona)
    skipped, events = run_of(taught, persona, skip_lessons=True)
    assert played.path() == ["start", "identity", "lecon", "quiz", "review", "done"]
    assert skipped.path() == ["start", "identity", "review", "done"]
    assert skipped.step() == (1, 4)
    go_to_screen(skipped, "identity")
    assert skipped.submit(answers_for_screen(skipped)) and skipped.current_id == "review"
    assert not {"lecon", "quiz"} & {e.screen_id for e in events}
    # Turned off again: the next lesson is played (back to it from the review, then on).
    skipped.skip_lessons = False
    assert skipped.go_to("lecon") and skipped.submit({}) and skipped.current_id == "quiz"


def test_back_to_a_solved_quiz_shows_it_solved(taught, persona):
    run, _ = run_of(taught, persona)
    go_to_screen(run, "quiz")
    run.check("answer", "paie")
    run.submit({})
    assert run.back() and run.current_id == "quiz"
    quiz = screen_view(run)["quiz"]
    assert quiz["solved"] and quiz["chosen"] == "paie"
    assert run.submit({}) is True


# --- what the page shows ---------------------------------------------------------------------


def test_a_lesson_shows_its_example_and_the_persona_s_paper(taught, persona):
    run, _ = run_of(taught, persona)
    go_to_screen(run, "lecon")
    view = screen_view(run)
    assert view["screen"]["role"] == "lesson" and view["screen"]["continue_label"] == "J'ai compris"
    assert view["screen"]["body"] == ["Le RIB donne votre IBAN.", "Il commence par FR."]
    lesson = view["lesson"]
    assert lesson["example"].startswith("L'IBAN de Alice : FR76 3000 4001 2300 0123 4567")
    picture = lesson["picture"]
    assert picture["kind"] == "rib" and picture["specimen"] is True
    assert picture["caption"] == "Le RIB de Alice."
    assert picture["lines"]["IBAN"] == lesson["example"].split(" : ")[1]
    assert "quiz" not in view and view["errors"] == []


def test_a_picture_the_persona_does_not_have_is_left_out(taught, persona):
    data = taught.model_dump(exclude_defaults=True)
    data["screens"][3]["picture"] = {"document": "vitale_card"}
    run, _ = run_of(Scenario.model_validate(data), persona)
    go_to_screen(run, "lecon")
    assert screen_view(run)["lesson"]["picture"] is None


def test_a_quiz_tells_nothing_before_an_answer_then_kindly_why(taught, persona):
    run, _ = run_of(taught, persona)
    go_to_screen(run, "quiz")
    quiz = screen_view(run)["quiz"]
    assert quiz["question"] == QUIZ["question"]
    assert quiz["answers"] == [{"id": a["id"], "label": a["label"]} for a in QUIZ["answers"]]
    assert quiz["feedback"] is None and not quiz["solved"]
    assert "correct" not in str(quiz["answers"])  # the right one is not sent before
    run.check("answer", "jamais")
    view = screen_view(run)
    assert view["quiz"]["feedback"] == {"right": False, "title": NOT_QUITE,
                                        "text": "Explication de jamais.", "next": TRY_AGAIN}
    assert view["errors"] == [] and view["quiz"]["chosen"] == "jamais"
    run.check("answer", "paie")
    assert screen_view(run)["quiz"]["feedback"] == {"right": True, "title": RIGHT,
                                                    "text": "Explication de paie.", "next": None}


# --- the checks ------------------------------------------------------------------------------


def test_every_text_of_a_lesson_and_a_quiz_goes_through_the_sentence_lint(taught):
    long = " ".join(["mot"] * 25) + "."
    data = taught.model_dump(exclude_defaults=True)
    lesson, quiz = data["screens"][3], data["screens"][4]
    lesson["example"] = lesson["picture"]["caption"] = long
    quiz["question"] = long
    quiz["answers"][0]["label"] = quiz["answers"][1]["explanation"] = long
    texts = dict(lint._texts(Scenario.model_validate(data)))
    where = {loc for loc, text in texts.items() if text == long}
    assert where == {
        ("screens", 3, "example"), ("screens", 3, "picture", "caption"),
        ("screens", 4, "question"), ("screens", 4, "answers", 0, "label"),
        ("screens", 4, "answers", 1, "explanation"),
    }
    assert ("screens", 3, "body", 1) in texts and ("screens", 4, "answers", 2, "explanation") in texts


def test_long_sentences_of_the_builtin_lessons_are_reported(monkeypatch):
    cat = load_catalogue([BUILTIN_SCENARIOS])
    ameli = cat.scenarios["ameli-compte"]
    screens = list(ameli.screens)
    index = next(i for i, s in enumerate(screens) if s.role == "quiz")
    quiz = screens[index]
    long = "Ceci " + " ".join(["est"] * 24) + " trop long."
    wrong = [a.model_copy(update={"explanation": long}) for a in quiz.answers]
    screens[index] = quiz.model_copy(update={"answers": wrong})
    cat.scenarios[ameli.id] = ameli.model_copy(update={"screens": screens})
    found = [f for f in lint.long_sentences(cat) if "ameli-compte" in f.path]
    assert len(found) == len(wrong)
    assert all("phrase trop longue (27 mots" in f.message for f in found)


def test_the_builtin_lessons_and_quizzes_are_checked_and_finished():
    cat = load_catalogue([BUILTIN_SCENARIOS])
    roles = {}
    for scenario in cat.scenarios.values():
        for screen in scenario.screens:
            if screen.role in ("lesson", "quiz"):
                roles[(scenario.id, screen.id)] = screen.role
    # The six subjects of the issue, where they matter.
    assert {("ameli-compte", "lecon-nir"), ("ameli-compte", "quiz-mot-de-passe"),
            ("ameli-compte", "quiz-faux-sms"), ("france-travail-inscription", "lecon-email"),
            ("france-travail-inscription", "lecon-preuve"),
            ("caf-declaration-trimestrielle", "quiz-mois-salaire")} <= set(roles)
    found = [str(f) for f in check_catalogue(cat) + lint.lint_catalogue(cat)
             if any(sid in f.path for sid, _ in roles)]
    assert found == []


def test_a_picture_needs_the_document_in_every_persona(taught, persona):
    cat = load_catalogue([BUILTIN_SCENARIOS])
    data = taught.model_dump(exclude_defaults=True)
    data["screens"][3]["picture"] = {"document": "tax_notice"}
    data["personas"] = ["karim", "nadia"]  # Nadia has a tax notice, Karim has none
    cat.scenarios["demo"] = Scenario.model_validate(data)
    found = [f.message for f in check_catalogue(cat) if "document" in f.message]
    assert found == ["le persona karim n'a pas de document « tax_notice »"]


def test_the_guide_describes_every_role_of_a_screen():
    text = GUIDE.read_text(encoding="utf-8")
    missing = [role for role in typing.get_args(ScreenRole) if f"`{role}`" not in text]
    assert missing == []
    for key in ("`example`", "`picture`", "`question`", "`answers`", "`explanation`",
                "Passer les leçons et les quiz"):
        assert key in text, key
