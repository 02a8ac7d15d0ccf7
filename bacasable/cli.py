"""The ``bacasable`` command: scenarios, the workbook server, and the outcome store.

``validate``, ``serve``, ``schema``, ``persona``; for the store: ``pin`` (the facilitator's PIN),
``db upgrade``, and for the RGPD ``purge --older-than 90d``, ``export-participant ID`` and
``delete-participant ID``.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import re
import sys
from pathlib import Path

from traitlets import Bool, Int, Unicode
from traitlets.config import Application, catch_config_error

from . import __version__
from .config import BacasableConfig
from .loader import Catalogue, Finding, load_catalogue, load_model
from .schema import Persona, Scenario

#: The notebooks served by ``bacasable serve``, beside the package in a source checkout.
NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

_aliases = {
    "port": "BacasableConfig.port",
    "ip": "BacasableConfig.ip",
    "data": "BacasableConfig.data_dir",
    "db": "BacasableConfig.db_url",
}


class _Command(Application):
    """Common ground of the subcommands: the shared settings and a config file."""

    version = __version__
    classes = [BacasableConfig]
    aliases = _aliases
    config_file_name = Unicode("bacasable_config", help="Name of the config file.")

    @catch_config_error
    def initialize(self, argv: list[str] | None = None) -> None:
        super().initialize(argv)
        self.load_config_file(self.config_file_name, path=[".", self.settings.data_dir])

    @property
    def settings(self) -> BacasableConfig:
        return BacasableConfig(parent=self)


def _load_paths(paths: list[str], base: BacasableConfig) -> Catalogue:
    """Load the configured folders, then the given files or folders on top of them."""
    cat = load_catalogue(base.all_scenario_dirs())
    if not paths:
        return cat
    # Only the findings of what was asked for; personas of the configured folders stay usable.
    own = Catalogue(personas=dict(cat.personas), sources=dict(cat.sources), trees=dict(cat.trees))
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            sub = load_catalogue([path])
            own.findings.extend(sub.findings)
            own.scenarios.update(sub.scenarios)
            own.personas.update(sub.personas)
            own.sources.update(sub.sources)
            own.trees.update(sub.trees)
        elif not path.exists():
            own.findings.append(Finding(str(path), 1, 1, "fichier introuvable"))
        else:
            is_persona = path.parent.name == "personas"
            model = Persona if is_persona else Scenario
            obj, found = load_model(path, model, own.trees)
            own.findings.extend(found)
            if isinstance(obj, Scenario):
                own.scenarios[obj.id] = obj
                own.sources[obj.id] = path
            elif isinstance(obj, Persona):
                own.personas[obj.id] = obj
    return own


class ValidateCommand(_Command):
    """Check scenario and persona files; exit 1 on any error."""

    name = "bacasable validate"
    description = "Vérifie les scénarios et les personas (fichiers ou dossiers donnés)."

    def start(self) -> None:
        """Run the command."""
        from .checks import check_catalogue

        cat = _load_paths(list(self.extra_args), self.settings)
        findings = cat.findings + check_catalogue(cat)
        for finding in findings:
            print(finding)
        errors = sum(f.severity == "error" for f in findings)
        warnings = len(findings) - errors
        print(f"{len(cat.scenarios)} scénario(s), {len(cat.personas)} persona(s) : "
              f"{errors} erreur(s), {warnings} avertissement(s).")
        self.exit(1 if errors else 0)


class ServeCommand(_Command):
    """Serve the workbook with Voilà on the local network."""

    name = "bacasable serve"
    description = "Lance l'atelier : les notebooks servis par Voilà sur le réseau local."
    open_browser = Bool(False, help="Open a browser on this machine.").tag(config=True)
    flags = {"open": ({"ServeCommand": {"open_browser": True}}, "Ouvre un navigateur.")}

    def start(self) -> None:
        """Run the command."""
        from .serve import serve

        self.exit(serve(self.settings, NOTEBOOKS, open_browser=self.open_browser))


class SchemaCommand(_Command):
    """Print the JSON Schema of scenarios (or personas)."""

    name = "bacasable schema"
    description = "Affiche le schéma JSON des scénarios (ou des personas avec --personas)."
    personas = Bool(False, help="The persona schema instead.").tag(config=True)
    flags = {"personas": ({"SchemaCommand": {"personas": True}}, "Schéma des personas.")}

    def start(self) -> None:
        """Run the command."""
        model = Persona if self.personas else Scenario
        print(json.dumps(model.model_json_schema(), ensure_ascii=False, indent=2))


class DraftPersonaCommand(_Command):
    """Draft a new fictional persona with Faker (seeded) and print its YAML."""

    name = "bacasable persona"
    description = "Propose un nouveau persona fictif (Faker, graine fixe) en YAML."
    seed = Int(1, help="Faker seed: the same seed gives the same persona.").tag(config=True)
    sex = Unicode("F", help="F or M.").tag(config=True)
    age = Int(35, help="Age in years.").tag(config=True)
    aliases = {**_aliases, "seed": "DraftPersonaCommand.seed", "sex": "DraftPersonaCommand.sex",
               "age": "DraftPersonaCommand.age"}

    def start(self) -> None:
        """Run the command."""
        from .personas import draft_persona, persona_to_yaml

        print(persona_to_yaml(draft_persona(self.seed, sex=self.sex, age=self.age)), end="")


# --- the outcome store: PIN, database, RGPD ------------------------------------------------------


def _open_store(settings: BacasableConfig, **kwargs):
    """Open the configured store, or print a French message and return None."""
    from .store import Store, StoreError

    try:
        return Store.from_config(settings, **kwargs)
    except StoreError as error:
        print(error.message, file=sys.stderr)
    except OSError as error:
        print(f"Le dossier des données est inaccessible : {error.strerror or error}",
              file=sys.stderr)
    return None


class PinCommand(_Command):
    """Set (or change) the facilitator's PIN, typed twice without being shown."""

    name = "bacasable pin"
    description = "Choisit (ou change) le code PIN de la console de l'animateur."

    def start(self) -> None:
        """Run the command."""
        from .pin import has_pin, set_pin
        from .room import reset_pin_failures
        from .store import StoreError

        store = _open_store(self.settings)
        if store is None:
            self.exit(1)
        with store:
            try:
                change = has_pin(store)
                print("Nouveau code PIN de l'animateur" if change else
                      "Choisissez le code PIN de la console de l'animateur",
                      "(4 à 8 chiffres ; il ne s'affiche pas quand vous le tapez).")
                first = getpass.getpass("Code PIN : ")
                second = getpass.getpass("Le même code, une seconde fois : ")
            except (EOFError, KeyboardInterrupt):
                print("\nAucun code PIN n'a été enregistré.", file=sys.stderr)
                self.exit(1)
            except StoreError as error:
                print(error.message, file=sys.stderr)
                self.exit(1)
            if first != second:
                print("Les deux codes ne sont pas identiques : aucun code PIN n'a été "
                      "enregistré. Recommencez.", file=sys.stderr)
                self.exit(1)
            try:
                set_pin(store, first)
                reset_pin_failures(store)
            except StoreError as error:
                print(error.message, file=sys.stderr)
                self.exit(1)
        print("Le code PIN de l'animateur est " + ("changé." if change else "enregistré."))
        self.exit(0)


