"""Shared flows: a flow file validated on its own, put in place in each scenario naming it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from bacasable.authoring.checks import check_catalogue
from bacasable.authoring.files import SCHEMA_DIR
from bacasable.authoring.scenario_edit import ScenarioDocument, editable_texts
from bacasable.run.autoplay import play_through
from bacasable.run.runner import Runner
from bacasable.scenario.loader import load_catalogue

FLOW = """\
id: connexion-test
title: Se connecter (test)
summary: Un petit parcours partagé pour les tests.
screens:
  - id: ct-choix
    title: Choisir comment se connecter
    fields:
      - id: moyen
        kind: radio
        label: Comment voulez-vous vous connecter ?
        help: Choisissez une réponse.
        options:
          - {value: compte, label: Avec mon compte}
          - {value: autre, label: Autrement}
        expected: {value: compte}
        hints: [Regardez la fiche du personnage.]
    next:
      - when: {field: ct-choix.moyen, equals: autre}
        goto: ct-autre
  - id: ct-compte
    title: Se connecter avec son compte
    body: [Tapez votre mot de passe.]
    role: info
    next:
      - goto: ct-retour
  - id: ct-autre
    title: Autre moyen
    role: info
    body: [Autre moyen.]
  # Every branch meets again on the flow's last screen, then the scenario goes on.
  - id: ct-retour
    title: Vous êtes connecté
    role: info
    body: [Vous revenez sur le site.]
"""

SCENARIO = """\
id: avec-parcours
title: Démarche avec un parcours partagé
service: Service (simulation)
summary: Une démarche qui commence par un parcours partagé.
duration_minutes: 10
level: debutant
personas: [alice]
screens:
  - id: accueil
    title: Accueil
    role: info
    body: [Bienvenue.]
  - flow: connexion-test
  - id: fin
    title: C'est fini
    role: receipt
"""

ALICE = """\
id: alice
first_name: Alice
last_name: Durand
sex: F
birth: {date: 1990-04-12, place: Lyon, insee_code: "69383"}
nir_order: 123
address: {street: 3 rue des Lilas, postcode: "69003", city: Lyon}
phone: "0639981234"
email: alice.durand@exemple.fr
bank: {bank_name: Banque Exemple (fictive), bank_code: "30004", branch_code: "00123",
       account_number: "00012345678", bic: FICTFRPP}
