"""JupyterHub for a network of sites: one Bac à sable server per facilitator, one PostgreSQL.

Run as ``jupyterhub -f deploy/jupyterhub/jupyterhub_config.py``. Every setting comes from an
environment variable (README.md beside this file, « Réglages »), so that the same file serves
the network and the tests (tests/deploy/test_jupyterhub.py).

- Each facilitator logs in to the hub (one account each) and gets their own server: the
  spawner runs ``bacasable serve``, which reads the hub's variables (JUPYTERHUB_SERVICE_PREFIX,
  JUPYTERHUB_SERVICE_URL, JUPYTERHUB_USER…): see bacasable/server/hub.py.
- The proxy authenticates nobody: each server guards its facilitator pages with the hub's
  login (OAuth) and leaves the learners' page public.
- Two PostgreSQL databases on one server: the hub's own (BACASABLE_HUB_DB) and the workshops'
  (BACASABLE_DB), shared by every facilitator; each sees only their own workshops.
"""

from __future__ import annotations

import os
import pwd
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - given by JupyterHub when it reads this file


def setting(name: str, default: str = "") -> str:
    """Return an environment variable of the recipe, or its default."""
    return os.environ.get(name, "").strip() or default


def required(name: str) -> str:
    """Return an environment variable the hub cannot start without."""
    value = setting(name)
    if not value:
        raise SystemExit(f"Réglage manquant : la variable {name} "
                         "(voir deploy/jupyterhub/README.md).")
    return value


# --- the databases: PostgreSQL, never SQLite on shared storage ---------------------------------

# The hub's own state (accounts, servers, tokens), upgraded by the hub when it starts.
c.JupyterHub.db_url = required("BACASABLE_HUB_DB")
c.JupyterHub.upgrade_db = True

# The workshops of every facilitator. Its Alembic upgrades run here, once, at each start of the
# hub (the facilitators' servers would also run them, one after the other, under a lock).
STORE_URL = required("BACASABLE_DB")
try:
    from bacasable.store import Store, StoreError
except ImportError:
    raise SystemExit("Bac à sable n'est pas installé dans l'environnement du hub.") from None
try:
    Store(STORE_URL).close()
except StoreError as error:
    raise SystemExit(f"Base des ateliers : {error.message}") from None

# --- addresses: the hub listens on this machine, behind the HTTPS reverse proxy ---------------

c.JupyterHub.bind_url = setting("BACASABLE_HUB_BIND_URL", "http://127.0.0.1:8000")
# The address learners and facilitators type (QR codes, links): https://ateliers.example.fr
c.JupyterHub.public_url = required("BACASABLE_HUB_PUBLIC_URL")
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{setting('BACASABLE_HUB_API_PORT', '8081')}"
c.ConfigurableHTTPProxy.api_url = (
    f"http://127.0.0.1:{setting('BACASABLE_HUB_PROXY_API_PORT', '8001')}")
c.ConfigurableHTTPProxy.command = [setting("BACASABLE_HUB_PROXY", "configurable-http-proxy")]

STATE = Path(setting("BACASABLE_HUB_STATE", "/var/lib/bacasable/hub"))
STATE.mkdir(mode=0o700, parents=True, exist_ok=True)
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")

# --- who logs in: one account per facilitator -------------------------------------------------

AUTH = setting("BACASABLE_HUB_AUTH", "pam")
if AUTH == "pam":
    # Debian accounts of the group « animateurs » (adduser marie; adduser marie animateurs).
    c.JupyterHub.authenticator_class = "pam"
    c.PAMAuthenticator.allowed_groups = {setting("BACASABLE_HUB_GROUP", "animateurs")}
elif AUTH == "native":
    # Accounts kept by the hub (pip install jupyterhub-nativeauthenticator): a facilitator
    # signs up at /hub/signup, an administrator authorises them at /hub/authorize.
    c.JupyterHub.authenticator_class = "native"
    c.NativeAuthenticator.open_signup = False
    c.Authenticator.allow_all = True
