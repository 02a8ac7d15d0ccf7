"""A field's hints for one persona (``hints_by_persona``), in the scenario editor's form.

A persona may get its own list of hints for a field, instead of the common ones
(:mod:`bacasable.scenario.persona_hints`). The form shows, under each field's common hints, one
folded part a persona of the scenario: its own hint boxes, or a button that gives it its own
hints, starting from a copy of the common ones. Removing all of a persona's hints removes its key
from the file: the persona then gets the common hints again::

    start_persona_hints(doc, 0, 0, "karim")      # a copy of the common hints
    doc.set_text(("screens", 0, "fields", 0, "hints_by_persona", "karim", 1), "…")
    remove_persona_hints(doc, 0, 0, "karim")     # back to the common hints
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .files import ScenarioFileError
from .form_labels import PERSONA_HINT_TEXTS, persona_hint_label

__all__ = [
    "MAX_PERSONA_HINTS",
    "drop_persona_hint",
    "forget_empty_persona_hints",
    "persona_hint_items",
    "persona_hint_parts",
    "persona_hints_map",
    "remove_persona_hints",
    "start_persona_hints",
]

#: A persona has one to four hints of its own (the schema's limits).
MAX_PERSONA_HINTS = 4
KEY = "hints_by_persona"


def _personas(tree: Any) -> list[str]:
    return [str(p) for p in (tree.get("personas") or [])]


def _field(doc: Any, screen: int, field: int) -> CommentedMap:
    try:
        node = doc.tree["screens"][screen]["fields"][field]
    except (KeyError, IndexError, TypeError):
        node = None
    if not isinstance(node, CommentedMap):
        raise ScenarioFileError("Ce champ n'existe pas sur cet écran.")
    return node


def _name(persona_id: str, first_names: Mapping[str, str] | None) -> str:
    return (first_names or {}).get(persona_id) or persona_id


def persona_hint_items(doc: Any, base: Sequence[str | int], field: Any,
                       first_names: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """Return the hint boxes of each persona of the scenario for the field at ``base``.

    Each item is as :func:`~bacasable.authoring.scenario_edit.editable_texts` gives them,
    with ``persona`` (its id) and ``remove`` (the name of the button that removes it; "" for
    the empty box of a new hint). A persona without hints of its own has boxes only when the
    field has no common hints to copy: the first box then starts its list.
    """
    out: list[dict[str, Any]] = []
    own_all = field.get(KEY) if isinstance(field.get(KEY), dict) else {}
    for persona_id in _personas(doc.tree):
        name = _name(persona_id, first_names)
        own = own_all.get(persona_id) or []
        if not own and field.get("hints"):
            continue  # the part offers a copy of the common hints instead
        for j in range(min(len(own) + 1, MAX_PERSONA_HINTS)):
            path = [*base, KEY, persona_id, j]
            new = j == len(own)
            out.append({"path": path, "label": persona_hint_label(j + 1, name, new=new),
                        "value": doc.get_text(path), "multiline": True, "persona": persona_id,
                        "remove": "" if new else PERSONA_HINT_TEXTS["remove_one"].format(
                            number=j + 1, name=name)})
    return out


def persona_hint_parts(doc: Any, screen: int,
                       first_names: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """Return the folded parts of the form, a field and a persona of the scenario each.

    Each part: ``group`` (the field's id), ``field`` (its index), ``persona``, ``title``,
    ``own`` (the persona has hints of its own), ``note`` (what the persona sees now), ``add``
    (the button that gives it a copy of the common hints; "" when there are none to copy) and
    ``remove`` (the button that takes its own hints away).
    """
    screens = doc.tree.get("screens") or []
    if not 0 <= screen < len(screens) or "flow" in screens[screen]:
        return []
    out: list[dict[str, Any]] = []
    for i, field in enumerate(screens[screen].get("fields") or []):
        own_all = field.get(KEY) if isinstance(field.get(KEY), dict) else {}
        for persona_id in _personas(doc.tree):
            name = _name(persona_id, first_names)
            own = bool(own_all.get(persona_id))
            out.append({
                "group": str(field.get("id")), "field": i, "persona": persona_id,
                "title": PERSONA_HINT_TEXTS["title"].format(name=name), "own": own,
                "note": PERSONA_HINT_TEXTS["own" if own else "common"].format(name=name),
                "add": "" if own or not field.get("hints")
                else PERSONA_HINT_TEXTS["add"].format(name=name),
                "remove": PERSONA_HINT_TEXTS["remove_all"].format(name=name) if own else "",
            })
    return out


def start_persona_hints(doc: Any, screen: int, field: int, persona_id: str) -> None:
    """Give ``persona_id`` its own hints for a field: a copy of the common ones.

    The ``hints_by_persona`` key is written right after ``hints``. Nothing changes when the
    persona already has hints of its own.
    """
    node = _field(doc, screen, field)
    if persona_id not in _personas(doc.tree):
        raise ScenarioFileError(f"Ce personnage ne joue pas ce scénario : « {persona_id} ».")
    common = [str(h) for h in (node.get("hints") or [])][:MAX_PERSONA_HINTS]
    if not common:
        raise ScenarioFileError("Ce champ n'a pas d'indice commun à recopier.")
    own = persona_hints_map(node)
    if own.get(persona_id):
        return
    hints = CommentedSeq()
    hints.extend(node["hints"][:MAX_PERSONA_HINTS])  # the same texts, in the same style
    own[persona_id] = hints
    if list(node).index(KEY) == list(node).index("hints") + 1 and list(own)[-1] == persona_id:
        _give_comment(_take_comment(node["hints"]), hints)  # the comment before the next key


def _take_comment(seq: Any) -> Any:
    """Take away the comment written after the last item of ``seq`` (None if there is none)."""
    if not isinstance(seq, CommentedSeq) or not seq:
        return None
    entry = seq.ca.items.pop(len(seq) - 1, None)
    return entry[0] if entry else None


def _give_comment(token: Any, seq: Any) -> None:
    """Write ``token`` (a comment) after the last item of ``seq``."""
    if token is not None and isinstance(seq, CommentedSeq) and seq:
        seq.ca.items.setdefault(len(seq) - 1, [None, None, None, None])[0] = token


def drop_persona_hint(field: Any, persona_id: str, index: int) -> None:
    """Remove hint ``index`` of ``persona_id``; its key too when it was the last one.

    The comment written after the list (before the field's next key) is kept: it moves to the
    item, the list or the common hints now before that key.
    """
    own = field[KEY]
    hints = own[persona_id]
    token = _take_comment(hints) if index == len(hints) - 1 else None
    del hints[index]
    if hints:
        _give_comment(token, hints)
        return
    _drop_list(field, persona_id, token)


def _drop_list(field: Any, persona_id: str, token: Any) -> None:
    own = field[KEY]
    names = list(own)
    before = own[names[names.index(persona_id) - 1]] if names.index(persona_id) else None
    del own[persona_id]
    keys = list(field)
    if before is None and not own and keys.index(KEY) and keys[keys.index(KEY) - 1] == "hints":
        before = field["hints"]
    if names[-1] == persona_id:
        _give_comment(token, before)
    forget_empty_persona_hints(field)


def persona_hints_map(field: CommentedMap) -> CommentedMap:
    """Return the field's ``hints_by_persona``, made right after its ``hints`` if missing."""
    own = field.get(KEY)
    if not isinstance(own, CommentedMap):
        own = CommentedMap()
        keys = list(field)
        at = keys.index("hints") + 1 if "hints" in keys else len(keys)
        field.insert(at, KEY, own)
    return own


def remove_persona_hints(doc: Any, screen: int, field: int, persona_id: str) -> None:
    """Take away ``persona_id``'s own hints for a field: it gets the common ones again."""
    node = _field(doc, screen, field)
    own = node.get(KEY)
    if isinstance(own, dict) and persona_id in own:
        _drop_list(node, persona_id, _take_comment(own[persona_id]))
    forget_empty_persona_hints(node)


def forget_empty_persona_hints(field: Any) -> None:
    """Remove the empty lists of ``hints_by_persona``, and the key itself once empty."""
    own = field.get(KEY) if isinstance(field, dict) else None
    if not isinstance(own, dict):
        return
    for persona_id in [p for p, hints in own.items() if not hints]:
        del own[persona_id]
    if not own:
        del field[KEY]
