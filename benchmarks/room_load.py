"""A room of N phones opening their page within seconds, through Voilà's own protocol (issue #20).

For each N (1, 10, 20, 30 by default) a fresh server is started as ``bacasable serve`` starts it
(``start_server``, its defaults: the preheated pool of ``preheat_kernels``), with a fresh data
folder. Then, all measured from outside (HTTP, websockets, ``/proc``, the store):

1. **The facilitator**, on this laptop (127.0.0.1: the PIN may be chosen), opens the console,
   chooses the PIN in the gate, creates the workshop with the console's form
   (:func:`~benchmarks._room_people.workshop_form`, N learners expected: the server warms N
   kernels while the facilitator waits for the room) and watches the board: every board the
   console's kernel pushes is recorded.
2. **N learners** arrive evenly over ``--spread`` seconds with the QR code's address
   (``?code=``). Most are protocol clients (:class:`~benchmarks._room_people.ProtocolLearner`):
   the page, the ~100 static files a browser loads with it (found once by a real page, read
   6 at a time), the kernel's model, the websocket in the browser's binary subprotocol,
   ``kernel_info_request``, ``request_states`` on the widgets' control comm, then the custom
   messages of ``widgets/static``: ``device``, ``alive`` every 5 s, ``join`` (after one
   field-time), ``start`` (after one more), then ``cookies``, ``hint`` and ``submit`` every 3
   to 5 field-times, 15 % of the screens with their first required field empty (errors) and
   10 % a hint first. A few (``--browsers``) are Chromium pages among them, playing the same
   exercise by the page's labels (right answers only); their figures are computed from their
   websocket frames the same way, to check that the client is faithful.
3. Everybody plays for ``--play`` seconds after the last arrival.

Printed for each N:

- **page → usable**: from the page's HTTP request until the widgets' states came and the
  kernel was done with the first custom message (``device``, sent by the join form as it is
  drawn): the page answers a tap from then on. First and last learner (by arrival), median,
  p95, max; and when the whole room was usable.
- **join**, **opening an exercise** (« Commencer » → the kernel done: every widget of the
  exercise sent), **submit round trip** (sent → the screen's new view received), the kernel's
  answer to ``alive``, and **action → board** (a learner's action → the first board the
  facilitator receives showing it: screen, errors and hints at or past it).
- **events** the learners' answer keys emitted against the events the store holds.
- **memory** (RSS and PSS from ``/proc``) of the server, the kernels and their other processes,
  before the learners, at the end and at the peak; **CPU** seconds of each while arriving and
  while playing (with the load generator's own, on the same machine).

The baseline is the first N (1 learner): ratios of medians and p95 to it close the output.

Run alone: ``python -m benchmarks.room_load --learners 1,10,20,30 --spread 10 --play 60
--field-time 2 --browsers 2`` (or ``BACASABLE_ROOM_LEARNERS=1,5`` etc. in the environment;
``--no-static`` skips the static files; ``--no-announce`` leaves the workshop's expected number
of learners empty, so that no kernel is warmed for the room).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import asdict, dataclass
from typing import Any

from benchmarks._room_measure import (
    MemoryWatch,
    board_latencies,
    cpu_between,
    cpu_snapshot,
    figures,
    memory,
    wait_stored,
)
from benchmarks._room_people import (
    PAGE_TIMEOUT,
    Facilitator,
    Plan,
    ProtocolLearner,
    workshop_form,
)
from benchmarks._support import NOTEBOOKS, header, ratio, save, serving, wait_for

SCENARIO = "france-travail-inscription"
PIN = "4827"
#: Seconds the board is still watched after the play, for the last actions.
GRACE = 3.0


@dataclass
class Settings:
    """What a run measures; see :func:`settings`."""

    learners: list[int]
    spread: float = 10.0
    play: float = 60.0
    field_time: float = 2.0
    browsers: int = 2
    static: bool = True
    announce: bool = True
    wrong_share: float = 0.15
    hint_share: float = 0.10
    seed: int = 1


def settings(argv: list[str] | None = None) -> Settings:
    """Read the settings from ``argv``, then ``BACASABLE_ROOM_*`` variables, then defaults."""
    env = os.environ.get
    parser = argparse.ArgumentParser(prog="python -m benchmarks.room_load",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--learners", default=env("BACASABLE_ROOM_LEARNERS", "1,10,20,30"),
                        help="room sizes, comma-separated")
    parser.add_argument("--spread", type=float, default=float(env("BACASABLE_ROOM_SPREAD", 10)),
                        help="seconds over which the learners arrive")
    parser.add_argument("--play", type=float, default=float(env("BACASABLE_ROOM_PLAY", 60)),
                        help="seconds of play after the last arrival")
    parser.add_argument("--field-time", type=float,
                        default=float(env("BACASABLE_ROOM_FIELD_TIME", 2)),
                        help="seconds to fill one field (a screen every 3-5 of them)")
    parser.add_argument("--browsers", type=int, default=int(env("BACASABLE_ROOM_BROWSERS", 2)),
                        help="learners played in Chromium among the N")
    parser.add_argument("--no-static", dest="static", action="store_false",
                        help="do not load the page's static files")
    parser.add_argument("--no-announce", dest="announce", action="store_false",
                        help="create the workshop without its expected number of learners"
                             " (no kernels warmed for the room: only the base pool)")
    args = parser.parse_args(argv or [])
    sizes = [int(n) for n in str(args.learners).split(",") if n.strip()]
    return Settings(learners=sizes, spread=args.spread, play=args.play,
                    field_time=args.field_time, browsers=args.browsers, static=args.static,
                    announce=args.announce)


def arrivals(n: int, spread: float, start: float) -> list[float]:
    """When each learner arrives: evenly from ``start`` to ``start + spread``."""
    return [start + (i * spread / (n - 1) if n > 1 else 0.0) for i in range(n)]


def browser_indices(n: int, browsers: int) -> list[int]:
    """Which learners are Chromium pages: spread among the arrivals, never all of them."""
    count = max(0, min(browsers, n - 1))
    return sorted({round((k + 1) * n / (count + 1)) for k in range(count)})


def run_round(n: int, s: Settings, catalogue: Any, statics: list[str]) -> dict[str, Any]:
    """Start a server, open the console, play ``n`` learners; return every figure.

    ``statics`` is filled by a real page on the first call that loads the static files.
    """
    from benchmarks._room_browser import BrowserLearners, static_paths

    scenario = catalogue.scenarios[SCENARIO]
    personas = [catalogue.personas[p] for p in scenario.personas]
    with serving(NOTEBOOKS) as server:
        server.wait_ready(timeout=PAGE_TIMEOUT)
        base = f"http://127.0.0.1:{server.port}"
        if s.static and not statics:
            statics.extend(static_paths(server.url()))
            server.wait_ready(timeout=PAGE_TIMEOUT)  # its kernel left, the pool refilled
        facilitator = Facilitator(base, PIN)
        clients: list[ProtocolLearner] = []
        browsers = None
        try:
            console = facilitator.open(workshop_form(SCENARIO, n if s.announce else None))
            facilitator.watch()
            if s.announce:  # the room's kernels, warmed while the facilitator waits
                ready = max(server.pool_size, n)
                wait_for(lambda: server.waiting_for_a_page() >= ready, 30 + 5 * n, interval=0.5)
            wait_for(server.cpu_quiet, 90, interval=0)
            idle, load_before = memory(server), os.getloadavg()
            start = time.monotonic() + 1.0
            plan = Plan(base, console["code"], scenario, personas, s.field_time,
                        stop_at=start + s.spread + s.play, static=list(statics) if s.static else [],
                        wrong_share=s.wrong_share, hint_share=s.hint_share, seed=s.seed)
            times = arrivals(n, s.spread, start)
            in_browser = browser_indices(n, s.browsers)
            slots = [(i, f"Apprenant {i + 1}", times[i], personas[i % len(personas)])
                     for i in range(n)]
            clients = [ProtocolLearner(*slot[:2], plan, *slot[2:])
                       for slot in slots if slot[0] not in in_browser]
            if in_browser:
                browsers = BrowserLearners([slots[i] for i in in_browser], plan)
            watch = MemoryWatch(server)
            cpu0 = cpu_snapshot(server)
            for person in [*clients, *([browsers] if browsers else [])]:
                person.start()
            watch.start()
            for client in clients:
                client.usable.wait(timeout=max(0.0, plan.stop_at - time.monotonic())
                                   + PAGE_TIMEOUT)
            cpu1 = cpu_snapshot(server)
            for client in clients:
                client.join(timeout=max(0.0, plan.stop_at - time.monotonic()) + PAGE_TIMEOUT)
            time.sleep(max(0.0, plan.stop_at - time.monotonic()) + GRACE)
            cpu2 = cpu_snapshot(server)
            end, peak = memory(server), watch.stop()
            facilitator.stop()
            people = [c.result for c in clients]
            if browsers is not None:
                people += browsers.release()
            sent = {p["pseudonym"]: p.get("events_sent", 0) for p in people}
            stored = wait_stored(server.config.db_url, console["workshop_id"], sent)
        finally:
            for person in [*clients, facilitator]:
                person.close()
            if browsers is not None and browsers.is_alive():
                browsers.release()
        tracebacks = server.count("Traceback")
    people.sort(key=lambda p: int(p["pseudonym"].split()[-1]))
    return {
        "learners": n, "browsers": len(in_browser), "settings": asdict(s),
        "console": {k: v for k, v in console.items() if k.endswith("_s")},
        "start": start, "people": people, "boards": len(facilitator.boards),
        "board": board_latencies([a for p in people for a in p["actions"]], facilitator.boards),
        "events": {"sent": sent, "stored": stored},
        "memory": {"idle": idle, "end": end, "peak": peak},
        "cpu": {"arrivals": cpu_between(cpu0, cpu1), "play": cpu_between(cpu1, cpu2)},
        "browser_failure": browsers.failure if browsers is not None else None,
        "static_requests": len(statics) if s.static else 0,
        "tracebacks_in_log": tracebacks,
        # Other work on the machine shows in the figures: the load average says how much.
        "load_before": load_before, "load_after": os.getloadavg(),
    }


def summary(r: dict[str, Any]) -> dict[str, Any]:
    """The round's figures: seconds described (median, p95…) for the clients and the browsers."""
    clients = [p for p in r["people"] if not p["browser"]]
    ok = [p for p in clients if "usable_s" in p]
    usable = [p["usable_s"] for p in ok]
    submits = [t for p in clients for _, t in p.get("submits", [])]
    latencies, missed = r["board"]
    sent, stored = r["events"]["sent"], r["events"]["stored"]
    return {
        "usable": figures(usable),
        "usable_first": usable[0] if usable else None,
        "usable_last": usable[-1] if usable else None,
        # Every page, the Chromium ones too (their frames are timed on the same clock).
        "room_usable": max((p["usable_at"] - r["start"] for p in r["people"]
                            if "usable_at" in p), default=None),
        "http": figures([p["http_s"] for p in ok]),
        "first_message": figures([p["first_message_s"] for p in ok]),
        "static": figures([p["static_s"] for p in ok if "static_s" in p]),
        "static_bytes": next((p["static_bytes"] for p in ok if "static_bytes" in p), 0),
        "join": figures([p["join_s"] for p in clients if "join_s" in p]),
        "open": figures([p["open_s"] for p in clients if "open_s" in p]),
        "submit": figures(submits),
        "submit_right": figures([t for p in clients for k, t in p["submits"] if k == "right"]),
        "submit_wrong": figures([t for p in clients for k, t in p["submits"] if k == "wrong"]),
        "pong": figures([t for p in clients for t in p.get("pongs", [])]),
        "board": figures(latencies), "board_missed": missed,
        "events_sent": sum(sent.values()), "events_stored": sum(stored.values()),
        "events_differ": sorted(n for n in sent if sent[n] != stored.get(n, 0)),
        "failures": {p["pseudonym"]: p["failure"] for p in r["people"] if p["failure"]},
        "out_of_step": {p["pseudonym"]: p["out_of_step"] for p in r["people"]
                        if p["out_of_step"]},
    }


