"""Real personal data in a free text: valid NIRs, IBANs, numéros fiscaux and French phones.

A learner may type a real number where the exercise wants the persona's. The scan finds the
numbers written with the usual separators (spaces, dots, dashes, slashes) and checks each with
the parsers of :mod:`bacasable.identifiers.parsing`; fiction phone numbers are not real data.
"""

from __future__ import annotations

import re
import unicodedata

from stdnum.fr import nif as stdnum_nif

from .parsing import NIR_SHAPE, FieldError, is_fiction_phone, parse_iban, parse_nir, parse_phone

#: Longest text scanned for real data; the rest of a longer text is not looked at.
SCAN_LIMIT = 20_000

_TOKEN = re.compile(r"[0-9A-Za-z+]+")
_JOINERS = frozenset(" .-/\u00a0\u202f")


def _classify(acc: str, phone_ok: bool) -> tuple[str, str] | None:
    """Return (kind, normalised value) for a valid NIR, IBAN, numéro fiscal or phone number."""
    try:
        if len(acc) == 15 and NIR_SHAPE.fullmatch(acc):
            body = acc[:5] + acc[5:7].replace("2A", "19").replace("2B", "18") + acc[7:13]
            if 97 - int(body) % 97 != int(acc[13:]):  # quick key check before the full one
                return None
            return "nir", parse_nir(acc)
        if acc[:2].isalpha():
            return ("iban", parse_iban(acc)) if len(acc) >= 15 else None
        if phone_ok and (
            (len(acc) == 10 and acc[0] == "0" and acc[1] != "0")
            or (acc.startswith(("+33", "0033")) and len(acc) in (12, 13))
        ):
            e164 = parse_phone(acc)[0]
            return None if is_fiction_phone(e164) else ("phone", e164)
        if (len(acc) == 13 and acc.isdigit() and acc[0] in "0123" and int(acc[:10])
                and stdnum_nif.is_valid(acc)):
            return "nif", acc  # the numéro fiscal of a tax notice (its last 3 digits: a key)
    except FieldError:
        return None
    return None


def find_real_data(text: str) -> list[tuple[str, str]]:
    """Find the valid NIRs, IBANs, numéros fiscaux and French phone numbers in a free text.

    Parameters
    ----------
    text : str
        Any text; only its first :data:`SCAN_LIMIT` characters are scanned.

    Returns
    -------
    list of tuple
        ``(kind, value)`` pairs, kind being ``nir``, ``iban``, ``nif`` (numéro fiscal) or
        ``phone`` and value the compact number or the E.164 phone number. Fiction phone numbers
        are left out.
    """
    text = unicodedata.normalize("NFKC", text[:SCAN_LIMIT])
    tokens = [(m.start(), m.end(), m.group().upper()) for m in _TOKEN.finditer(text)]

    def joined(j: int) -> bool:  # token j follows token j - 1 with a single separator
        return j > 0 and tokens[j][0] - tokens[j - 1][1] == 1 and text[tokens[j][0] - 1] in _JOINERS

    found: list[tuple[str, str]] = []
    i = 0
    while i < len(tokens):
        first = tokens[i][2]
        iban_mode = first[:2].isalpha() and first[2:4].isdigit() and len(first) >= 4
        if not (iban_mode or first[0].isdigit() or first[0] == "+"):
            i += 1
            continue
        # A phone number stands alone: not glued to other digits, written in pairs or at once.
        phone_ok = not (joined(i) and tokens[i - 1][2][-1].isdigit())
        acc, match = "", None
        for j in range(i, len(tokens)):
            if j > i and not joined(j):
                break
            token = tokens[j][2]
            acc += token
            phone_ok = phone_ok and (j == i or len(token) <= 2)
            if len(acc) > 34 or (not iban_mode and len(acc) > 15):
                break
            if not iban_mode and not acc.lstrip("+").replace("2A", "").replace("2B", "").isdigit():
                break
            if len(acc) in (10, 12, 13, 15) or (iban_mode and len(acc) > 15):
                match = _classify(acc, phone_ok)
            if match:
                found.append(match)
                i = j
                break
        i += 1
    return found


def looks_like_real_data(text: str) -> str | None:
    """Return ``nir``, ``iban``, ``nif`` or ``phone`` when a free text holds such a number.

    Parameters
    ----------
    text : str
        Any text (non-strings give None); only its beginning is scanned on a very long text.

    Returns
    -------
    str or None
        The kind found, NIR first, then IBAN, numéro fiscal, phone; None when there is none.
    """
    if not isinstance(text, str):
        return None
    kinds = {kind for kind, _ in find_real_data(text)}
    return next((k for k in ("nir", "iban", "nif", "phone") if k in kinds), None)
