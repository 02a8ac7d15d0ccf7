"""The store's subcommands: pin, db upgrade, purge, export-participant, delete-participant."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bacasable.cli import main
from bacasable.cli.store import parse_retention
from bacasable.common.config import BacasableConfig
from bacasable.store import Store, StoreError
from bacasable.store.migrations import HEAD_REVISION
from bacasable.workshop import pin


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "donnees"
    monkeypatch.setenv("BACASABLE_DATA", str(folder))
    monkeypatch.delenv("BACASABLE_DB", raising=False)
    monkeypatch.chdir(tmp_path)  # no bacasable_config.py from the checkout
    return folder


def run(*argv: str) -> int:
    with pytest.raises(SystemExit) as done:
        main(list(argv))
    return done.value.code


def open_store(**kwargs) -> Store:
    return Store.from_config(BacasableConfig(), **kwargs)


def typed(monkeypatch, *answers: str) -> None:
    queue = list(answers)
    prompts = []

    def fake(prompt: str = "") -> str:
        prompts.append(prompt)
        return queue.pop(0)

    monkeypatch.setattr("getpass.getpass", fake)


# --- pin -------------------------------------------------------------------------------------


def test_pin_is_asked_twice_and_stored_hashed(monkeypatch, capsys, data_dir):
    typed(monkeypatch, "5931", "5931")
    assert run("pin") == 0
    assert "Le code PIN de l'animateur est enregistré." in capsys.readouterr().out
    assert (data_dir / "bacasable.sqlite").is_file()
    with open_store() as store:
        assert pin.check_pin(store, "5931")
        assert "5931" not in store.setting(pin.PIN_SETTING)
    typed(monkeypatch, "48273", "48273")
    assert run("pin") == 0
    assert "est changé" in capsys.readouterr().out
    with open_store() as store:
        assert pin.check_pin(store, "48273") and not pin.check_pin(store, "5931")


@pytest.mark.parametrize(("typed_pins", "message"), [
    (["5931", "5932"] * 3, "Les deux codes ne sont pas identiques"),
    (["1234"] * 3, "trop facile à deviner"),
    (["12"] * 3, "Le code doit comporter de 4 à 8 chiffres."),
])
def test_pin_refused_three_times(monkeypatch, capsys, typed_pins, message):
    typed(monkeypatch, *typed_pins)
    assert run("pin") == 1
    err = capsys.readouterr().err
    assert err.count(message) == 3 and "Aucun code PIN n'a été enregistré." in err
    with open_store() as store:
        assert not pin.has_pin(store)


def test_an_easy_pin_is_refused_at_once_and_asked_again(monkeypatch, capsys):
    prompts = []
    queue = ["1234", "5931", "5931"]

    def fake(prompt: str = "") -> str:
        prompts.append(prompt)
        return queue.pop(0)

    monkeypatch.setattr("getpass.getpass", fake)
    assert run("pin") == 0
    out = capsys.readouterr()
    assert "trop facile à deviner" in out.err and "Choisissez-en un autre." in out.err
    assert prompts == ["Code PIN : ", "Code PIN : ", "Le même code, une seconde fois : "]
    with open_store() as store:
        assert pin.check_pin(store, "5931")


def test_pin_interrupted(monkeypatch, capsys):
    def interrupted(prompt=""):
        raise KeyboardInterrupt

    monkeypatch.setattr("getpass.getpass", interrupted)
    assert run("pin") == 1
    assert "Aucun code PIN n'a été enregistré." in capsys.readouterr().err


# --- db upgrade ------------------------------------------------------------------------------


def test_db_upgrade(capsys, data_dir):
    assert run("db", "upgrade") == 0
    out = capsys.readouterr().out
    assert f"La base de données est créée (révision {HEAD_REVISION})" in out
    assert str(data_dir / "bacasable.sqlite") in out
    assert run("db", "upgrade") == 0
    assert "déjà à jour" in capsys.readouterr().out
    with open_store(upgrade=False) as store:
        assert store.revision() == HEAD_REVISION
    assert run("db") == 2
    assert "upgrade" in capsys.readouterr().out


# --- RGPD ------------------------------------------------------------------------------------


def seed(now: dt.datetime) -> dict[str, int]:
    """An old closed workshop with Marie, a recent one with Paul; returns their ids."""
    clock = [now - dt.timedelta(days=100)]
    with open_store(clock=lambda: clock[0]) as store:
        old = store.create_workshop("Ancien", "Mairie", "2026-01-05", ["demo"])
        marie = store.join(old["id"], "Marie")
        run_id = store.start_attempt(marie["id"], "demo", "alice", 3)
        store.record_event(run_id, {"type": "field_error", "scenario_id": "demo",
                                    "screen_id": "identity", "field_id": "last_name",
                                    "error_kind": "format", "at": clock[0].timestamp()})
        store.record_observation(marie["id"], "indices", "a hésité")
        store.close_workshop(old["id"])
        clock[0] = now - dt.timedelta(days=2)
        recent = store.create_workshop("Récent", "Mairie", "2026-04-10", ["demo"])
        paul = store.join(recent["id"], "Paul")
        store.send_message(recent["id"], "Bonjour", paul["id"])
        return {"old": old["id"], "recent": recent["id"], "marie": marie["id"],
                "paul": paul["id"]}


def test_purge_older_than(capsys):
    ids = seed(dt.datetime.now(dt.timezone.utc))
    assert run("purge") == 2
    assert "--older-than 90d" in capsys.readouterr().err
    assert run("purge", "--older-than", "trois mois") == 2
    assert "Durée non comprise" in capsys.readouterr().err
    assert run("purge", "--older-than", "90d") == 0
    assert "1 atelier(s) de plus de 90 jour(s) supprimé(s)" in capsys.readouterr().out
    with open_store() as store:
        assert [w["title"] for w in store.list_workshops()] == ["Récent"]
        with pytest.raises(StoreError):
            store.participant(ids["marie"])
        assert store.observations(ids["old"]) == []
        assert store.participant(ids["paul"])["pseudonym"] == "Paul"
    assert run("purge", "--older-than=90d") == 0
    assert "rien n'a été supprimé" in capsys.readouterr().out


def test_parse_retention():
    assert parse_retention("90d") == dt.timedelta(days=90)
    assert parse_retention("90 jours") == dt.timedelta(days=90)
    assert parse_retention("12w") == dt.timedelta(weeks=12)
    assert parse_retention("2 semaines") == dt.timedelta(weeks=2)
    assert parse_retention("30") == dt.timedelta(days=30)
    for bad in ("", "d", "-3d", "3 mois", "1.5d"):
        assert parse_retention(bad) is None, bad


def test_export_participant(capsys, tmp_path):
    ids = seed(dt.datetime.now(dt.timezone.utc))
    assert run("export-participant", str(ids["marie"])) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["participant"]["pseudonym"] == "Marie"
    assert data["workshop"]["title"] == "Ancien"
    assert [e["error_kind"] for e in data["events"]] == ["format"]
    assert [o["note"] for o in data["observations"]] == ["a hésité"]
    assert "Paul" not in json.dumps(data, ensure_ascii=False)  # not the others in the room

    out = tmp_path / "paul.json"
    assert run("export-participant", str(ids["paul"]), "--output", str(out)) == 0
    assert f"écrites dans {out}" in capsys.readouterr().out
    paul = json.loads(out.read_text(encoding="utf-8"))
    assert [c["payload"] for c in paul["commands"]] == [{"text": "Bonjour"}]

    assert run("export-participant", "999") == 1
    assert "Cette personne n'est pas (ou plus) enregistrée." in capsys.readouterr().err
    assert run("export-participant") == 2
    assert run("export-participant", "Marie") == 2
    assert "numéro d'un participant" in capsys.readouterr().err


def test_delete_participant(capsys):
    ids = seed(dt.datetime.now(dt.timezone.utc))
    assert run("delete-participant", str(ids["marie"])) == 0
    assert "« Marie »" in capsys.readouterr().out
    with open_store() as store:
        with pytest.raises(StoreError):
            store.participant(ids["marie"])
        assert store.observations(ids["old"]) == []
        assert store.participant(ids["paul"])["pseudonym"] == "Paul"
    assert run("delete-participant", str(ids["marie"])) == 1
    assert "Cette personne n'est pas (ou plus) enregistrée." in capsys.readouterr().err
    assert run("delete-participant") == 2


#: Words of traitlets' own English help that must not reach a facilitator.
ENGLISH = ("Subcommands", "Equivalent to", "Default:", "To see all", "Show the", "Set log-level",
           "Folder", "Seconds", "file", "Write ", "Replace", "Open a", "instead")


def test_every_help_is_in_french(capsys):
    from bacasable.cli import BacasableApp

    commands = [[]] + [[name] for name in BacasableApp.subcommands] + [["db", "upgrade"]]
    for command in commands:
        with pytest.raises(SystemExit):
            main([*command, "--help"])
        out = capsys.readouterr().out
        assert "Options" in out or "Sous-commandes" in out, command
        assert not [w for w in ENGLISH if w in out], (command, [w for w in ENGLISH if w in out])
