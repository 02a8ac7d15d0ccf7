"""The learner kernels' catalogue, read once and kept as a pickle until a file changes.

Reading and validating the scenario files costs about 0.9 CPU-second (ruamel.yaml and pydantic);
unpickling the result, 0.01. A room of 30 learners starts 30 kernels on a 2-core laptop: each
reading the files again would cost the room 30 CPU-seconds. The first reader (the server at
start, or the first kernel) writes the pickle; every other kernel loads it.

The cache's name is a hash of everything the result depends on: the Python version, the
package's source files and every file in the scenario folders (path, size, modification time).
A changed scenario, a new persona or an updated package gives a new name, so a stale catalogue
is never read. The pickle lives in the data folder, which only this computer's user writes
(the same trust as the store beside it).
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from . import loader
from .loader import Catalogue

__all__ = ["cache_key", "cached_catalogue", "warm_cache"]

log = logging.getLogger(__name__)

#: The package whose source the pickled models come from.
_PACKAGE = Path(__file__).resolve().parents[1]
#: Older caches kept beside the newest (a trainer switching between two versions of a file).
_KEEP = 3


def _stamp(path: Path) -> str:
    stat = path.stat()
    return f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n"


def cache_key(folders: Iterable[Path]) -> str:
    """Return the hash naming the catalogue of these folders as the code reads it today."""
    digest = hashlib.sha256(sys.version.encode())
    for source in sorted(_PACKAGE.rglob("*.py")):
        digest.update(_stamp(source).encode())
    for folder in folders:
        digest.update(f"folder\0{Path(folder).resolve()}\n".encode())
        if Path(folder).is_dir():
            for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
                digest.update(_stamp(path).encode())
    return digest.hexdigest()[:32]


def _read(path: Path) -> Catalogue | None:
    try:
        cat = pickle.loads(path.read_bytes())  # written by this module, in our data folder
    except FileNotFoundError:
        return None
    except Exception:
        log.warning("the catalogue cache %s could not be read: reading the files again", path)
        return None
    return cat if isinstance(cat, Catalogue) else None


def _write(path: Path, cat: Catalogue) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Another kernel may write the same file at the same time: each writes its own temporary
    # file, then renames it over the name (atomic), so a reader never sees half a pickle.
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".catalogue-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            pickle.dump(cat, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    old = sorted(path.parent.glob("catalogue-*.pickle"), key=lambda p: p.stat().st_mtime)
    for stale in old[:-_KEEP]:
        stale.unlink(missing_ok=True)


def cached_catalogue(folders: Iterable[Path], cache_dir: Path) -> Catalogue:
    """Return the catalogue of ``folders``, from the cache when nothing changed.

    Otherwise the files are read in a child process (:func:`load_catalogue_apart`, so that a
    learner's kernel never keeps the YAML library) and the result is cached.

    Parameters
    ----------
    folders : iterable of Path
        As for :func:`~bacasable.scenario.loader.load_catalogue`.
    cache_dir : Path
        Where the pickles are kept (created if missing).

    Returns
    -------
    Catalogue
        What :func:`load_catalogue_apart` returns, which also says what it raises when the
        cache is missing and the child fails.
    """
    folders = [Path(f) for f in folders]
    path = Path(cache_dir) / f"catalogue-{cache_key(folders)}.pickle"
    cat = _read(path)
    if cat is not None:
        return cat
    cat = loader.load_catalogue_apart(folders)
    try:
        _write(path, cat)
    except OSError:
        log.warning("the catalogue could not be cached in %s", path.parent)
    return cat


def warm_cache(config: object) -> None:
    """Cache the configured catalogue now (the server at start), so that no kernel reads files.

    Never raises: a kernel that finds no cache reads the files itself.
    """
    try:
        folders = config.all_scenario_dirs()  # type: ignore[attr-defined]
        cached_catalogue(folders, Path(config.data_dir) / "cache")  # type: ignore[attr-defined]
    except Exception:
        log.warning("the catalogue could not be cached at start", exc_info=True)
