"""The structure of a scenario document: adding, removing and moving its fields and screens.

Each change is made on the round-trip tree of a
:class:`~bacasable.authoring.scenario_edit.ScenarioDocument` and checked before it is kept;
the messages are in plain French.
"""

from __future__ import annotations

from typing import Any, get_args

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from bacasable.common import slugs
from bacasable.scenario.schema import CHOICE_KINDS, FieldKind

from .files import (
    ScenarioFileError,
)
from .scenario_edit import ScenarioDocument

__all__ = [
    "FIELD_KIND_NAMES",
    "add_field",
    "add_screen",
    "field_list",
    "move_field",
    "move_screen",
    "remove_field",
    "remove_screen",
]

#: The kinds of field, with their names in plain French, in the order of the form.
FIELD_KIND_NAMES: dict[str, str] = {
    "text": "Texte court",
    "email": "Adresse e-mail",
    "phone": "Numéro de téléphone",
    "date": "Date (jour, mois, année)",
    "amount": "Montant en euros",
    "number": "Nombre",
    "radio": "Choix unique (boutons radio)",
    "select": "Liste déroulante",
    "checkboxes": "Cases à cocher (plusieurs choix)",
    "yesno": "Oui ou non",
    "address": "Adresse postale",
    "nir": "Numéro de sécurité sociale",
    "iban": "IBAN (coordonnées bancaires)",
    "password": "Mot de passe",
    "upload": "Envoi d'un document",
    "consent": "Case d'acceptation (consentement)",
    "code": "Code reçu par SMS ou e-mail",
    "message": "Message de plusieurs lignes (e-mail)",
}
assert set(FIELD_KIND_NAMES) == set(get_args(FieldKind))

#: The persona's answer expected by default for the kinds with a checksum.
PERSONA_ANSWERS = {"nir": "nir", "iban": "bank.iban"}

MSG_NO_LABEL = "Écrivez le libellé du champ."
MSG_NO_TITLE = "Écrivez le titre du nouvel écran."
MSG_BAD_KIND = "Choisissez un type de champ dans la liste."
MSG_NO_CODE_EVENT = (
    "Un champ « code » a besoin d'un envoi par SMS ou par e-mail dans le scénario, "
    "et ce scénario n'en a aucun : ajoutez d'abord un écran qui envoie le code."
)
MSG_LAST_SCREEN = "Impossible de supprimer le seul écran du scénario."
MSG_LAST_RECEIPT = (
    "Impossible de supprimer l'écran « {title} » : c'est le seul écran de fin (récépissé) "
    "du scénario."
)
MSG_TARGET = (
    "Impossible de supprimer l'écran « {title} » : l'écran « {source} » y renvoie "
    "(embranchement). Modifiez d'abord cet embranchement."
)


def slug(text: str, default: str) -> str:
    """Return an identifier made from ``text``: « Nom d'usage » → ``nom-d-usage``."""
    return slugs.slug(text, limit=48) or default


