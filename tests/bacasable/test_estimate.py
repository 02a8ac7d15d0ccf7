"""The personas' prime d'activité, computed with OpenFisca France and stored in their files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bacasable.authoring.estimates import stale_estimates
from bacasable.cli import main
from bacasable.common.config import BUILTIN_SCENARIOS
from bacasable.personas.estimate import estimate_prime_activite, openfisca_situation
from bacasable.personas.estimate_inputs import EstimateInputError, estimate_inputs, inputs_hash
from bacasable.scenario.loader import load_catalogue
from bacasable.scenario.schema import Persona

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = load_catalogue([BUILTIN_SCENARIOS])
#: The built-in personas whose salaries are described, with their stored figures.
ESTIMATED = {"karim": 231, "lucas": 79, "nadia": 262, "sophie": 288}
#: Every built-in persona that carries figures (others may come without salaries).
WITH_FIGURES = sorted(p for p, persona in CATALOGUE.personas.items() if persona.estimates)
#: What the command writes above the figures, the first time.
MARKER = "\n# Calculé par « bacasable estimate »"


def run(*argv: str) -> int:
    try:
        main(list(argv))
    except SystemExit as done:
        return done.code or 0
    return 0


def env_for(folder: Path) -> dict[str, str]:
    return {**os.environ, "BACASABLE_SCENARIOS": str(folder),
            "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))}


@pytest.fixture
def own(tmp_path, monkeypatch):
    """A scenario folder of the trainer's, with a copy of Sophie whose salary has changed."""
    folder = tmp_path / "mes-scenarios"
    (folder / "personas").mkdir(parents=True)
    source = (BUILTIN_SCENARIOS / "personas" / "sophie.yaml").read_text(encoding="utf-8")
    assert "net_social: 1124.10" in source
    (folder / "personas" / "sophie.yaml").write_text(
        source.replace("net_social: 1124.10", "net_social: 1324.10"), encoding="utf-8")
    monkeypatch.setenv("BACASABLE_SCENARIOS", str(folder))
    monkeypatch.chdir(tmp_path)  # no bacasable_config.py from the checkout
    return folder


# --- what is read from a persona (no OpenFisca) ---------------------------------------------


def test_salaries_are_counted_by_month_of_payment():
    nadia = estimate_inputs(CATALOGUE.personas["nadia"])
    # July's payslip is paid on 4 August: it is August's; October's, paid in November, is out.
    assert nadia.month == "2026-11"
    assert nadia.months == ("2026-08", "2026-09", "2026-10")
    assert nadia.salaries == (982.30, 915.64, 1004.18)
    assert len(nadia.children) == 2 and (nadia.housing, nadia.housing_aid) == ("locataire", 262)
    lucas = estimate_inputs(CATALOGUE.personas["lucas"])
    assert lucas.salaries == (1433.88, 0, 0) and lucas.housing is None


def test_the_hash_follows_the_data_whichever_way_the_files_are_read():
    light = load_catalogue([BUILTIN_SCENARIOS], keep_trees=False)  # as a learner's kernel
    for persona_id in ESTIMATED:
        assert inputs_hash(estimate_inputs(light.personas[persona_id])) == inputs_hash(
            estimate_inputs(CATALOGUE.personas[persona_id]))
    sophie = CATALOGUE.personas["sophie"].model_dump()
    sophie["situation"]["caf"]["ressources"]["mois_2"]["net_social"] = 1124.11
    assert inputs_hash(estimate_inputs(Persona.model_validate(sophie))) != inputs_hash(
        estimate_inputs(CATALOGUE.personas["sophie"]))


def test_data_that_cannot_be_estimated_is_said_in_french(persona):
    with pytest.raises(EstimateInputError, match="Aucun revenu décrit"):
        estimate_inputs(persona)
    data = persona.model_dump()
    data["situation"] = {"revenus": {"mois_de_reference": "2026-13", "salaires_nets": {}}}
    with pytest.raises(EstimateInputError, match="n'est pas un mois"):
        estimate_inputs(Persona.model_validate(data))
    data["situation"] = {"caf": {"foyer": {"vie_option": "couple"}},
                         "revenus": {"mois_de_reference": "2026-11"}}
    with pytest.raises(EstimateInputError, match="conjoint"):
        estimate_inputs(Persona.model_validate(data))


