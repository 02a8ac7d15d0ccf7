"""The lint rules of ``bacasable validate``: each fails on its bad fixture and passes its good one."""

import datetime as dt
from pathlib import Path

import pytest

from bacasable.authoring import lint
from bacasable.authoring.checks import check_catalogue
from bacasable.cli import main
from bacasable.common.config import BUILTIN_SCENARIOS
from bacasable.scenario.loader import Catalogue, load_catalogue, load_model
from bacasable.scenario.schema import Persona, Scenario

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lint"
TODAY = dt.date(2026, 11, 26)

#: Rule → (the message it gives on bad.yaml, the line of bad.yaml it points at).
EXPECTED = {
    "unreachable_screens": ("l'écran « ville » n'est jamais atteint", 29),
    "dangling_branches": ("écran cible inconnu : nulle-part", 28),
    "missing_persona_paths": ("n'a pas de donnée « situation.inconnue »", 33),
    "field_without_help": ("le champ « commune » n'a pas d'indice", 30),
    "long_sentences": ("phrase trop longue (27 mots", 12),
    "persona_cannot_finish": ("reste bloqué à l'écran « identite » : prenom (too_short)", 14),
    "unexplained_acronyms": ("le sigle « CAF » n'est pas expliqué", 12),
    "other_persona_names": ("ce texte nomme Camille, mais l'apprenant joue dominique", 20),
}
WARNINGS = {"field_without_help", "long_sentences", "unexplained_acronyms", "other_persona_names"}


def load(rule: str, name: str) -> Catalogue:
    """The catalogue of one fixture file with the personas of its rule's folder."""
    folder = FIXTURES / rule
    cat = Catalogue()
    for path in sorted((folder / "personas").glob("*.yaml")):
        persona, found = load_model(path, Persona, cat.trees)
        assert persona is not None, found
        cat.personas[persona.id] = persona
        cat.sources[f"persona:{persona.id}"] = path
    path = folder / name
    scenario, found = load_model(path, Scenario, cat.trees)
    assert scenario is not None, found
    cat.scenarios[scenario.id] = scenario
    cat.sources[scenario.id] = path
    return cat


def run_rule(rule: str, cat: Catalogue):
    if rule == "persona_cannot_finish":
        return lint.persona_cannot_finish(cat, today=TODAY)
    return lint.RULES[rule](cat)


def test_every_rule_has_fixtures():
    assert set(lint.RULES) == {*EXPECTED, "duplicate_ids"}
    for rule in lint.RULES:
        folder = FIXTURES / rule
        if rule == "duplicate_ids":
            assert (folder / "bad").is_dir() and (folder / "good").is_dir()
        else:
            assert (folder / "bad.yaml").is_file() and (folder / "good.yaml").is_file()


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_rule_fails_on_bad_fixture_with_file_line_and_fix(rule):
    message, line = EXPECTED[rule]
    found = run_rule(rule, load(rule, "bad.yaml"))
    assert found, rule
    first = found[0]
    assert message in first.message
    assert first.path.endswith(f"{rule}/bad.yaml")
    assert first.line == line
    assert first.fix
    assert first.severity == ("warning" if rule in WARNINGS else "error")


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_rule_passes_on_good_fixture(rule):
    cat = load(rule, "good.yaml")
    assert run_rule(rule, cat) == []
    # The good fixtures are clean for every rule and check.
    assert [str(f) for f in check_catalogue(cat) + lint.lint_catalogue(cat)] == []


def test_duplicate_scenario_ids_in_one_folder():
    bad = load_catalogue([FIXTURES / "duplicate_ids" / "bad"])
    found = lint.duplicate_ids(bad)
    assert len(found) == 1
    assert found[0].path.endswith("bad/b.yaml") and found[0].line == 2
    assert "identifiant de scénario en double : « meme-id »" in found[0].message
    assert found[0].severity == "error" and found[0].fix
    assert lint.duplicate_ids(load_catalogue([FIXTURES / "duplicate_ids" / "good"])) == []


