"""Shared flows (``scenarios/flows/``): their screens put in place in the scenarios using them.

A scenario names a flow among its screens (``- flow: franceconnect``); the loader puts the
flow's screens there before the scenario is validated, so that the runner, the views, the
walkthrough and the reports see screens only. Errors are located in the file that holds them:
a flow's own in the flow's file, a misplaced use at its ``flow:`` line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .schema import Flow

__all__ = ["expand_flows", "file_location"]


def expand_flows(data: dict, flows: Mapping[str, Flow]) -> tuple[dict, list[int], list[tuple]]:
    """Put the screens of the shared flows a scenario names in place of ``- flow: id``.

    Parameters
    ----------
    data
        A scenario file's data (not changed).
    flows
        The flows known, by id.

    Returns
    -------
    tuple
        The data with the flows' screens in place (and ``flows`` listing them); for each
        screen of it, the index of the file's item it comes from; and the problems, as
        (location in the file, French message).
    """
    screens = data.get("screens")
    if not isinstance(screens, list) or not any(_is_flow_ref(s) for s in screens):
        return data, list(range(len(screens) if isinstance(screens, list) else 0)), []
    out, origin, used, problems = [], [], [], []
    for index, item in enumerate(screens):
        if not _is_flow_ref(item):
            out.append(item)
            origin.append(index)
            continue
        flow = flows.get(str(item.get("flow")))
        if flow is None:
            known = ", ".join(sorted(flows)) or "aucun"
            problems.append((("screens", index, "flow"),
                             f"parcours partagé inconnu : {item.get('flow')} (connus : {known})"))
            continue
        if flow.id in used:
            problems.append((("screens", index, "flow"),
                             f"le parcours « {flow.id} » est déjà utilisé dans ce scénario"))
            continue
        used.append(flow.id)
        for screen in flow.screens:
            dumped = screen.model_dump(exclude_defaults=True)
            if flow.service and "service" not in dumped:
                dumped["service"] = flow.service
            out.append(dumped)
            origin.append(index)
    return {**data, "screens": out, "flows": used}, origin, problems


def _is_flow_ref(item: Any) -> bool:
    return isinstance(item, Mapping) and "flow" in item


def file_location(loc: Sequence[Any], origin: Sequence[int], data: Any) -> Sequence[Any]:
    """Return where an error of the expanded scenario is in its file (a flow: its ``flow:``)."""
    if len(loc) >= 2 and loc[0] == "screens" and isinstance(loc[1], int) and loc[1] < len(origin):
        index = origin[loc[1]]
        item = data["screens"][index]
        return ("screens", index, "flow") if _is_flow_ref(item) else ("screens", index, *loc[2:])
    return loc
