"""Run every benchmark, one after another (browser measures overload a 2-core machine)."""

from __future__ import annotations

import importlib
import time

from benchmarks import BENCHMARKS


def main() -> None:
    start = time.monotonic()
    failed = []
    for name in BENCHMARKS:
        begun = time.monotonic()
        try:
            importlib.import_module(f"benchmarks.{name}").main()
        except Exception as exc:  # noqa: BLE001 - report it, run the others
            failed.append(name)
            print(f"!! {name} could not run: {type(exc).__name__}: {exc}")
        print(f"({name}: {time.monotonic() - begun:.0f} s)", flush=True)
    print(f"\nAll benchmarks: {time.monotonic() - start:.0f} s"
          + (f"; could not run: {', '.join(failed)}" if failed else ""))


if __name__ == "__main__":
    main()
