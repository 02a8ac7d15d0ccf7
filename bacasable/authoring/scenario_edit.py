"""Editing the texts of one scenario file, for trainers, without damaging the file.

The file is read and written with ruamel's round trip (the helpers of
:mod:`bacasable.authoring.files`): comments, the order of the keys and the layout of the texts
are kept, so that editing one hint changes one line of the file. A save is refused, with the
reasons in plain French, when the edited text would not load; nothing on disk is touched then::

    doc = ScenarioDocument.open(path)
    doc.set_text(("screens", 0, "fields", 0, "hints", 0), "Regardez la fiche du personnage.")
    doc.save()
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pydantic
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)

from bacasable.scenario.flows import expand_flows
from bacasable.scenario.loader import Catalogue, Finding, load_model
from bacasable.scenario.schema import Flow, Scenario

from .diagnostic_edit import diagnostic_texts_to_edit
from .files import (
    ScenarioFileError,
    _check_id,
    _dump,
    _load_tree,
    _plain,
    _with_modeline,
    _write,
    _yaml,
)
from .form_labels import (
    FIELD_TEXT_LABELS,
    SCREEN_TEXT_LABELS,
    WALKTHROUGH_LABELS,
    body_label,
    error_label,
    hint_label,
    option_label,
)
from .persona_hints_edit import (
    KEY,
    drop_persona_hint,
    persona_hint_items,
    persona_hints_map,
)

__all__ = [
    "OPTIONAL_TEXTS",
    "ScenarioDocument",
    "ScenarioFileError",
    "editable_texts",
]

#: Keys of texts that may be left out: an empty value removes the key.
OPTIONAL_TEXTS = frozenset({"intro", "help", "callout", "notes", "common_error", "statement"})

Path_ = tuple[str | int, ...]


def _scalar_like(old: Any, value: str) -> Any:
    """Return ``value`` written in the style of ``old`` (folded, literal, quoted or plain)."""
    for style in (FoldedScalarString, LiteralScalarString, DoubleQuotedScalarString,
                  SingleQuotedScalarString):
        if isinstance(old, style):
            return style(value)
    return value


def _describe(path: Path_) -> str:
    return ".".join(str(p) for p in path)


@dataclasses.dataclass
class ScenarioDocument:
    """One scenario file opened for editing (ruamel round trip).

    Attributes
    ----------
    path : Path
        The file edited.
    tree : CommentedMap
        The YAML read, edited in place.
    original : str
        The text of the file when opened (or last saved).
    flows : dict
        The shared flows its ``- flow: id`` screens may name (those of the catalogue).
    """

    path: Path
    tree: Any
    original: str
    flows: dict[str, Flow] = dataclasses.field(default_factory=dict)

    @classmethod
    def open(cls, path: Path | str, flows: dict[str, Flow] | None = None) -> ScenarioDocument:
        """Read the scenario file at ``path`` (``flows``: the shared flows it may name)."""
        path = Path(path)
        tree = _load_tree(path)
        if not isinstance(tree, CommentedMap):
            raise ScenarioFileError(f"{path} n'est pas un fichier de scénario.")
        return cls(path, tree, path.read_text(encoding="utf-8"), dict(flows or {}))

    # --- reading and editing -----------------------------------------------------------------

    def get_text(self, path: Sequence[str | int]) -> str:
        """Return the text at ``path`` (``""`` when it is not written)."""
        node: Any = self.tree
        for key in path:
            try:
                node = node[key]
            except (KeyError, IndexError, TypeError):
                return ""
        return "" if node is None else str(node)

    def set_text(self, path: Sequence[str | int], value: str) -> None:
        """Write ``value`` at ``path``, keeping the text's style.

        An empty value removes an optional text (``help``, ``intro``, notes…) or a hint; a
        missing ``walkthrough`` is created. Required texts left empty are written empty: the
        check (:meth:`findings`) then refuses them.
        """
        path = tuple(path)
        if not path:
            raise ScenarioFileError("Aucun texte choisi.")
        value = value.replace("\r\n", "\n").strip() if isinstance(value, str) else ""
        own = len(path) == 7 and path[2] == "fields" and path[4] == KEY  # a persona's hint
        if own and value:
            try:
                field = self.tree["screens"][path[1]]["fields"][path[3]]
            except (KeyError, IndexError, TypeError):
                field = None  # no such field: the walk below says so in French
            if isinstance(field, CommentedMap):
                persona_hints_map(field)  # written right after the common hints
        node: Any = self.tree
        for depth, key in enumerate(path[:-1]):
            try:
                node = node[key]
            except KeyError:
                if value == "" or not isinstance(node, CommentedMap):
                    return
                node[key] = CommentedSeq() if isinstance(path[depth + 1], int) else CommentedMap()
                node = node[key]
            except (IndexError, TypeError):
                raise ScenarioFileError(
                    f"Ce texte n'existe pas dans le scénario : {_describe(path)}."
                ) from None
        last = path[-1]
        if isinstance(node, CommentedSeq) and isinstance(last, int):
            if last == len(node):
                if value:
                    node.append(value)
                return
            if not 0 <= last < len(node):
                raise ScenarioFileError(f"Ce texte n'existe pas : {_describe(path)}.")
            if value == "" and own:  # no hint left: the persona gets the common hints again
                drop_persona_hint(self.tree["screens"][path[1]]["fields"][path[3]], path[5], last)
                return
            if value == "" and path[-2:-1] == ("hints",):
                del node[last]
                return
            node[last] = _scalar_like(node[last], value)
            return
        if not isinstance(node, CommentedMap) or isinstance(last, int):
            raise ScenarioFileError(f"Ce texte n'existe pas : {_describe(path)}.")
        if value == "" and last in OPTIONAL_TEXTS:
            node.pop(last, None)
            return
        node[last] = _scalar_like(node.get(last), value)

    def dumps(self) -> str:
        """Return the edited file's text."""
        return _dump(self.tree)

    @property
    def changed(self) -> bool:
        """The text differs from the file as opened (or last saved)."""
        return self.dumps() != self.original

    def scenario(self) -> Scenario | None:
        """Return the edited scenario (its shared flows in place), or None when it is broken."""
        data, _origin, problems = expand_flows(_plain(self.tree), self.flows)
        if problems:
            return None
        try:
            return Scenario.model_validate(data)
        except pydantic.ValidationError:
            return None

    def screen_index(self, tree_index: int) -> int:
        """Return the index in :meth:`scenario`'s screens of the file's screen ``tree_index``.

        A shared flow (``- flow: id``) is one item in the file and its screens in the
        scenario: its index is that of its first screen.
        """
        index = 0
        for item in (self.tree.get("screens") or [])[:tree_index]:
            flow = self.flows.get(str(item.get("flow"))) if isinstance(item, dict) else None
            index += len(flow.screens) if flow is not None else 1
        return index

    # --- checking -----------------------------------------------------------------------------

    def findings(self, known: Catalogue | None = None) -> list[Finding]:
        """Check the edited text as ``bacasable validate`` does: schema, checks and lint.

        The findings name the file edited, with the line numbers of :meth:`dumps`.
        """
        from .checks import check_catalogue
        from .lint import lint_catalogue

        text = self.dumps()
        with tempfile.TemporaryDirectory(prefix="bacasable-edit-") as folder:
            tmp = Path(folder) / self.path.name
            tmp.write_text(text, encoding="utf-8")
            cat = Catalogue(personas=dict(known.personas) if known else {},
                            flows=dict(self.flows))
            scenario, found = load_model(tmp, Scenario, cat.trees, cat.flows)
            if scenario is not None:
                cat.scenarios[scenario.id] = scenario
                cat.sources[scenario.id] = tmp
                found = check_catalogue(cat, known) + lint_catalogue(cat)
        shown = str(self.path)
        return [dataclasses.replace(f, path=shown) if f.path == str(tmp) else f for f in found]

    # --- saving -------------------------------------------------------------------------------

    def save(self, known: Catalogue | None = None, into: Path | None = None) -> Path:
        """Write the edited text back to the file; refuse, changing nothing, when it is broken.

        The text goes to a temporary file in the same folder, which is loaded with the schema
        before it replaces the file (:func:`os.replace`). A file changed by someone else since
        it was opened is not replaced. With ``into`` (another folder: the trainers' own, for a
        shipped scenario), the file of the same name is written there and the opened one is
        left as it is: the local one replaces it in the catalogue. The document then follows
        the new file.
        """
        if into is not None and Path(into).resolve() != self.path.parent.resolve():
            target = Path(into) / self.path.name
            self._check_unchanged()
            errors = [f for f in self.findings(known) if f.severity == "error"]
            if errors:
                raise ScenarioFileError(_refusal(errors))
            # findings() loaded the text with the schema: it is valid.
            text = _with_modeline(self.dumps(), target, Scenario)
            _write(target, text)
            self.path, self.tree = target, _yaml().load(text)
            self.original = target.read_text(encoding="utf-8")
            return target
        text = self.dumps()
        self._check_unchanged()
        errors = [f for f in self.findings(known) if f.severity == "error"]
        if errors:
            raise ScenarioFileError(_refusal(errors))
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.",
                                   suffix=".tmp")
        tmp_path = Path(tmp)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
                out.write(text)
            scenario, found = load_model(tmp_path, Scenario, flows=self.flows)
            if scenario is None:
                raise ScenarioFileError(_refusal(found))
            mode = self.path.stat().st_mode & 0o777 if self.path.exists() else 0o644
            os.chmod(tmp_path, mode)
            os.replace(tmp_path, self.path)
        except BaseException:
            tmp_path.unlink(missing_ok=True)
            raise
        self.original = text
        return self.path

    def _check_unchanged(self) -> None:
        try:
            on_disk = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            on_disk = None
        if on_disk != self.original:
            raise ScenarioFileError(
                "Rien n'a été enregistré : le fichier a été modifié ailleurs depuis son "
                "ouverture. Rouvrez le scénario, puis refaites vos modifications."
            )

    def save_variant(self, new_id: str, folder: Path, known: Catalogue) -> Path:
        """Write the edited text as a new scenario ``new_id`` in ``folder``; return the file.

        As :func:`bacasable.authoring.files.copy_variant`: never overwrites a file nor reuses a
        known id; the title gets « (variante) ». The file opened is left as it is.
        """
        _check_id(new_id)
        if new_id in known.scenarios:
            raise ScenarioFileError(
                f"Le scénario « {new_id} » existe déjà. Choisissez un autre identifiant."
            )
        target = Path(folder) / f"{new_id}.yaml"
        if target.exists():
            raise ScenarioFileError(f"Le fichier {target} existe déjà : il n'est pas remplacé.")
        errors = [f for f in self.findings(known) if f.severity == "error"]
        if errors:
            raise ScenarioFileError(_refusal(errors))
        tree = _yaml().load(self.dumps())
        tree["id"] = new_id
        tree["title"] = f"{tree['title']} (variante)"
        try:
            Scenario.model_validate(expand_flows(_plain(tree), self.flows)[0])
        except pydantic.ValidationError:
            raise ScenarioFileError(
                "La variante ne serait pas valable (le titre devient-il trop long ?)."
            ) from None
        _write(target, _with_modeline(_dump(tree), target, Scenario))
        return target


