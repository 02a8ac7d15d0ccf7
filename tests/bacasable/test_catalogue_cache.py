"""The learner kernels' catalogue cache: read once, never stale, never half written."""

from __future__ import annotations

import os
import shutil
import time

import pytest

import bacasable.scenario.loader as loader
from bacasable.common.config import BUILTIN_SCENARIOS, BacasableConfig
from bacasable.scenario.catalogue_cache import cache_key, cached_catalogue, warm_cache


@pytest.fixture
def folder(tmp_path):
    copy = tmp_path / "scenarios"
    shutil.copytree(BUILTIN_SCENARIOS, copy)
    return copy


@pytest.fixture
def children(monkeypatch):
    """Count the child processes that read the files."""
    calls = []
    real = loader.load_catalogue_apart

    def counted(folders, timeout=300):
        calls.append(list(folders))
        return real(folders, timeout)

    monkeypatch.setattr(loader, "load_catalogue_apart", counted)
    return calls


def test_the_files_are_read_once_then_the_cache_is_used(folder, tmp_path, children):
    first = cached_catalogue([folder], tmp_path / "cache")
    again = cached_catalogue([folder], tmp_path / "cache")
    assert len(children) == 1
    assert again.scenarios == first.scenarios and again.personas == first.personas
    assert not again.keeps_trees
    assert len(list((tmp_path / "cache").glob("catalogue-*.pickle"))) == 1


def test_a_changed_file_is_read_again(folder, tmp_path, children):
    cached_catalogue([folder], tmp_path / "cache")
    scenario = next(folder.glob("*.yaml"))
    text = scenario.read_text(encoding="utf-8")
    scenario.write_text(text.replace("title:", "title: Modifié —", 1), encoding="utf-8")
    stat = scenario.stat()
    os.utime(scenario, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    changed = cached_catalogue([folder], tmp_path / "cache")
    assert len(children) == 2
    assert any(s.title.startswith("Modifié") for s in changed.scenarios.values())


def test_a_new_persona_file_changes_the_key(folder):
    before = cache_key([folder])
    (folder / "personas" / "zz-nouvelle.yaml").write_text("id: zz\n", encoding="utf-8")
    assert cache_key([folder]) != before


def test_a_damaged_cache_is_read_again_not_trusted(folder, tmp_path, children):
    cached_catalogue([folder], tmp_path / "cache")
    (pickle,) = (tmp_path / "cache").glob("catalogue-*.pickle")
    pickle.write_bytes(b"not a pickle")
    cat = cached_catalogue([folder], tmp_path / "cache")
    assert len(children) == 2 and cat.scenarios


def test_only_a_few_old_caches_are_kept(folder, tmp_path):
    cache = tmp_path / "cache"
    for n in range(5):
        (cache).mkdir(exist_ok=True)
        old = cache / f"catalogue-old{n}.pickle"
        old.write_bytes(b"x")
        os.utime(old, (time.time() - 100 + n, time.time() - 100 + n))
    cached_catalogue([folder], cache)
    assert len(list(cache.glob("catalogue-*.pickle"))) == 3
    assert not list(cache.glob(".catalogue-*"))  # no temporary file left


def test_warm_cache_fills_the_configured_data_folder(monkeypatch, tmp_path, folder, children):
    monkeypatch.setenv("BACASABLE_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("BACASABLE_SCENARIOS", str(folder))
    config = BacasableConfig()
    warm_cache(config)
    assert list((tmp_path / "data" / "cache").glob("catalogue-*.pickle"))
    cached_catalogue(config.all_scenario_dirs(), tmp_path / "data" / "cache")
    assert len(children) == 1


def test_warm_cache_never_raises(tmp_path, caplog):
    class Broken:
        data_dir = str(tmp_path)

        def all_scenario_dirs(self):
            raise RuntimeError("boom")

    warm_cache(Broken())
    assert "could not be cached at start" in caplog.text  # logged, not raised
    assert not (tmp_path / "cache").exists()
