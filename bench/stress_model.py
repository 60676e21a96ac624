"""Stress the one-model property: many random drifts, each audited, planned, applied and audited again.

Runs tests/test_model_drift_property.py with a larger hypothesis budget (default 200 examples, random
rather than derandomized) on the embedded server (``OWNAUDIT_TEST_PG`` selects the major). A failure
prints the shrunk drift as SQL and the plan that did not converge it.

    python bench/stress_model.py [EXAMPLES]
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    examples = sys.argv[1] if len(sys.argv) > 1 else "200"
    env = dict(os.environ, OWNAUDIT_DRIFT_EXAMPLES=examples)
    t0 = time.perf_counter()
    code = subprocess.call([sys.executable, "-m", "pytest", "-q", "-n", "0", "-x", "-p", "no:cacheprovider",
                            "tests/test_model_drift_property.py"], cwd=ROOT, env=env)
    print(f"stress_model: {examples} drift examples in {time.perf_counter() - t0:.0f}s, exit {code}")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
