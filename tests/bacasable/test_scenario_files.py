"""A scenario copied as a variant, and a scenario exported and imported with its personas."""

from pathlib import Path

import pytest

from bacasable.authoring.files import (
    ScenarioFileError,
    copy_variant,
    export_bundle,
    import_bundle,
)
from bacasable.cli import main
from bacasable.common.config import BUILTIN_SCENARIOS
from bacasable.scenario.loader import load_catalogue

SOURCE = BUILTIN_SCENARIOS / "caf-prime-activite.yaml"


@pytest.fixture
def folder(tmp_path, monkeypatch):
    own = tmp_path / "mes-scenarios"
    own.mkdir()
    monkeypatch.setenv("BACASABLE_SCENARIOS", str(own))
    monkeypatch.chdir(tmp_path)  # no bacasable_config.py from the checkout
    return own


def run(*argv: str) -> int:
    try:
        main(list(argv))
    except SystemExit as done:
        return done.code or 0
    return 0


def body(text: str) -> list[str]:
    """The lines after the schema line (its relative path depends on the folder)."""
    return text.splitlines()[1:]


# --- new --from -----------------------------------------------------------------------------


def test_new_copies_a_variant_keeping_comments_and_layout(folder, capsys):
    assert run("new", "caf-variante", "--from", "caf-prime-activite") == 0
    target = folder / "caf-variante.yaml"
    assert f"Variante écrite : {target}" in capsys.readouterr().out
    old, new = body(SOURCE.read_text(encoding="utf-8")), body(target.read_text(encoding="utf-8"))
    changed = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    assert changed == [
        ("id: caf-prime-activite", "id: caf-variante"),
        ("title: Demander la prime d'activité",
         "title: Demander la prime d'activité (variante)"),
    ]
    first = target.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    assert (folder / first.split("=", 1)[1]).resolve() == (
        BUILTIN_SCENARIOS / "schema" / "scenario.schema.json").resolve()
    cat = load_catalogue([BUILTIN_SCENARIOS, folder])
    assert cat.findings == []
    assert cat.scenarios["caf-variante"].title.endswith("(variante)")


def test_new_refuses_to_overwrite_or_a_bad_id(folder, capsys):
    assert run("new", "caf-variante", "--from", "caf-prime-activite") == 0
    before = (folder / "caf-variante.yaml").read_text(encoding="utf-8")
    assert run("new", "caf-variante", "--from", "france-travail-inscription") == 1
    assert "existe déjà" in capsys.readouterr().out
    assert (folder / "caf-variante.yaml").read_text(encoding="utf-8") == before
    assert run("new", "Mon Scénario", "--from", "caf-prime-activite") == 1
    assert "Identifiant non valable" in capsys.readouterr().out
    assert run("new", "autre", "--from", "inconnu") == 1
    assert "Scénario inconnu : inconnu" in capsys.readouterr().out
    assert run("new", "autre") == 2


def test_new_refuses_a_file_already_there(folder):
    (folder / "libre.yaml").write_text("# pas encore un scénario\n", encoding="utf-8")
    cat = load_catalogue([BUILTIN_SCENARIOS, folder])
    with pytest.raises(ScenarioFileError, match="existe déjà"):
        copy_variant(cat, "caf-prime-activite", "libre", folder)


def test_new_files_go_to_the_trainers_folder_never_to_the_shipped_one(monkeypatch, tmp_path):
    from bacasable.authoring.files import target_folder
    from bacasable.common.config import BacasableConfig

    monkeypatch.delenv("BACASABLE_SCENARIOS", raising=False)
    monkeypatch.delenv("BACASABLE_TRAINER_DIR", raising=False)
    monkeypatch.setenv("BACASABLE_DATA", str(tmp_path / "data"))
    assert target_folder(BacasableConfig()) == tmp_path / "data" / "exercices"
    # Loaded once it exists, last: the trainers' changes win.
    assert BacasableConfig().all_scenario_dirs() == [BUILTIN_SCENARIOS]
    (tmp_path / "data" / "exercices").mkdir(parents=True)
    assert BacasableConfig().all_scenario_dirs() == [BUILTIN_SCENARIOS,
                                                     tmp_path / "data" / "exercices"]
    monkeypatch.setenv("BACASABLE_SCENARIOS", str(tmp_path / "reseau"))
    assert target_folder(BacasableConfig()) == tmp_path / "reseau"


