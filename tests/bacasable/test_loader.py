from pathlib import Path

from bacasable.authoring.checks import check_catalogue
from bacasable.scenario.loader import load_catalogue

GOOD = """\
id: essai
title: Essai
service: Service (simulation)
summary: Un essai.
duration_minutes: 10
level: debutant
personas: [alice]
screens:
  - id: un
    title: Premier écran
    next:
      - when: {field: un.choix, equals: b}
        goto: deux
    fields:
      - id: choix
        kind: radio
        label: Un choix
        options:
          - {value: a, label: A}
          - {value: b, label: B}
  - id: deux
    title: Deuxième écran
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_file_loads(tmp_path):
    write(tmp_path, "essai.yaml", GOOD)
    cat = load_catalogue([tmp_path])
    assert cat.findings == []
    assert cat.scenarios["essai"].screens[1].id == "deux"


def test_bad_key_is_located_and_others_still_load(tmp_path):
    write(tmp_path, "essai.yaml", GOOD)
    write(tmp_path, "casse.yaml", GOOD.replace("id: essai", "id: casse").replace(
        "        label: Un choix", "        lable: Un choix"))
    cat = load_catalogue([tmp_path])
    assert "essai" in cat.scenarios and "casse" not in cat.scenarios
    lines = {(Path(f.path).name, f.line) for f in cat.findings}
    assert ("casse.yaml", 17) in lines  # the misspelt key
    assert any("clé inconnue" in f.message for f in cat.findings)


def test_yaml_syntax_error_has_line_and_column(tmp_path):
    write(tmp_path, "casse.yaml", "id: x\ntitle: [oops\n")
    (finding,) = load_catalogue([tmp_path]).findings
    assert finding.line >= 2 and finding.column >= 1
    assert "YAML mal formé" in finding.message


def test_non_utf8_and_non_mapping_files(tmp_path):
    (tmp_path / "latin.yaml").write_bytes("title: é".encode("latin-1"))
    write(tmp_path, "list.yaml", "- a\n- b\n")
    messages = sorted(f.message for f in load_catalogue([tmp_path]).findings)
    assert any("UTF-8" in m for m in messages)
    assert any("clé: valeur" in m for m in messages)


def test_dangling_references_are_found_with_lines(tmp_path):
    write(tmp_path, "essai.yaml", GOOD.replace("goto: deux", "goto: trois"))
    cat = load_catalogue([tmp_path])
    findings = check_catalogue(cat)
    messages = {f.message: f.line for f in findings}
    assert messages["écran cible inconnu : trois"] == 13
    assert messages["persona inconnu : alice"] == 7


def test_validate_command_exit_code(tmp_path, capsys, monkeypatch):
    import pytest

    from bacasable.cli import main

    write(tmp_path, "essai.yaml", GOOD.replace("goto: deux", "goto: trois"))
    with pytest.raises(SystemExit) as exc:
        main(["validate", str(tmp_path / "essai.yaml")])
    assert exc.value.code == 1
    out = capsys.readouterr().out
    assert "essai.yaml:13:" in out and "écran cible inconnu" in out


# --- a learner's catalogue: no round-trip tree, read in a child process ------------------------

BUILTIN = Path(__file__).resolve().parents[2] / "scenarios"


def _same(light, full):
    assert light.scenarios == full.scenarios and light.personas == full.personas
    for key in ("scenarios", "personas"):  # same values, same order, down to every leaf
        assert ({k: m.model_dump_json() for k, m in getattr(light, key).items()}
                == {k: m.model_dump_json() for k, m in getattr(full, key).items()})
    assert light.sources == full.sources and light.overridden == full.overridden
    assert light.findings == full.findings


def test_catalogue_without_trees_has_the_same_models():
    full = load_catalogue([BUILTIN])
    light = load_catalogue([BUILTIN], keep_trees=False)
    assert full.trees and full.keeps_trees
    assert light.trees == {} and not light.keeps_trees
    _same(light, full)
    persona = next(iter(light.personas.values()))
    assert type(persona.situation) is dict  # plain YAML: no round-trip map kept in the models


def test_catalogue_without_trees_has_the_same_findings(tmp_path):
    write(tmp_path, "essai.yaml", GOOD)
    write(tmp_path, "casse.yaml", GOOD.replace("id: essai", "id: casse").replace(
        "        label: Un choix", "        lable: Un choix"))
    write(tmp_path, "syntaxe.yaml", "id: x\ntitle: [oops\n")
    write(tmp_path, "double.yaml", GOOD.replace("id: essai", "id: double").replace(
        "level: debutant", "level: debutant\nlevel: avance"))
    # An anchor and its alias: read alike by both readers.
    write(tmp_path, "ancre.yaml", GOOD.replace("id: essai", "id: ancre").replace(
        "    title: Premier écran", "    title: &titre Premier écran").replace(
        "    title: Deuxième écran", "    title: *titre"))
    # Read differently (the round-trip reader keeps « !!str B » as a tagged scalar, which the
    # schema refuses; it merges « << » its own way): read the round-trip way.
    write(tmp_path, "tag.yaml", GOOD.replace("id: essai", "id: tag").replace(
        "{value: b, label: B}", "{value: b, label: !!str B}"))
    write(tmp_path, "fusion.yaml", GOOD.replace("id: essai", "id: fusion").replace(
        "          - {value: a, label: A}", "          - &a {value: a, label: A}").replace(
        "          - {value: b, label: B}", "          - {<<: *a, value: b}"))
    write(tmp_path, "liste.yaml", "- a\n- b\n")
    (tmp_path / "latin.yaml").write_bytes("title: é".encode("latin-1"))
    full = load_catalogue([tmp_path])
    light = load_catalogue([tmp_path], keep_trees=False)
    assert set(full.scenarios) == {"essai", "ancre", "fusion"}
    assert full.scenarios["ancre"].screens[1].title == "Premier écran"
    assert len(full.findings) >= 5
    _same(light, full)
    assert check_catalogue(light) == check_catalogue(full)  # located by reading again


def test_treeless_catalogue_locates_by_reading_again(tmp_path):
    write(tmp_path, "essai.yaml", GOOD.replace("goto: deux", "goto: trois"))
    messages = {f.message: f.line for f in check_catalogue(load_catalogue([tmp_path],
                                                                          keep_trees=False))}
    assert messages["écran cible inconnu : trois"] == 13
    assert messages["persona inconnu : alice"] == 7


def test_catalogue_loaded_apart_is_the_same(tmp_path):
    from bacasable.scenario.loader import load_catalogue_apart

    write(tmp_path, "casse.yaml", "id: x\ntitle: [oops\n")
    folders = [BUILTIN, tmp_path]
    apart = load_catalogue_apart(folders)
    assert apart.trees == {} and not apart.keeps_trees
    _same(apart, load_catalogue(folders, keep_trees=False))
    assert apart.scenarios and apart.findings


def test_catalogue_loaded_apart_raises_when_the_child_fails(monkeypatch):
    import subprocess

    import pytest

    from bacasable.scenario import loader

    monkeypatch.setattr(loader, "_LOAD_CHILD", "import sys; sys.exit('broken')")
    with pytest.raises(subprocess.CalledProcessError) as exc:
        loader.load_catalogue_apart([BUILTIN])
    assert "broken" in exc.value.stderr
    monkeypatch.setattr(loader, "_LOAD_CHILD", "import pickle, sys\n"
                        "sys.stdout.buffer.write(pickle.dumps({'not': 'a catalogue'}))")
    with pytest.raises(TypeError):
        loader.load_catalogue_apart([BUILTIN])


# --- control characters ----------------------------------------------------------------------


def test_control_characters_are_refused_with_their_place(tmp_path, capsys):
    import pytest

    from bacasable.cli import main

    # YAML lets a double-quoted text hold an escaped control character (here ESC and BEL).
    text = GOOD.replace("title: Essai", 'title: "Essai \\e[31m rouge"', 1)
    write(tmp_path, "essai.yaml", text)
    findings = load_catalogue([tmp_path]).findings
    assert [(f.line, "caractère invisible interdit (code 27)" in f.message) for f in findings
            ] == [(2, True)]
    with pytest.raises(SystemExit) as exc:
        main(["validate", str(tmp_path / "essai.yaml")])
    assert exc.value.code == 1
    assert "essai.yaml:2:" in capsys.readouterr().out
    # Newlines and tabs are texts' own.
    write(tmp_path, "essai.yaml", GOOD.replace("title: Essai", 'title: "Essai\\tà\\nla ligne"', 1))
    assert load_catalogue([tmp_path]).findings == []