elif AUTH == "test":
    # The tests only: the hub's shared-password authenticator, for the listed accounts.
    c.JupyterHub.authenticator_class = "shared-password"
    c.SharedPasswordAuthenticator.user_password = required("BACASABLE_HUB_TEST_PASSWORD")
    c.Authenticator.allowed_users = set(required("BACASABLE_HUB_TEST_USERS").split(","))
else:
    raise SystemExit(f"BACASABLE_HUB_AUTH : « {AUTH} » inconnu (pam, native ou test).")
c.Authenticator.admin_users = {
    name.strip() for name in setting("BACASABLE_HUB_ADMINS").split(",") if name.strip()}

# --- each facilitator's server: bacasable serve ------------------------------------------------

SPAWNER = setting("BACASABLE_HUB_SPAWNER", "local")
if SPAWNER in ("local", "systemd") and AUTH != "pam":
    raise SystemExit("BACASABLE_HUB_SPAWNER=local ou systemd : il faut des comptes Debian "
                     "(BACASABLE_HUB_AUTH=pam).")
SPAWNERS = {
    # Each server runs as its facilitator's Debian account (the hub runs as root).
    "local": "localprocess",
    # The same, in a systemd unit with a memory limit (pip install jupyterhub-systemdspawner).
    "systemd": "systemdspawner.SystemdSpawner",
    # Every server as the hub's own account: the tests.
    "simple": "simple",
}
if SPAWNER not in SPAWNERS:
    raise SystemExit(f"BACASABLE_HUB_SPAWNER : « {SPAWNER} » inconnu (local, systemd ou simple).")
c.JupyterHub.spawner_class = SPAWNERS[SPAWNER]

DATA = Path(setting("BACASABLE_HUB_DATA", "/var/lib/bacasable/animateurs"))
PREHEAT = int(setting("BACASABLE_HUB_PREHEAT", "2"))
# Accounts whose pages see every facilitator's workshops: the network's report (bilan).
NETWORK = {name.strip() for name in setting("BACASABLE_HUB_NETWORK").split(",") if name.strip()}


def owner(spawner: object) -> str:
    """Return whose workshops a server shows: its facilitator's, or all for the network's."""
    name = spawner.user.name  # type: ignore[attr-defined]
    return "" if name in NETWORK else name

# The bacasable command of the hub's own environment (the same virtualenv).
c.Spawner.cmd = [str(Path(sys.executable).with_name("bacasable")), "serve"]
c.Spawner.args = [f"--BacasableConfig.preheat_kernels={PREHEAT}"]
c.Spawner.environment = {
    "BACASABLE_DB": STORE_URL,
    "BACASABLE_OWNER": owner,
    # Each facilitator's folder: the server's journal, the voice cache, their own exercises.
    "BACASABLE_DATA": lambda spawner: str(DATA / spawner.user.name),
    "BACASABLE_SCENARIOS": setting("BACASABLE_SCENARIOS"),
}
# bacasable serve starts Voilà, then its preheated kernels: give it time.
c.Spawner.http_timeout = 90
c.Spawner.start_timeout = 120
# Stopping: SIGINT, then SIGTERM after 10 s (the server then stops Voilà and its kernels).
c.Spawner.interrupt_timeout = 10
if setting("BACASABLE_HUB_MEMORY"):
    c.Spawner.mem_limit = setting("BACASABLE_HUB_MEMORY")  # enforced by SystemdSpawner
# The home of SimpleLocalProcessSpawner's servers: their own folder, never /tmp/<name>, where
# any account could have put a bacasable_config.py first.
c.SimpleLocalProcessSpawner.home_dir_template = str(DATA / "{username}")


def make_data_folder(spawner: object) -> None:
    """Create the facilitator's data folder, theirs alone, before their server starts."""
    DATA.mkdir(mode=0o711, parents=True, exist_ok=True)
    folder = DATA / spawner.user.name  # type: ignore[attr-defined]
    folder.mkdir(mode=0o700, exist_ok=True)
    if SPAWNER != "simple":
        account = pwd.getpwnam(spawner.user.name)  # type: ignore[attr-defined]
        os.chown(folder, account.pw_uid, account.pw_gid)


c.Spawner.pre_spawn_hook = make_data_folder