def _s(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f} s"


def _line(label: str, f: dict[str, Any] | None, extra: str = "") -> None:
    if f is None:
        print(f"  {label}: none")
        return
    print(f"  {label}: median {_s(f['median'])}, p95 {_s(f['p95'])}, max {_s(f['max'])} "
          f"(n = {f['n']}){extra}")


def _memory(label: str, m: dict[str, Any] | None) -> None:
    if m is None:
        return
    k, o, srv = m["kernel"], m["other"], m["server"]
    parent = m.get("parent", {"count": 0, "pss_total_mb": 0.0})
    each = f", each ≈ {k['pss_total_mb'] / k['count']:.0f} MB PSS" if k["count"] else ""
    forked = (f"; with their parent process (kernels forked from it) PSS "
              f"{k['pss_total_mb'] + parent['pss_total_mb']:.0f} MB") if parent["count"] else ""
    print(f"  memory {label}: server RSS {srv['rss_total_mb']:.0f} MB / PSS "
          f"{srv['pss_total_mb']:.0f} MB; {k['count']} kernels RSS {k['rss_total_mb']:.0f} MB / "
          f"PSS {k['pss_total_mb']:.0f} MB{each}{forked}; {o['count']} other processes PSS "
          f"{o['pss_total_mb']:.0f} MB; all PSS {m['pss_total_mb']:.0f} MB")


