"""Learner kernels warm in order, a few at a time, as many as the open workshops expect."""

from __future__ import annotations

import asyncio

import pytest

from bacasable.server.kernel_starts import RoomWarmer, StartGate
from bacasable.workshop.form import validate_workshop_form
from bacasable.workshop.readiness import PoolState, readiness_sentence

# --- the gate -------------------------------------------------------------------------------------


def test_the_gate_lets_width_in_and_the_others_in_arrival_order():
    async def main() -> list[str]:
        gate = StartGate(width=2)
        order: list[str] = []

        async def kernel(name: str, seconds: float) -> None:
            ticket = await gate.enter()
            order.append(f"{name} in")
            assert gate.warming <= 2
            await asyncio.sleep(seconds)
            gate.leave(ticket)

        tasks = [asyncio.create_task(kernel(f"k{i}", 0.02)) for i in range(6)]
        await asyncio.sleep(0)
        assert gate.warming == 2 and gate.waiting == 4 and gate.full
        await asyncio.gather(*tasks)
        assert gate.warming == 0 and gate.waiting == 0 and not gate.full
        return order

    assert asyncio.run(main()) == [f"k{i} in" for i in range(6)]


def test_a_cancelled_wait_gives_its_turn_to_the_next():
    async def main() -> None:
        gate = StartGate(width=1)
        first = await gate.enter()
        second = asyncio.create_task(gate.enter())
        third = asyncio.create_task(gate.enter())
        await asyncio.sleep(0)
        second.cancel()
        await asyncio.sleep(0)
        gate.leave(first)
        ticket = await asyncio.wait_for(third, 1)
        assert gate.warming == 1 and gate.waiting == 0
        gate.leave(ticket)
        gate.leave(ticket)  # twice: nothing happens
        assert gate.warming == 0

    asyncio.run(main())


def test_the_gate_learns_how_long_a_kernel_takes():
    now = [0.0]
    gate = StartGate(width=1, clock=lambda: now[0])
    assert gate.seconds_per_kernel() == 3.0  # before any

    async def main() -> None:
        ticket = await gate.enter()
        now[0] += 1.5
        gate.leave(ticket)

    asyncio.run(main())
    assert gate.seconds_per_kernel() == pytest.approx(1.5)


# --- the warmer, over a fake Voilà kernel manager --------------------------------------------------


class FakeManager:
    """What RoomWarmer uses of Voilà's kernel manager: pools of tasks, a size, fill, shutdown."""

    def __init__(self, size: int) -> None:
        self.kernel_pools_config = {"atelier.ipynb": {"pool_size": size}}
        self._pools: dict[str, list[asyncio.Future]] = {"atelier.ipynb": []}
        self.shut: list[str] = []
        self.started = 0

    def fill_if_needed(self, delay: float, notebook_name: str) -> None:
        pool = self._pools[notebook_name]
        for _ in range(self.kernel_pools_config[notebook_name]["pool_size"] - len(pool)):
            self.started += 1
            done = asyncio.get_running_loop().create_future()
            done.set_result({"kernel_id": f"k{self.started}"})
            pool.append(done)

    async def shutdown_kernel(self, kernel_id: str) -> None:
        self.shut.append(kernel_id)


def run_ticks(warmer: RoomWarmer, *steps) -> list[PoolState]:
    async def main() -> list[PoolState]:
        states = []
        for step in steps:
            step()
            states.append(await warmer.tick())
        return states

    return asyncio.run(main())


def test_an_open_workshop_warms_a_kernel_per_expected_learner_and_gives_them_back():
    manager = FakeManager(size=2)
    open_workshops = [(5, 1000.0)]
    published: list[PoolState] = []
    warmer = RoomWarmer(manager, "atelier.ipynb", 2, lambda: list(open_workshops),
                        StartGate(2), publish=published.append, clock=lambda: 2000.0)
    states = run_ticks(warmer, lambda: None, open_workshops.clear)
    assert states[0] == PoolState(wanted=5, ready=5, preparing=0, seconds_left=0)
    assert manager.started == 5
    # Closed: back to the base size, the newest ready kernels shut down.
    assert states[1].wanted == 0 and len(manager._pools["atelier.ipynb"]) == 2
    assert manager.shut == ["k5", "k4", "k3"]
    assert published == states  # published when it changed


