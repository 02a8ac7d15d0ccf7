"""Plain ASCII identifiers made from French text: « Nom d'usage » → ``nom-d-usage``."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["slug"]


def slug(text: str, sep: str = "-", limit: int | None = None) -> str:
    """Return ``text`` without accents, in lower case, each run of other characters a ``sep``.

    Parameters
    ----------
    text
        Any text: a name, a title.
    sep
        What stands between words (``"-"`` for ids and file names, ``"."`` for e-mails).
    limit
        Longest result; the cut never leaves a ``sep`` at either end.

    Returns
    -------
    str
        Only ``a-z``, ``0-9`` and ``sep``; empty when ``text`` has no letter nor digit.
    """
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    out = re.sub(r"[^a-z0-9]+", sep, plain).strip(sep)
    if limit is not None:
        out = out[:limit].strip(sep)
    return out
