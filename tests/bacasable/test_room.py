"""The console's core without widgets: room, tile texts, join address, workshop form, PIN limit."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from bacasable.run.events import RunEvent
from bacasable.scenario.loader import Catalogue
from bacasable.store import Store, StoreError
from bacasable.workshop import join_address, pin, pin_policy
from bacasable.workshop.form import validate_workshop_form
from bacasable.workshop.join_address import (
    default_host,
    join_url,
    qr_svg,
    remember_host,
    validate_host,
    workshop_host,
)
from bacasable.workshop.peer import PEER_VARIABLE, Peer, page_peer
from bacasable.workshop.pin import PinLockedError
from bacasable.workshop.pin_policy import check_facilitator_pin
from bacasable.workshop.room import (
    RoomWatcher,
    duration_text,
    format_tile,
    idle_text,
    room_changes,
    room_summary,
    screen_choices,
    screen_text,
)
from bacasable.workshop.room_attention import group_progress

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
def catalogue(scenario, persona) -> Catalogue:
    return Catalogue(scenarios={scenario.id: scenario}, personas={persona.id: persona})


def event(kind: str, screen: str | None = "start", clock: Clock | None = None, **extra) -> RunEvent:
    at = (clock.now if clock else T0).timestamp()
    return RunEvent(type=kind, scenario_id="demo", screen_id=screen, at=at, **extra)


# --- the watcher -----------------------------------------------------------------------------


def test_watcher_reads_the_room_only_when_it_changed(store, clock, catalogue):
    w = store.create_workshop("Atelier", "Médiathèque", "2026-11-26", ["demo"])
    watcher = RoomWatcher(store, w["id"], catalogue)
    assert watcher.poll_once() == []  # first look: the (empty) room
    assert watcher.poll_once() is None

    marie = store.join(w["id"], "Marie")
    tiles = watcher.poll_once()
    assert [t["pseudonym"] for t in tiles] == ["Marie"]
    assert tiles[0]["state"] == "waiting" and tiles[0]["scenario"] == ""
    assert watcher.poll_once() is None

    # A learner's event changes the version and the tile.
    run = store.start_attempt(marie["id"], "demo", "alice", 4)
    clock.advance(5)
    store.record_events(run, [event("screen_entered", "identity", clock),
                              event("field_error", "identity", clock, field_id="last_name",
                                    error_kind="format")], screen_index=2, screen_count=4)
    tiles = watcher.poll_once()
    assert tiles is not None
    tile = tiles[0]
    assert tile["scenario"] == "Démarche d'essai"
    assert tile["screen"] == "Écran 2 sur 4 : Votre identité"
    assert (tile["errors"], tile["errors_text"]) == (1, "1 erreur")
    assert tile["state"] == "active" and tile["activity"] == "actif à l'instant"
    assert watcher.poll_once() is None

    store.record_event(run, event("hint_shown", "identity", clock, field_id="last_name",
                                  hint_level=1))
    assert watcher.poll_once()[0]["hints_text"] == "1 indice"

    store.raise_hand(marie["id"])
    clock.advance(125)
    tile = watcher.poll_once()[0]
    assert tile["hand"] and tile["state"] == "hand"
    assert tile["hand_text"] == "Main levée depuis 2 min"
    store.answer_hand(marie["id"])
    assert not watcher.poll_once()[0]["hand"]

    # Durations change with time alone: refresh() re-reads without a new version.
    clock.advance(70)
    store.heartbeat(marie["id"])  # the page is open, the learner does nothing
    assert watcher.poll_once() is None
    tile = watcher.refresh()[0]
    assert tile["state"] == "idle" and tile["activity"] == "inactif depuis 3 min"
    assert not tile["disconnected"]
    assert watcher.poll_once() is None

    store.record_event(run, event("finished", "done", clock), screen_index=4, screen_count=4)
    tile = watcher.poll_once()[0]
    assert tile["done"] and tile["state"] == "done" and tile["state_text"] == "Exercice terminé"
    assert tile["activity"] == ""


def test_watcher_shows_observations_and_disconnections(store, clock, catalogue):
    w = store.create_workshop("Atelier", "", "2026-11-26", ["demo"])
    paul = store.join(w["id"], "Paul")
    store.record_observation(paul["id"], "indices", "a cherché la carte")
    watcher = RoomWatcher(store, w["id"], catalogue)
    tile = watcher.poll_once()[0]
    assert tile["observation"] == "Autonomie notée : avec les indices"
    obs = store.record_observation(paul["id"], "seul")
    assert watcher.observed(obs)[0]["observation"] == "Autonomie notée : seul"
    clock.advance(45)
    tile = watcher.refresh()[0]
    assert tile["disconnected"] and tile["state_text"] == "Déconnecté"
    clock.advance(555)
    run = store.start_attempt(paul["id"], "demo", "alice", 4)
    store.record_event(run, event("screen_entered", "start", clock))
    clock.advance(600)
    tile = watcher.poll_once()[0]
    assert tile["disconnected"] and tile["state"] == "disconnected"
    assert tile["state_text"] == "Déconnecté depuis 10 min"
    assert tile["activity"] == ""  # not "inactif": the page is gone
    store.record_event(run, event("finished", "done", clock))
    clock.advance(600)
    tile = watcher.poll_once()[0]
    assert tile["disconnected"] and tile["state_text"] == "Exercice terminé"


def error(screen: str, clock: Clock) -> RunEvent:
    return event("field_error", screen, clock, field_id="last_name", error_kind="format")


# --- the board's order (bacasable.workshop.room_attention) -------------------------------------


def test_the_watcher_orders_the_room_from_the_stored_errors(store, clock, catalogue):
    w = store.create_workshop("Atelier", "", "2026-11-26", ["demo"])
    watcher = RoomWatcher(store, w["id"], catalogue)
    people = {name: store.join(w["id"], name)["id"] for name in ("Zoé", "Paul", "Ana")}
    runs = {name: store.start_attempt(pid, "demo", "alice", 5) for name, pid in people.items()}
    # Paul errs twice on the first screen, then three times on "identity": three there.
    store.record_events(runs["Paul"], [event("screen_entered", "start", clock),
                                       error("start", clock), error("start", clock)],
                        screen_index=1, screen_count=5)
    store.record_events(runs["Paul"], [event("screen_entered", "identity", clock),
                                       *[error("identity", clock) for _ in range(3)]],
                        screen_index=3, screen_count=5)
    store.record_events(runs["Ana"], [event("screen_entered", "identity", clock),
                                      error("identity", clock)], screen_index=3, screen_count=5)
    assert {r["pseudonym"]: r["screen_errors"] for r in store.room(w["id"])} == {
        "Zoé": 0, "Paul": 3, "Ana": 1}
    tiles = watcher.poll_once()
    assert [(t["pseudonym"], t["reason"]) for t in tiles] == [
        ("Paul", "3 erreurs sur cet écran"), ("Ana", ""), ("Zoé", "")]
    assert tiles[0]["errors"] == 5 and tiles[0]["progress_text"] == "Écran 3 sur 5"

    # Zoé raises her hand: first. Paul moves on: his errors stay behind on "identity".
    store.raise_hand(people["Zoé"])
    store.record_events(runs["Paul"], [event("screen_entered", "review", clock)],
                        screen_index=4, screen_count=5)
    tiles = watcher.poll_once()
    assert [(t["pseudonym"], t["reason"]) for t in tiles] == [
        ("Zoé", "Main levée depuis moins d'une minute"), ("Ana", ""), ("Paul", "")]
    # Zoé's run has started, no screen reported yet: she is on the first.
    assert group_progress(tiles)[0]["text"] == "Écran 1 : 1 · Écran 3 : 1 · Écran 4 : 1"

    # Time goes by: Ana and Paul do nothing; Zoé's hand is answered.
    store.answer_hand(people["Zoé"])
    clock.advance(150)
    store.record_event(runs["Zoé"], event("screen_entered", "auto", clock), screen_index=2,
                       screen_count=5)
    tiles = watcher.refresh()
    assert [(t["pseudonym"], t["reason"]) for t in tiles] == [
        ("Ana", "Inactif depuis 2 min"), ("Paul", "Inactif depuis 2 min"), ("Zoé", "")]
    assert group_progress(tiles)[0]["text"] == "Écran 2 : 1 · Écran 3 : 1 · Écran 4 : 1"


# --- texts -----------------------------------------------------------------------------------


def test_durations_and_screens_in_plain_french():
    assert duration_text(None) == "moins d'une minute"
    assert duration_text(59) == "moins d'une minute"
    assert duration_text(60) == "1 min"
    assert duration_text(150) == "2 min"
    assert duration_text(3600 + 5 * 60) == "1 h 05"
    assert idle_text(30) == "actif à l'instant"
    assert idle_text(120) == "inactif depuis 2 min"
    assert screen_text(3, 7) == "écran 3 sur 7"
    assert screen_text(3, None) == "écran 3"
    assert screen_text(None, 7) == ""


def test_format_tile_without_catalogue_and_summary():
    raw = {
        "participant_id": 12, "pseudonym": "Nadia", "attempt_id": 3, "scenario_id": "autre",
        "screen_id": "x", "screen_index": 3, "screen_count": 7, "errors": 2, "hints": 0,
        "idle_seconds": 10.0, "seen_seconds": 2.0, "hand_raised": False,
        "hand_waiting_seconds": None, "done": False, "abandoned": False, "disconnected": False,
    }
    tile = format_tile(raw)
    assert tile["id"] == 12 and tile["number"] == "n° 12"
    assert tile["scenario"] == "autre" and tile["screen"] == "Écran 3 sur 7"
    assert tile["errors_text"] == "2 erreurs" and tile["hints_text"] == "0 indice"
    tiles = [tile, {**tile, "id": 13, "hand": True}, {**tile, "id": 14, "done": True}]
    assert room_summary(tiles) == "3 apprenants · 1 main levée · 1 a terminé"
    assert room_summary([]).startswith("Personne n'a encore rejoint l'atelier.")


def test_room_changes_are_announced():
    a = {"id": 1, "pseudonym": "Marie", "hand": False, "done": False}
    assert room_changes(None, [a]) == []
    b = {"id": 2, "pseudonym": "Paul", "hand": False, "done": False}
    assert room_changes([a], [a, b]) == ["Paul a rejoint l'atelier."]
    assert room_changes([a, b], [{**a, "hand": True}, {**b, "done": True}]) == [
        "Marie lève la main.", "Paul a terminé l'exercice."]


def test_screen_choices_follow_the_workshop_scenarios(catalogue):
    choices = screen_choices(catalogue, ["demo", "absent"])
    assert [c["id"] for c in choices] == ["start", "auto", "identity", "review", "done"]
    assert choices[2] == {"id": "identity", "label": "3. Votre identité",
                          "scenario": "Démarche d'essai"}
    assert screen_choices(catalogue, ["absent"]) == []


# --- joining ---------------------------------------------------------------------------------


def test_join_url_and_qr_code():
    url = join_url("192.168.1.20", 8866, "AB2C3D")
    assert url == "http://192.168.1.20:8866/voila/render/atelier.ipynb?code=AB2C3D"
    assert join_url("fe80::1", 9000, "AB2C3D").startswith("http://[fe80::1]:9000/")
    svg = qr_svg(url)
    assert svg.startswith("<svg") and "viewBox" in svg and "<?xml" not in svg
    ET.fromstring(svg)  # well-formed
    code = join_address.qr_code(url)
    assert code.is_micro is False and code.error in ("M", "Q", "H")
    modules = code.symbol_size(border=0)[0]
    # A workshop address is a small QR code (version 3 to 6): big modules, easy to scan.
    assert 29 <= modules <= 41, modules
    assert f"0 0 {modules + 8} {modules + 8}" in svg  # the quiet zone of 4 modules
    assert qr_svg(url) == svg  # deterministic
    assert qr_svg(join_url("192.168.1.20", 8866, "ZZ9ZZ9")) != svg


def test_host_validation_and_default(monkeypatch):
    assert validate_host(" 192.168.1.20 ") == "192.168.1.20"
    assert validate_host("[fe80::1]") == "fe80::1"
    assert validate_host("portable-atelier.local") == "portable-atelier.local"
    for bad in ("", "http://x", "a b", "1.2.3", "<script>", None, "x" * 300):
        with pytest.raises(StoreError, match="Adresse non valide"):
            validate_host(bad)
    monkeypatch.setattr(join_address, "lan_addresses", lambda: ["192.168.1.20", "10.0.0.5"])
    assert default_host({}) == ("192.168.1.20", ["192.168.1.20", "10.0.0.5"])
    assert default_host({"SERVER_NAME": "127.0.0.1"})[0] == "192.168.1.20"
    assert default_host({"SERVER_NAME": "10.0.0.5"})[0] == "10.0.0.5"
    monkeypatch.setattr(join_address, "lan_addresses", lambda: [])
    assert default_host({}) == ("127.0.0.1", [])


def test_a_workshops_host_is_kept_for_the_other_pages(monkeypatch, tmp_path):
    monkeypatch.setattr(join_address, "lan_addresses", lambda: ["192.168.1.20"])
    with Store(f"sqlite:///{tmp_path / 'host.db'}") as store:
        first = store.create_workshop("A", "Mairie", "2026-11-26", [])["id"]
        second = store.create_workshop("B", "Mairie", "2026-11-26", [])["id"]
        assert workshop_host(store, first, {}) == ("192.168.1.20", ["192.168.1.20"])
        assert workshop_host(store, first, {}, fallback="10.0.0.9")[0] == "10.0.0.9"
        remember_host(store, first, " 10.0.0.7 ")
        assert workshop_host(store, first, {})[0] == "10.0.0.7"
        assert workshop_host(store, second, {})[0] == "192.168.1.20"  # each workshop its own
        with pytest.raises(StoreError, match="Adresse non valide"):
            remember_host(store, second, "pas une adresse")
        store.set_setting(f"join_host.{second}", "<script>")  # a broken value: the default
        assert workshop_host(store, second, {})[0] == "192.168.1.20"


def test_the_page_is_this_computers_when_its_connection_came_from_loopback():
    voila = {"SERVER_SOFTWARE": "voila/0.5.13", "SERVER_NAME": "localhost"}
    assert page_peer({}).local  # not under Voilà: a notebook, the tests
    for address in ("127.0.0.1", "::1", "127.0.0.2", "::ffff:127.0.0.1"):
        peer = page_peer({**voila, PEER_VARIABLE: address})
        assert peer.local and peer.client == "local", address
    phone = page_peer({**voila, PEER_VARIABLE: "192.168.1.20"})
    assert not phone.local and phone.client == "peer:192.168.1.20"
    # The Host header (SERVER_NAME) decides nothing; a kernel the server did not mark (a
    # preheated one, or started by another server) is not this computer's.
    assert not page_peer(voila).local
    assert not page_peer({"VOILA_PREHEAT": "True", "VOILA_BASE_URL": "/",
                          PEER_VARIABLE: "127.0.0.1"}).local
    assert not page_peer({**voila, PEER_VARIABLE: "pas une adresse"}).local


# --- the workshop form -----------------------------------------------------------------------


def test_workshop_form_is_checked_field_by_field():
    good = {"title": "  Atelier  emploi ", "place": "Médiathèque", "date": "2026-11-26",
            "scenarios": ["demo", "inconnu"], "themes": ["Aide aux démarches administratives",
                                                      "pas un thème"],
            "level": "debutant", "duration": "90", "equipment": ["telephone", "fusée"]}
    clean, errors = validate_workshop_form(good, ["demo", "autre"])
    assert errors == {}
    assert clean == {"title": "Atelier emploi", "place": "Médiathèque",
                     "date": dt.date(2026, 11, 26), "scenario_ids": ["demo"],
                     "themes": ["Aide aux démarches administratives"], "level": "debutant",
                     "duration_minutes": 90, "equipment": ["telephone"],
                     "expected_learners": None}
    clean, errors = validate_workshop_form(
        {"title": " ", "date": "26/11/2026", "scenarios": "demo", "themes": [],
         "level": "expert", "duration": "0", "place": "x" * 201}, ["demo"])
    assert clean == {}
    assert set(errors) == {"title", "place", "date", "scenarios", "themes", "level", "duration"}
    assert errors["scenarios"] == "Choisissez au moins un exercice."


# --- the PIN, limited across kernels ---------------------------------------------------------


def test_wrong_pins_are_counted_across_kernels(store, tmp_path):
    pin.set_pin(store, "4827")
    now = [1000.0]

    def tick():
        return now[0]

    phone = Peer("192.168.1.23", local=False)
    url = f"sqlite:///{tmp_path / 'bacasable.sqlite'}"
    for _ in range(pin.MAX_FAILURES):
        # Each try from a new console page: a new kernel, with a store of its own.
        with Store(url) as kernel:
            assert check_facilitator_pin(kernel, "0000", peer=phone, clock=tick) is False
    with Store(url) as kernel, pytest.raises(PinLockedError) as locked:
        check_facilitator_pin(kernel, "4827", peer=phone, clock=tick)
    assert locked.value.retry_after == pytest.approx(pin.LOCK_SECONDS)
    assert pin_policy.locked_message(locked.value.retry_after) == (
        "Trop d'essais. Réessayez dans 30 secondes.")
    # The phone's tries lock neither this laptop nor another device.
    laptop, tablet = Peer("127.0.0.1", local=True), Peer("192.168.1.24", local=False)
    assert check_facilitator_pin(store, "0000", peer=tablet, clock=tick) is False
    assert check_facilitator_pin(store, "4827", peer=laptop, clock=tick) is True
    now[0] += pin.LOCK_SECONDS
    assert check_facilitator_pin(store, "4827", peer=phone, clock=tick) is True
    # The right PIN reset the phone's count: five wrong tries again before a wait.
    for _ in range(pin.MAX_FAILURES):
        assert check_facilitator_pin(store, "0000", peer=phone, clock=tick) is False
    with pytest.raises(PinLockedError):
        check_facilitator_pin(store, "4827", peer=phone, clock=tick)
