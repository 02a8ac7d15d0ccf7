"""The facilitator's console without a browser: the PIN gate, a workshop driven, a restart."""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import json

import pytest
from ipywidgets.widgets.widget import _instances
from widget_support import send

from bacasable.common.config import BacasableConfig
from bacasable.run.events import RunEvent
from bacasable.scenario.loader import Catalogue
from bacasable.store import Store
from bacasable.workshop import join_address, pin
from bacasable.workshop.peer import PEER_VARIABLE
from widgets.common.pin_gate import PinGate
from widgets.facilitator import console as console_module
from widgets.facilitator.board import Board
from widgets.facilitator.console import Console
from widgets.facilitator.console_panel import ConsolePanel

PIN = "4827"
T0 = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.timezone.utc)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path, clock):
    with Store(f"sqlite:///{tmp_path / 'bacasable.sqlite'}", clock=clock) as s:
        yield s


@pytest.fixture
def catalogue(w_scenario, w_persona, w_persona_no_mail) -> Catalogue:
    return Catalogue(scenarios={w_scenario.id: w_scenario},
                     personas={p.id: p for p in (w_persona, w_persona_no_mail)})


@pytest.fixture(autouse=True)
def quiet_network(monkeypatch):
    monkeypatch.setattr(join_address, "lan_addresses", lambda: ["192.168.1.20"])


@pytest.fixture
def make_console(store, catalogue, tmp_path):
    made = []

    def make(environ=None, **kwargs) -> Console:
        config = BacasableConfig(port=8866, data_dir=str(tmp_path))
        c = Console(store, catalogue, config=config, environ=environ or {},
                    poll=kwargs.pop("poll", False), **kwargs)
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()


def opened(make_console, store) -> Console:
    if not pin.has_pin(store):
        pin.set_pin(store, PIN)
    c = make_console()
    send(c.gate, {"action": "check", "pin": PIN})
    assert c.unlocked
    return c


def start(c: Console, **values) -> dict:
    form = {"action": "start", "title": "Atelier emploi", "place": "Médiathèque",
            "date": "2026-11-26", "scenarios": ["essai"],
            "themes": ["Aide aux démarches administratives"], "level": "debutant",
            "duration": "90", "equipment": ["telephone"], **values}
    send(c.panel, form)
    return c.panel.workshop


def synced_text(widget) -> str:
    state = {k: v for k, v in widget.get_state().items() if k not in ("_esm", "_css")}
    return json.dumps(state, ensure_ascii=False, default=str)


# --- the PIN gate ----------------------------------------------------------------------------


def test_nothing_but_the_gate_before_the_right_pin(store, make_console):
    pin.set_pin(store, PIN)
    w = store.create_workshop("Atelier secret", "Mairie", "2026-11-26", ["essai"])
    store.join(w["id"], "Marie")
    before = set(_instances)
    c = make_console()
    assert c.gate.mode == "check"
    assert c.children == (c.gate,) and c.panel is None and c.board is None

    def leaked() -> list[str]:
        return [type(x).__name__ for k, x in _instances.items() if k not in before
                and ("Marie" in synced_text(x) or "Atelier secret" in synced_text(x))]

    assert leaked() == []
    send(c.gate, {"action": "check", "pin": "9999"})
    assert c.gate.error == "Ce code PIN n'est pas le bon. Réessayez."
    assert not c.unlocked and c.children == (c.gate,) and leaked() == []
    # A message that is not a PIN check opens nothing either.
    send(c.gate, {"action": "resume", "workshop": w["id"]})
    send(c.gate, {"action": "create", "pin": "5931", "confirm": "5931"})
    assert not c.unlocked and leaked() == [] and pin.check_pin(store, PIN)
    assert PIN not in synced_text(c.gate) and "9999" not in synced_text(c.gate)

    send(c.gate, {"action": "check", "pin": PIN})
    assert c.unlocked
    assert c.children == (c.panel,) and isinstance(c.panel, ConsolePanel)
    assert [x["title"] for x in c.panel.workshops] == ["Atelier secret"]
    assert c.panel.workshops[0]["count"] == 1
    assert c.panel.stage == "home"