# --- export and import ----------------------------------------------------------------------


def test_export_then_import_gives_the_same_files(folder, tmp_path, capsys):
    bundle = tmp_path / "paquet.yaml"
    assert run("export", "caf-prime-activite", "--output", str(bundle)) == 0
    assert "2 persona(s)" in capsys.readouterr().out
    text = bundle.read_text(encoding="utf-8")
    assert "bacasable_bundle: 1" in text and "# Persona fictive : Nadia Diallo." in text
    into = tmp_path / "ailleurs"
    assert run("import", str(bundle), "--into", str(into)) == 0
    for rel in ("caf-prime-activite.yaml", "personas/sophie.yaml", "personas/nadia.yaml"):
        original = BUILTIN_SCENARIOS / rel
        assert body((into / rel).read_text(encoding="utf-8")) == body(
            original.read_text(encoding="utf-8")), rel
    cat = load_catalogue([into])
    assert cat.findings == [] and set(cat.scenarios) == {"caf-prime-activite"}


def test_import_refuses_to_overwrite_unless_forced(folder, tmp_path, capsys):
    bundle = tmp_path / "paquet.yaml"
    bundle.write_text(export_bundle(load_catalogue([BUILTIN_SCENARIOS]), "caf-prime-activite"),
                      encoding="utf-8")
    assert run("import", str(bundle)) == 0
    assert (folder / "caf-prime-activite.yaml").is_file()
    (folder / "personas" / "nadia.yaml").write_text("# modifié\n", encoding="utf-8")
    assert run("import", str(bundle)) == 1
    out = capsys.readouterr().out
    assert "existent déjà" in out and "Rien n'a été écrit" in out
    assert (folder / "personas" / "nadia.yaml").read_text(encoding="utf-8") == "# modifié\n"
    assert run("import", str(bundle), "--force") == 0
    assert "id: nadia" in (folder / "personas" / "nadia.yaml").read_text(encoding="utf-8")


def test_import_checks_everything_before_writing(folder, tmp_path):
    cat = load_catalogue([BUILTIN_SCENARIOS])
    text = export_bundle(cat, "caf-prime-activite")
    bad_persona = tmp_path / "mauvais.yaml"
    # The last persona is broken: nothing at all is written, not even the scenario.
    bad_persona.write_text(text.replace("  postcode: \"93200\"", "  postcode: \"932\""),
                           encoding="utf-8")
    assert "932" in bad_persona.read_text(encoding="utf-8")
    with pytest.raises(ScenarioFileError, match="postcode"):
        import_bundle(bad_persona, folder, cat)
    bad_goto = tmp_path / "cible.yaml"
    bad_goto.write_text(text.replace("goto: creation-compte", "goto: nulle-part", 1), encoding="utf-8")
    with pytest.raises(ScenarioFileError, match="écran cible inconnu : nulle-part"):
        import_bundle(bad_goto, folder, cat)
    not_a_bundle = tmp_path / "scenario.yaml"
    not_a_bundle.write_text(SOURCE.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ScenarioFileError, match="pas un paquet"):
        import_bundle(not_a_bundle, folder, cat)
    assert list(folder.rglob("*")) == []


def test_a_hand_written_bundle_is_imported_too(folder, tmp_path):
    cat = load_catalogue([BUILTIN_SCENARIOS])
    from bacasable.authoring.files import _yaml

    data = _yaml().load(export_bundle(cat, "caf-prime-activite"))
    data["personas"] = []  # the personas are already known
    import io

    out = io.StringIO()
    _yaml().dump(data, out)
    path = Path(tmp_path / "main.yaml")
    path.write_text(out.getvalue(), encoding="utf-8")
    written = import_bundle(path, folder, cat)
    assert written == [folder / "caf-prime-activite.yaml"]
    assert load_catalogue([BUILTIN_SCENARIOS, folder]).findings == []


def test_export_of_an_unknown_scenario(folder, capsys):
    assert run("export", "inconnu") == 1
    assert "Scénario inconnu : inconnu" in capsys.readouterr().out
