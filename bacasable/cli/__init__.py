"""The ``bacasable`` command: scenarios, the workbook server, and the outcome store.

``validate``, ``serve``, ``schema``, ``persona``, ``handout``, ``new``, ``export``, ``import``
(:mod:`bacasable.cli.scenarios`);
``report`` (:mod:`bacasable.cli.reports`);
``estimate`` (:mod:`bacasable.cli.estimate`: the personas' prime d'activité, with OpenFisca);
for the store (:mod:`bacasable.cli.store`): ``pin`` (the facilitator's PIN), ``db upgrade``, and
for the RGPD ``purge --older-than 90d``, ``export-participant ID`` and ``delete-participant ID``.
"""

from __future__ import annotations

import sys

from traitlets.config import Application

from bacasable import __version__
from bacasable.common.config import BacasableConfig

from .attestation import AttestationCommand
from .command import FrenchHelp, start_subcommand
from .estimate import EstimateCommand
from .reports import ReportCommand
from .scenarios import (
    DraftPersonaCommand,
    ExportCommand,
    HandoutCommand,
    ImportCommand,
    NewCommand,
    SchemaCommand,
    ServeCommand,
    ValidateCommand,
)
from .store import (
    DbCommand,
    DeleteParticipantCommand,
    ExportParticipantCommand,
    PinCommand,
    PurgeCommand,
)

__all__ = ["BacasableApp", "main"]


class BacasableApp(FrenchHelp):
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
        "handout": (HandoutCommand, HandoutCommand.description),
        "new": (NewCommand, NewCommand.description),
        "export": (ExportCommand, ExportCommand.description),
        "import": (ImportCommand, ImportCommand.description),
        "report": (ReportCommand, ReportCommand.description),
        "attestation": (AttestationCommand, AttestationCommand.description),
        "estimate": (EstimateCommand, EstimateCommand.description),
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
        start_subcommand(self, "bacasable validate scenarios/")


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