def test_first_use_asks_for_a_pin_twice(store, make_console):
    c = make_console()
    assert c.gate.mode == "create"
    send(c.gate, {"action": "create", "pin": "5931", "confirm": "5932"})
    assert c.gate.error == "Les deux codes ne sont pas identiques. Tapez-les à nouveau."
    send(c.gate, {"action": "create", "pin": "1234", "confirm": "1234"})
    assert "trop facile" in c.gate.error
    send(c.gate, {"action": "create", "pin": "12a4", "confirm": "12a4"})
    assert c.gate.error == "Le code doit comporter de 4 à 8 chiffres."
    assert not pin.has_pin(store) and not c.unlocked
    send(c.gate, {"action": "create", "pin": "5931", "confirm": "5931"})
    assert c.unlocked and pin.check_pin(store, "5931")
    assert c.panel.status.startswith("Code PIN enregistré.")
    # The next console asks for it.
    assert make_console().gate.mode == "check"


def test_first_use_is_refused_from_another_device(store, make_console):
    # The server tells the kernel the connection's real peer; the Host a client wrote
    # (SERVER_NAME) decides nothing.
    voila = {"SERVER_SOFTWARE": "voila/0.5.13", "SERVER_NAME": "localhost",
             PEER_VARIABLE: "192.168.1.20"}
    c = make_console(environ=voila)
    assert c.gate.mode == "elsewhere"
    send(c.gate, {"action": "create", "pin": "5931", "confirm": "5931"})
    assert not pin.has_pin(store) and not c.unlocked
    assert make_console(environ={**voila, PEER_VARIABLE: "127.0.0.1"}).gate.mode == "create"
    # A page the server did not mark (a preheated kernel) is not this computer's.
    del voila[PEER_VARIABLE]
    assert make_console(environ=voila).gate.mode == "elsewhere"


def test_too_many_wrong_pins_lock_the_gate(store, make_console):
    pin.set_pin(store, PIN)
    c = make_console()
    for _ in range(pin.MAX_FAILURES):
        send(c.gate, {"action": "check", "pin": "0000"})
    send(c.gate, {"action": "check", "pin": PIN})
    assert c.gate.error == "Trop d'essais. Réessayez dans 30 secondes."
    assert not c.unlocked
    # Another page of this laptop (another kernel) is locked too: the count is in the database.
    other = make_console()
    send(other.gate, {"action": "check", "pin": PIN})
    assert other.gate.error.startswith("Trop d'essais.") and not other.unlocked


def test_wrong_pins_from_a_device_never_lock_this_laptop_out(store, make_console):
    pin.set_pin(store, PIN)
    voila = {"SERVER_SOFTWARE": "voila/0.5.13", "SERVER_NAME": "localhost"}
    phone = [make_console(environ={**voila, PEER_VARIABLE: "192.168.1.23"}) for _ in range(3)]
    for page in phone:  # three pages of the phone: five tries for all of them
        for _ in range(2):
            send(page.gate, {"action": "check", "pin": "0000"})
    errors = [page.gate.error for page in phone]
    assert errors[:2] == ["Ce code PIN n'est pas le bon. Réessayez."] * 2
    assert errors[2].startswith("Trop d'essais. Réessayez dans ")
    send(phone[0].gate, {"action": "check", "pin": PIN})
    assert phone[0].gate.error.startswith("Trop d'essais.") and not phone[0].unlocked
    # Another device, and this laptop, are checked as usual.
    tablet = make_console(environ={**voila, PEER_VARIABLE: "192.168.1.24"})
    send(tablet.gate, {"action": "check", "pin": "0000"})
    assert tablet.gate.error == "Ce code PIN n'est pas le bon. Réessayez."
    laptop = make_console(environ={**voila, PEER_VARIABLE: "127.0.0.1"})
    send(laptop.gate, {"action": "check", "pin": PIN})
    assert laptop.unlocked


def test_gate_answers_clear_the_fields_and_never_raise(store, make_console):
    pin.set_pin(store, PIN)
    c = make_console()
    attempt = c.gate.attempt
    for content in ({"action": "check"}, {"action": "check", "pin": 4827},
                    {"action": "check", "pin": ["4827"]}, {"nothing": 1}):
        send(c.gate, content)
    assert c.gate.attempt > attempt and not c.unlocked


# --- a workshop ------------------------------------------------------------------------------


