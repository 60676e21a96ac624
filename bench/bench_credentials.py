"""Credential detection on a real repository: ownaudit's patterns vs detect-secrets (recall and cost).

Usage: python bench/bench_credentials.py REPO_DIR [--no-detect-secrets]

Ground truth: files holding a Neon password (an ``npg_`` token). Recall is reported for our patterns with
and without the token rule (so the PostgreSQL forms are measured on their own), and for detect-secrets'
default plugins. Never prints a secret: only file counts, forms and timings.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

TOKEN = re.compile(rb"\bnpg_[A-Za-z0-9]{8,}")
SKIP = {".git", "node_modules", ".venv", "__pycache__"}


def files(root: Path) -> list[Path]:
    out = []
    for d, dirs, names in os.walk(root):
        dirs[:] = [x for x in dirs if x not in SKIP]
        out.extend(Path(d) / n for n in names)
    return out


def main() -> None:
    root = Path(sys.argv[1]).resolve()
    from ownaudit.lint import credentials as C
    from ownaudit.lint.engine import file_kind

    all_files = [p for p in files(root) if p.is_file() and p.stat().st_size < 4_000_000]
    truth = {p for p in all_files if TOKEN.search(p.read_bytes())}
    t0 = time.perf_counter()
    ours: dict[Path, set[str]] = {}
    for p in all_files:
        kind = file_kind(str(p))
        if kind is None:
            continue
        text = p.read_bytes().decode("utf-8", "replace")
        hits = C.scan_config(text) if kind == "config" else C.scan_credentials(text)
        if hits:
            ours[p] = {h.form for h in hits}
    ours_s = time.perf_counter() - t0
    linted_truth = {p for p in truth if file_kind(str(p))}
    forms_only = {p for p, forms in ours.items() if forms - {"token"}}
    print(f"files: {len(all_files)}; with a Neon password: {len(truth)} ({len(linted_truth)} of a linted kind)")
    print(f"ownaudit: {len(truth & set(ours))}/{len(linted_truth)} of linted kinds; "
          f"without the npg_ rule {len(linted_truth & forms_only)}/{len(linted_truth)}; "
          f"other files flagged {len(set(ours) - truth)}; scan {ours_s:.2f}s")
    forms: dict[str, int] = {}
    for p in truth & set(ours):
        for f in ours[p]:
            forms[f] = forms.get(f, 0) + 1
    print("  forms in true files:", dict(sorted(forms.items())))
    for p in sorted(set(ours) - truth):
        print("  also flagged:", p.relative_to(root), sorted(ours[p]))
    if "--no-detect-secrets" in sys.argv:
        return
    t0 = time.perf_counter()
    ds = subprocess.run([sys.executable, "-m", "detect_secrets", "scan", "--all-files", str(root)],
                        capture_output=True, text=True, cwd=root, check=False)
    ds_s = time.perf_counter() - t0
    results = json.loads(ds.stdout)["results"]
    flagged = {(root / k).resolve() for k in results}
    types: dict[str, int] = {}
    for k, v in results.items():
        if (root / k).resolve() in truth:
            for r in v:
                types[r["type"]] = types.get(r["type"], 0) + 1
    print(f"detect-secrets: {len(truth & flagged)}/{len(truth)} (all kinds); {len(linted_truth & flagged)}/"
          f"{len(linted_truth)} of linted kinds; other files flagged {len(flagged - truth)}; scan {ds_s:.2f}s")
    print("  types in true files:", dict(sorted(types.items())))
    for mod in ("ownaudit.lint.credentials", "detect_secrets.core.scan"):
        runs = []
        for _ in range(5):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", f"import {mod}"], check=True)
            runs.append(time.perf_counter() - t0)
        print(f"import {mod}: median {sorted(runs)[2] * 1000:.0f} ms (python start-up included)")
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        runs.append(time.perf_counter() - t0)
    print(f"bare python: median {sorted(runs)[2] * 1000:.0f} ms")


if __name__ == "__main__":
    main()
