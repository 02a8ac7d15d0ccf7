"""The store's commands: ``pin``, ``db upgrade``, and the RGPD's ``purge`` and ``*-participant``."""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from traitlets import Bool, Unicode

from .command import ALIASES, Command, start_subcommand

if TYPE_CHECKING:
    from bacasable.store import Store

__all__ = [
    "DbCommand",
    "DeleteParticipantCommand",
    "ExportParticipantCommand",
    "PinCommand",
    "PurgeCommand",
    "parse_retention",
]


class StoreCommand(Command):
    """A subcommand working on the configured store: its failures end it with a French message.

    The store package is imported only when such a command runs, so that the others start
    without the database layer.
    """

    def fail(self, message: str, status: int = 1) -> NoReturn:
        """Print ``message`` on the error output and exit with ``status``."""
        print(message, file=sys.stderr)
        self.exit(status)
        raise AssertionError("unreachable: Application.exit raises SystemExit")

    def open_store(self, **kwargs: Any) -> Store:
        """Open the configured store (``kwargs`` go to :meth:`Store.from_config`), or fail."""
        from bacasable.store import Store, StoreError

        try:
            return Store.from_config(self.settings, **kwargs)
        except StoreError as error:
            self.fail(error.message)
        except OSError as error:
            self.fail(f"Le dossier des données est inaccessible : {error.strerror or error}")

    @contextlib.contextmanager
    def store_errors(self) -> Iterator[None]:
        """Fail with the French message of a :class:`~bacasable.store.StoreError` raised inside."""
        from bacasable.store import StoreError

        try:
            yield
        except StoreError as error:
            self.fail(error.message)

    def participant_id(self) -> int:
        """Return the participant number given on the command line, or fail (exit 2)."""
        args = list(self.extra_args)
        if len(args) != 1 or not args[0].strip().isdigit():
            self.fail(f"Donnez le numéro d'un participant, par exemple : {self.name} 12", 2)
        return int(args[0])


class PinCommand(StoreCommand):
    """Set (or change) the facilitator's PIN, typed twice without being shown."""

    name = "bacasable pin"
    description = "Choisit (ou change) le code PIN de la console de l'animateur."

    def start(self) -> None:
        """Run the command."""
        from bacasable.workshop.pin import has_pin
        from bacasable.workshop.pin_policy import set_facilitator_pin

        with self.open_store() as store:
            with self.store_errors():
                change = has_pin(store)
            print("Nouveau code PIN de l'animateur" if change else
                  "Choisissez le code PIN de la console de l'animateur",
                  "(4 à 8 chiffres ; il ne s'affiche pas quand vous le tapez).")
            first = self._ask_pin()
            with self.store_errors():
                set_facilitator_pin(store, first)
        print("Le code PIN de l'animateur est " + ("changé." if change else "enregistré."))
        self.exit(0)


    #: How many times a refused PIN is asked again before the command gives up.
    tries = 3

    def _ask_pin(self) -> str:
        """Ask the PIN, refused at once when too easy, then the same again; return it."""
        from bacasable.store import StoreError
        from bacasable.workshop.pin import check_new_pin

        for _ in range(self.tries):
            try:
                first = getpass.getpass("Code PIN : ")
                try:
                    check_new_pin(first)
                except StoreError as error:
                    print(f"{error.message} Choisissez-en un autre.", file=sys.stderr)
                    continue
                second = getpass.getpass("Le même code, une seconde fois : ")
            except (EOFError, KeyboardInterrupt):
                self.fail("\nAucun code PIN n'a été enregistré.")
            if first == second:
                return first
            print("Les deux codes ne sont pas identiques. Recommencez.", file=sys.stderr)
        self.fail("Aucun code PIN n'a été enregistré.")


class DbUpgradeCommand(StoreCommand):
    """Bring the database's schema to this version of Bac à sable."""

    name = "bacasable db upgrade"
    description = "Met la base de données à jour pour cette version de Bac à sable."

    def start(self) -> None:
        """Run the command."""
        with self.open_store(upgrade=False) as store, self.store_errors():
            before = store.revision()
            store.upgrade()
            after = store.revision()
        if before == after:
            print(f"La base de données est déjà à jour (révision {after}) : {store.url}")
        elif before is None:
            print(f"La base de données est créée (révision {after}) : {store.url}")
        else:
            print(f"La base de données est mise à jour (révision {before} → {after}) : "
                  f"{store.url}")
        self.exit(0)