def test_start_a_workshop_shows_the_code_and_a_qr_code(store, make_console):
    c = opened(make_console, store)
    start(c, title=" ", scenarios=[], themes=[])
    assert set(c.panel.form_errors) == {"title", "scenarios", "themes"}
    assert c.panel.error.startswith("Le formulaire contient des erreurs")
    assert c.panel.stage == "home" and store.list_workshops() == []

    w = start(c)
    assert c.panel.stage == "workshop" and c.panel.form_errors == {}
    assert c.children == (c.panel, c.board) and isinstance(c.board, Board)
    code = w["code"]
    assert store.workshop_by_code(code)["id"] == w["id"] == c.workshop_id
    assert w["code_grouped"] == f"{code[:3]} {code[3:]}"
    assert w["code_spoken"] == " ".join(code)
    assert w["scenarios"] == ["S'inscrire (essai)"]
    join = c.panel.join
    assert join["url"] == f"http://192.168.1.20:8866/voila/render/atelier.ipynb?code={code}"
    assert join["qr"].startswith("<svg") and join["warning"] == ""
    stored = store.workshop(w["id"])
    assert stored["themes"] == ["Aide aux démarches administratives"]
    assert (stored["duration_minutes"], stored["level"]) == (90, "debutant")
    assert stored["equipment"] == ["telephone"]
    assert [s["label"] for s in c.panel.screens][:2] == ["1. Votre identité",
                                                          "2. Vos coordonnées"]
    assert c.board.tiles == [] and "Personne" in c.board.summary

    send(c.panel, {"action": "host", "host": "10.0.0.9"})
    assert c.panel.join["url"].startswith("http://10.0.0.9:8866/")
    send(c.panel, {"action": "host", "host": "pas une adresse"})
    assert c.panel.error.startswith("Adresse non valide")
    assert c.panel.join["url"].startswith("http://10.0.0.9:8866/")
    # Kept for this workshop: the projection's room screen (another kernel) shows the same.
    assert join_address.workshop_host(store, w["id"], {})[0] == "10.0.0.9"


def test_drive_actions_write_commands_into_the_store(store, clock, make_console):
    c = opened(make_console, store)
    wid = start(c)["id"]
    marie = store.join(wid, "Marie")
    paul = store.join(wid, "Paul")
    assert c.poll_once() is True and c.poll_once() is False
    assert [t["pseudonym"] for t in c.board.tiles] == ["Marie", "Paul"]
    assert c.panel.learners == [{"id": marie["id"], "pseudonym": "Marie"},
                                {"id": paul["id"], "pseudonym": "Paul"}]
    assert c.board.announce == "Marie a rejoint l'atelier. Paul a rejoint l'atelier."

    def commands(participant=None):
        return [(x["kind"], x["payload"], x["participant_id"])
                for x in store.commands_since(wid, participant)]

    send(c.panel, {"action": "pause"})
    assert store.workshop(wid)["paused"] and c.panel.workshop["paused"]
    assert "Pause — regardez l'écran" in c.panel.status
    send(c.panel, {"action": "unpause"})
    assert not store.workshop(wid)["paused"]
    send(c.panel, {"action": "goto", "screen": "contact"})
    assert store.workshop(wid)["focus_screen"] == "contact"
    assert c.panel.status == "Tout le monde est amené à l'écran « 2. Vos coordonnées »."
    send(c.panel, {"action": "goto", "screen": "ailleurs"})
    assert c.panel.error == "Choisissez un écran dans la liste."
    send(c.panel, {"action": "message", "text": " Regardez  le tableau ", "to": "all"})
    send(c.panel, {"action": "message", "text": "Bravo !", "to": str(marie["id"])})
    assert c.panel.status == "Message envoyé à Marie."
    send(c.panel, {"action": "message", "text": "  ", "to": "all"})
    assert c.panel.error == "Écrivez le message à envoyer."
    send(c.panel, {"action": "message", "text": "x", "to": "999"})
    assert c.panel.error == "Cette personne n'est plus dans l'atelier."
    send(c.panel, {"action": "message", "text": "x" * 281, "to": "all"})
    assert "280" in c.panel.error
    send(c.panel, {"action": "hint", "to": "all"})
    assert c.panel.status == "Un indice est montré à tout le monde."
    send(c.board, {"action": "hint", "participant": paul["id"]})
    assert c.board.feedback["text"] == "Un indice est montré à Paul."
    assert c.board.feedback["id"] == paul["id"]
    assert c.panel.workshop["message"] == "Regardez le tableau"
    send(c.panel, {"action": "clear_message"})
    assert store.workshop(wid)["message"] is None

    assert commands() == [
        ("pause", {}, None), ("resume", {}, None), ("goto", {"screen_id": "contact"}, None),
        ("message", {"text": "Regardez le tableau"}, None), ("hint", {}, None),
        ("message", {"text": ""}, None)]
    assert ("message", {"text": "Bravo !"}, marie["id"]) in commands(marie["id"])
    assert ("hint", {}, paul["id"]) in commands(paul["id"])
    assert ("message", {"text": "Bravo !"}, marie["id"]) not in commands(paul["id"])

    # A raised hand: prominent on the tile, answered from the board.
    store.raise_hand(marie["id"])
    clock.advance(90)
    assert c.poll_once()
    tile = c.board.tiles[0]
    assert tile["hand"] and tile["hand_text"] == "Main levée depuis 1 min"
    assert c.board.announce == "Marie lève la main."
    assert "1 main levée" in c.board.summary
    # The panel's alert at the top of the screen names her until someone goes. Her page sent
    # no sign of life here: she is said disconnected, in the alert and on her tile.
    assert c.panel.hands == [{"id": marie["id"], "pseudonym": "Marie",
                              "number": f"n° {marie['id']}", "text": "Main levée depuis 1 min",
                              "disconnected": True}]
    assert tile["state_text"] == "Main levée — déconnecté"
    send(c.panel, {"action": "answer_hand", "participant": marie["id"]})  # « J'y vais »
    c.poll_once()
    assert c.panel.hands == [] and not store.participant(marie["id"])["hand_raised"]
    store.raise_hand(marie["id"])
    clock.advance(90)
    c.poll_once()
    send(c.board, {"action": "answer_hand", "participant": marie["id"]})
    assert not store.participant(marie["id"])["hand_raised"]
    assert not c.board.tiles[0]["hand"]
    assert c.board.feedback["text"] == "Main baissée : allez voir Marie."