class DbUpgradeCommand(_Command):
    """Bring the database's schema to this version of Bac à sable."""

    name = "bacasable db upgrade"
    description = "Met la base de données à jour pour cette version de Bac à sable."

    def start(self) -> None:
        """Run the command."""
        from .store import StoreError

        store = _open_store(self.settings, upgrade=False)
        if store is None:
            self.exit(1)
        with store:
            try:
                before = store.revision()
                store.upgrade()
                after = store.revision()
            except StoreError as error:
                print(error.message, file=sys.stderr)
                self.exit(1)
        if before == after:
            print(f"La base de données est déjà à jour (révision {after}) : {store.url}")
        elif before is None:
            print(f"La base de données est créée (révision {after}) : {store.url}")
        else:
            print(f"La base de données est mise à jour (révision {before} → {after}) : "
                  f"{store.url}")
        self.exit(0)


class DbCommand(_Command):
    """Commands about the outcome store's database."""

    name = "bacasable db"
    description = "Gère la base de données des résultats (bacasable db upgrade)."
    subcommands = {
        "upgrade": (DbUpgradeCommand, DbUpgradeCommand.description),
    }

    def start(self) -> None:
        """Run the command."""
        if self.subapp is None:
            self.print_subcommands()
            print("Exemple : bacasable db upgrade")
            self.exit(2)
        self.subapp.start()


