"""The common ground of the ``bacasable`` subcommands: the shared settings and a config file."""

from __future__ import annotations

from traitlets import Unicode
from traitlets.config import Application, catch_config_error

from bacasable import __version__
from bacasable.common.config import BacasableConfig

__all__ = ["ALIASES", "Command", "start_subcommand"]

#: Short options of every subcommand (``--port 8866``…).
ALIASES = {
    "port": "BacasableConfig.port",
    "ip": "BacasableConfig.ip",
    "data": "BacasableConfig.data_dir",
    "db": "BacasableConfig.db_url",
}


class Command(Application):
    """Common ground of the subcommands: the shared settings and a config file."""

    version = __version__
    classes = [BacasableConfig]
    aliases = ALIASES
    config_file_name = Unicode("bacasable_config", help="Name of the config file.")

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
