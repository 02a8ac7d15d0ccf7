"""Whose workshop it is: a store opened for a facilitator's account on a shared server.

Several facilitators share one database (on a hub): each store is opened for an owner. A
laptop's store (no owner) sees everything, as before. Two owners need one database seen by two
stores: a SQLite file here (an in-memory database is one store's alone); the single-store rules
run on ``sqlite:///:memory:``. PostgreSQL runs the same code through the deploy test.
"""

from __future__ import annotations

import pytest

from bacasable.common.config import BacasableConfig
from bacasable.store import Store, StoreError
from bacasable.store.owner import OWNER_LENGTH, owner_tag, scoped_key
from bacasable.store.pins import PIN_HASH_SETTING
from bacasable.workshop.pin import has_pin, set_pin

NOW = 1_790_000_000.0


def _new(store: Store, title: str = "Atelier emploi") -> dict:
    return store.create_workshop(title, "Médiathèque", "2026-03-02", ["ft"])


@pytest.fixture
def db(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'reseau.sqlite'}"


def test_a_store_for_an_owner_creates_lists_and_reads_its_own_workshops(db):
    with Store(db, owner="marie") as marie, Store(db, owner="paul") as paul, Store(db) as admin:
        hers = _new(marie)
        his = _new(paul, "Atelier CAF")
        assert hers["owner"] == "marie" and his["owner"] == "paul"
        assert [w["id"] for w in marie.list_workshops()] == [hers["id"]]
        assert [w["id"] for w in paul.list_workshops()] == [his["id"]]
        # A laptop, or the administrator's commands: every workshop.
        assert {w["id"] for w in admin.list_workshops()} == {hers["id"], his["id"]}
        assert marie.workshop(hers["id"])["title"] == "Atelier emploi"
        with pytest.raises(StoreError, match="n'existe pas"):
            paul.workshop(hers["id"])
        with pytest.raises(StoreError, match="n'existe pas"):
            paul.close_workshop(hers["id"])
        assert marie.workshop(hers["id"])["open"]


def test_a_learner_joins_any_open_workshop_by_its_code(db):
    with Store(db, owner="marie") as marie, Store(db, owner="paul") as pauls_learner:
        hers = _new(marie)
        found = pauls_learner.workshop_by_code(hers["join_code"])
        assert found["id"] == hers["id"]
        # Found by its code, it can be read back (the join does) and joined…
        assert pauls_learner.workshop(hers["id"])["owner"] == "marie"
        assert pauls_learner.join(hers["id"], "Tournesol")["pseudonym"] == "Tournesol"
        # …but it is still not listed, and only its owner closes it.
        assert pauls_learner.list_workshops() == []
        with pytest.raises(StoreError):
            pauls_learner.close_workshop(hers["id"])
        assert marie.close_workshop(hers["id"])["open"] is False


def test_the_reports_hold_the_owners_workshops_only(db):
    with Store(db, owner="marie") as marie, Store(db, owner="paul") as paul:
        hers = _new(marie)
        _new(paul, "Atelier CAF")
        assert marie.report_table("workshops")["title"].tolist() == ["Atelier emploi"]
        assert paul.report_table("workshops")["title"].tolist() == ["Atelier CAF"]
        with pytest.raises(StoreError):
            paul.report_table("workshops", workshop_id=hers["id"])
        assert len(marie.report_table("workshops", workshop_id=hers["id"])) == 1


def test_each_facilitator_has_a_pin_of_their_own(db):
    with Store(db, owner="marie") as marie, Store(db, owner="paul") as paul, Store(db) as laptop:
        set_pin(marie, "4827")
        assert has_pin(marie) and not has_pin(paul) and not has_pin(laptop)
        assert marie.setting(PIN_HASH_SETTING) is not None
        assert laptop.setting(scoped_key(PIN_HASH_SETTING, "marie")) is not None
        paul.set_pin_hash("plain:1111")
        ok = lambda value: lambda encoded: encoded == f"plain:{value}"  # noqa: E731
        assert paul.pin_try("local", True, ok("1111"), now=NOW).ok
        assert not marie.pin_try("local", True, ok("1111"), now=NOW).ok
        # Wrong tries count per facilitator: five of Marie's do not suspend Paul.
        for _ in range(5):
            marie.pin_try("local", True, ok("0000"), now=NOW)
        assert marie.pin_try("local", True, ok("0000"), now=NOW).locked
        assert not paul.pin_try("local", True, ok("2222"), now=NOW).locked
        # A new PIN of Paul's clears his counts only.
        paul.set_pin_hash("plain:3333")
        assert marie.pin_try("local", True, ok("0000"), now=NOW).locked


def test_a_laptop_store_keeps_its_keys_and_sees_everything():
    with Store("sqlite:///:memory:") as laptop:
        assert laptop.owner == ""
        workshop = _new(laptop)
        assert workshop["owner"] == ""
        assert laptop.list_workshops()[0]["id"] == workshop["id"]
        laptop.set_pin_hash("plain:4827")
        assert laptop.setting(PIN_HASH_SETTING) == "plain:4827"
        assert scoped_key("local", "") == "local"


def test_owners_are_checked_and_tagged():
    with Store("sqlite:///:memory:", owner="  marie  ") as store:
        assert store.owner == "marie" and "owner='marie'" in repr(store)
    for bad in ("x" * (OWNER_LENGTH + 1), "a\x00b", 12):
        with pytest.raises(StoreError):
            Store("sqlite:///:memory:", owner=bad)
    assert owner_tag("marie.dupont") == "marie.dupont"
    odd = owner_tag("marie|local")
    assert odd.startswith("#") and len(odd) == 25 and odd != owner_tag("marie|locale")
    assert len(scoped_key(PIN_HASH_SETTING, "é" * OWNER_LENGTH)) <= 64


def test_the_owner_setting_comes_from_the_hub(monkeypatch, db):
    monkeypatch.delenv("BACASABLE_OWNER", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    assert BacasableConfig().owner == ""
    monkeypatch.setenv("JUPYTERHUB_USER", "marie")
    assert BacasableConfig().owner == "marie"
    # The administrator's commands may ask for every workshop, even on the hub's machine.
    monkeypatch.setenv("BACASABLE_OWNER", "")
    assert BacasableConfig().owner == ""
    monkeypatch.setenv("BACASABLE_OWNER", "paul")
    assert BacasableConfig().owner == "paul"
    config = BacasableConfig(db_url=db)
    with Store.from_config(config) as store:
        assert store.owner == "paul"
    # The pages' shared store: the configured owner, one store per owner.
    shared = Store.shared(db)
    try:
        assert shared.owner == "paul"
        assert Store.shared(db) is shared
        other = Store.shared(db, owner="marie")
        assert other is not shared and other.owner == "marie"
        other.close()
    finally:
        shared.close()
