"""The project's set-up files agree with each other."""

import re
from pathlib import Path

import tomllib
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent


def _name(requirement: str) -> tuple[str, str]:
    # pip's extras ("psycopg[binary]") have no conda counterpart: the same package, without them.
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(?:\[[^\]]*\])?\s*(.*)$", requirement)
    assert match, requirement
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(_name(r) for r in project["dependencies"] + project["optional-dependencies"]["test"])
    env = YAML(typ="safe").load((ROOT / "environment.yml").read_text())
    conda = dict(_name(d) for d in env["dependencies"] if isinstance(d, str) and d != "pip")
    conda.pop("python")
    assert conda == wanted


def test_no_absolute_path_of_a_machine_in_the_project():
    suspicious = re.compile(r"/(work|root|home)/[A-Za-z0-9_.-]+/")
    tracked = [p for p in ROOT.rglob("*") if p.is_file() and not any(
        part in {".venv", ".git", "node_modules", "__pycache__", ".pytest_cache", ".hypothesis"}
        for part in p.relative_to(ROOT).parts)]
    text_files = [p for p in tracked if p.suffix in {".py", ".toml", ".yml", ".yaml", ".md", ".json",
                                                       ".ipynb", ".j2", ".js", ".css", ".cfg"}
                  or p.name in {"Makefile", "run"}]
    offenders = [str(p.relative_to(ROOT)) for p in text_files
                 if suspicious.search(p.read_text(encoding="utf-8", errors="ignore"))]
    assert offenders == []
