"""Drafting and editing fictional personas, for trainers, without damaging their files.

A new persona is drafted with Faker (:func:`bacasable.personas.derived.draft_persona`), then its
texts
are edited (names, story, address, phone in the fiction range, e-mail or none). The file is
written with ruamel's round trip, so that an existing file keeps its comments and layout, and
always through a temporary file in the same folder that must load as a
:class:`~bacasable.scenario.schema.Persona` before it replaces the file::

    data = new_draft("F", 42)
    set_texts(data, {"first_name": "Inès", "story": "Inès cherche un logement."})
    path = save_persona(data, persona_folder(BacasableConfig()))
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pydantic

from bacasable.common import config as config_module
from bacasable.common.slugs import slug
from bacasable.identifiers.parsing import FICTION_MOBILE_PREFIX
from bacasable.personas.derived import _free_id, document_view, documents
from bacasable.personas.draft import draft_persona
from bacasable.scenario.loader import Catalogue, _message, load_model
from bacasable.scenario.schema import Persona

from .files import ScenarioFileError, _dump, _load_tree, _with_modeline

__all__ = [
    "TEXTS",
    "PersonaEditError",
    "new_draft",
    "open_persona",
    "persona_folder",
    "preview",
    "save_persona",
    "set_texts",
    "texts_of",
]

#: The texts a trainer edits: key → (dotted path in the persona, French label).
TEXTS: dict[str, tuple[tuple[str, ...], str]] = {
    "first_name": (("first_name",), "Prénom"),
    "last_name": (("last_name",), "Nom"),
    "story": (("story",), "Histoire (une ou deux phrases)"),
    "street": (("address", "street"), "Adresse (numéro et rue)"),
    "postcode": (("address", "postcode"), "Code postal"),
    "city": (("address", "city"), "Ville"),
    "phone": (("phone",), "Téléphone portable (fiction : 06 39 98 …)"),
    "email": (("email",), "Adresse e-mail (vide : aucune)"),
}

MSG_PHONE = (
    "Le téléphone doit être un numéro réservé à la fiction : 06 39 98 suivi de quatre "
    "chiffres (par exemple 06 39 98 12 34)."
)
MSG_EMAIL = "L'adresse e-mail doit ressembler à prenom.nom@exemple.fr, ou rester vide."
MSG_EMPTY = "« {label} » ne peut pas rester vide."

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class PersonaEditError(ScenarioFileError):
    """A persona edit refused, with the reasons in plain French."""


def persona_folder(config: config_module.BacasableConfig | None = None) -> Path:
    """Return where personas are saved: ``personas/`` of the folder new files go to.

    The first ``BACASABLE_SCENARIOS`` folder, else the trainers' own
    (:func:`bacasable.authoring.files.target_folder`): never the shipped ``scenarios/``.
    """
    from .files import target_folder

    return target_folder(config or config_module.BacasableConfig()) / "personas"


def new_draft(sex: str = "F", age: int = 35, seed: int | None = None) -> dict[str, Any]:
    """Draft a new persona (a new random seed unless ``seed`` is given).

    Raises
    ------
    PersonaEditError
        For a sex other than F or M, or an age outside 0–110.
    """
    try:
        age = int(age)
    except (TypeError, ValueError):
        raise PersonaEditError("L'âge doit être un nombre entier d'années.") from None
    seed = secrets.randbelow(2**31) if seed is None else seed
    try:
        return draft_persona(seed, sex, age)
    except ValueError as exc:
        raise PersonaEditError(str(exc).capitalize() + ".") from None


def open_persona(path: Path | str) -> Any:
    """Read a persona file for editing (ruamel round trip: comments are kept)."""
    tree = _load_tree(Path(path))
    if not isinstance(tree, Mapping):
        raise PersonaEditError(f"{path} n'est pas un fichier de persona.")
    return tree


def texts_of(data: Mapping[str, Any]) -> dict[str, str]:
    """Return the editable texts of persona data (``""`` for what is not written)."""
    out = {}
    for key, (path, _label) in TEXTS.items():
        node: Any = data
        for part in path:
            node = node.get(part) if isinstance(node, Mapping) else None
        out[key] = "" if node is None else str(node)
    return out


def _phone(text: str) -> str:
    digits = re.sub(r"[\s.\-]", "", text)
    if digits.startswith("+33"):
        digits = "0" + digits[3:]
    if not re.fullmatch(FICTION_MOBILE_PREFIX + r"[0-9]{4}", digits):
        raise PersonaEditError(MSG_PHONE)
    return digits


def set_texts(data: Any, texts: Mapping[str, Any]) -> None:
    """Write the edited texts into persona data (a dict or a ruamel tree), in place.

    Unknown keys are ignored. An empty e-mail means none; the phone is written without
    spaces and must be in ARCEP's fiction range.

    Raises
    ------
    PersonaEditError
        All the problems found, one per line; ``data`` is left unchanged then.
    """
    clean: dict[str, Any] = {}
    problems: list[str] = []
    for key, (_path, label) in TEXTS.items():
        if key not in texts:
            continue
        value = texts[key]
        value = value.replace("\r\n", "\n").strip() if isinstance(value, str) else ""
        if key == "email":
            if value and not _EMAIL.match(value):
                problems.append(MSG_EMAIL)
            clean[key] = value or None
        elif key == "phone":
            try:
                clean[key] = _phone(value)
            except PersonaEditError as exc:
                problems.append(str(exc))
        elif not value:
            problems.append(MSG_EMPTY.format(label=label.split(" (")[0]))
        else:
            clean[key] = value
    if problems:
        raise PersonaEditError("\n".join(problems))
    for key, value in clean.items():
        path = TEXTS[key][0]
        node = data
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value


def validate(data: Mapping[str, Any]) -> Persona:
    """Return the persona of ``data``, or raise :class:`PersonaEditError` in French."""
    try:
        return Persona.model_validate(_plain(data))
    except pydantic.ValidationError as exc:
        raise PersonaEditError("\n".join(_message(e) for e in exc.errors())) from None


def _plain(data: Any) -> Any:
    if isinstance(data, Mapping):
        return {k: _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return data


def preview(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return the persona's documents (ID card, RIB…) ready to show as definition lists.

    Returns
    -------
    list of dict
        ``title``, ``kind_label`` and ``lines`` (a list of ``[label, text]``) of each
        :func:`bacasable.personas.derived.document_view`.

    Raises
    ------
    PersonaEditError
        When the data is not a valid persona.
    """
    persona = validate(data)
    out = []
    for document in documents(persona):
        view = document_view(persona, document)
        out.append({"title": view["title"], "kind_label": view["kind_label"],
                    "lines": [[k, v] for k, v in view["lines"].items()]})
    return out