def _unique(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _label(value: Any, message: str) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        raise ScenarioFileError(message)
    if len(text) > 200:
        raise ScenarioFileError("Ce texte est trop long (200 caractères au plus).")
    return text


def _screens(doc: ScenarioDocument) -> Any:
    screens = doc.tree.get("screens")
    if not isinstance(screens, CommentedSeq):
        raise ScenarioFileError("Ce scénario n'a pas de liste d'écrans.")
    return screens


def _screen(doc: ScenarioDocument, index: int) -> Any:
    screens = _screens(doc)
    if not isinstance(index, int) or not 0 <= index < len(screens):
        raise ScenarioFileError("Cet écran n'existe pas dans le scénario.")
    return screens[index]


def _fields(doc: ScenarioDocument, screen_index: int, create: bool = False) -> Any:
    screen = _screen(doc, screen_index)
    fields = screen.get("fields")
    if fields is None and create:
        fields = screen["fields"] = CommentedSeq()
    if not isinstance(fields, CommentedSeq):
        raise ScenarioFileError("Cet écran n'a pas de champs.")
    return fields


def _field_index(fields: Any, index: int) -> int:
    if not isinstance(index, int) or not 0 <= index < len(fields):
        raise ScenarioFileError("Ce champ n'existe pas sur cet écran.")
    return index


def _code_event(doc: ScenarioDocument, screen_index: int) -> str | None:
    """Return the SMS or e-mail sent on this screen, else the first one of the scenario."""
    screens = _screens(doc)
    for screen in (screens[screen_index], *screens):
        for event in screen.get("events") or []:
            if event.get("kind") in ("sms", "email") and event.get("id"):
                return str(event["id"])
    return None


def _swap(seq: Any, index: int, delta: int) -> int:
    """Move item ``index`` of ``seq`` by ``delta`` (-1 or +1); return its new index."""
    if delta not in (-1, 1):
        raise ScenarioFileError("Un élément monte ou descend d'une place à la fois.")
    other = index + delta
    if not 0 <= other < len(seq):
        where = "première" if delta < 0 else "dernière"
        raise ScenarioFileError(f"Il est déjà en {where} position.")
    seq[index], seq[other] = seq[other], seq[index]
    # Comments written just before an item travel with it.
    items = seq.ca.items
    mine, theirs = items.pop(index, None), items.pop(other, None)
    if mine is not None:
        items[other] = mine
    if theirs is not None:
        items[index] = theirs
    return other


def add_field(doc: ScenarioDocument, screen_index: int, kind: str, label: str) -> int:
    """Add a field of ``kind`` labelled ``label`` at the end of a screen; return its index.

    Sensible defaults make it valid at once: two choices « Choix 1 », « Choix 2 » for the
    choice kinds, the persona's own number for a NIR or an IBAN, the identity card for an
    upload, the SMS or e-mail of the screen (else the
    first one of the scenario) for a code, refused when there is none. The check
    (:meth:`ScenarioDocument.findings`) then says whether every persona can still finish.
    """
    if kind not in FIELD_KIND_NAMES:
        raise ScenarioFileError(MSG_BAD_KIND)
    text = _label(label, MSG_NO_LABEL)
    _screen(doc, screen_index)
    code_from = None
    if kind == "code":
        code_from = _code_event(doc, screen_index)
        if code_from is None:
            raise ScenarioFileError(MSG_NO_CODE_EVENT)
    fields = _fields(doc, screen_index, create=True)
    field = CommentedMap()
    field["id"] = _unique(slug(text, "champ"), {str(f.get("id")) for f in fields})
    field["kind"] = kind
    field["label"] = text
    if kind in CHOICE_KINDS:
        options = CommentedSeq()
        for n in (1, 2):
            option = CommentedMap()
            option["value"] = f"choix-{n}"
            option["label"] = f"Choix {n}"
            options.append(option)
        field["options"] = options
    elif kind == "upload":
        field["document"] = "id_card"
    elif kind == "code":
        field["code_from"] = code_from
    elif kind == "consent":
        field["statement"] = text
    if kind in PERSONA_ANSWERS:  # no made-up value passes their checksum: the persona's own
        expected = CommentedMap()
        expected["persona"] = PERSONA_ANSWERS[kind]
        expected.fa.set_flow_style()
        field["expected"] = expected
    fields.append(field)
    return len(fields) - 1


def remove_field(doc: ScenarioDocument, screen_index: int, field_index: int) -> str:
    """Remove one field of a screen; return its label."""
    fields = _fields(doc, screen_index)
    field = fields[_field_index(fields, field_index)]
    label = str(field.get("label") or field.get("id"))
    del fields[field_index]
    if not fields:
        del _screen(doc, screen_index)["fields"]
    return label


def move_field(doc: ScenarioDocument, screen_index: int, field_index: int, delta: int) -> int:
    """Move a field one place up (``-1``) or down (``+1``); return its new index."""
    fields = _fields(doc, screen_index)
    return _swap(fields, _field_index(fields, field_index), delta)


def add_screen(doc: ScenarioDocument, after: int, title: str) -> int:
    """Add an empty form screen titled ``title`` after screen ``after``; return its index."""
    text = _label(title, MSG_NO_TITLE)
    screens = _screens(doc)
    _screen(doc, after)
    screen = CommentedMap()
    screen["id"] = _unique(slug(text, "ecran"), {str(s.get("id")) for s in screens})
    screen["title"] = text
    screens.insert(after + 1, screen)
    return after + 1


def remove_screen(doc: ScenarioDocument, index: int) -> str:
    """Remove a screen; refused when a branch leads to it or it is the only receipt."""
    screens = _screens(doc)
    screen = _screen(doc, index)
    title = str(screen.get("title") or screen.get("id"))
    if len(screens) == 1:
        raise ScenarioFileError(MSG_LAST_SCREEN)
    sid = screen.get("id")
    for other in screens:
        if other is screen:
            continue
        if any(branch.get("goto") == sid for branch in other.get("next") or []):
            raise ScenarioFileError(MSG_TARGET.format(
                title=title, source=other.get("title") or other.get("id")))
    receipts = [s for s in screens if s.get("role") == "receipt"]
    if screen.get("role") == "receipt" and len(receipts) == 1:
        raise ScenarioFileError(MSG_LAST_RECEIPT.format(title=title))
    del screens[index]
    return title


def move_screen(doc: ScenarioDocument, index: int, delta: int) -> int:
    """Move a screen one place up (``-1``) or down (``+1``); return its new index."""
    screens = _screens(doc)
    _screen(doc, index)
    return _swap(screens, index, delta)


def field_list(doc: ScenarioDocument, screen_index: int) -> list[dict[str, Any]]:
    """Return the fields of a screen for the form.

    Each item has ``index``, ``id``, ``label``, ``kind`` and ``kind_label`` (in French).
    """
    try:
        fields = _screen(doc, screen_index).get("fields") or []
    except ScenarioFileError:
        return []
    return [{"index": i, "id": str(f.get("id")), "label": str(f.get("label") or f.get("id")),
             "kind": str(f.get("kind")),
             "kind_label": FIELD_KIND_NAMES.get(str(f.get("kind")), str(f.get("kind")))}
            for i, f in enumerate(fields)]
