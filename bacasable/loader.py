"""Reading scenario and persona YAML into the schema, with errors located by line and column."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal, TypeVar

import pydantic
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .schema import Persona, Scenario

M = TypeVar("M", Scenario, Persona)

#: Largest YAML file read; a bigger one is refused with a message rather than read.
MAX_FILE_BYTES = 2_000_000


@dataclasses.dataclass(frozen=True)
class Finding:
    """One problem found in a file, located and said in plain French."""

    path: str
    line: int
    column: int
    message: str
    severity: Literal["error", "warning"] = "error"
    #: How to fix it, in plain words.
    fix: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}"
        label = "erreur" if self.severity == "error" else "attention"
        text = f"{where}: {label} : {self.message}"
        return f"{text}\n    → {self.fix}" if self.fix else text


@dataclasses.dataclass
class Catalogue:
    """Everything loaded from the scenario folders, and what was wrong on the way."""

    scenarios: dict[str, Scenario] = dataclasses.field(default_factory=dict)
    personas: dict[str, Persona] = dataclasses.field(default_factory=dict)
    #: Which file each scenario and persona came from (a later folder overrides).
    sources: dict[str, Path] = dataclasses.field(default_factory=dict)
    #: The file a scenario id was first read from, when a later folder overrides it.
    overridden: dict[str, Path] = dataclasses.field(default_factory=dict)
    findings: list[Finding] = dataclasses.field(default_factory=list)
    #: The parsed YAML of each file read, to locate later findings by line and column.
    trees: dict[Path, Any] = dataclasses.field(default_factory=dict, repr=False)

    def locate(self, key: str, loc: Sequence[str | int]) -> tuple[str, int, int]:
        """Return the file, line and column of ``loc`` inside the file of scenario ``key``."""
        path = self.sources.get(key)
        if path is None:
            return key, 1, 1
        line, col = _locate(self.trees.get(path), loc)
        return str(path), line, col

    @property
    def errors(self) -> list[Finding]:
        """Findings of severity error."""
        return [f for f in self.findings if f.severity == "error"]


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def _locate(node: Any, loc: Sequence[str | int]) -> tuple[int, int]:
    """Return the 1-based line and column of the deepest YAML node that ``loc`` reaches."""
    line, col = 0, 0
    if isinstance(node, CommentedMap | CommentedSeq):
        line, col = node.lc.line, node.lc.col
    for key in loc:
        if isinstance(node, CommentedMap) and key in node:
            line, col = node.lc.key(key) if isinstance(key, str) else node.lc.value(key)
            node = node[key]
        elif isinstance(node, CommentedSeq) and isinstance(key, int) and 0 <= key < len(node):
            line, col = node.lc.item(key)
            node = node[key]
        else:
            break
    return line + 1, col + 1


_PYDANTIC_FR = {
    "missing": "champ obligatoire manquant",
    "extra_forbidden": "clé inconnue (faute de frappe ?)",
    "string_type": "il faut du texte",
    "int_type": "il faut un nombre entier",
    "int_parsing": "il faut un nombre entier",
    "float_parsing": "il faut un nombre",
    "bool_type": "il faut true ou false",
    "bool_parsing": "il faut true ou false",
    "list_type": "il faut une liste (des lignes commençant par « - »)",
    "dict_type": "il faut des lignes « clé: valeur »",
    "model_type": "il faut des lignes « clé: valeur »",
    "literal_error": "valeur non prévue",
    "string_pattern_mismatch": "forme non valable",
    "string_too_short": "texte vide",
    "string_too_long": "texte trop long",
    "too_short": "liste trop courte",
    "too_long": "liste trop longue",
    "date_from_datetime_parsing": "date non valable (AAAA-MM-JJ)",
    "date_parsing": "date non valable (AAAA-MM-JJ)",
    "date_type": "date non valable (AAAA-MM-JJ)",
    "greater_than_equal": "nombre trop petit",
    "less_than_equal": "nombre trop grand",
}


def _message(err: dict) -> str:
    kind = err.get("type", "")
    if kind == "value_error":
        # Our own validators already speak French; drop pydantic's prefix.
        return str(err.get("ctx", {}).get("error", err.get("msg", "")))
    text = _PYDANTIC_FR.get(kind, err.get("msg", "valeur non valable"))
    if kind == "literal_error" and "expected" in err.get("ctx", {}):
        text += f" ; valeurs possibles : {err['ctx']['expected']}"
    field = ".".join(str(p) for p in err.get("loc", ()))
    return f"{field} : {text}" if field else text


def _read(path: Path) -> tuple[Any, list[Finding]]:
    shown = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [Finding(shown, 1, 1, f"fichier trop gros ({size} octets)")]
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, [Finding(shown, 1, 1, "le fichier n'est pas en UTF-8",
                              fix="Enregistrez-le en UTF-8 dans votre éditeur.")]
    except OSError as exc:
        return None, [Finding(shown, 1, 1, f"lecture impossible : {exc.strerror or exc}")]
    try:
        data = _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "syntaxe YAML"
        return None, [Finding(shown, line, col, f"YAML mal formé : {problem}",
                              fix="Vérifiez l'indentation et les « : » à cette ligne.")]
    except YAMLError as exc:
        return None, [Finding(shown, 1, 1, f"YAML mal formé : {exc}")]
    return data, []


def load_model(
    path: Path, model: type[M], trees: dict[Path, Any] | None = None
) -> tuple[M | None, list[Finding]]:
    """Read one YAML file into ``model``; return it (or None) and the findings.

    ``trees``, when given, receives the parsed YAML to locate later findings.
    """
    data, findings = _read(path)
    if trees is not None and data is not None:
        trees[path] = data
    if findings:
        return None, findings
    if not isinstance(data, dict):
        message = "le fichier doit contenir des lignes « clé: valeur »"
        return None, [Finding(str(path), 1, 1, message)]
    try:
        return model.model_validate(data), []
    except pydantic.ValidationError as exc:
        out = []
        for err in exc.errors():
            line, col = _locate(data, err.get("loc", ()))
            out.append(Finding(str(path), line, col, _message(err)))
        return None, out


def _yaml_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.y*ml") if p.suffix in (".yaml", ".yml"))


def load_catalogue(folders: Iterable[Path]) -> Catalogue:
    """Load every scenario and persona of these folders; a bad file never stops the others."""
    cat = Catalogue()
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            cat.findings.append(Finding(str(folder), 1, 1, "dossier de scénarios introuvable",
                                        severity="warning"))
            continue
        for path in _yaml_files(folder / "personas"):
            persona, found = load_model(path, Persona, cat.trees)
            cat.findings.extend(found)
            if persona is not None:
                cat.personas[persona.id] = persona
                cat.sources[f"persona:{persona.id}"] = path
        for path in _yaml_files(folder):
            scenario, found = load_model(path, Scenario, cat.trees)
            cat.findings.extend(found)
            if scenario is not None:
                if scenario.id in cat.sources:
                    cat.overridden.setdefault(scenario.id, cat.sources[scenario.id])
                cat.scenarios[scenario.id] = scenario
                cat.sources[scenario.id] = path
    return cat
