"""Competences per screen, from the framework the scenarios refer to (see scenario.framework)."""

from __future__ import annotations

from typing import Any

from bacasable.scenario.framework import FRAMEWORK, skill_label, skill_order

__all__ = ["FRAMEWORK", "screen_skills", "skill_label", "skill_order"]


def screen_skills(catalogue: Any) -> dict[tuple[str, str], tuple[str, ...]]:
    """Return the competences of each screen, by (scenario id, screen id).

    A screen that names its own competences has those; any other screen has its
    scenario's (the guide for scenario writers says so).

    Parameters
    ----------
    catalogue
        The scenarios (:class:`~bacasable.scenario.loader.Catalogue`), or None.

    Returns
    -------
    dict
        ``{(scenario_id, screen_id): ("2.4", …)}``.
    """
    scenarios = getattr(catalogue, "scenarios", None) or {}
    return {
        (scenario.id, screen.id): tuple(screen.skills or scenario.skills)
        for scenario in scenarios.values()
        for screen in scenario.screens
    }
