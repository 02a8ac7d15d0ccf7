"""The board's order and the group's progress: who needs help first, and why, in words."""

from __future__ import annotations

from bacasable.workshop.room import MSG_EMPTY_ROOM, format_tile, room_summary
from bacasable.workshop.room_attention import (
    ERRORS,
    HAND,
    IDLE,
    OTHER,
    attention,
    group_progress,
    order_tiles,
)


def raw(pid: int, name: str, **values) -> dict:
    """A raw tile of Store.room: someone on screen 2 of 5 of "demo", active, no error."""
    base = {
        "participant_id": pid, "pseudonym": name, "attempt_id": pid, "scenario_id": "demo",
        "screen_id": "identity", "screen_index": 2, "screen_count": 5, "errors": 0, "hints": 0,
        "screen_errors": 0, "idle_seconds": 10.0, "seen_seconds": 2.0, "hand_raised": False,
        "hand_waiting_seconds": None, "done": False, "abandoned": False, "disconnected": False,
    }
    return {**base, **values}


def tile(pid: int, name: str, **values) -> dict:
    return format_tile(raw(pid, name, **values))


# --- why a tile comes first --------------------------------------------------------------------


def test_each_rank_says_why_in_words():
    assert attention(tile(1, "Marie", hand_raised=True, hand_waiting_seconds=90)) == (
        HAND, "Main levée depuis 1 min")
    assert attention(tile(1, "Marie", hand_raised=True, disconnected=True)) == (
        HAND, "Main levée depuis moins d'une minute — déconnecté")
    assert attention(tile(2, "Paul", screen_errors=3, errors=5)) == (
        ERRORS, "3 erreurs sur cet écran")
    assert attention(tile(3, "Léa", idle_seconds=4 * 60 + 10)) == (IDLE, "Inactif depuis 4 min")
    assert attention(tile(4, "Nadia", errors=7, screen_errors=2)) == (OTHER, "")
    # A finished or abandoned run, or one not started, needs no help for its errors or pauses.
    assert attention(tile(5, "Ana", screen_errors=4, idle_seconds=600, done=True))[0] == OTHER
    assert attention(tile(6, "Jo", screen_errors=4, abandoned=True))[0] == OTHER
    assert attention(tile(7, "Max", attempt_id=None, idle_seconds=600))[0] == OTHER


def test_tiles_needing_help_come_first_then_by_name():
    tiles = [
        tile(1, "zoé"),
        tile(2, "Bruno", idle_seconds=200),
        tile(3, "Alain", screen_errors=3),
        tile(4, "Yves", hand_raised=True, hand_waiting_seconds=30),
        tile(5, "Chloé", idle_seconds=900),
        tile(6, "Xavier", hand_raised=True, hand_waiting_seconds=300),
        tile(7, "Émile", screen_errors=5, hand_raised=False),
        tile(8, "Aude"),
        tile(10, "Éric"),
        tile(9, "Denis", done=True, screen_errors=6),
    ]
    ordered = order_tiles(tiles)
    assert [t["pseudonym"] for t in ordered] == [
        "Xavier", "Yves",          # hands: who waited longest first
        "Alain", "Émile",          # repeated errors on a screen: by name
        "Chloé", "Bruno",          # inactive: longest first
        "Aude", "Denis", "Éric", "zoé",  # the others: by name, whatever the case or accent
    ]
    assert [t["priority"] for t in ordered] == [HAND] * 2 + [ERRORS] * 2 + [IDLE] * 2 + [OTHER] * 4
    assert [t["reason"] for t in ordered[:6]] == [
        "Main levée depuis 5 min", "Main levée depuis moins d'une minute",
        "3 erreurs sur cet écran", "5 erreurs sur cet écran",
        "Inactif depuis 15 min", "Inactif depuis 3 min"]
    assert ordered[-1]["reason"] == ""
    # Stable: the same room gives the same order, whatever order the store read it in.
    assert order_tiles(list(reversed(tiles))) == ordered
    assert tiles[0].get("priority") is None  # the tiles given are left as they were


# --- the progress bar and where the group is ---------------------------------------------------


def test_a_tile_carries_its_progress():
    assert (tile(1, "A")["step"], tile(1, "A")["steps"]) == (2, 5)
    assert tile(1, "A")["progress_text"] == "Écran 2 sur 5"
    finished = tile(1, "A", done=True, screen_index=4)
    assert (finished["step"], finished["steps"], finished["progress_text"]) == (
        5, 5, "Écran 5 sur 5")
    waiting = tile(1, "A", attempt_id=None, scenario_id=None, screen_index=None,
                   screen_count=None)
    assert (waiting["step"], waiting["steps"], waiting["progress_text"]) == (None, None, "")
    unknown = tile(1, "A", screen_count=None)
    assert (unknown["step"], unknown["progress_text"]) == (None, "")


def test_the_group_summary_counts_learners_on_each_screen():
    assert group_progress([]) == []
    tiles = [
        tile(1, "A", screen_index=1), tile(2, "B", screen_index=1),
        tile(3, "C", screen_index=2), tile(4, "D", screen_index=2), tile(5, "E", screen_index=2),
        tile(6, "F", screen_index=2), tile(7, "G", screen_index=2),
        tile(8, "H", done=True),
    ]
    [line] = group_progress(tiles)
    assert line["text"] == "Écran 1 : 2 · Écran 2 : 5 · Terminé : 1"
    assert line["scenario"] == ""
    assert line["counts"][0] == {"label": "Écran 1", "count": 2}
    waiting = tile(9, "I", attempt_id=None, scenario_id=None, screen_index=None)
    gave_up = tile(10, "J", abandoned=True)
    late = tile(11, "K", screen_index=10, screen_count=12)
    [line] = group_progress([late, waiting, gave_up, *tiles])
    assert line["text"] == ("Pas encore commencé : 1 · Écran 1 : 2 · Écran 2 : 5 · "
                            "Écran 10 : 1 · Terminé : 1 · Abandonné : 1")

    # Two exercises in the room: one line each, by title, and one for those not started.
    other = [tile(12, "L", scenario_id="caf", screen_index=3), tile(13, "M", scenario_id="caf")]
    lines = group_progress([*tiles[:3], *other, waiting])
    assert [(x["scenario"], x["text"]) for x in lines] == [
        ("caf", "Écran 2 : 1 · Écran 3 : 1"),
        ("demo", "Écran 1 : 2 · Écran 2 : 1"),
        ("", "Pas encore commencé : 1"),
    ]


def test_the_empty_room_is_said_once_with_what_to_do():
    assert room_summary([]) == MSG_EMPTY_ROOM
    assert MSG_EMPTY_ROOM.startswith("Personne n'a encore rejoint l'atelier.")
    assert "QR code" in MSG_EMPTY_ROOM