def test_learner_progress_reaches_the_tiles(store, clock, make_console):
    c = opened(make_console, store)
    wid = start(c)["id"]
    nadia = store.join(wid, "Nadia")
    run = store.start_attempt(nadia["id"], "essai", "nadia", 5)
    store.record_events(run, [
        RunEvent("screen_entered", "essai", "contact", at=clock.now.timestamp()),
        RunEvent("field_error", "essai", "contact", "telephone", "format",
                 at=clock.now.timestamp())], screen_index=2, screen_count=5)
    c.poll_once()
    tile = c.board.tiles[0]
    assert tile["scenario"] == "S'inscrire (essai)"
    assert tile["screen"] == "Écran 2 sur 5 : Vos coordonnées"
    assert tile["errors_text"] == "1 erreur" and tile["activity"] == "actif à l'instant"
    clock.advance(150)
    store.heartbeat(nadia["id"])
    assert c.poll_once() is False  # nothing new…
    c.refresh()  # …but time went by
    assert c.board.tiles[0]["activity"] == "inactif depuis 2 min"


def test_the_board_puts_who_needs_help_first_and_says_where_the_group_is(store, clock,
                                                                         make_console):
    c = opened(make_console, store)
    wid = start(c)["id"]
    assert c.board.groups == [] and c.board.summary.startswith("Personne n'a encore rejoint")
    # Said once on the page: by the summary, not by the board's script too.
    assert "Personne n'a encore" not in Board._esm + ConsolePanel._esm
    ids = {name: store.join(wid, name)["id"] for name in ("Zoé", "Bruno", "Ana", "Léo")}
    runs = {name: store.start_attempt(pid, "essai", "karim", 5) for name, pid in ids.items()}
    at = clock.now.timestamp()

    def on(screen: str, errors: int = 0) -> list[RunEvent]:
        return [RunEvent("screen_entered", "essai", screen, at=at),
                *[RunEvent("field_error", "essai", screen, "telephone", "format", at=at)
                  for _ in range(errors)]]

    store.record_events(runs["Zoé"], on("contact"), screen_index=2, screen_count=5)
    store.record_events(runs["Bruno"], on("contact", errors=3), screen_index=2,
                        screen_count=5)
    store.record_events(runs["Ana"], on("identite", errors=2), screen_index=1,
                        screen_count=5)
    store.record_events(runs["Léo"], [*on("recap"), RunEvent("finished", "essai", "fin",
                                                                 at=at)],
                        screen_index=5, screen_count=5)
    store.raise_hand(ids["Zoé"])
    c.poll_once()
    tiles = c.board.tiles
    assert [(t["pseudonym"], t["priority"], t["reason"]) for t in tiles] == [
        ("Zoé", 0, "Main levée depuis moins d'une minute"),
        ("Bruno", 1, "3 erreurs sur cet écran"), ("Ana", 3, ""),
        ("Léo", 3, "")]
    bruno = tiles[1]
    assert (bruno["step"], bruno["steps"], bruno["progress_text"]) == (2, 5, "Écran 2 sur 5")
    assert bruno["screen_title"] == "Vos coordonnées"
    assert (tiles[3]["step"], tiles[3]["steps"]) == (5, 5)
    assert c.board.groups == [{
        "scenario": "",
        "counts": [{"label": "Écran 1", "count": 1}, {"label": "Écran 2", "count": 2},
                   {"label": "Terminé", "count": 1}],
        "text": "Écran 1 : 1 · Écran 2 : 2 · Terminé : 1"}]
    # The alert at the top and the tiles agree; the "to whom?" lists stay by name.
    assert [h["pseudonym"] for h in c.panel.hands] == ["Zoé"]
    assert [x["pseudonym"] for x in c.panel.learners] == ["Ana", "Bruno", "Léo", "Zoé"]
    # Time alone brings the inactive up.
    store.answer_hand(ids["Zoé"])
    clock.advance(200)
    for name in ("Zoé", "Bruno", "Léo"):
        store.heartbeat(ids[name])
    store.record_events(runs["Zoé"], on("secret"), screen_index=3, screen_count=5)
    c.refresh()
    assert [(t["pseudonym"], t["reason"]) for t in c.board.tiles] == [
        ("Bruno", "3 erreurs sur cet écran"), ("Ana", "Inactif depuis 3 min"), ("Léo", ""),
        ("Zoé", "")]
    assert c.board.groups[0]["text"] == "Écran 1 : 1 · Écran 2 : 1 · Écran 3 : 1 · Terminé : 1"


