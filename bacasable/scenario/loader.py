"""Reading scenario and persona YAML into the schema, with errors located by line and column.

ruamel.yaml is imported only to read: a learner's kernel loads its catalogue in a child process
(:func:`load_catalogue_apart`) and never imports it.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import pydantic

from .flows import expand_flows, file_location
from .schema import Flow, Persona, Scenario

if TYPE_CHECKING:
    from ruamel.yaml import YAML

M = TypeVar("M", Scenario, Persona, Flow)

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
    #: The shared flows (``flows/``), already put in the scenarios that use them.
    flows: dict[str, Flow] = dataclasses.field(default_factory=dict)
    #: Which file each scenario and persona came from (a later folder overrides).
    sources: dict[str, Path] = dataclasses.field(default_factory=dict)
    #: The file a scenario id was first read from, when a later folder overrides it.
    overridden: dict[str, Path] = dataclasses.field(default_factory=dict)
    findings: list[Finding] = dataclasses.field(default_factory=list)
    #: The parsed YAML of each file read, to locate later findings by line and column.
    trees: dict[Path, Any] = dataclasses.field(default_factory=dict, repr=False)
    #: False when the files were read without keeping their trees (a learner's kernel, see
    #: :func:`load_catalogue`): :meth:`locate` then reads the file again.
    keeps_trees: bool = True

    def locate(self, key: str, loc: Sequence[str | int]) -> tuple[str, int, int]:
        """Return the file, line and column of ``loc`` inside the file of scenario ``key``."""
        path = self.sources.get(key)
        if path is None:
            return key, 1, 1
        tree = self.trees.get(path)
        if tree is None and not self.keeps_trees:
            tree, _ = _read(path)
        scenario = self.scenarios.get(key)
        if scenario is not None and scenario.flows and isinstance(tree, dict):
            # A place in the screens once the flows are in: back to the file's own items.
            _data, origin, _problems = expand_flows(tree, self.flows)
            loc = file_location(loc, origin, tree)
        line, col = _locate(tree, loc)
        return str(path), line, col

    @property
    def errors(self) -> list[Finding]:
        """Findings of severity error."""
        return [f for f in self.findings if f.severity == "error"]


class _NotPlain(Exception):
    """YAML that only the round-trip reader reads as the trainer's tools do (tags, merges)."""


@functools.cache
def _plain_composer() -> type:
    from ruamel.yaml.composer import Composer
    from ruamel.yaml.events import AliasEvent

    class PlainComposer(Composer):
        # The round-trip and safe readers build different values for an explicit tag
        # (``!!str x``: a TaggedScalar the schema refuses, or a str) and may merge ``<<``
        # differently: such a file is read the round-trip way, as everywhere else.
        def compose_node(self, parent: Any, index: Any) -> Any:
            event = self.parser.peek_event()
            if not isinstance(event, AliasEvent) and event.ctag is not None:
                raise _NotPlain
            node = super().compose_node(parent, index)
            if node.tag == "tag:yaml.org,2002:merge":
                raise _NotPlain
            return node

    return PlainComposer


def _yaml(typ: Literal["rt", "safe"] = "rt") -> YAML:
    # "rt" keeps every node's line and column; "safe" gives plain dicts and lists, lighter
    # to build and to keep, for a file read only to be validated (no tag, no merge key).
    from ruamel.yaml import YAML

    if typ == "safe":
        yaml = YAML(typ="safe", pure=True)
        yaml.Composer = _plain_composer()
    else:
        yaml = YAML(typ=typ)
    yaml.allow_duplicate_keys = False
    return yaml