_UNITS = {"d": 1, "j": 1, "w": 7, "s": 7}
_DURATION_RE = re.compile(
    r"^\s*(\d{1,5})\s*(d|j|days?|jours?|w|s|weeks?|semaines?)?\s*$", re.IGNORECASE
)


def parse_retention(text: str) -> dt.timedelta | None:
    """Return a retention like ``90d``, ``90j``, ``12w`` or ``90`` (days) as a timedelta.

    Parameters
    ----------
    text : str
        A number of days (``d``, ``j``, ``jours``) or weeks (``w``, ``s``, ``semaines``).

    Returns
    -------
    datetime.timedelta or None
        None when the text cannot be read.
    """
    match = _DURATION_RE.match(text or "")
    if match is None:
        return None
    unit = (match.group(2) or "d")[0].lower()
    return dt.timedelta(days=int(match.group(1)) * _UNITS[unit])


class PurgeCommand(_Command):
    """Delete the workshops (and practice runs) older than a retention period."""

    name = "bacasable purge"
    description = (
        "Supprime les ateliers terminés depuis plus longtemps que la durée donnée, avec leurs "
        "participants et leurs résultats (ex. : bacasable purge --older-than 90d)."
    )
    older_than = Unicode(
        "", help="Retention: workshops closed longer ago are deleted (90d, 12w…)."
    ).tag(config=True)
    aliases = {**_aliases, "older-than": "PurgeCommand.older_than"}

    def start(self) -> None:
        """Run the command."""
        from .store import StoreError

        if not self.older_than:
            print("Indiquez la durée de conservation, par exemple : "
                  "bacasable purge --older-than 90d", file=sys.stderr)
            self.exit(2)
        keep = parse_retention(self.older_than)
        if keep is None:
            print(f"Durée non comprise : « {self.older_than} ». Écrivez un nombre de jours "
                  "(90d) ou de semaines (12w).", file=sys.stderr)
            self.exit(2)
        store = _open_store(self.settings)
        if store is None:
            self.exit(1)
        with store:
            try:
                count = store.purge(keep)
            except StoreError as error:
                print(error.message, file=sys.stderr)
                self.exit(1)
        days = keep.days
        if count:
            print(f"{count} atelier(s) de plus de {days} jour(s) supprimé(s), avec leurs "
                  "participants, leurs résultats et les observations.")
        else:
            print(f"Aucun atelier de plus de {days} jour(s) : rien n'a été supprimé "
                  "(les entraînements hors atelier trop anciens l'ont été, s'il y en avait).")
        self.exit(0)


def _participant_id(command: Application) -> int | None:
    args = list(command.extra_args)
    if len(args) != 1 or not args[0].strip().isdigit():
        print(f"Donnez le numéro d'un participant, par exemple : {command.name} 12",
              file=sys.stderr)
        return None
    return int(args[0])


class ExportParticipantCommand(_Command):
    """Print (or write to a file) everything stored about one learner, as JSON."""

    name = "bacasable export-participant"
    description = (
        "Exporte en JSON tout ce qui est enregistré sur un participant (droit d'accès), "
        "ex. : bacasable export-participant 12 --output marie.json"
    )
    output = Unicode("", help="Write the JSON to this file instead of the screen.").tag(
        config=True
    )
    aliases = {**_aliases, "output": "ExportParticipantCommand.output"}

    def start(self) -> None:
        """Run the command."""
        from .store import StoreError

        pid = _participant_id(self)
        if pid is None:
            self.exit(2)
        store = _open_store(self.settings)
        if store is None:
            self.exit(1)
        with store:
            try:
                data = store.export_participant(pid)
            except StoreError as error:
                print(error.message, file=sys.stderr)
                self.exit(1)
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        if not self.output:
            print(text, end="")
            self.exit(0)
        try:
            Path(self.output).write_text(text, encoding="utf-8")
        except OSError as error:
            print(f"Le fichier {self.output} n'a pas pu être écrit : "
                  f"{error.strerror or error}", file=sys.stderr)
            self.exit(1)
        print(f"Données du participant {pid} écrites dans {self.output}.")
        self.exit(0)