def test_the_same_id_in_two_folders_is_an_override_not_a_duplicate():
    folders = [FIXTURES / "duplicate_ids" / "good", FIXTURES / "long_sentences"]
    cat = load_catalogue(folders)
    assert lint.duplicate_ids(cat) == []


def test_sentences_are_counted_one_by_one():
    short = "Une phrase courte. " * 10
    assert all(n <= lint.MAX_WORDS for _s, n in lint._sentences(short))
    long = " ".join(["mot"] * 21) + "."
    assert [n for _s, n in lint._sentences(long)] == [21]
    assert max(n for _s, n in lint._sentences("- un\n- deux " + "mot " * 19)) == 20


def test_builtin_scenarios_have_no_lint_error():
    cat = load_catalogue([BUILTIN_SCENARIOS])
    found = lint.lint_catalogue(cat, skip_checked=False)
    assert [str(f) for f in found if f.severity == "error"] == []


def test_validate_reports_lint_findings_and_exits_1(capsys, monkeypatch):
    monkeypatch.delenv("BACASABLE_SCENARIOS", raising=False)
    with pytest.raises(SystemExit) as done:
        main(["validate", str(FIXTURES / "unreachable_screens" / "bad.yaml")])
    assert done.value.code == 1
    out = capsys.readouterr().out
    assert "bad.yaml:29:5: erreur : l'écran « ville » n'est jamais atteint" in out
    assert "→ Ajoutez un « goto: ville »" in out
    with pytest.raises(SystemExit) as done:
        main(["validate", str(FIXTURES / "long_sentences")])
    assert done.value.code == 0
    assert "attention : phrase trop longue" in capsys.readouterr().out


# --- the trainers' guide --------------------------------------------------------------------

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guide-scenarios.md"


def test_guide_mentions_every_field_kind_and_rule():
    import typing

    from bacasable.scenario.schema import FieldKind, RuleName

    text = GUIDE.read_text(encoding="utf-8")
    missing = [name for name in (*typing.get_args(FieldKind), *typing.get_args(RuleName))
               if f"`{name}`" not in text]
    assert missing == []


def test_guide_worked_example_is_valid_and_karim_can_finish_it():
    from ruamel.yaml import YAML

    from bacasable.run.autoplay import play_through
    from bacasable.run.runner import Runner

    text = GUIDE.read_text(encoding="utf-8")
    section = text.split("## 7.", 1)[1]
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    scenario = Scenario.model_validate(YAML(typ="safe").load(block))
    assert len(scenario.screens) == 6
    cat = load_catalogue([BUILTIN_SCENARIOS])
    cat.scenarios[scenario.id] = scenario
    found = check_catalogue(cat) + lint.lint_catalogue(cat)
    assert [str(f) for f in found if scenario.id in f.path] == []
    run = Runner(scenario, cat.personas["karim"], seed=3, today=TODAY)
    result = play_through(run)
    assert result.finished, (result.stuck_on, result.errors)


@pytest.mark.parametrize(("count", "found"), [(1, True), (2, False), (3, False), (4, True)])
def test_every_field_has_two_or_three_levels_of_hints(count, found):
    cat = load("field_without_help", "good.yaml")
    scenario = next(iter(cat.scenarios.values()))
    screens = list(scenario.screens)
    spec = screens[0].fields[0]
    hints = [f"Indice {n}." for n in range(1, count + 1)]
    fields = [spec.model_copy(update={"hints": hints}), *screens[0].fields[1:]]
    screens[0] = screens[0].model_copy(update={"fields": fields})
    cat.scenarios[scenario.id] = scenario.model_copy(update={"screens": screens})
    messages = [f.message for f in lint.field_without_help(cat)]
    assert any(f"a {count} indice(s) : il en faut deux ou trois" in m for m in messages) is found
