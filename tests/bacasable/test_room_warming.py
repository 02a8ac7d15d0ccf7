"""A workshop opened for N learners warms N kernels on the real server, and closing gives them back.

The real notebooks are served with no kernel preheated (``preheat_kernels=0``); a workshop is
created in the store as the console does; the server sees it, warms a kernel per expected
learner (two at a time), writes « ready » for the console, hands a warm kernel to the learner's
page, and shuts the waiting ones down when the workshop is closed.
"""

from __future__ import annotations

import datetime as dt
import time

import requests

from bacasable.store import Store
from bacasable.workshop.readiness import WARMING_SETTING, PoolState, readiness_sentence
from benchmarks._support import NOTEBOOKS, serving


def wait_for(predicate, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def test_a_workshop_warms_its_kernels_then_gives_them_back():
    with serving(NOTEBOOKS, preheat=0) as server:
        server.wait_ready()
        assert server.kernels() == []
        store = Store.from_config(server.config)

        def state() -> PoolState | None:
            return PoolState.from_json(store.setting(WARMING_SETTING))

        workshop = store.create_workshop("Atelier", "", dt.date.today(), ["caf-prime-activite"],
                                         expected_learners=3)
        assert wait_for(lambda: server.waiting_for_a_page() == 3, 90), server.log_text()[-3000:]
        assert wait_for(lambda: (state() or PoolState(0, 0, 0, 0)).ready == 3, 10)
        assert state().wanted == 3
        assert readiness_sentence(state()).startswith("Prêt pour 3 apprenants")
        # One kernel per expected learner, no more.
        assert server.log_text().count("Kernel started:") == 3

        page = requests.get(server.url(query=f"code={workshop['join_code']}"), timeout=60)
        assert page.status_code == 200
        assert server.count("Using pre-heated kernel") == 1
        # The page took one: two more are wanted, and no fourth kernel is started.
        assert wait_for(lambda: (state() or PoolState(0, 0, 0, 0)).wanted == 2, 10)
        time.sleep(3)
        assert server.log_text().count("Kernel started:") == 3

        store.close_workshop(workshop["id"])
        assert wait_for(lambda: len(server.kernels()) == 1, 30), server.log_text()[-3000:]
        assert wait_for(lambda: readiness_sentence(state()) == "", 10)