class DbCommand(Command):
    """Commands about the outcome store's database."""

    name = "bacasable db"
    description = "Gère la base de données des résultats (bacasable db upgrade)."
    subcommands = {
        "upgrade": (DbUpgradeCommand, DbUpgradeCommand.description),
    }

    def start(self) -> None:
        """Run the command."""
        start_subcommand(self, "bacasable db upgrade")


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


class PurgeCommand(StoreCommand):
    """Delete the workshops (and practice runs) older than a retention period."""

    name = "bacasable purge"
    description = (
        "Supprime les ateliers terminés depuis plus longtemps que la durée donnée, avec leurs "
        "participants et leurs résultats (ex. : bacasable purge --older-than 90d)."
    )
    older_than = Unicode(
        "", help="Durée de conservation : les ateliers terminés depuis plus longtemps sont "
        "supprimés (90d, 12w…)."
    ).tag(config=True)
    aliases = {**ALIASES, "older-than": "PurgeCommand.older_than"}

    def start(self) -> None:
        """Run the command."""
        if not self.older_than:
            self.fail("Indiquez la durée de conservation, par exemple : "
                      "bacasable purge --older-than 90d", 2)
        keep = parse_retention(self.older_than)
        if keep is None:
            self.fail(f"Durée non comprise : « {self.older_than} ». Écrivez un nombre de jours "
                      "(90d) ou de semaines (12w).", 2)
        with self.open_store() as store, self.store_errors():
            count = store.purge(keep)
        days = keep.days
        if count:
            print(f"{count} atelier(s) de plus de {days} jour(s) supprimé(s), avec leurs "
                  "participants, leurs résultats et les observations.")
        else:
            print(f"Aucun atelier de plus de {days} jour(s) : rien n'a été supprimé "
                  "(les entraînements hors atelier trop anciens l'ont été, s'il y en avait).")
        self.exit(0)


class ExportParticipantCommand(StoreCommand):
    """Print (or write to a file) everything stored about one learner, as JSON."""

    name = "bacasable export-participant"
    description = (
        "Exporte en JSON tout ce qui est enregistré sur un participant (droit d'accès), "
        "ex. : bacasable export-participant 12 --output marie.json"
    )
    output = Unicode("", help="Écrit le JSON dans ce fichier au lieu de l'écran.").tag(
        config=True
    )
    aliases = {**ALIASES, "output": "ExportParticipantCommand.output"}

    def start(self) -> None:
        """Run the command."""
        pid = self.participant_id()
        with self.open_store() as store, self.store_errors():
            data = store.export_participant(pid)
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        if not self.output:
            print(text, end="")
            self.exit(0)
        try:
            Path(self.output).write_text(text, encoding="utf-8")
        except OSError as error:
            self.fail(f"Le fichier {self.output} n'a pas pu être écrit : "
                      f"{error.strerror or error}")
        print(f"Données du participant {pid} écrites dans {self.output}.")
        self.exit(0)


class DeleteParticipantCommand(StoreCommand):
    """Delete one learner and everything stored about them."""

    name = "bacasable delete-participant"
    description = (
        "Supprime un participant et tout ce qui le concerne (droit à l'effacement), "
        "ex. : bacasable delete-participant 12"
    )
    yes = Bool(False, help="Ne demande pas de confirmation.").tag(config=True)
    flags = {
        "yes": ({"DeleteParticipantCommand": {"yes": True}}, "Ne demande pas de confirmation.")
    }

    def start(self) -> None:
        """Run the command."""
        pid = self.participant_id()
        with self.open_store() as store:
            with self.store_errors():
                person = store.participant(pid)
            if not self.yes and sys.stdin is not None and sys.stdin.isatty():
                answer = input(f"Supprimer « {person['pseudonym']} » (n° {pid}) et tous ses "
                               "résultats ? C'est définitif. [o/N] ")
                if answer.strip().lower() not in ("o", "oui", "y", "yes"):
                    print("Rien n'a été supprimé.")
                    self.exit(1)
            with self.store_errors():
                deleted = store.delete_participant(pid)
        if not deleted:
            self.fail(f"Aucun participant n'a le numéro {pid}.")
        print(f"Le participant {pid} (« {person['pseudonym']} ») est supprimé, avec tous "
              "ses résultats et observations.")
        self.exit(0)
