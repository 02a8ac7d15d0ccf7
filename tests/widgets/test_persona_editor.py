"""The persona editor without a browser: PIN gate first, then draft, edit, preview, save."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ipywidgets.widgets.widget import _instances
from widget_support import send

from bacasable.authoring.persona_edit import MSG_PHONE
from bacasable.common.config import BUILTIN_SCENARIOS, BacasableConfig
from bacasable.scenario.loader import load_catalogue
from bacasable.store import Store
from bacasable.workshop import pin
from widgets.trainer.persona_editor import PersonaEditor, PersonaPanel

PIN = "4827"


@pytest.fixture
def store(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'bacasable.sqlite'}") as s:
        yield s


@pytest.fixture
def local(tmp_path) -> Path:
    folder = tmp_path / "mes-exercices"
    folder.mkdir()
    return folder


@pytest.fixture
def make(store, tmp_path, local):
    made = []

    def _make() -> PersonaEditor:
        cfg = BacasableConfig(data_dir=str(tmp_path / "data"), scenario_dirs=[str(local)])
        e = PersonaEditor(store, config=cfg, environ={})
        made.append(e)
        return e

    yield _make
    for e in made:
        e.close()


def opened(make, store) -> PersonaEditor:
    pin.set_pin(store, PIN)
    e = make()
    send(e.gate, {"action": "check", "pin": PIN})
    assert e.unlocked
    return e


def synced(widget) -> str:
    state = {k: v for k, v in widget.get_state().items() if k not in ("_esm", "_css")}
    return json.dumps(state, ensure_ascii=False, default=str)


def test_gate_first_then_the_list(store, make):
    pin.set_pin(store, PIN)
    before = set(_instances)
    e = make()
    assert e.children == (e.gate,) and e.panel is None
    assert e.gate.title == "Personas fictifs"
    send(e.gate, {"action": "check", "pin": "9999"})
    assert not e.unlocked and e.gate.error
    leaked = [x for k, x in _instances.items() if k not in before and "Benali" in synced(x)]
    assert leaked == []
    send(e.gate, {"action": "check", "pin": PIN})
    assert e.children == (e.panel,) and isinstance(e.panel, PersonaPanel)
    ids = {p["id"] for p in e.panel.personas}
    assert {"karim", "nadia", "lucas"} <= ids
    assert e.panel.folder.endswith("personas") and "mes-exercices" in e.panel.folder
    assert [f["key"] for f in e.panel.fields][:2] == ["first_name", "last_name"]


def test_draft_edit_preview_and_save(store, make, local):
    e = opened(make, store)
    send(e.panel, {"action": "draft", "sex": "M", "age": 47})
    first = e.panel.editing
    assert first["new"] and first["sex"] == "M" and e.panel.documents
    send(e.panel, {"action": "draft", "sex": "M", "age": 47})
    assert e.data["seed"] != 0 and e.panel.editing["texts"] != {} and not e.panel.error
    texts = dict(e.panel.editing["texts"])
    texts |= {"first_name": "Bruno", "last_name": "Vasseur", "email": "",
              "phone": "06 39 98 00 77", "story": "Bruno cherche un logement."}
    send(e.panel, {"action": "preview", "texts": texts})
    card = dict(e.panel.documents[0]["lines"])
    assert card["Prénom(s)"] == "Bruno" and not e.panel.error
    send(e.panel, {"action": "save", "texts": texts})
    assert not e.panel.error, e.panel.error
    path = local / "personas" / "bruno-vasseur.yaml"
    assert path.is_file() and str(path) in e.panel.status
    assert e.panel.editing["id"] == "bruno-vasseur" and not e.panel.editing["new"]
    assert "bruno-vasseur" in {p["id"] for p in e.panel.personas}
    persona = load_catalogue([local]).personas["bruno-vasseur"]
    assert persona.email is None and persona.phone == "0639980077"
    # A bad phone is refused in French, and the file stays as it was.
    original = path.read_text(encoding="utf-8")
    send(e.panel, {"action": "save", "texts": texts | {"phone": "0612345678"}})
    assert MSG_PHONE in e.panel.error
    assert path.read_text(encoding="utf-8") == original


def test_editing_a_builtin_persona_saves_a_local_copy(store, make, local):
    e = opened(make, store)
    builtin = (BUILTIN_SCENARIOS / "personas" / "karim.yaml").read_text(encoding="utf-8")
    send(e.panel, {"action": "open", "persona": "karim"})
    assert e.panel.editing["id"] == "karim" and not e.panel.editing["new"]
    texts = dict(e.panel.editing["texts"], story="Karim, version locale.")
    send(e.panel, {"action": "save", "texts": texts})
    assert not e.panel.error, e.panel.error
    assert (BUILTIN_SCENARIOS / "personas" / "karim.yaml").read_text(encoding="utf-8") == builtin
    copy = load_catalogue([local]).personas["karim"]
    assert copy.story == "Karim, version locale."


def test_bad_requests_get_french_messages(store, make):
    e = opened(make, store)
    send(e.panel, {"action": "save", "texts": {}})
    assert e.panel.error.startswith("Créez")
    send(e.panel, {"action": "open", "persona": "personne"})
    assert e.panel.error == "Ce persona n'existe pas."
    send(e.panel, {"action": "draft", "sex": "X", "age": 30})
    assert "sexe" in e.panel.error
    send(e.panel, {"action": "draft", "sex": "F", "age": "abc"})
    assert "âge" in e.panel.error.lower()
    send(e.panel, {"action": "draft", "sex": "F", "age": 30})
    send(e.panel, {"action": "close"})
    assert e.panel.editing == {} and e.data is None


def test_persona_editor_static_module():
    js = (Path(__file__).resolve().parents[2] / "widgets" / "static" / "trainer" / "persona_editor.js")
    text = js.read_text(encoding="utf-8")
    assert "export default" in text and '"dl"' in text and "label" in text
