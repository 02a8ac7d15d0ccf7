"""Benchmarks of Bac à sable: figures printed, never pass or fail (``make bench``).

Each one measures a baseline in the same run and prints the ratio to it, writes its figures to
``benchmarks/results/<name>.json`` (git-ignored) and runs alone with ``python -m benchmarks.NAME``:

- ``first_screen``: time to the first usable screen in Chromium, against one Button.
- ``round_trip``: a field's validation seen in the browser (wrong value, continue, error shown).
- ``kernel_memory``: RSS and USS of a learner's kernel against a bare ipywidgets kernel.
- ``field_checks``: ``check_field`` on 1 MB inputs against a normal value, every field kind.
- ``report_build``: the reports for 10k, 100k and 1M events (time, peak RSS) against a plain
  ``SELECT`` of the events.
- ``room_load``: N learners' phones opening their page within seconds, through Voilà's own
  protocol (and a few Chromium pages), while the facilitator's console watches the board:
  page → usable, submit, board, events kept, memory and CPU, against 1 learner.
"""

#: In the order ``python -m benchmarks`` runs them.
BENCHMARKS = [
    "field_checks", "report_build", "kernel_memory", "round_trip", "first_screen", "board_latency",
    "room_load",
]