def _locate(node: Any, loc: Sequence[str | int]) -> tuple[int, int]:
    """Return the 1-based line and column of the deepest YAML node that ``loc`` reaches."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

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


def _read(path: Path, typ: Literal["rt", "safe"] = "rt") -> tuple[Any, list[Finding]]:
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

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
        data = _yaml(typ).load(text)
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
    path: Path, model: type[M], trees: dict[Path, Any] | None = None,
    flows: Mapping[str, Flow] | None = None,
) -> tuple[M | None, list[Finding]]:
    """Read one YAML file into ``model``; return it (or None) and the findings.

    ``trees``, when given, receives the parsed YAML to locate later findings. ``flows``, for a
    scenario, are the shared flows its ``- flow: id`` screens name.
    """
    data, findings = _read(path)
    if trees is not None and data is not None:
        trees[path] = data
    if findings:
        return None, findings
    if not isinstance(data, dict):
        message = "le fichier doit contenir des lignes « clé: valeur »"
        return None, [Finding(str(path), 1, 1, message)]
    raw, origin = data, []
    if model is Scenario:
        data, origin, problems = expand_flows(raw, flows or {})
        if problems:
            return None, [Finding(str(path), *_locate(raw, loc), message)
                          for loc, message in problems]
    try:
        return model.model_validate(data), []
    except pydantic.ValidationError as exc:
        out = []
        for err in exc.errors():
            loc = file_location(err.get("loc", ()), origin, raw) if data is not raw else err.get(
                "loc", ())
            line, col = _locate(raw, loc)
            out.append(Finding(str(path), line, col, _message(err)))
        return None, out


def _load_light(path: Path, model: type[M], flows: Mapping[str, Flow] | None = None
                ) -> tuple[M | None, list[Finding]]:
    """:func:`load_model` keeping no tree: plain YAML, read again with positions on a problem.

    A valid file gives the same model, its values plain (YAML 1.2 both ways, duplicate keys
    refused both ways); a file with an explicit tag or a merge key, or with any problem, is
    read again as :func:`load_model` reads it, for the same model or the same located findings.
    """
    try:
        data, findings = _read(path, "safe")
    except _NotPlain:
        return load_model(path, model, flows=flows)
    if not findings and isinstance(data, dict):
        problems: list = []
        if model is Scenario:
            data, _origin, problems = expand_flows(data, flows or {})
        if not problems:
            try:
                return model.model_validate(data), []
            except pydantic.ValidationError:
                pass
    del data
    return load_model(path, model, flows=flows)


def _yaml_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.y*ml") if p.suffix in (".yaml", ".yml"))


def load_catalogue(folders: Iterable[Path], *, keep_trees: bool = True,
                   flows: Mapping[str, Flow] | None = None) -> Catalogue:
    """Load every scenario and persona of these folders; a bad file never stops the others.

    Parameters
    ----------
    folders : iterable of Path
        Scenario folders, each with its ``personas/`` and ``flows/`` folders; a later one
        overrides.
    keep_trees : bool, optional
        Keep each file's round-trip YAML tree in :attr:`Catalogue.trees` (default), for the
        trainer's checks and editor. False for a learner's kernel, which only plays the
        exercises: files are read as plain YAML and no tree is kept (a file with a problem
        is read again, to locate its findings; :meth:`Catalogue.locate` reads it again too).
    flows : mapping, optional
        Shared flows known beforehand (the built-in ones, when checking a trainer's folder).
    """
    cat = Catalogue(keeps_trees=keep_trees, flows=dict(flows or {}))

    def load(path: Path, model: type[M]) -> tuple[M | None, list[Finding]]:
        if keep_trees:
            return load_model(path, model, cat.trees, cat.flows)
        return _load_light(path, model, cat.flows)

    folders = [Path(folder) for folder in folders]
    # The shared flows first (a later folder's overrides): the scenarios put them in place.
    for folder in folders:
        for path in _yaml_files(folder / "flows"):
            flow, found = load(path, Flow)
            cat.findings.extend(found)
            if flow is not None:
                cat.flows[flow.id] = flow
                cat.sources[f"flow:{flow.id}"] = path
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            cat.findings.append(Finding(str(folder), 1, 1, "dossier de scénarios introuvable",
                                        severity="warning"))
            continue
        for path in _yaml_files(folder / "personas"):
            persona, found = load(path, Persona)
            cat.findings.extend(found)
            if persona is not None:
                cat.personas[persona.id] = persona
                cat.sources[f"persona:{persona.id}"] = path
        for path in _yaml_files(folder):
            scenario, found = load(path, Scenario)
            cat.findings.extend(found)
            if scenario is not None:
                if scenario.id in cat.sources:
                    cat.overridden.setdefault(scenario.id, cat.sources[scenario.id])
                cat.scenarios[scenario.id] = scenario
                cat.sources[scenario.id] = path
    return cat


#: Run by :func:`load_catalogue_apart`, with the folder holding this package and the scenario
#: folders as arguments: the catalogue's pickle on stdout (anything printed goes to stderr).
_LOAD_CHILD = """\
import pickle, sys
if sys.argv[1] not in sys.path:  # a checkout that is not installed
    sys.path.insert(1, sys.argv[1])
out, sys.stdout = sys.stdout.buffer, sys.stderr
from bacasable.scenario.loader import load_catalogue
out.write(pickle.dumps(load_catalogue(sys.argv[2:], keep_trees=False)))
"""


def load_catalogue_apart(folders: Iterable[Path], timeout: float = 300) -> Catalogue:
    """Load the catalogue as ``load_catalogue(folders, keep_trees=False)``, in a child process.

    For a learner's kernel, which keeps its memory for its whole life: ruamel.yaml (about
    1.5 MB once imported) and the peak of reading the files (their node trees, another 1 MB or
    so that the process keeps) stay in the child, which exits. Back come the validated models,
    pickled, as the child loaded them. It takes a few tenths of a second more than loading
    here (the child starts Python and imports the schema); a preheated kernel does it before
    its page is asked for.

    Parameters
    ----------
    folders : iterable of Path
        As for :func:`load_catalogue`.
    timeout : float, optional
        Seconds before the child is given up.

    Returns
    -------
    Catalogue
        With ``keeps_trees`` False.

    Raises
    ------
    subprocess.SubprocessError, pickle.UnpicklingError, TypeError
        When the child fails, is given up, or sends something else than a catalogue: the
        caller may then load the folders itself.
    """
    import pickle
    import subprocess
    import sys

    root = str(Path(__file__).resolve().parents[2])
    done = subprocess.run([sys.executable, "-c", _LOAD_CHILD, root, *map(str, folders)],
                          capture_output=True, timeout=timeout, check=False)
    if done.returncode != 0:
        tail = done.stderr.decode("utf-8", "replace")[-2000:]
        raise subprocess.CalledProcessError(done.returncode, "load_catalogue", stderr=tail)
    cat = pickle.loads(done.stdout)  # our own child's output
    if not isinstance(cat, Catalogue):
        raise TypeError(f"the child sent a {type(cat).__name__}, not a catalogue")
    return cat