def test_the_openfisca_situation_is_the_household_of_the_persona():
    situation = openfisca_situation(estimate_inputs(CATALOGUE.personas["nadia"]))
    assert situation["familles"]["famille"]["parents"] == ["persona"]
    assert situation["familles"]["famille"]["enfants"] == ["enfant_1", "enfant_2"]
    assert situation["individus"]["persona"]["salaire_net"] == {
        "2026-08": 982.30, "2026-09": 915.64, "2026-10": 1004.18}
    assert situation["familles"]["famille"]["aide_logement"]["2026-11"] == 262


# --- the figures, with OpenFisca --------------------------------------------------------------


@pytest.mark.parametrize("persona_id", WITH_FIGURES)
def test_stored_figures_equal_a_fresh_openfisca_computation(persona_id):
    persona = CATALOGUE.personas[persona_id]
    assert persona.estimates.prime_activite is not None, f"Lancez : bacasable estimate {persona_id}"
    stored = persona.estimates.prime_activite
    fresh = estimate_prime_activite(persona, today=stored.computed_on)
    assert fresh == stored, f"Relancez : bacasable estimate {persona_id}"
    assert stored.months_used == ["2026-08", "2026-09", "2026-10"]


def test_the_builtin_figures_are_the_expected_ones():
    assert set(ESTIMATED) <= set(WITH_FIGURES)
    amounts = {p: CATALOGUE.personas[p].estimates.prime_activite.amount for p in ESTIMATED}
    # Sophie: 638.28 + bonus + 0.5985 x salary - salary, about 288 a month; Nadia with two
    # children and her housing aid, Karim near the SMIC, Lucas paid in August only.
    assert amounts == ESTIMATED
    assert "288 € par mois en novembre 2026" in (
        CATALOGUE.personas["sophie"].estimates.prime_activite.explanation)


def test_a_persona_without_earnings_gets_nothing_and_says_why(persona):
    data = persona.model_dump()
    data["situation"] = {"revenus": {"mois_de_reference": "2026-11",
                                     "salaires_nets": {"2026-09": 0}}}
    figures = estimate_prime_activite(Persona.model_validate(data))
    assert figures.amount == 0
    assert figures.explanation == ("Alice n'a pas de revenu d'activité d'août à octobre 2026 : "
                                   "pas de prime d'activité en novembre 2026.")


# --- the command and validate ---------------------------------------------------------------


def test_validate_finds_a_stale_estimate_with_the_command_to_run(own, capsys):
    assert stale_estimates(CATALOGUE) == []
    assert run("validate") == 0  # a warning: the workshop still works
    out = capsys.readouterr().out
    path = own / "personas" / "sophie.yaml"
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if text.strip().startswith("inputs: sha256:"))
    assert (f"{path}:{line}:5: attention : Estimation périmée : lancez bacasable estimate sophie"
            in out)
    assert "Les données de Sophie (salaires, foyer ou logement) ont changé" in out