class DeleteParticipantCommand(_Command):
    """Delete one learner and everything stored about them."""

    name = "bacasable delete-participant"
    description = (
        "Supprime un participant et tout ce qui le concerne (droit à l'effacement), "
        "ex. : bacasable delete-participant 12"
    )
    yes = Bool(False, help="Do not ask for confirmation.").tag(config=True)
    flags = {
        "yes": ({"DeleteParticipantCommand": {"yes": True}}, "Ne demande pas de confirmation.")
    }

    def start(self) -> None:
        """Run the command."""
        from .store import StoreError

        pid = _participant_id(self)
        if pid is None:
            self.exit(2)
        store = _open_store(self.settings)
        if store is None:
            self.exit(1)
        with store:
            try:
                person = store.participant(pid)
            except StoreError as error:
                print(error.message, file=sys.stderr)
                self.exit(1)
            if not self.yes and sys.stdin is not None and sys.stdin.isatty():
                answer = input(f"Supprimer « {person['pseudonym']} » (n° {pid}) et tous ses "
                               "résultats ? C'est définitif. [o/N] ")
                if answer.strip().lower() not in ("o", "oui", "y", "yes"):
                    print("Rien n'a été supprimé.")
                    self.exit(1)
            try:
                deleted = store.delete_participant(pid)
            except StoreError as error:
                print(error.message, file=sys.stderr)
                self.exit(1)
        if not deleted:
            print(f"Aucun participant n'a le numéro {pid}.", file=sys.stderr)
            self.exit(1)
        print(f"Le participant {pid} (« {person['pseudonym']} ») est supprimé, avec tous "
              "ses résultats et observations.")
        self.exit(0)


class BacasableApp(Application):
    """Bac à sable: practise French online procedures in a safe sandbox."""

    name = "bacasable"
    version = __version__
    description = "Bac à sable : s'entraîner aux démarches en ligne, sans risque."
    classes = [BacasableConfig]
    subcommands = {
        "validate": (ValidateCommand, ValidateCommand.description),
        "serve": (ServeCommand, ServeCommand.description),
        "schema": (SchemaCommand, SchemaCommand.description),
        "persona": (DraftPersonaCommand, DraftPersonaCommand.description),
        "pin": (PinCommand, PinCommand.description),
        "db": (DbCommand, DbCommand.description),
        "purge": (PurgeCommand, PurgeCommand.description),
        "export-participant": (
            ExportParticipantCommand, ExportParticipantCommand.description
        ),
        "delete-participant": (
            DeleteParticipantCommand, DeleteParticipantCommand.description
        ),
    }

    def start(self) -> None:
        """Run the command."""
        if self.subapp is None:
            self.print_subcommands()
            print("Exemple : bacasable validate scenarios/")
            self.exit(2)
        self.subapp.start()


def _clear_instances(app: type[Application]) -> None:
    """Forget the singletons of ``app`` and its subcommands, so that ``main`` can run again."""
    app.clear_instance()
    subcommands = next((vars(c)["subcommands"] for c in app.__mro__
                        if isinstance(vars(c).get("subcommands"), dict)), {})
    for sub, _help in subcommands.values():
        if isinstance(sub, type) and issubclass(sub, Application):
            _clear_instances(sub)


def main(argv: list[str] | None = None) -> None:
    """Run the ``bacasable`` command."""
    # traitlets keeps each application as a singleton: a second call in the same process (the
    # tests) would otherwise reuse the first one's settings.
    _clear_instances(BacasableApp)
    BacasableApp.launch_instance(argv=argv if argv is not None else sys.argv[1:])
