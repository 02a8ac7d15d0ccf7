"""The room screen of the projection page without a browser: what the wall shows, and never shows."""

from __future__ import annotations

import json

import test_projector
from widget_support import send

from bacasable.run.events import RunEvent
from bacasable.workshop.join_address import remember_host
from bacasable.workshop.wall import MAX_NAMES, joined_sentence, wall_view
from widgets.facilitator.room_screen import MSG_NO_WORKSHOP, RoomScreen

SCENARIO = "caf-prime-activite"

# The projection's own fixtures: its catalogue, a store, a projector once the PIN is typed.
cat, store, make = test_projector.cat, test_projector.store, test_projector.make
opened = test_projector.opened


def synced(widget) -> str:
    state = {k: v for k, v in widget.get_state().items() if k not in ("_esm", "_css")}
    return json.dumps(state, ensure_ascii=False, default=str)


def test_the_room_screen_shows_the_code_then_who_joins(store, make):
    p = opened(make, store)
    send(p.panel, {"action": "room"})  # no workshop open yet: said, nothing covers the page
    assert p.panel.error == MSG_NO_WORKSHOP and p.children == (p.panel,)

    w = store.create_workshop("Atelier CAF", "Mairie", "2026-11-26", [SCENARIO])
    code = w["join_code"]
    send(p.panel, {"action": "room", "workshop": str(w["id"])})
    wall = p.room_screen
    assert isinstance(wall, RoomScreen) and p.children == (p.panel, wall)
    assert wall.workshop == {"id": w["id"], "title": "Atelier CAF",
                             "code": f"{code[:3]} {code[3:]}", "code_spoken": " ".join(code)}
    address = wall.join["address"]
    assert address.startswith("http://")
    assert address.endswith(f":{p.config.port}/voila/render/atelier.ipynb")
    assert wall.join["url"] == f"{address}?code={code}"
    assert wall.join["qr"].startswith("<svg")
    assert wall.room["count_text"] == "Personne n'a encore rejoint."
    assert wall.room["names"] == [] and not wall.room["started"] and wall.announce == {}

    # Three people join: their pseudonyms, in the order they came, one announcement for them.
    for name in ("Marie", "Ali", "Léa"):
        store.join(w["id"], name)
    assert wall.poll_once()
    assert wall.room["names"] == ["Marie", "Ali", "Léa"] and wall.room["more"] == 0
    assert wall.room["count_text"] == "3 personnes ont rejoint"
    assert wall.announce["text"] == "Marie, Ali et Léa ont rejoint l'atelier."
    assert not wall.poll_once()  # nothing changed: nothing read, nothing announced again
    seq = wall.announce["seq"]
    store.join(w["id"], "Tournesol")
    assert wall.poll_once()
    assert wall.announce == {"text": "Tournesol a rejoint l'atelier.", "seq": seq + 1}

    # S (or Échap, or its button) on the wall: the room screen goes, it stops following.
    send(wall, {"action": "close"})
    assert p.children == (p.panel,) and wall.watcher is None and wall.workshop_id is None
    # Without a workshop named, the newest open one.
    send(p.panel, {"action": "room", "workshop": ""})
    assert wall.workshop_id == w["id"] and p.children == (p.panel, wall)
    # Choosing an exercise to present takes it away too.
    send(p.panel, {"action": "start", "scenario": SCENARIO, "persona": "nadia",
                   "workshop": str(w["id"])})
    assert p.children == (p.panel, p.screen) and wall.watcher is None
    # While presenting, S shows the workshop presented; from the second window, it goes.
    store.create_workshop("Atelier plus récent", "Mairie", "2026-11-26", [SCENARIO])
    send(p.panel, {"action": "room"})
    assert wall.workshop_id == w["id"] and p.children == (p.panel, p.screen, wall)
    send(p.panel, {"action": "room_close"})
    assert p.children == (p.panel, p.screen) and wall.watcher is None


