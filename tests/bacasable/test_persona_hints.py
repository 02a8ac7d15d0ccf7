"""Each persona reads its own hints, never another persona's name, and every acronym spelt out."""

import re
import shutil

import pytest

from bacasable.authoring import lint
from bacasable.authoring.plain_lint import persona_texts
from bacasable.authoring.scenario_edit import ScenarioDocument
from bacasable.common.config import BUILTIN_SCENARIOS
from bacasable.run.runner import Runner
from bacasable.run.view import screen_view
from bacasable.scenario.acronyms import ACRONYMS, explained_at, unexplained
from bacasable.scenario.loader import load_catalogue, load_model
from bacasable.scenario.persona_hints import hints_for, learner_texts
from bacasable.scenario.schema import Flow, Scenario

CAT = load_catalogue([BUILTIN_SCENARIOS])
PLAYS = [(sid, pid) for sid, s in sorted(CAT.scenarios.items()) for pid in s.personas]


def test_builtin_catalogue_loads():
    assert CAT.errors == []
    assert len(PLAYS) >= 18


@pytest.mark.parametrize(("scenario_id", "persona_id"), PLAYS)
def test_no_other_persona_is_named(scenario_id, persona_id):
    others = [p for p in CAT.personas.values() if p.id != persona_id]
    said = [(loc, text, other.first_name)
            for loc, text in persona_texts(CAT, CAT.scenarios[scenario_id], persona_id)
            for other in others if re.search(rf"\b{re.escape(other.first_name)}\b", text)]
    assert said == []


@pytest.mark.parametrize(("scenario_id", "persona_id"), PLAYS)
def test_every_acronym_is_spelt_out_where_first_met(scenario_id, persona_id):
    texts = persona_texts(CAT, CAT.scenarios[scenario_id], persona_id)
    assert [(u.acronym, u.loc, u.text) for u in unexplained(texts)] == []


def test_the_acronyms_of_the_issue_are_in_the_table():
    for acronym in ("CEJ", "PACEA", "RSA", "CAF", "CPAM", "NIR", "RIB", "IBAN", "RFR", "ANTS"):
        assert ACRONYMS[acronym]


def test_an_acronym_counts_as_spelt_out_only_near_its_first_appearance():
    far = "x " * 60
    assert explained_at("le RSA (revenu de solidarité active)", 3, "RSA")
    assert explained_at("La CAF : la Caisse d’allocations familiales.", 3, "CAF")
    assert not explained_at(f"le RSA {far} revenu de solidarité active", 3, "RSA")
    texts = [(("a",), "Le RSA se demande en ligne."),
             (("b",), "Le RSA (revenu de solidarité active) est versé chaque mois.")]
    assert [(u.acronym, u.loc) for u in unexplained(texts)] == [("RSA", ("a",))]
    assert unexplained(texts[::-1]) == []
    assert unexplained([(("c",), "Le RSAX et le cafard ne sont pas des sigles.")]) == []
    problem = unexplained(texts)[0]
    assert "« RSA »" in problem.message and "revenu de solidarité active" in problem.fix


def test_karim_and_lucas_get_their_own_hint_for_their_situation():
    scenario = CAT.scenarios["france-travail-inscription"]
    spec = scenario.screen("verification").fields[0]
    assert set(spec.hints_by_persona) == {"karim", "lucas"}
    said = {}
    for pid in ("karim", "lucas"):
        run = Runner(scenario, CAT.personas[pid], seed=1)
        first, second = run.hint("situation"), run.hint("situation")
        assert first == "Lisez toutes les phrases de la liste avant de choisir."
        said[pid] = second
        view = screen_view(run)
        field = view["screen"]["fields"][0]
        assert field["hint"] == second and field["hints_count"] == len(hints_for(spec, pid))
        assert view["hint"]["count"] == 3 and view["hint"]["level"] == 2
    assert "Karim" in said["karim"] and "Lucas" not in said["karim"]
    assert "Lucas" in said["lucas"] and "Karim" not in said["lucas"]


def test_a_persona_without_its_own_hints_gets_the_common_ones():
    scenario = CAT.scenarios["caf-prime-activite"]
    spec = scenario.screen("creation-compte").fields[1]  # Sophie's own, none for Nadia
    assert list(spec.hints_by_persona) == ["sophie"]
    assert hints_for(spec, "nadia") == spec.hints
    run = Runner(scenario, CAT.personas["nadia"], seed=1)
    run.go_to("creation-compte")
    texts = [run.hint(spec.id) for _ in spec.hints]
    assert texts[-1] == "Vous pouvez prendre l'exemple de la fiche de Nadia."
    assert hints_for(None, "nadia") == []


