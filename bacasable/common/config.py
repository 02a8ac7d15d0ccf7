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
        help="Dossier des données de l'atelier (la base des résultats). Variable : BACASABLE_DATA."
    ).tag(config=True)

    db_url = Unicode(
        help="Adresse SQLAlchemy de la base des résultats ; par défaut, SQLite dans le dossier des "
        "données. Variable : BACASABLE_DB."
    ).tag(config=True)

    scenario_dirs = List(
        Unicode(),
        help="Dossiers de scénarios après celui fourni ; un dossier plus loin dans la liste "
        "remplace un scénario de même identifiant. Variable : BACASABLE_SCENARIOS.",
    ).tag(config=True)

    trainer_dir = Unicode(
        help="Dossier du formateur : l'éditeur y enregistre (un exercice fourni modifié y "
        "devient un exercice local qui le remplace dans la liste ; le fichier fourni ne "
        "change jamais). Par défaut : « exercices » dans le dossier des données. "
        "Variable : BACASABLE_TRAINER_DIR.",
    ).tag(config=True)

    ip = Unicode(
        "0.0.0.0", help="Adresse sur laquelle le serveur écoute (0.0.0.0 : tous les réseaux)."
    ).tag(config=True)

    port = Int(help="Port du serveur. Variable : BACASABLE_PORT.").tag(config=True)

    preheat_kernels = Int(
        help="Noyaux démarrés à l'avance pour la page des apprenants (0 : aucun). "
        "Un atelier ouvert pour N apprenants en prépare N de plus."
    ).tag(config=True)

    warm_at_once = Int(
        help="Noyaux d'apprenants préparés en même temps (1 ou 2 par cœur du processeur). "
        "Les autres attendent leur tour, dans l'ordre d'arrivée."
    ).tag(config=True)

    fork_kernels = Bool(
        True,
        help="Les noyaux sont copiés d'un processus qui a déjà chargé leurs modules : ils "
        "démarrent plus vite et partagent leur mémoire. Non : chaque noyau démarre seul. "
        "Variable : BACASABLE_FORK_KERNELS (0 ou 1).",
    ).tag(config=True)

    cull_idle_timeout = Int(
        3600,
        help="Secondes d'inactivité après lesquelles le noyau d'un apprenant est arrêté. "
        "Une heure au moins : personne n'est coupé en pleine lecture.",
    ).tag(config=True)

    cull_interval = Int(300, help="Secondes entre deux recherches de noyaux inactifs.").tag(
        config=True
    )

    open_browser = Bool(False, help="Ouvre un navigateur au démarrage.").tag(config=True)

    @default("preheat_kernels")
    def _default_preheat_kernels(self) -> int:
        return _env_int("BACASABLE_PREHEAT_KERNELS", 2)

    @default("warm_at_once")
    def _default_warm_at_once(self) -> int:
        return _env_int("BACASABLE_WARM_AT_ONCE", 2)

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

    @default("fork_kernels")
    def _default_fork_kernels(self) -> bool:
        return bool(_env_int("BACASABLE_FORK_KERNELS", 1))

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

    owner = Unicode(
        help="Compte de l'animateur sur un serveur partagé (JupyterHub) : les ateliers qu'il "
        "crée portent ce nom, et il ne voit que les siens (un apprenant rejoint tout atelier "
        "ouvert par son code). Vide sur un ordinateur portable : tous les ateliers. "
        "Variable : BACASABLE_OWNER ; par défaut, JUPYTERHUB_USER (donné par JupyterHub).",
    ).tag(config=True)

    @default("owner")
    def _default_owner(self) -> str:
        # BACASABLE_OWNER, even empty, wins: an administrator's command may ask for every workshop.
        if "BACASABLE_OWNER" in os.environ:
            return os.environ["BACASABLE_OWNER"].strip()
        return os.environ.get("JUPYTERHUB_USER", "").strip()


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default
