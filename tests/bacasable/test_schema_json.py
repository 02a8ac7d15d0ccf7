"""The committed JSON Schemas match the pydantic models; every YAML file points at its schema."""

import json

import pytest

from bacasable.authoring.files import SCHEMA_DIR, SCHEMA_FILES, schema_text
from bacasable.cli import main
from bacasable.common.config import BUILTIN_SCENARIOS
from bacasable.scenario.loader import load_catalogue
from bacasable.scenario.schema import Persona, Scenario


@pytest.mark.parametrize("model", [Scenario, Persona], ids=["scenario", "persona"])
def test_committed_schema_is_in_sync_with_the_models(model):
    committed = (SCHEMA_DIR / SCHEMA_FILES[model]).read_text(encoding="utf-8")
    assert committed == schema_text(model), (
        "Régénérez : bacasable schema --output scenarios/schema/scenario.schema.json ; "
        "bacasable schema --personas --output scenarios/schema/persona.schema.json"
    )


def test_schema_command_writes_the_file(tmp_path, capsys):
    target = tmp_path / "persona.schema.json"
    main(["schema", "--personas", "--output", str(target)])
    assert json.loads(target.read_text(encoding="utf-8")) == Persona.model_json_schema()
    assert "Schéma écrit" in capsys.readouterr().out


def test_every_builtin_yaml_names_its_schema_on_the_first_line():
    for path in sorted(BUILTIN_SCENARIOS.glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=schema/scenario.schema.json", path
        assert (path.parent / "schema/scenario.schema.json").is_file()
    for path in sorted((BUILTIN_SCENARIOS / "personas").glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../schema/persona.schema.json", path


def test_the_schema_folder_is_not_read_as_scenarios():
    cat = load_catalogue([BUILTIN_SCENARIOS])
    assert cat.findings == []
    assert not any("schema" in str(p) for p in cat.trees)
