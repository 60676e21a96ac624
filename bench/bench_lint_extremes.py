"""Benchmark: the linter on pathological input, against raw sqlglot parsing of the same text.

Hostile or generated files must not make the pre-commit hook hang. Times, in one run,
``lint_file`` on each input below and ``sqlglot.parse`` (sqlglotc where installed) of the
same SQL, and prints the ratio (raw parse time / lint time, higher is better):

* 40,000 writes on one line (a minified dump);
* the same 40,000 writes one per line;
* one 2 MB string literal in a ``.sql`` file, and the same literal in a ``.py`` file
  (the raw baseline for the Python file is ``ast.parse`` of it).

Every lint must finish without an internal error and find every write.
Run: ``python bench/bench_lint_extremes.py [--statements N]``.
"""

from __future__ import annotations

import argparse
import ast
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HUB = "company-lifecycle-cl"
WRITE = "INSERT INTO outreach.people (a) VALUES (1);"


def _time(fn: Callable[..., object], *args: object, **kwargs: object) -> tuple[float, object]:
    began = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - began, out


def main() -> None:
    """Time each input and print one line per case."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--statements", type=int, default=40_000)
    args = ap.parse_args()

    import sqlglot

    from ownaudit.lint.engine import FileJob, lint_file
    from ownaudit.policy.loader import load_policy

    policy = load_policy(None)
    giant = "SELECT '" + "x" * 2_000_000 + "';"
    cases = [
        ("one line", "huge.sql", WRITE * args.statements, args.statements),
        ("one per line", "lines.sql", (WRITE + "\n") * args.statements, args.statements),
        ("2 MB literal (.sql)", "giant.sql", giant, 0),
        ("2 MB literal (.py)", "giant.py", f"Q = {giant!r}\n", 0),
    ]
    with tempfile.TemporaryDirectory(prefix="ownaudit-bench-extremes-") as tmp:
        warm = Path(tmp) / "warm.sql"  # first-use imports and caches are not part of any case
        warm.write_text(WRITE, encoding="utf-8")
        lint_file(FileJob(str(warm), "warm.sql"), policy, HUB)
        sqlglot.parse(WRITE, read="postgres")
        for label, name, text, writes in cases:
            path = Path(tmp) / name
            path.write_text(text, encoding="utf-8")
            lint_s, res = _time(lint_file, FileJob(str(path), name), policy, HUB)
            found = sum(f.rule_id == "LNT001" for f in res.findings)  # type: ignore[attr-defined]
            internal = [n for n in res.notices if "internal error" in n]  # type: ignore[attr-defined]
            if name.endswith(".py"):
                raw_s, _ = _time(ast.parse, text)
                raw = "ast.parse"
            else:
                raw_s, _ = _time(sqlglot.parse, text, read="postgres")
                raw = "sqlglot.parse"
            ok = "ok" if found >= writes and not internal else "FAILED"
            print(
                f"{label:22s} lint {lint_s:7.2f} s  {raw} {raw_s:7.2f} s  ratio {raw_s / lint_s:5.2f}x  "
                f"writes found {found}/{writes}  {ok}"
            )


if __name__ == "__main__":
    main()
