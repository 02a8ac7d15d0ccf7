"""Scenario files for trainers: the JSON Schema, a variant copied from a scenario, and bundles.

A bundle is one YAML file that holds a scenario and its personas, to share them::

    bacasable_bundle: 1
    scenario: {id: …, title: …, screens: […]}
    personas: [{id: …}, …]

Every file is read and written with ruamel's round trip, so the comments, the order of the keys
and the layout of the texts are kept.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pydantic
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from bacasable.common.config import BUILTIN_SCENARIOS, BacasableConfig
from bacasable.scenario.loader import Catalogue, Finding, _message
from bacasable.scenario.schema import Flow, Identifier, Persona, Scenario

__all__ = [
    "BUNDLE_VERSION",
    "SCHEMA_DIR",
    "ScenarioFileError",
    "copy_variant",
    "export_bundle",
    "import_bundle",
    "schema_text",
    "target_folder",
]

#: The folder of the committed JSON Schemas, beside the built-in scenarios.
SCHEMA_DIR = BUILTIN_SCENARIOS / "schema"
SCHEMA_FILES = {Scenario: "scenario.schema.json", Persona: "persona.schema.json",
                Flow: "flow.schema.json"}
#: The version of the bundle format.
BUNDLE_VERSION = 1
MODELINE = "# yaml-language-server: $schema="


class ScenarioFileError(Exception):
    """A scenario file operation refused, with the reason in plain French."""


def schema_text(model: type[Scenario] | type[Persona] | type[Flow]) -> str:
    """Return the JSON Schema of ``model`` as committed in ``scenarios/schema/``."""
    return json.dumps(model.model_json_schema(), ensure_ascii=False, indent=2) + "\n"


def target_folder(settings: BacasableConfig) -> Path:
    """Return where new and changed files go; never the shipped ``scenarios/``.

    The first ``BACASABLE_SCENARIOS`` folder (a network's shared one), else the trainers' own.
    """
    if settings.scenario_dirs:
        return Path(settings.scenario_dirs[0]).expanduser()
    return Path(settings.trainer_dir).expanduser()


def _null(representer: Any, _data: None) -> Any:
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long line the trainer wrote on one line
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.add_representer(type(None), _null)
    return yaml


def _plain(data: Any) -> Any:
    """Return ``data`` as plain dicts and lists, to compare two readings of the same YAML."""
    if isinstance(data, dict):
        return {k: _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return data


def _without_modeline(text: str) -> str:
    lines = text.splitlines(keepends=True)
    return "".join(lines[1:] if lines and lines[0].startswith(MODELINE) else lines)


def _indented(text: str, prefix: str) -> str:
    return "".join(prefix + line if line.strip() else line
                   for line in text.splitlines(keepends=True))


def _dump(data: Any) -> str:
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


def _modeline(path: Path, model: type[Scenario] | type[Persona]) -> str:
    schema = SCHEMA_DIR / SCHEMA_FILES[model]
    try:
        rel = os.path.relpath(schema, path.parent.resolve())
    except ValueError:  # another drive on Windows
        rel = schema.as_uri()
    return MODELINE + Path(rel).as_posix()


def _with_modeline(text: str, path: Path, model: type[Scenario] | type[Persona]) -> str:
    """Put the YAML editor's schema line first, pointing at the schema from ``path``."""
    lines = text.splitlines(keepends=True)
    if lines and lines[0].startswith(MODELINE):
        lines = lines[1:]
    return _modeline(path, model) + "\n" + "".join(lines)


def _write(path: Path, text: str) -> None:
    """Write through a temporary file in the same folder, then replace: never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        # mkstemp makes the file private; give it the mode of the file replaced, or rw-r--r--.
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _load_tree(path: Path) -> Any:
    try:
        return _yaml().load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YAMLError) as exc:
        raise ScenarioFileError(f"Lecture impossible de {path} : {exc}") from exc


def _check_id(new_id: str) -> None:
    try:
        pydantic.TypeAdapter(Identifier).validate_python(new_id)
    except pydantic.ValidationError:
        raise ScenarioFileError(
            f"Identifiant non valable : « {new_id} ». Utilisez des minuscules, des chiffres, "
            "« - » et « _ », sans espace ni accent (par exemple caf-prime-activite-2)."
        ) from None


# --- a variant ------------------------------------------------------------------------------


def copy_variant(cat: Catalogue, source_id: str, new_id: str, folder: Path) -> Path:
    """Copy scenario ``source_id`` as ``new_id`` into ``folder``; return the file written.

    Comments, the order of keys and the layout are kept; only ``id`` and ``title`` change
    (the title gets « (variante) »). Never overwrites a file, nor reuses a known id.
    """
    _check_id(new_id)
    source = cat.sources.get(source_id)
    if source_id not in cat.scenarios or source is None:
        known = ", ".join(sorted(cat.scenarios)) or "aucun"
        raise ScenarioFileError(f"Scénario inconnu : {source_id}. Scénarios : {known}.")
    if new_id in cat.scenarios:
        raise ScenarioFileError(
            f"Le scénario « {new_id} » existe déjà ({cat.sources.get(new_id)}). "
            "Choisissez un autre identifiant."
        )
    target = Path(folder) / f"{new_id}.yaml"
    if target.exists():
        raise ScenarioFileError(f"Le fichier {target} existe déjà : il n'est pas remplacé.")
    tree = _load_tree(source)
    tree["id"] = new_id
    tree["title"] = f"{tree['title']} (variante)"
    Scenario.model_validate(tree)  # the copy must stay valid (the title may become too long)
    _write(target, _with_modeline(_dump(tree), target, Scenario))
    return target


# --- bundles --------------------------------------------------------------------------------


def _strip_modeline(tree: Any) -> Any:
    """Drop the YAML editor's schema line from a file's first comment (not needed in a bundle)."""
    comment = getattr(tree, "ca", None)
    if comment is not None and comment.comment and comment.comment[1]:
        kept = [c for c in comment.comment[1] if not c.value.startswith(MODELINE)]
        comment.comment[1] = kept
    return tree


def export_bundle(cat: Catalogue, scenario_id: str) -> str:
    """Return the YAML bundle of scenario ``scenario_id`` with every persona it names.

    Each file is copied as it is written, comments included, indented under its key.
    """
    source = cat.sources.get(scenario_id)
    if scenario_id not in cat.scenarios or source is None:
        known = ", ".join(sorted(cat.scenarios)) or "aucun"
        raise ScenarioFileError(f"Scénario inconnu : {scenario_id}. Scénarios : {known}.")
    paths = []
    for persona_id in cat.scenarios[scenario_id].personas:
        path = cat.sources.get(f"persona:{persona_id}")
        if path is None:
            raise ScenarioFileError(
                f"Le persona « {persona_id} » du scénario est introuvable : "
                "ajoutez son fichier dans personas/ avant d'exporter."
            )
        paths.append(path)
    texts = [_without_modeline(p.read_text(encoding="utf-8")) for p in (source, *paths)]
    parts = [
        f"# Scénario « {scenario_id} » et ses personas, à importer avec :\n",
        "#   bacasable import FICHIER\n",
        f"bacasable_bundle: {BUNDLE_VERSION}\n",
        "scenario:\n",
        _indented(texts[0], "  ").rstrip("\n") + "\n",
        "personas:\n",
    ]
    for text in texts[1:]:
        parts += ["  -\n", _indented(text, "    ").rstrip("\n") + "\n"]
    bundle = "".join(parts)
    # The copy must read back as the same data (an unusual layout could break the indenting).
    data = _yaml().load(bundle)
    originals = [_yaml().load(t) for t in texts]
    if _plain(data["scenario"]) != _plain(originals[0]) or _plain(data["personas"]) != _plain(
        originals[1:]
    ):
        bundle = parts[0] + parts[1] + _dump({
            "bacasable_bundle": BUNDLE_VERSION,
            "scenario": originals[0],
            "personas": originals[1:],
        })
    return bundle


def _sections(text: str) -> tuple[str | None, list[str]]:
    """Cut a bundle as :func:`export_bundle` writes it into the scenario text and persona texts."""
    lines = text.splitlines(keepends=True)
    scenario: list[str] | None = None
    personas: list[list[str]] = []
    where = None
    for line in lines:
        if line[:1].isalpha():
            where = line.split(":", 1)[0]
            if where == "scenario":
                scenario = []
            continue
        if where == "scenario" and scenario is not None:
            scenario.append(line[2:] if line.startswith("  ") else line.lstrip(" "))
        elif where == "personas":
            if line.rstrip() == "  -":
                personas.append([])
            elif personas:
                personas[-1].append(line[4:] if line.startswith("    ") else line.lstrip(" "))
    return ("".join(scenario) if scenario is not None else None), ["".join(p) for p in personas]


def _file_text(section: str | None, tree: Any) -> str:
    """Return the text of one file of the bundle: its own lines when they read back the same."""
    if section is not None:
        try:
            if _plain(_yaml().load(section)) == _plain(tree):
                return section
        except YAMLError:
            pass
    return _dump(_strip_modeline(tree))


def _bundle_findings(path: Path, data: Any) -> list[Finding]:
    shown = str(path)
    if not isinstance(data, dict) or data.get("bacasable_bundle") != BUNDLE_VERSION:
        return [Finding(shown, 1, 1, "ce fichier n'est pas un paquet de scénario",
                        fix="Utilisez un fichier écrit par « bacasable export ».")]
    extra = set(data) - {"bacasable_bundle", "scenario", "personas"}
    if extra:
        return [Finding(shown, 1, 1, f"clé inconnue : {', '.join(sorted(map(str, extra)))}")]
    if not isinstance(data.get("personas", []), list):
        return [Finding(shown, 1, 1, "personas : il faut une liste")]
    return []


def _located(path: Path, data: Any, prefix: tuple, exc: pydantic.ValidationError) -> list[Finding]:
    from bacasable.scenario.loader import _locate

    out = []
    for err in exc.errors():
        loc = (*prefix, *err.get("loc", ()))
        line, col = _locate(data, loc)
        out.append(Finding(str(path), line, col, _message({**err, "loc": loc})))
    return out


def import_bundle(
    path: Path, folder: Path, known: Catalogue, *, force: bool = False
) -> list[Path]:
    """Check the bundle at ``path`` entirely, then write its files into ``folder``.

    Nothing is written when anything is wrong: the findings are raised in the
    :class:`ScenarioFileError` message. Existing files are only replaced with ``force``.
    """
    from .checks import check_catalogue
    from .lint import lint_catalogue

    path, folder = Path(path), Path(folder)
    data = _load_tree(path)
    findings = _bundle_findings(path, data)
    scenario = None
    personas: list[tuple[Persona, Any]] = []
    if not findings:
        try:
            scenario = Scenario.model_validate(data.get("scenario"))
        except pydantic.ValidationError as exc:
            findings += _located(path, data, ("scenario",), exc)
        for i, tree in enumerate(data.get("personas") or []):
            try:
                personas.append((Persona.model_validate(tree), tree))
            except pydantic.ValidationError as exc:
                findings += _located(path, data, ("personas", i), exc)
    if scenario is not None and not findings:
        cat = Catalogue(personas=dict(known.personas))
        cat.personas.update({p.id: p for p, _ in personas})
        cat.scenarios[scenario.id] = scenario
        cat.sources[scenario.id] = path
        # Locations inside the bundle: the scenario sits under the « scenario » key.
        cat.trees[path] = data["scenario"]
        findings += [f for f in check_catalogue(cat, known) + lint_catalogue(cat)
                     if f.severity == "error"]
    if findings:
        raise ScenarioFileError("\n".join(str(f) for f in findings))
    assert scenario is not None
    scenario_text, persona_texts = _sections(path.read_text(encoding="utf-8"))
    if len(persona_texts) != len(personas):
        persona_texts = [None] * len(personas)
    target = folder / f"{scenario.id}.yaml"
    files = [(target, _with_modeline(_file_text(scenario_text, data["scenario"]), target,
                                     Scenario))]
    for (persona, tree), text in zip(personas, persona_texts, strict=True):
        target = folder / "personas" / f"{persona.id}.yaml"
        files.append((target, _with_modeline(_file_text(text, tree), target, Persona)))
    existing = [str(p) for p, _ in files if p.exists()]
    if existing and not force:
        raise ScenarioFileError(
            "Ces fichiers existent déjà : " + ", ".join(existing)
            + ". Rien n'a été écrit. Ajoutez --force pour les remplacer."
        )
    for target, text in files:
        _write(target, text)
    return [p for p, _ in files]


def write_schemas(folder: Path = SCHEMA_DIR) -> Iterable[Path]:
    """Write the JSON Schemas into ``folder`` (what is committed in scenarios/schema/)."""
    out = []
    for model, name in SCHEMA_FILES.items():
        target = Path(folder) / name
        _write(target, schema_text(model))
        out.append(target)
    return out
