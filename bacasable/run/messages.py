"""What a screen's events leave in a run: messages on the simulated devices, a file number."""

from __future__ import annotations

import dataclasses
import random
from typing import Any, Literal

#: Letters of a file number: none that reads as a digit (I, O, Q).
_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


@dataclasses.dataclass(frozen=True)
class Message:
    """A message that reached the simulated phone (sms) or mailbox (email)."""

    id: str
    kind: Literal["sms", "email"]
    sender: str
    subject: str | None
    text: str
    at: float


def fill_message(template: str, values: dict[str, str]) -> str:
    """Replace each ``{key}`` of a message by its value (``{code}``, ``{first_name}``…)."""
    out = template
    for key, value in values.items():
        out = out.replace("{" + key + "}", value)
    return out


def file_number(pattern: str, rng: random.Random) -> str:
    """Draw a file number: ``#`` becomes a digit, ``@`` a letter, anything else stays."""
    out = []
    for ch in pattern:
        if ch == "#":
            out.append(str(rng.randrange(10)))
        elif ch == "@":
            out.append(rng.choice(_LETTERS))
        else:
            out.append(ch)
    return "".join(out)


def mail_address(run: Any) -> str | None:
    """Return the persona's mailbox address: one just created in the run, else their own.

    A field with the ``not_taken`` rule chooses a new address: once valid, the simulated
    mailbox shows it. ``run`` is a :class:`~bacasable.run.runner.Runner`.
    """
    for screen_id, results in run.answers.items():
        fields = {f.id: f for f in run.scenario.screen(screen_id).fields}
        for field_id, result in results.items():
            spec = fields.get(field_id)
            if spec is not None and result.ok and any(r.rule == "not_taken" for r in spec.rules):
                return str(result.value)
    return run.persona.email