def _refusal(findings: list[Finding]) -> str:
    lines = ["Rien n'a été enregistré : le scénario modifié ne peut pas être chargé."]
    lines += [f"Ligne {f.line} : {f.message}" + (f" ({f.fix})" if f.fix else "")
              for f in findings]
    return "\n".join(lines)


def editable_texts(doc: ScenarioDocument, screen_index: int,
                   titles: Mapping[str, str] | None = None,
                   first_names: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """Return the texts of one screen for the form, in reading order.

    Each item has ``path`` (a list for :meth:`ScenarioDocument.set_text`), ``label`` (in
    plain French, never a key of the file: :mod:`bacasable.authoring.form_labels`), ``value``,
    ``group`` (``"screen"`` or the field's id), ``group_label`` and ``multiline``. ``titles``
    (scenario id → title) names the exercises a diagnostic advises. A field's common hints are
    followed by each persona's own (:func:`~.persona_hints_edit.persona_hint_items`: they
    have ``persona``), named with ``first_names`` (persona id → first name).
    """
    screens = doc.tree.get("screens") or []
    if not 0 <= screen_index < len(screens) or "flow" in screens[screen_index]:
        return []  # a shared flow is edited in its own file (scenarios/flows/)
    screen = screens[screen_index]
    base: Path_ = ("screens", screen_index)
    out: list[dict[str, Any]] = []

    def add(path: Path_, label: str, group: str, group_label: str, multiline: bool) -> None:
        out.append({"path": list(path), "label": label, "value": doc.get_text(path),
                    "group": group, "group_label": group_label, "multiline": multiline})

    group_label = f"Écran « {screen.get('title', screen.get('id'))} »"
    add((*base, "title"), SCREEN_TEXT_LABELS["title"], "screen", group_label, False)
    add((*base, "intro"), SCREEN_TEXT_LABELS["intro"], "screen", group_label, True)
    for j in range(len(screen.get("body") or [])):
        add((*base, "body", j), body_label(j + 1), "screen", group_label, True)
    add((*base, "continue_label"), SCREEN_TEXT_LABELS["continue_label"], "screen", group_label,
        False)
    for key, label in WALKTHROUGH_LABELS.items():
        add((*base, "walkthrough", key), label, "screen", group_label, True)
    for i, field in enumerate(screen.get("fields") or []):
        fbase: Path_ = (*base, "fields", i)
        fid = str(field.get("id"))
        flabel = f"Champ « {field.get('label', fid)} »"
        add((*fbase, "label"), FIELD_TEXT_LABELS["label"], fid, flabel, False)
        add((*fbase, "help"), FIELD_TEXT_LABELS["help"], fid, flabel, True)
        for k in range(len(field.get("options") or [])):
            add((*fbase, "options", k, "label"), option_label(k + 1), fid, flabel, False)
        if "statement" in field:
            add((*fbase, "statement"), FIELD_TEXT_LABELS["statement"], fid, flabel, True)
        for kind in (field.get("errors") or {}):
            add((*fbase, "errors", kind), error_label(kind), fid, flabel, True)
        hints = field.get("hints") or []
        for j in range(min(len(hints) + 1, 4)):
            add((*fbase, "hints", j), hint_label(j + 1, new=j == len(hints)), fid, flabel, True)
        out += [{**item, "group": fid, "group_label": flabel}
                for item in persona_hint_items(doc, fbase, field, first_names)]
        for key, label in WALKTHROUGH_LABELS.items():
            add((*fbase, "walkthrough", key), label, fid, flabel, True)
    for path, label, group, glabel in diagnostic_texts_to_edit(doc.tree, screen, titles):
        add(path, label, group, glabel, False)  # a diagnostic's result: the reasons, by level
    return out
