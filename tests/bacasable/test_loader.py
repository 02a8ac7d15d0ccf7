from pathlib import Path

from bacasable.checks import check_catalogue
from bacasable.loader import load_catalogue

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