def _cpu(label: str, c: dict[str, float]) -> None:
    print(f"  CPU {label} ({c['seconds']:.0f} s): server {c['server']:.1f} s, kernels "
          f"{c['kernel']:.1f} s, others {c['other'] + c['ended']:.1f} s = {c['cores']:.2f} "
          f"of {os.cpu_count()} cores; load generator {c['generator']:.1f} s, Chromium "
          f"{c['browsers']:.1f} s")


def print_round(r: dict[str, Any], f: dict[str, Any]) -> None:
    n, b = r["learners"], r["browsers"]
    header(f"Room load: {n} learner(s) ({n - b} protocol clients, {b} in Chromium), "
           f"arriving over {r['settings']['spread']:.0f} s")
    print("  load average before the learners {:.1f} / {:.1f} / {:.1f}, after {:.1f} / {:.1f} / "
          "{:.1f}".format(*r["load_before"], *r["load_after"]))
    c = r["console"]
    print(f"  console: PIN gate shown {_s(c['page_s'])}, PIN → console {_s(c['pin_s'])}, "
          f"form → workshop {_s(c['workshop_s'])}")
    u = f["usable"]
    if u:
        print(f"  page → usable: first {_s(f['usable_first'])}, last {_s(f['usable_last'])}, "
              f"median {_s(u['median'])}, p95 {_s(u['p95'])}, max {_s(u['max'])} (n = {u['n']});"
              f" the whole room usable {_s(f['room_usable'])} after the first arrival (the last"
              f" one came {_s(r['settings']['spread'] if n > 1 else 0.0)} after it)")
    _line("   of which the page's HTTP answer", f["http"])
    if f["static"]:
        _line("   of which the static files", f["static"],
              f"; {r['static_requests']} requests, {f['static_bytes'] / 2**20:.1f} MB per page")
    _line("   the websocket's first message, from the request", f["first_message"])
    _line("join → joined", f["join"])
    _line("opening an exercise", f["open"])
    _line("submit round trip", f["submit"])
    _line("   right answers", f["submit_right"])
    _line("   wrong answers", f["submit_wrong"])
    _line("alive → pong", f["pong"])
    _line("action → board", f["board"], f"; never shown: {f['board_missed']}; "
          f"{r['boards']} boards received")
    print(f"  events: sent {f['events_sent']}, stored {f['events_stored']}"
          + (f"; differ for {', '.join(f['events_differ'])}" if f["events_differ"] else ""))
    for who, why in {**f["failures"], **f["out_of_step"]}.items():
        print(f"  !! {who}: {why}")
    if r["browser_failure"]:
        print(f"  !! Chromium: {r['browser_failure']}")
    if r["tracebacks_in_log"]:
        print(f"  !! {r['tracebacks_in_log']} traceback(s) in the server's log")
    for label in ("idle", "end", "peak"):
        _memory({"idle": "before the learners", "end": "at the end",
                 "peak": "at the peak"}[label], r["memory"][label])
    _cpu("while arriving", r["cpu"]["arrivals"])
    _cpu("while playing", r["cpu"]["play"])
    print_browsers(r, f)


