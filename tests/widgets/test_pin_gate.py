"""What every facilitator page shares: reading the scenario folders without ever raising."""

from __future__ import annotations

import pytest

from bacasable.common.config import BacasableConfig
from bacasable.store import Store
from widgets.common.pin_gate import MSG_CATALOGUE
from widgets.trainer.app import Trainer


@pytest.fixture
def page(tmp_path):
    def make(folder):
        config = BacasableConfig(data_dir=str(tmp_path / "data"), scenario_dirs=[str(folder)])
        return Trainer(store, config=config, environ={})

    with Store("sqlite:///:memory:") as store:
        yield make


def test_a_broken_file_is_told_and_the_others_are_read(page, tmp_path):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "casse.yaml").write_text("id: [", encoding="utf-8")
    catalogue, problem = page(folder).load_catalogue()
    assert problem == MSG_CATALOGUE
    assert "france-travail-inscription" in catalogue.scenarios  # the built-in ones still load


def test_a_reading_that_fails_gives_an_empty_catalogue_and_a_message(page, tmp_path,
                                                                     monkeypatch):
    import bacasable.scenario.loader

    def fail(_folders):
        raise OSError("disque illisible")

    monkeypatch.setattr(bacasable.scenario.loader, "load_catalogue", fail)
    catalogue, problem = page(tmp_path).load_catalogue()
    assert problem == MSG_CATALOGUE and not catalogue.scenarios