def test_the_wall_shows_progress_but_never_who_erred(store, make):
    projector = opened(make, store)
    w = store.create_workshop("Atelier CAF", "Mairie", "2026-11-26", [SCENARIO])
    people = {name: store.join(w["id"], name)["id"] for name in ("Marie", "Ali", "Léa", "Zoé")}
    send(projector.panel, {"action": "room", "workshop": w["id"]})
    wall = projector.room_screen
    assert not wall.room["started"]
    runs = {name: store.start_attempt(people[name], SCENARIO, "nadia", 5)
            for name in ("Marie", "Ali", "Léa")}
    wrong = RunEvent(type="field_error", scenario_id=SCENARIO, screen_id="connexion",
                     field_id="nir", error_kind="checksum")
    hint = RunEvent(type="hint_shown", scenario_id=SCENARIO, screen_id="connexion",
                    field_id="nir", hint_level=1)
    store.record_events(runs["Marie"], [wrong, wrong, hint], screen_index=2, screen_count=5)
    store.record_event(runs["Ali"], RunEvent(type="screen_entered", scenario_id=SCENARIO,
                                             screen_id="connexion"), 2, 5)
    store.record_event(runs["Léa"], RunEvent(type="finished", scenario_id=SCENARIO), 5, 5)
    store.raise_hand(people["Zoé"])
    assert wall.poll_once()
    room = wall.room
    assert room["started"] and room["count_text"] == "4 personnes ont rejoint"
    assert room["done_text"] == "1 a terminé" and room["waiting_text"] == "1 choisit un exercice"
    (exercise,) = room["progress"]
    assert exercise["scenario"] == "Demander la prime d'activité" and exercise["count"] == 3
    assert [s["count"] for s in exercise["screens"]] == [0, 2, 0, 0, 0]
    assert exercise["screens"][1]["text"] == "Écran 2 : 2 personnes"
    assert exercise["done"] == 1 and exercise["done_text"] == "1 a terminé"
    # Nothing of errors, hints or hands reaches the browser; no name beside a screen.
    state = synced(wall)
    for word in ("erreur", "error", "checksum", "indice", "hint", "main", "hand", "nir"):
        assert word not in state.lower(), word
    assert all(name not in json.dumps(room["progress"], ensure_ascii=False) for name in people)


def test_many_names_and_sentences():
    tiles = [{"participant_id": i, "pseudonym": f"P{i}", "attempt_id": None}
             for i in range(1, MAX_NAMES + 13)]
    view = wall_view(tiles)
    assert view["names"][0] == "P13" and view["names"][-1] == f"P{MAX_NAMES + 12}"
    assert view["more"] == 12 and view["count_text"] == f"{MAX_NAMES + 12} personnes ont rejoint"
    # An abandoned run counts as choosing again: the wall never says who gave up.
    tiles[0].update(attempt_id=1, scenario_id="x", abandoned=True)
    tiles[1].update(attempt_id=2, scenario_id="x", screen_index=None, screen_count=None)
    view = wall_view(tiles)
    assert view["progress"][0]["count"] == 1 and view["progress"][0]["scenario"] == "x"
    assert view["waiting_text"] == f"{MAX_NAMES + 11} choisissent un exercice"
    assert wall_view([])["count_text"] == "Personne n'a encore rejoint."
    assert wall_view(tiles[:1])["count_text"] == "1 personne a rejoint"
    assert joined_sentence(["Léa", "Ali"]) == "Léa et Ali ont rejoint l'atelier."
    assert joined_sentence(["a", "b", "c", "d"]) == "4 personnes ont rejoint l'atelier."
    assert joined_sentence([]) == ""


def test_the_wall_shows_the_address_the_console_chose(store, make):
    p = opened(make, store)
    w = store.create_workshop("Atelier CAF", "Mairie", "2026-11-26", [SCENARIO])
    remember_host(store, w["id"], "10.0.0.9")  # typed in the console, another kernel
    send(p.panel, {"action": "room", "workshop": str(w["id"])})
    assert p.room_screen.join["address"] == (
        f"http://10.0.0.9:{p.config.port}/voila/render/atelier.ipynb")
