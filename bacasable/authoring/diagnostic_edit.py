"""The texts of a diagnostic's block that the scenario editor offers, on its result screen.

The reasons of the exercises to do next are what the learner reads at the end of the
diagnostic: the editor shows them with the texts of the result screen (its ``receipt``).
The thresholds and the exercises' ids are written in the YAML file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bacasable.scenario.diagnostic_schema import LEVELS

from .form_labels import exercise_name

__all__ = ["diagnostic_texts_to_edit"]

#: The levels as the editor names them.
_LEVEL_WORDS = {"debutant": "débutant", "intermediaire": "intermédiaire", "avance": "avancé"}


def diagnostic_texts_to_edit(tree: Mapping[str, Any], screen: Mapping[str, Any],
                             titles: Mapping[str, str] | None = None
                             ) -> list[tuple[tuple, str, str, str]]:
    """Return the diagnostic's reasons to edit with this screen: none unless it is the result.

    Parameters
    ----------
    tree
        The scenario file's tree.
    screen
        One screen of it.
    titles
        Scenario id → title: the exercises are named by their titles (their ids otherwise).

    Returns
    -------
    list of tuple
        ``(path, label, group, group_label)`` for each exercise to do next, level by level:
        "Pourquoi cet exercice : « Créer son compte Ameli »", in the group "Exercices
        conseillés au niveau débutant".
    """
    diagnostic = tree.get("diagnostic")
    if not isinstance(diagnostic, Mapping) or screen.get("role") != "receipt":
        return []
    following = diagnostic.get("next")
    if not isinstance(following, Mapping):
        return []
    out = []
    for level in LEVELS:
        items = following.get(level)
        for i, item in enumerate(items if isinstance(items, list) else []):
            name = item.get("scenario") if isinstance(item, Mapping) else None
            out.append((("diagnostic", "next", level, i, "reason"),
                        f"Pourquoi cet exercice : {exercise_name(name, titles)}",
                        f"diagnostic-{level}",
                        f"Exercices conseillés au niveau {_LEVEL_WORDS[level]}"))
    return out
