"""The common ground of the ``bacasable`` subcommands: the shared settings and a config file."""

from __future__ import annotations

from typing import Any

from traitlets import Unicode
from traitlets.config import Application, catch_config_error

from bacasable import __version__
from bacasable.common.config import BacasableConfig

__all__ = ["ALIASES", "Command", "FrenchHelp", "start_subcommand"]

#: traitlets writes these parts of ``--help`` itself, in English.
_HELP_WORDS = [
    ("Subcommands", "Sous-commandes"),
    ("===========", "=============="),
    ("Equivalent to: ", "Équivaut à : "),
    ("Default: ", "Par défaut : "),
    ("Choices: ", "Choix : "),
    ("To see all available configurables, use `--help-all`.",
     "Tous les réglages : ajoutez --help-all."),
    ("Set log-level to debug, for the most verbose logging.",
     "Écrit le journal le plus détaillé (pour le dépannage)."),
    ("Show the application's configuration (human-readable format)",
     "Affiche les réglages en cours (lisibles)."),
    ("Show the application's configuration (json format)", "Affiche les réglages en cours (JSON)."),
]

#: Short options of every subcommand (``--port 8866``…).
ALIASES = {
    "port": "BacasableConfig.port",
    "ip": "BacasableConfig.ip",
    "data": "BacasableConfig.data_dir",
    "db": "BacasableConfig.db_url",
}


class FrenchHelp(Application):
    """An application whose ``--help`` is in French, traitlets' own words too."""

    option_description = Unicode(
        "Les options ci-dessous sont des raccourcis des réglages (voir « Équivaut à »). "
        "Tous les réglages : --help-all."
    )
    subcommand_description = Unicode(
        "Une sous-commande se lance ainsi : « {app} COMMANDE [arguments] ». "
        "Son aide : « {app} COMMANDE -h »."
    )
    keyvalue_description = Unicode(
        "Un réglage se donne ainsi : --Classe.réglage=valeur (voir --help-all)."
    )

    def emit_help(self, classes: bool = False) -> Any:
        """Yield the help's lines, traitlets' English words put in French."""
        for line in super().emit_help(classes=classes):
            for english, french in _HELP_WORDS:
                line = line.replace(english, french)
            yield line


class Command(FrenchHelp):
    """Common ground of the subcommands: the shared settings and a config file."""

    version = __version__
    classes = [BacasableConfig]
    aliases = ALIASES
    config_file_name = Unicode("bacasable_config", help="Nom du fichier de réglages.")

    @catch_config_error
    def initialize(self, argv: list[str] | None = None) -> None:
        """Read the command line, then ``bacasable_config.py`` here or in the data folder."""
        super().initialize(argv)
        self.load_config_file(self.config_file_name, path=[".", self.settings.data_dir])

    @property
    def settings(self) -> BacasableConfig:
        """The shared settings, as the command line and the config file set them."""
        return BacasableConfig(parent=self)


def start_subcommand(app: Application, example: str) -> None:
    """Start the subcommand chosen on ``app``'s command line, or list them and exit 2.

    Parameters
    ----------
    app
        A command with subcommands, initialized.
    example
        A command line shown after the list ("Exemple : …").
    """
    if app.subapp is None:
        app.print_subcommands()
        print(f"Exemple : {example}")
        app.exit(2)
    app.subapp.start()