def test_an_observation_is_recorded(store, make_console):
    c = opened(make_console, store)
    wid = start(c)["id"]
    marie = store.join(wid, "Marie")
    c.poll_once()
    send(c.board, {"action": "observe", "participant": marie["id"], "autonomy": "magie"})
    assert c.board.feedback["kind"] == "error"
    assert c.board.feedback["text"].startswith("Degré d'autonomie inconnu")
    send(c.board, {"action": "observe", "participant": marie["id"],
                   "autonomy": "aide_animateur", "note": "  a demandé  pour le RIB "})
    found = store.observations(wid)
    assert [(o["pseudonym"], o["autonomy"], o["note"]) for o in found] == [
        ("Marie", "aide_animateur", "a demandé pour le RIB")]
    assert c.board.feedback == {"id": marie["id"], "action": "observe", "kind": "success",
                                "text": "Observation enregistrée pour Marie.",
                                "seq": c.board.feedback["seq"]}
    assert c.board.tiles[0]["observation"] == "Autonomie notée : avec l'aide de l'animateur"


def test_close_the_workshop_after_confirmation(store, make_console):
    c = opened(make_console, store)
    w = start(c)
    send(c.panel, {"action": "close_ask"})
    assert c.panel.confirm_close and store.workshop(w["id"])["open"]
    send(c.panel, {"action": "close_cancel"})
    assert not c.panel.confirm_close and store.workshop(w["id"])["open"]
    send(c.panel, {"action": "close_ask"})
    send(c.panel, {"action": "close_confirm"})
    assert not store.workshop(w["id"])["open"]
    assert c.panel.closed == {"id": w["id"], "title": "Atelier emploi"}  # its bilan is offered
    assert c.panel.stage == "home" and c.children == (c.panel,)
    assert c.panel.status == ("L'atelier « Atelier emploi » est terminé : personne ne peut plus "
                              "le rejoindre.")
    assert c.panel.workshops == [] and c.workshop_id is None
    send(c.panel, {"action": "resume", "workshop": w["id"]})
    assert c.panel.error == "Cet atelier est terminé : il ne peut pas être repris."
    send(c.panel, {"action": "pause"})
    assert c.panel.error == "Aucun atelier n'est ouvert dans la console."


