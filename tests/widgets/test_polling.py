"""The kernel task that follows the room: steps, failures said once, recovery, stop."""

from __future__ import annotations

import asyncio
import logging

from widgets.common.polling import Polling


def test_without_an_event_loop_nothing_starts():
    polling = Polling(lambda: None, 0.01, what="x", on_failure=lambda: None,
                      on_recovery=lambda: None)
    assert polling.start() is False and not polling.running


def test_failures_are_said_once_then_the_recovery_and_stop_ends_the_steps(caplog):
    outcomes = iter([True, False, False, False, True, True] + [True] * 1000)
    steps, said = [], []

    def step() -> None:
        steps.append(1)
        if not next(outcomes):
            raise OSError("the store is busy")

    polling = Polling(step, 0.001, what="test: the room could not be read",
                      on_failure=lambda: said.append("failed"),
                      on_recovery=lambda: said.append("works"))

    async def follow() -> int:
        assert polling.start() and polling.running
        while len(steps) < 6:
            await asyncio.sleep(0.001)
        polling.stop()
        stopped_at = len(steps)
        await asyncio.sleep(0.02)
        return stopped_at

    with caplog.at_level(logging.ERROR, logger="bacasable"):
        stopped_at = asyncio.run(follow())
    assert said == ["failed", "works"]
    assert [r.getMessage() for r in caplog.records] == ["test: the room could not be read"]
    assert len(steps) == stopped_at and not polling.running


def test_start_again_replaces_the_running_task():
    steps = []
    polling = Polling(lambda: steps.append(1), 0.001, what="x", on_failure=lambda: None,
                      on_recovery=lambda: None)

    async def twice() -> None:
        polling.start()
        first = polling._task
        polling.start()
        await asyncio.sleep(0.01)
        assert first.cancelled() or first.done()
        polling.stop()

    asyncio.run(twice())
    assert steps