def _write_checked(path: Path, text: str) -> Persona:
    """Write ``text`` to ``path`` only if it loads as a persona (temp file + os.replace)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp_path = Path(tmp)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        persona, found = load_model(tmp_path, Persona)
        if persona is None:
            raise PersonaEditError(
                "Le persona n'a pas été enregistré :\n"
                + "\n".join(f.message for f in found)
            )
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(tmp, path)
        return persona
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def save_persona(
    data: Any,
    folder: Path | str,
    *,
    new: bool = False,
    known: Catalogue | None = None,
) -> Path:
    """Save persona data into ``folder`` as ``<id>.yaml``; return the file written.

    Parameters
    ----------
    data : dict or ruamel tree
        The persona (:func:`new_draft` or :func:`open_persona`, edited by :func:`set_texts`).
    folder : Path
        The ``personas/`` folder written to (see :func:`persona_folder`).
    new : bool
        A new persona: its id is made from its names, never reusing a known id nor an
        existing file (``data["id"]`` is updated).
    known : Catalogue, optional
        The personas already known, for a new persona's id.

    Raises
    ------
    PersonaEditError
        When the data is not a valid persona: nothing on disk is touched then.
    """
    folder = Path(folder)
    validate(data)
    if new:
        taken = set(known.personas) if known else set()
        taken |= {p.stem for p in folder.glob("*.y*ml")} if folder.is_dir() else set()
        wanted = slug(f"{data['first_name']} {data['last_name']}", limit=60) or "persona"
        data["id"] = _free_id(wanted, taken)
    path = folder / f"{data['id']}.yaml"
    _write_checked(path, _with_modeline(_dump(data), path, Persona))
    return path
