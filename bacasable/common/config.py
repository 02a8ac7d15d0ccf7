"""The one Configurable that holds every setting of Bac à sable."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from traitlets import Bool, Int, List, Unicode, default
from traitlets.config import Configurable

#: The project's built-in scenarios, beside the package in a source checkout.
BUILTIN_SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


class BacasableConfig(Configurable):
    """Every setting, with its help; the command line, a config file and the environment agree.

    Environment variables give the defaults: ``BACASABLE_DATA``, ``BACASABLE_DB``,
    ``BACASABLE_SCENARIOS`` (folders separated by ``os.pathsep``), ``BACASABLE_PORT``.
    """

    data_dir = Unicode(
        help="Folder for the workbook's data (the outcome store). Env: BACASABLE_DATA."
    ).tag(config=True)

    db_url = Unicode(
        help="SQLAlchemy URL of the outcome store; default: SQLite in data_dir. Env: BACASABLE_DB."
    ).tag(config=True)

    scenario_dirs = List(
        Unicode(),
        help="Scenario folders after the built-in one; a later folder overrides an earlier one "
        "for the same scenario id. Env: BACASABLE_SCENARIOS.",
    ).tag(config=True)

    trainer_dir = Unicode(
        help="The trainers' own folder: the editor saves there (a changed built-in exercise "
        "becomes a local one that replaces it in the list; the shipped file is never "
        "changed). Default: the folder « exercices » in the data folder. "
        "Env: BACASABLE_TRAINER_DIR.",
    ).tag(config=True)

    ip = Unicode("0.0.0.0", help="Address the workbook server listens on.").tag(config=True)

    port = Int(help="Port of the workbook server. Env: BACASABLE_PORT.").tag(config=True)

    preheat_kernels = Int(
        2, help="Kernels kept started in advance for the learner's notebook (0: none)."
    ).tag(config=True)

    cull_idle_timeout = Int(
        3600,
        help="Seconds a learner's kernel may stay idle before it is shut down. At least one "
        "hour, so that nobody who is reading is cut off.",
    ).tag(config=True)

    cull_interval = Int(300, help="Seconds between two checks for idle kernels.").tag(
        config=True
    )

    open_browser = Bool(False, help="Open a browser on start.").tag(config=True)

    @default("data_dir")
    def _default_data_dir(self) -> str:
        return os.environ.get("BACASABLE_DATA") or platformdirs.user_data_dir("bacasable")

    @default("db_url")
    def _default_db_url(self) -> str:
        env = os.environ.get("BACASABLE_DB")
        if env:
            return env
        return "sqlite:///" + str(Path(self.data_dir) / "bacasable.sqlite")

    @default("scenario_dirs")
    def _default_scenario_dirs(self) -> list[str]:
        env = os.environ.get("BACASABLE_SCENARIOS", "")
        return [p for p in env.split(os.pathsep) if p.strip()]

    @default("trainer_dir")
    def _default_trainer_dir(self) -> str:
        return os.environ.get("BACASABLE_TRAINER_DIR") or str(Path(self.data_dir) / "exercices")

    @default("port")
    def _default_port(self) -> int:
        try:
            return int(os.environ.get("BACASABLE_PORT", "8866"))
        except ValueError:
            return 8866

    def all_scenario_dirs(self) -> list[Path]:
        """Return the built-in scenario folder, the configured ones, then the trainers' own.

        The trainers' folder comes last (their changes win) and only once it exists: the
        editor makes it on its first save.
        """
        dirs = [BUILTIN_SCENARIOS, *(Path(p).expanduser() for p in self.scenario_dirs)]
        own = Path(self.trainer_dir).expanduser()
        if own.is_dir() and own.resolve() not in {d.resolve() for d in dirs}:
            dirs.append(own)
        return dirs