def test_validate_never_imports_openfisca(own):
    code = textwrap.dedent("""
        import sys
        from bacasable.cli import main
        try:
            main(["validate"])
        except SystemExit:
            pass
        print(sorted(m for m in sys.modules if m.startswith("openfisca")))
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env_for(own), check=True)
    assert "Estimation périmée : lancez bacasable estimate sophie" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_the_command_writes_the_figures_and_keeps_the_comments(own, capsys):
    path = own / "personas" / "sophie.yaml"
    before = path.read_text(encoding="utf-8").split(MARKER)[0]
    path.write_text(before, encoding="utf-8")  # a file never estimated
    assert run("estimate", "sophie") == 0
    assert "sophie : 278 € par mois (2026-11), écrit dans" in capsys.readouterr().out
    after = path.read_text(encoding="utf-8")
    # Every line kept as it was (but the schema line, relative to the folder), comments included.
    assert after.splitlines()[1:len(before.splitlines())] == before.splitlines()[1:]
    assert "# Ses trois bulletins de salaire sont payés le dernier jour ouvré du mois :" in after
    assert after.split(MARKER)[1].startswith(" avec OpenFisca France")
    assert "    months_used: [2026-08, 2026-09, 2026-10]\n" in after
    persona = load_catalogue([own]).personas["sophie"]
    assert persona.estimates.prime_activite == estimate_prime_activite(
        persona, today=persona.estimates.prime_activite.computed_on)
    assert stale_estimates(load_catalogue([own])) == []
    # Once more: the same figures, nothing written (the date of the computation stays).
    assert run("estimate", "sophie") == 0
    assert "déjà à jour" in capsys.readouterr().out
    assert path.read_text(encoding="utf-8") == after


def test_the_command_updates_stored_figures_in_place(own, capsys):
    path = own / "personas" / "sophie.yaml"
    assert run("estimate", "sophie") == 0
    text = path.read_text(encoding="utf-8")
    assert text.count("estimates:") == 1 and text.count(MARKER) == 1
    assert "    amount: 278\n" in text and "    amount: 288\n" not in text
    builtin = (BUILTIN_SCENARIOS / "personas" / "sophie.yaml").read_text(encoding="utf-8")
    assert "    amount: 288\n" in builtin  # the built-in file is not the one written


def test_the_command_refuses_an_unknown_persona(own, capsys):
    assert run("estimate", "personne") == 1
    out = capsys.readouterr().out
    assert out.startswith("Persona inconnu : personne. Personas : ")
    listed = out.split("Personas : ", 1)[1].split(".")[0].split(", ")
    assert listed == sorted(listed) and {"karim", "lucas", "nadia", "sophie"} <= set(listed)


def test_without_openfisca_the_command_says_how_to_install_it(own):
    code = textwrap.dedent("""
        import sys
        sys.modules["openfisca_france"] = None  # as if it were not installed
        from bacasable.cli import main
        main(["estimate", "sophie"])
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env_for(own), check=False)
    assert done.returncode == 1
    assert "OpenFisca n'est pas installé" in done.stdout
    assert "pip install -e '.[estimate]'" in done.stdout
    copy = (own / "personas" / "sophie.yaml").read_text(encoding="utf-8")
    assert "net_social: 1324.10" in copy and "amount: 288" in copy  # nothing written


LEARNER_KERNEL = """\
import json, sys
from widgets.learner.app import atelier
from bacasable.run.autoplay import play_through
import bacasable.personas.estimate  # importing the module does not import OpenFisca

a = atelier()
played = []
for scenario in a.catalogue.scenarios.values():
    assert a.start(scenario.id)
    played.append(play_through(a.player.runner).finished)
amounts = {p.id: p.estimates.prime_activite.amount for p in a.catalogue.personas.values()
           if p.estimates}
print(json.dumps({"played": played, "amounts": amounts,
                  "openfisca": sorted(m for m in sys.modules if m.startswith("openfisca"))}))
"""


def test_a_learner_kernel_reads_the_figures_without_openfisca(tmp_path):
    env = {**env_for(tmp_path), "BACASABLE_DATA": str(tmp_path), "BACASABLE_SCENARIOS": ""}
    for name in ("VOILA_PREHEAT", "VOILA_APP_IP", "SERVER_SOFTWARE"):
        env.pop(name, None)
    done = subprocess.run([sys.executable, "-c", LEARNER_KERNEL], capture_output=True,
                          text=True, cwd=ROOT / "notebooks", env=env, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["played"] and all(result["played"])
    assert {p: result["amounts"].get(p) for p in ESTIMATED} == ESTIMATED
    assert result["openfisca"] == []