def test_a_new_console_reopens_the_workshop_with_the_same_tiles(store, clock, make_console):
    first = opened(make_console, store)
    w = start(first)
    marie = store.join(w["id"], "Marie")
    run = store.start_attempt(marie["id"], "essai", "karim", 5)
    store.record_event(run, RunEvent("screen_entered", "essai", "secret",
                                     at=clock.now.timestamp()), screen_index=3, screen_count=5)
    store.raise_hand(marie["id"])
    send(first.panel, {"action": "pause"})
    first.poll_once()
    send(first.board, {"action": "observe", "participant": marie["id"], "autonomy": "seul"})
    tiles = first.board.tiles
    first.close()  # the kernel restarts

    again = opened(make_console, store)
    assert [x["id"] for x in again.panel.workshops] == [w["id"]]
    send(again.panel, {"action": "resume", "workshop": w["id"]})
    assert again.panel.stage == "workshop"
    assert again.panel.workshop["code"] == w["code"] and again.panel.workshop["paused"]
    assert again.board.tiles == tiles
    assert again.board.tiles[0]["hand"] and again.board.tiles[0]["observation"]
    assert again.panel.status == "L'atelier « Atelier emploi » est repris."
    # Leaving keeps it open.
    send(again.panel, {"action": "leave"})
    assert again.panel.stage == "home" and store.workshop(w["id"])["open"]
    assert [x["id"] for x in again.panel.workshops] == [w["id"]]


def test_actions_never_raise_and_speak_french(store, make_console, monkeypatch):
    c = opened(make_console, store)
    start(c)
    for content in ({"action": "nothing"}, {"action": 3}, {"action": "resume"},
                    {"action": "resume", "workshop": "x"}, {"action": "hint", "to": "abc"},
                    {"action": "answer_hand"}, {"action": "observe", "participant": True},
                    {"action": "goto"}, {"action": "message", "text": None},
                    {"action": "host", "host": 12}, {"action": "_leave"}):
        send(c.panel, content)
    assert c.panel.stage == "workshop"

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store, "set_pause", broken)
    send(c.panel, {"action": "pause"})
    assert c.panel.error == "Cette action n'a pas pu aboutir. Réessayez dans un instant."
    assert "disk" not in c.panel.error


def test_the_polling_task_updates_the_board_within_a_second(store, make_console):
    c = opened(make_console, store)

    async def scenario() -> list[str]:
        c._poll = True
        start(c)  # a workshop opened from a widget message, in the kernel's running loop
        assert c._polling.running
        store.join(c.workshop_id, "Marie")
        for _ in range(20):
            await asyncio.sleep(0.1)
            if c.board.tiles:
                break
        names = [t["pseudonym"] for t in c.board.tiles]
        send(c.panel, {"action": "leave"})
        assert not c._polling.running
        return names

    # In a thread of its own: another test's event loop may be running in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        assert pool.submit(asyncio.run, scenario()).result() == ["Marie"]


def test_the_views_get_the_shared_helper_and_both_stylesheets():
    for cls in (PinGate, ConsolePanel, Board):
        assert "function h(tag" in cls._esm
        assert ".bas-input" in cls._css and ".bas-tile" in cls._css and ".bas-hand" in cls._css
    assert "function facilitatorNav(" in ConsolePanel._esm
    assert console_module.POLL_SECONDS <= 0.5


def test_attestations_are_sent_as_a_page_the_typed_name_kept_nowhere(store, clock, make_console,
                                                                     caplog):
    c = opened(make_console, store)
    wid = start(c)["id"]
    nadia = store.join(wid, "Nadia")
    store.join(wid, "Marin")
    run = store.start_attempt(nadia["id"], "essai", "nadia", 5)
    store.record_events(run, [RunEvent("screen_entered", "essai", "contact",
                                       at=clock.now.timestamp())], screen_index=1, screen_count=5)
    c.poll_once()
    sent = []
    c.panel.deliver = lambda name, mime, data: sent.append((name, mime, data.decode()))

    send(c.panel, {"action": "attestation", "to": "all", "name": ""})
    name, mime, page = sent[-1]
    assert (name, mime) == (f"attestations-atelier-{wid}.html", "text/html")
    assert "Nadia" in page and "Marin" in page and "S'inscrire (essai)" in page
    assert c.panel.status.startswith("Les attestations sont prêtes")

    send(c.panel, {"action": "attestation", "to": str(nadia["id"]), "name": "Nadia Koné-Sylla"})
    name, _, page = sent[-1]
    assert name == f"attestations-atelier-{wid}-nadia.html"
    assert "Nadia Koné-Sylla" in page and "Marin" not in page
    kept = synced_text(c.panel) + synced_text(c.board) + caplog.text
    kept += json.dumps([store.participants(wid), store.workshop(wid)], default=str)
    assert "Koné" not in kept

    send(c.panel, {"action": "attestation", "to": "999", "name": ""})
    assert c.panel.error == "Cette personne n'est plus dans l'atelier."
