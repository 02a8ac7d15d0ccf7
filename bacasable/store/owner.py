"""Whose store it is: the facilitator account a shared server opens it for ("" on a laptop).

On a shared server (JupyterHub) every facilitator's pages open the store for their own account:
the workshops they create carry it, and they list and read only theirs. Their PIN is theirs too:
its hash and its wrong tries are kept under keys of their own (:func:`scoped_key`), so that one
database serves every facilitator of a network. A store opened for no owner (a laptop, an
administrator's command) sees every workshop and keeps the keys as they always were.
"""

from __future__ import annotations

import hashlib
import re

from .errors import MSG_IDENTIFIER, StoreError

__all__ = ["OWNER_LENGTH", "check_owner", "owner_tag", "scoped_key"]

#: The longest owner: ``workshops.owner`` is a ``String(100)``.
OWNER_LENGTH = 100

#: An owner put as it is into a key: short, and no character a key uses as a separator.
_PLAIN_TAG = re.compile(r"[A-Za-z0-9._-]{1,32}")


def check_owner(owner: object) -> str:
    """Return the owner cleaned ("" for none), or raise a StoreError.

    Parameters
    ----------
    owner
        A facilitator's account name (a JupyterHub user name), or "" / None.

    Returns
    -------
    str
        The name without surrounding spaces.

    Raises
    ------
    StoreError
        When it is not a text of at most :data:`OWNER_LENGTH` characters without NUL.
    """
    if owner is None:
        return ""
    if not isinstance(owner, str):
        raise StoreError(MSG_IDENTIFIER)
    owner = owner.strip()
    if len(owner) > OWNER_LENGTH or "\x00" in owner:
        raise StoreError(MSG_IDENTIFIER)
    return owner


def owner_tag(owner: str) -> str:
    """Return the short tag of ``owner`` used in keys: the name itself, or ``#`` and a hash.

    A long name, or one with other characters, becomes ``#`` and 24 hexadecimal digits of its
    SHA-256: ``#`` never occurs in a plain tag, so two owners never share a tag.
    """
    if _PLAIN_TAG.fullmatch(owner):
        return owner
    return "#" + hashlib.sha256(owner.encode("utf-8")).hexdigest()[:24]


def scoped_key(key: str, owner: str) -> str:
    """Return ``key`` as kept for ``owner``: unchanged without an owner, else ``tag|key``.

    Parameters
    ----------
    key
        A settings key or a PIN tries client ("local", "peer:ADDRESS", "remote").
    owner
        The store's owner ("" on a laptop).

    Returns
    -------
    str
        At most 34 characters longer than ``key``.
    """
    return f"{owner_tag(owner)}|{key}" if owner else key
