"""The projected walkthrough without a browser: PIN gate first, then keys and buttons."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ipywidgets.widgets.widget import _instances
from widget_support import send

from bacasable.common.config import BacasableConfig
from bacasable.run.events import RunEvent
from bacasable.scenario.loader import load_catalogue
from bacasable.store import Store
from bacasable.workshop import pin
from widgets.common.screen import ScreenView
from widgets.facilitator.projector import Projector, ProjectorPanel

PIN = "4827"
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture(scope="module")
def cat():
    return load_catalogue([SCENARIOS])


@pytest.fixture
def store(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'bacasable.sqlite'}") as s:
        yield s


@pytest.fixture
def make(store, cat, tmp_path):
    made = []

    def _make() -> Projector:
        p = Projector(store, cat, config=BacasableConfig(data_dir=str(tmp_path / "data")),
                      environ={})
        made.append(p)
        return p

    yield _make
    for p in made:
        p.close()


def synced(widget) -> str:
    state = {k: v for k, v in widget.get_state().items() if k not in ("_esm", "_css")}
    return json.dumps(state, ensure_ascii=False, default=str)


def opened(make, store) -> Projector:
    pin.set_pin(store, PIN)
    p = make()
    send(p.gate, {"action": "check", "pin": PIN})
    assert p.unlocked
    return p


def test_nothing_but_the_gate_before_the_right_pin(store, make, cat):
    pin.set_pin(store, PIN)
    w = store.create_workshop("Atelier secret", "Mairie", "2026-11-26", ["caf-prime-activite"])
    before = set(_instances)
    p = make()
    assert p.children == (p.gate,) and p.panel is None and p.screen is None
    send(p.gate, {"action": "check", "pin": "9999"})
    assert not p.unlocked and p.gate.error
    leaked = [x for k, x in _instances.items() if k not in before and "Atelier secret" in synced(x)]
    assert leaked == []
    send(p.gate, {"action": "check", "pin": PIN})
    assert p.unlocked and p.children == (p.panel,) and isinstance(p.panel, ProjectorPanel)
    assert p.panel.stage == "setup"
    assert {c["id"] for c in p.panel.choices} == set(cat.scenarios)
    assert [x["id"] for x in p.panel.workshops] == [w["id"]]
    assert "bas-projection" in p._dom_classes


def test_start_keys_and_buttons_move_the_walkthrough(store, make):
    p = opened(make, store)
    send(p.panel, {"action": "start", "scenario": "", "persona": ""})
    assert p.panel.error and p.panel.stage == "setup"
    send(p.panel, {"action": "start", "scenario": "caf-prime-activite", "persona": "nadia",
                   "workshop": ""})
    assert p.panel.stage == "present" and p.children == (p.panel, p.screen)
    assert isinstance(p.screen, ScreenView)
    assert p.panel.state["screen_id"] == "accueil" and p.panel.state["field_id"] is None
    assert p.panel.state["room"] is None
    assert p.screen.view["screen"]["id"] == "accueil"
    seq = p.screen.view["ui"]["run"]
    send(p.panel, {"action": "key", "key": "ArrowRight"})
    first = p.walk.screen.fields[0]
    assert p.panel.state["field_id"] == first.id and p.panel.state["callout"]
    assert p.screen.view["ui"]["run"] != seq
    assert p.screen.view["screen"]["fields"][0]["value"] is not None
    send(p.panel, {"action": "key", "key": "ArrowLeft"})
    assert p.panel.state["field_id"] is None
    send(p.panel, {"action": "key", "key": "PageDown"})
    assert p.panel.state["screen_id"] == "connexion"
    send(p.panel, {"action": "next_screen"})
    assert p.panel.state["screen_index"] == 2
    send(p.panel, {"action": "key", "key": "PageUp"})
    send(p.panel, {"action": "prev_screen"})
    assert p.panel.state["screen_index"] == 0
    # The projected form's own "Continuer" opens the next screen.
    send(p.screen, {"action": "submit", "values": {}})
    assert p.panel.state["screen_index"] == 1
    assert p.panel.highlight and p.panel.notes
    send(p.panel, {"action": "key", "key": "h"})
    send(p.panel, {"action": "key", "key": "N"})
    assert not p.panel.highlight and not p.panel.notes
    send(p.panel, {"action": "highlight"})
    send(p.panel, {"action": "notes"})
    assert p.panel.highlight and p.panel.notes
    send(p.panel, {"action": "key", "key": "q"})  # not a key of the projector: nothing
    for _ in range(200):
        send(p.panel, {"action": "key", "key": "ArrowRight"})
    assert p.panel.state["at_end"] and p.screen.view["screen"]["role"] == "receipt"
    send(p.panel, {"action": "setup"})
    assert p.panel.stage == "setup" and p.children == (p.panel,)


def test_room_of_a_workshop_and_the_handout(store, make, tmp_path):
    w = store.create_workshop("Atelier CAF", "Mairie", "2026-11-26", ["caf-prime-activite"])
    for name in ("Marie", "Ali"):
        person = store.join(w["id"], name)
        attempt = store.start_attempt(person["id"], "caf-prime-activite", "nadia", 14)
        store.record_event(attempt, RunEvent(type="field_error", scenario_id="caf-prime-activite",
                                             screen_id="connexion", field_id="nir",
                                             error_kind="checksum"))
    p = opened(make, store)
    send(p.panel, {"action": "start", "scenario": "caf-prime-activite", "persona": "nadia",
                   "workshop": str(w["id"])})
    assert p.panel.state["room"] == {"sentence": "Personne ne s'est trompé ici.",
                                     "top_error": None}
    send(p.panel, {"action": "key", "key": "PageDown"})
    room = p.panel.state["room"]
    assert room["sentence"] == "2 personnes se sont trompées ici."
    assert room["top_error"]["text"].endswith(": un chiffre est faux")
    # What the room does while the facilitator presents shows on the next screen reached.
    third = store.join(w["id"], "Léa")
    attempt = store.start_attempt(third["id"], "caf-prime-activite", "nadia", 14)
    store.record_event(attempt, RunEvent(type="field_error", scenario_id="caf-prime-activite",
                                         screen_id="code-connexion", field_id="code",
                                         error_kind="wrong_code"))
    send(p.panel, {"action": "key", "key": "PageDown"})
    assert p.panel.state["screen_id"] == "code-connexion"
    assert p.panel.state["room"]["sentence"] == "1 personne s'est trompée ici."
    send(p.panel, {"action": "key", "key": "PageUp"})
    send(p.panel, {"action": "handout"})
    path = Path(p.panel.handout["path"])
    assert path.is_file() and path.parent == tmp_path / "data" / "fiches"
    assert "Fiche pratique" in p.panel.handout["html"] and p.panel.status
    # The walkthrough stays where it was.
    assert p.panel.state["screen_id"] == "connexion" and p.walk.position == (1, -1)


def test_unknown_choices_and_bad_messages_never_raise(store, make):
    p = opened(make, store)
    send(p.panel, {"action": "start", "scenario": "nope", "persona": "nadia"})
    assert p.panel.error == "Cet exercice ou ce persona n'existe pas."
    send(p.panel, {"action": "next_field"})  # nothing presented yet
    send(p.panel, {"action": "handout"})
    assert p.panel.error
    p.panel._handle_custom_msg("not a dict", [])


def test_the_workshop_list_tells_two_workshops_of_one_title_apart(store, make):
    first = store.create_workshop("Atelier CAF", "Mairie", "2026-11-26", ["caf-prime-activite"])
    second = store.create_workshop("Atelier CAF", "Mairie", "2026-11-26", ["caf-prime-activite"])
    p = opened(make, store)
    titles = {w["id"]: w["title"] for w in p.panel.workshops}
    for made in (first, second):
        code = made["join_code"]
        assert titles[made["id"]] == f"Atelier CAF (code {code[:3]} {code[3:]})"
    assert len(set(titles.values())) == 2
