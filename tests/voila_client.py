"""Voilà's protocol client of the attack and load tests: it lives in ``benchmarks/_voila_client``.

The room-load benchmark plays learners with it too; the tests import it from here.
"""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:  # pytest run as a script: the checkout is not on the path
    sys.path.insert(0, str(_ROOT))

from benchmarks._voila_client import V1, KernelChannel, page  # noqa: E402

__all__ = ["V1", "KernelChannel", "page"]