story: Alice cherche un emploi.
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "flows").mkdir()
    (tmp_path / "personas").mkdir()
    (tmp_path / "flows" / "connexion-test.yaml").write_text(FLOW, encoding="utf-8")
    (tmp_path / "personas" / "alice.yaml").write_text(ALICE, encoding="utf-8")
    (tmp_path / "avec-parcours.yaml").write_text(SCENARIO, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("keep_trees", [True, False], ids=["trainer", "learner"])
def test_a_flow_is_put_in_place(folder, keep_trees):
    cat = load_catalogue([folder], keep_trees=keep_trees)
    assert cat.findings == [] and list(cat.flows) == ["connexion-test"]
    scenario = cat.scenarios["avec-parcours"]
    assert [s.id for s in scenario.screens] == ["accueil", "ct-choix", "ct-compte", "ct-autre",
                                                "ct-retour", "fin"]
    assert scenario.flows == ["connexion-test"]
    assert check_catalogue(cat) == []
    played = play_through(Runner(scenario, cat.personas["alice"], seed=1))
    assert played.finished
    assert played.path == ["accueil", "ct-choix", "ct-compte", "ct-retour", "fin"]


def test_an_unknown_flow_is_found_at_its_line(folder):
    (folder / "avec-parcours.yaml").write_text(SCENARIO.replace("flow: connexion-test",
                                                                "flow: franceconect"))
    cat = load_catalogue([folder])
    [finding] = cat.findings
    assert (finding.line, finding.column) == (13, 5)
    assert finding.message == ("parcours partagé inconnu : franceconect "
                               "(connus : connexion-test)")


def test_an_error_after_a_flow_is_found_at_its_own_line(folder):
    (folder / "avec-parcours.yaml").write_text(SCENARIO.replace("role: receipt",
                                                                "role: recu"))
    [finding] = load_catalogue([folder]).findings
    assert finding.path.endswith("avec-parcours.yaml") and finding.line == 16


def test_a_flow_is_validated_on_its_own_and_in_its_scenarios(folder):
    (folder / "flows" / "connexion-test.yaml").write_text(
        FLOW.replace("role: info\n", "role: informations\n", 1))
    findings = load_catalogue([folder]).findings
    places = sorted((Path(f.path).name, f.line) for f in findings)
    assert places == [("avec-parcours.yaml", 13), ("connexion-test.yaml", 23)]
    # A flow's screen ids meeting the scenario's own: refused.
    (folder / "flows" / "connexion-test.yaml").write_text(FLOW.replace("ct-autre", "fin"))
    assert any("en double" in f.message for f in load_catalogue([folder]).findings)


def test_the_json_schema_accepts_a_flow_and_a_flow_file():
    scenario_schema = json.loads((SCHEMA_DIR / "scenario.schema.json").read_text())
    flow_schema = json.loads((SCHEMA_DIR / "flow.schema.json").read_text())
    import ruamel.yaml

    yaml = ruamel.yaml.YAML(typ="safe")
    jsonschema.validate(json.loads(json.dumps(yaml.load(SCENARIO), default=str)),
                        scenario_schema)
    jsonschema.validate(yaml.load(FLOW), flow_schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(yaml.load(SCENARIO.replace("flow:", "flot:")), scenario_schema)


def test_the_editor_shows_a_flow_as_one_item_edited_in_its_own_file(folder):
    cat = load_catalogue([folder])
    path = folder / "avec-parcours.yaml"
    doc = ScenarioDocument.open(path, cat.flows)
    assert editable_texts(doc, 1) == []
    assert [doc.screen_index(i) for i in range(3)] == [0, 1, 5]
    assert doc.scenario() == cat.scenarios["avec-parcours"]
    doc.set_text(("screens", 2, "title"), "C'est terminé")
    doc.save(cat)
    assert "  - flow: connexion-test\n" in path.read_text(encoding="utf-8")
    assert load_catalogue([folder]).scenarios["avec-parcours"].screens[-1].title == (
        "C'est terminé")


# --- FranceConnect, the built-in shared flow -----------------------------------------------------

FC_SCENARIO = SCENARIO.replace("flow: connexion-test", "flow: franceconnect").replace(
    "id: avec-parcours", "id: avec-franceconnect")


@pytest.mark.parametrize("account, identifier", [
    ("impots", "3023217600053"), ("ameli", None), ("laposte", "alice.durand@exemple.fr")])
def test_every_persona_with_an_account_goes_through_franceconnect(tmp_path, account, identifier):
    from bacasable.common.config import BUILTIN_SCENARIOS
    from bacasable.run.view import screen_view

    (tmp_path / "personas").mkdir()
    fc = {"compte": account, "identifiant": identifier, "mot_de_passe": "Soleil-Vert-42"}
    (tmp_path / "personas" / "alice.yaml").write_text(
        ALICE + "situation:\n  franceconnect: " + json.dumps(fc) + "\n", encoding="utf-8")
    (tmp_path / "avec-franceconnect.yaml").write_text(FC_SCENARIO, encoding="utf-8")
    cat = load_catalogue([BUILTIN_SCENARIOS, tmp_path])
    assert [f for f in cat.errors if "tmp" in f.path or "flows" in f.path] == []
    scenario = cat.scenarios["avec-franceconnect"]
    run = Runner(scenario, cat.personas["alice"], seed=1)
    played = play_through(run)
    assert played.finished, played
    login = {"impots": "fc-impots", "ameli": "fc-ameli"}.get(account, "fc-autre")
    assert played.path == ["accueil", "fc-choix", login, "fc-identite", "fc-retour", "fin"]
    # The identity the site receives is the persona's, in words.
    again = Runner(scenario, cat.personas["alice"], seed=1)
    again.go_to("fc-identite")
    body = screen_view(again)["screen"]["body"]
    assert body == ["Nom de naissance : Durand", "Prénom : Alice", "Sexe : féminin",
                    "Date de naissance : 12/04/1990", "Lieu de naissance : Lyon"]


def test_findings_on_a_flows_screen_point_at_its_flow_line_and_branches_not_taken_need_no_data(
        folder):
    from bacasable.authoring.lint import lint_catalogue

    # Alice never takes the "autre" branch: its field may read data she does not have.
    flow = FLOW.replace("    body: [Autre moyen.]\n", "    body: [Autre moyen.]\n    fields:\n"
                        "      - {id: x, kind: text, label: X, expected: {persona: situation.x}}\n")
    (folder / "flows" / "connexion-test.yaml").write_text(flow)
    cat = load_catalogue([folder])
    findings = lint_catalogue(cat)
    assert not any("situation.x" in f.message for f in findings)
    # The field has no hint: the warning is found at the scenario's « - flow: » line.
    hintless = [f for f in findings if "indice" in f.message and "« x »" in f.message]
    assert hintless and {(Path(f.path).name, f.line) for f in hintless} == {
        ("avec-parcours.yaml", 13)}


def test_franceconnect_pages_show_their_own_site_and_the_return_the_partners():
    from bacasable.common.config import BUILTIN_SCENARIOS
    from bacasable.run.view import screen_view

    cat = load_catalogue([BUILTIN_SCENARIOS])
    scenario = cat.scenarios["caf-declaration-trimestrielle"]
    run = Runner(scenario, cat.personas["sophie"], seed=1)
    sites = {}
    for screen_id in ("fc-choix", "fc-ameli", "fc-identite", "fc-retour", "choix-connexion"):
        run.go_to(screen_id)
        sites[screen_id] = screen_view(run)["scenario"]["service"]
    assert sites == {"fc-choix": "FranceConnect (simulation)", "fc-ameli": "ameli (simulation)",
                     "fc-identite": "FranceConnect (simulation)",
                     "fc-retour": scenario.service, "choix-connexion": scenario.service}