def print_browsers(r: dict[str, Any], f: dict[str, Any]) -> None:
    """Each Chromium learner's figures against the protocol clients' medians."""
    clients = [p for p in r["people"] if not p["browser"]]
    opening = next((p["opening"] for p in clients if p.get("opening")), [])
    for p in (p for p in r["people"] if p["browser"]):
        parts = []
        for key, label in (("usable_s", "usable"), ("first_message_s", "first message"),
                           ("join_s", "join"), ("open_s", "open")):
            mine, theirs = p.get(key), (f.get(key[:-2]) or {}).get("median")
            if mine is not None:
                parts.append(f"{label} {_s(mine)}"
                             + (f" (×{ratio(mine, theirs):.2f})" if theirs else ""))
        submits = [t for _, t in p.get("submits", [])]
        if submits and f["submit"]:
            mine = sorted(submits)[len(submits) // 2]
            parts.append(f"submit median {_s(mine)} (×{ratio(mine, f['submit']['median']):.2f})")
        same = "same first messages as the client" if p.get("opening") == opening else (
            f"first messages differ: {p.get('opening')} vs {opening}")
        print(f"  Chromium {p['pseudonym']} (× the clients' median): "
              f"{', '.join(parts) or 'no figure'}; {same}")


def print_comparison(rounds: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    """Medians and p95 of every N, with their ratio to the first N (the baseline)."""
    header("Room load: every N against the first one")
    base = rounds[0][1]
    rows = (("page → usable", "usable"), ("opening an exercise", "open"),
            ("submit round trip", "submit"), ("action → board", "board"))
    for label, key in rows:
        cells = []
        for r, f in rounds:
            fig, ref = f[key], base[key]
            if fig is None:
                cells.append(f"N={r['learners']}: —")
                continue
            times = (f" (×{ratio(fig['median'], ref['median']):.1f}, p95 "
                     f"×{ratio(fig['p95'], ref['p95']):.1f})" if ref else "")
            cells.append(f"N={r['learners']}: {_s(fig['median'])} / {_s(fig['p95'])}{times}")
        print(f"  {label} (median / p95): " + "; ".join(cells))
    print("  memory at the peak (all PSS): " + "; ".join(
        f"N={r['learners']}: {(r['memory']['peak'] or r['memory']['end'])['pss_total_mb']:.0f} MB"
        for r, _ in rounds))
    print("  CPU while arriving: " + "; ".join(
        f"N={r['learners']}: {r['cpu']['arrivals']['cores']:.2f} cores" for r, _ in rounds))


def main(argv: list[str] | None = None) -> dict[str, Any]:
    from bacasable.common.config import BUILTIN_SCENARIOS
    from bacasable.scenario.loader import load_catalogue

    s = settings(argv)
    catalogue = load_catalogue([BUILTIN_SCENARIOS])
    statics: list[str] = []
    rounds = []
    for n in s.learners:
        r = run_round(n, s, catalogue, statics)
        f = summary(r)
        print_round(r, f)
        rounds.append((r, f))
    if len(rounds) > 1:
        print_comparison(rounds)
    data = {"settings": asdict(s), "scenario": SCENARIO,
            "rounds": [{**{k: v for k, v in r.items() if k not in ("people", "start")},
                        "summary": f,
                        "people": [{k: v for k, v in p.items() if k != "actions"}
                                   for p in r["people"]]} for r, f in rounds]}
    save("room_load", data)
    return data


if __name__ == "__main__":
    main(sys.argv[1:])
    sys.exit(0)