def test_learner_texts_follow_the_screens_and_give_each_persona_its_hints():
    scenario = CAT.scenarios["france-travail-inscription"]
    karim = [loc for loc, _t in learner_texts(scenario, "karim")]
    assert karim[0] == ("summary",)
    assert ("screens", 0, "fields", 0, "hints_by_persona", "karim", 1) in karim
    assert not any("lucas" in loc for loc in karim)
    screens = [loc[1] for loc in karim if loc[0] == "screens"]
    assert screens == sorted(screens)
    titled = [loc for loc, _t in learner_texts(scenario, "karim", titles=True)]
    assert titled[:2] == [("title",), ("summary",)]


SCENARIO = """\
id: essai
title: Essai
service: Essai (simulation)
summary: Un essai.
duration_minutes: 10
level: debutant
personas: [karim, lucas]
screens:
  - id: ville
    title: Votre ville
    fields:
      - id: commune
        kind: text
        label: Ville
        hints:
          - Regardez la fiche.
        hints_by_persona:
          karim:
            - Karim habite à Roubaix.
          {who}:
            - Elle habite à Nantes.
  - id: fin
    title: Fin
    role: receipt
"""


def test_a_hint_for_an_unknown_persona_is_a_french_error_at_its_line(tmp_path):
    path = tmp_path / "essai.yaml"
    path.write_text(SCENARIO.format(who="lucas"), encoding="utf-8")
    scenario, found = load_model(path, Scenario)
    assert found == [] and scenario is not None
    path.write_text(SCENARIO.format(who="sophie"), encoding="utf-8")
    scenario, found = load_model(path, Scenario)
    assert scenario is None and len(found) == 1
    assert "indice pour un persona inconnu : « sophie »" in found[0].message
    assert "karim, lucas" in found[0].message
    assert (found[0].line, found[0].column) == (20, 11)
    path.write_text(SCENARIO.format(who="Lucas"), encoding="utf-8")
    _scenario, found = load_model(path, Scenario)
    assert found and found[0].line == 20


def test_a_shared_flow_keeps_its_hints_common(tmp_path):
    text = SCENARIO.format(who="lucas").replace("personas: [karim, lucas]\n", "")
    text = text.replace("service: Essai (simulation)\nsummary:", "summary:")
    text = text.replace("duration_minutes: 10\nlevel: debutant\n", "")
    path = tmp_path / "flow.yaml"
    path.write_text(text, encoding="utf-8")
    flow, found = load_model(path, Flow)
    assert flow is None
    assert [f.line for f in found] == [14, 16]
    assert all("parcours partagé sert à plusieurs scénarios" in f.message for f in found)


def test_the_lint_warns_of_an_unexplained_acronym_and_of_another_persona(tmp_path):
    folder = tmp_path / "mes-scenarios"
    shutil.copytree(BUILTIN_SCENARIOS / "personas", folder / "personas")
    text = SCENARIO.format(who="lucas").replace("Elle habite à Nantes.", "Lucas touche le RSA.")
    text = text.replace("label: Ville", "label: Ville de Karim")
    (folder / "essai.yaml").write_text(text, encoding="utf-8")
    cat = load_catalogue([folder])
    found = [f for f in lint.lint_catalogue(cat) if f.path.endswith("essai.yaml")]
    acronyms = [f for f in found if "sigle « RSA »" in f.message]
    assert [(f.line, f.severity) for f in acronyms] == [(21, "warning")]
    assert "revenu de solidarité active" in acronyms[0].fix
    names = [f for f in found if "nomme Karim" in f.message]
    assert [(f.line, f.severity) for f in names] == [(14, "warning")]
    assert "{first_name}" in names[0].fix


def test_the_editor_keeps_the_hints_by_persona_when_a_common_hint_is_edited(tmp_path):
    source = BUILTIN_SCENARIOS / "france-travail-inscription.yaml"
    path = tmp_path / source.name
    path.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    doc = ScenarioDocument.open(path, flows=CAT.flows)
    doc.set_text(("screens", 0, "fields", 0, "hints", 1), "Relisez la fiche.")
    doc.save(known=CAT)
    before = source.read_text(encoding="utf-8").splitlines()
    after = path.read_text(encoding="utf-8").splitlines()
    assert [b for b, a in zip(before, after, strict=True) if a != b] == [
        "          - Relisez l'histoire de {first_name} sur sa fiche."]
    scenario, found = load_model(path, Scenario, flows=CAT.flows)
    assert found == []
    assert scenario.screen("verification").fields[0].hints_by_persona == \
        CAT.scenarios["france-travail-inscription"].screen("verification").fields[0] \
        .hints_by_persona