def test_each_page_served_lowers_the_pool_at_once():
    manager = FakeManager(size=0)
    warmer = RoomWarmer(manager, "atelier.ipynb", 0, lambda: [(3, 1000.0)], StartGate(2),
                        clock=lambda: 2000.0)
    run_ticks(warmer, lambda: None)
    assert warmer.wanted() == 3
    warmer.page_taken()
    # Before Voilà refills the pool after handing a kernel out, the size already says 2.
    assert manager.kernel_pools_config["atelier.ipynb"]["pool_size"] == 2
    warmer.page_taken()
    warmer.page_taken()
    warmer.page_taken()  # one more than expected: never below the base size
    assert warmer.wanted() == 0
    assert manager.kernel_pools_config["atelier.ipynb"]["pool_size"] == 0


def test_pages_served_before_the_workshop_opened_do_not_count():
    now = [500.0]
    manager = FakeManager(size=0)
    warmer = RoomWarmer(manager, "atelier.ipynb", 0, lambda: [(4, 1000.0)], StartGate(2),
                        clock=lambda: now[0])
    warmer.page_taken()  # someone practising alone, earlier
    now[0] = 1500.0
    run_ticks(warmer, lambda: None)
    assert warmer.wanted() == 4


def test_a_warming_kernel_is_not_shut_down():
    async def main() -> list[str]:
        manager = FakeManager(size=0)
        warming = asyncio.get_running_loop().create_future()
        manager._pools["atelier.ipynb"].append(warming)
        warmer = RoomWarmer(manager, "atelier.ipynb", 0, lambda: [], StartGate(2))
        await warmer.tick()
        assert manager._pools["atelier.ipynb"] == [warming]
        warming.set_result({"kernel_id": "late"})
        await warmer.tick()
        return manager.shut

    assert asyncio.run(main()) == ["late"]


def test_the_estimate_counts_rounds_of_the_gate():
    manager = FakeManager(size=0)
    gate = StartGate(2)
    warmer = RoomWarmer(manager, "atelier.ipynb", 0, lambda: [], gate)
    warmer._open = [(10, 0.0)]
    assert warmer.state() == PoolState(wanted=10, ready=0, preparing=0, seconds_left=15)


# --- what the console says -------------------------------------------------------------------------


def test_the_pool_state_round_trips_and_grows_stale():
    state = PoolState(wanted=12, ready=4, preparing=8, seconds_left=12)
    assert PoolState.from_json(state.to_json()) == state
    assert PoolState.from_json(state.to_json(), max_age=-1) is None
    assert PoolState.from_json("pas du json") is None
    assert PoolState.from_json(None) is None


@pytest.mark.parametrize(("state", "sentence"), [
    (None, ""),
    (PoolState(0, 2, 0, 0), ""),
    (PoolState(1, 1, 0, 0), "Prêt pour 1 apprenant : leur page s'ouvrira tout de suite."),
    (PoolState(12, 12, 0, 0), "Prêt pour 12 apprenants : leur page s'ouvrira tout de suite."),
    (PoolState(30, 4, 26, 38),
     "Préparation des pages : 4 sur 30 prêtes. Encore environ 40 secondes."),
])
def test_the_console_says_how_ready_the_pages_are(state, sentence):
    assert readiness_sentence(state) == sentence


# --- the form ---------------------------------------------------------------------------------------

FORM = {"title": "Atelier", "date": "2026-12-06", "scenarios": ["a"],
        "themes": ["Aide aux démarches administratives"], "level": "debutant", "duration": "90"}


@pytest.mark.parametrize(("given", "expected"), [("", None), (None, None), ("12", 12),
                                                  (" 30 ", 30), (1, 1)])
def test_the_form_takes_the_learners_expected(given, expected):
    clean, errors = validate_workshop_form({**FORM, "expected": given}, ["a"])
    assert errors == {} and clean["expected_learners"] == expected


@pytest.mark.parametrize("given", ["0", "61", "douze", "-3", True])
def test_the_form_refuses_a_wrong_number_of_learners_in_french(given):
    clean, errors = validate_workshop_form({**FORM, "expected": given}, ["a"])
    assert clean == {} and errors["expected"].startswith("Nombre non valide")
