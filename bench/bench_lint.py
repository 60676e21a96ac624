"""Benchmark ``ownaudit lint`` against raw sqlglot(c) parsing of the same statements, in one run.

Prints, each ratio measured in the same run on the same machine:

* ``.sql`` files: lint statements/s on one core and with two jobs vs raw
  ``sqlglot.parse_one`` (compiled by sqlglotc) of the same statements on one
  core (targets >= 0.8x and >= 1.3x);
* a whole repository (``--repo DIR``, e.g. a hub repository fetched for the
  purpose, never committed): lint wall time vs raw parse of the statements the
  linter found in it (target >= 0.5x);
* the pre-commit hook on 5 files vs ``python -c "import sqlglot"`` (target <= 1.3x);
* peak memory of the one-core lint.

``--before SRC`` runs every lint measurement a second time with another
checkout's ``src`` (e.g. the main branch) so before/after come from one run.
Each measurement runs ``--repeat`` times (default 3), interleaved with its baseline, and the
best sample counts: on a shared machine a single sample is mostly other people's load. The
CPU-time ratio (one job) is printed beside the wall-time ratio for the same reason; the
two-job figure can only be read from wall time. A whole repository is also measured with the
default ``--jobs 0`` (one worker per CPU for large inputs), as ``ownaudit lint`` runs it.
The hook is measured as a user gets it: a regular install in a venv of its own (see ``_hook``).
Usage: ``python bench/bench_lint.py [--statements N] [--repo DIR] [--before SRC] [--repeat N] [--keep DIR]
[--hook-only] [--hook-runs N] [--hook-source] [--pre-commit]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HUB = "barton-outreach-core"
OWN = [
    "outreach.company_target",
    "outreach.people",
    "outreach.dol_filings",
    "outreach.blog_signals",
    "outreach.campaigns",
    "outreach.sequences",
    "outreach.send_log",
    "outreach.engagement_events",
]
OTHER = [
    "cl.company_identity",
    "cl.lifecycle_state",
    "cl.lifecycle_history",
    "marketing.company_master",
    "public.shq_error_log",
]


def _statements(rng: random.Random, i: int) -> list[str]:
    """One 'migration unit' of assorted statements."""
    t = rng.choice(OWN)
    o = rng.choice(OTHER)
    n = f"t{i}"
    out = [
        f"CREATE TABLE IF NOT EXISTS outreach.{n} (\n    id bigint GENERATED ALWAYS AS IDENTITY "
        "PRIMARY KEY,\n"
        f"    target_id uuid NOT NULL REFERENCES outreach.company_target (target_id) ON DELETE CASCADE,\n"
        "    name text NOT NULL,\n    score numeric(10, 2) DEFAULT 0,\n    created_at "
        "timestamptz DEFAULT now()\n)",
        f"CREATE INDEX IF NOT EXISTS {n}_target_idx ON outreach.{n} (target_id, created_at DESC)",
        f"ALTER TABLE outreach.{n} ADD COLUMN IF NOT EXISTS note text",
        f"ALTER TABLE outreach.{n} ENABLE ROW LEVEL SECURITY",
        f"CREATE POLICY {n}_rw ON outreach.{n} FOR ALL TO outreach_writer USING (true) WITH CHECK (true)",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON outreach.{n} TO outreach_writer",
        f"GRANT SELECT ON outreach.{n} TO ui_reader, cl_writer",
        f"INSERT INTO {t} (target_id, name) VALUES ($1, $2) ON CONFLICT (target_id) DO UPDATE SET name = EXCLUDED.name",
        f"UPDATE {t} AS x SET score = s.score + {i % 7} FROM outreach.{n} AS s WHERE s.target_id "
        "= x.target_id "
        f"AND s.created_at > now() - interval '{i % 30} days'",
        f"DELETE FROM outreach.{n} WHERE created_at < now() - interval '90 days' RETURNING id",
        f"SELECT c.company_name, count(*) AS n, max(p.created_at) FROM {o} AS c JOIN {t} AS p ON "
        "p.target_id = "
        f"c.id WHERE c.status IN ('a', 'b') GROUP BY c.company_name HAVING count(*) > {i % 5} "
        "ORDER BY n DESC "
        f"LIMIT 50",
        "WITH recent AS (SELECT target_id, max(sent_at) AS last FROM outreach.send_log GROUP BY target_id) "
        "SELECT t.*, r.last FROM outreach.company_target t LEFT JOIN recent r USING (target_id)",
    ]
    if i % 4 == 0:
        out.append(
            f"CREATE OR REPLACE FUNCTION outreach.f_{n}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
            f"    INSERT INTO outreach.engagement_events (send_id, kind) VALUES (NEW.id, 'x');\n"
            f"    IF NEW.score > 10 THEN\n        UPDATE outreach.{n} SET note = 'hot' WHERE id = NEW.id;\n"
            f"    END IF;\n    RETURN NEW;\nEND;\n$$"
        )
    if i % 5 == 0:
        out.append("ALTER DEFAULT PRIVILEGES IN SCHEMA outreach GRANT SELECT ON TABLES TO ui_reader")
    if i % 6 == 0:
        out.append(
            f"MERGE INTO outreach.{n} AS d USING outreach.people AS s ON d.target_id = s.target_id "
            f"WHEN MATCHED THEN UPDATE SET name = s.full_name WHEN NOT MATCHED THEN INSERT (target_id, name) "
            f"VALUES (s.target_id, s.full_name)"
        )
    if i % 9 == 0:
        out.append(f"UPDATE {o} SET updated_at = now() WHERE id = {i}")  # a cross-hub write now and then
    return out


def build_corpus(root: Path, target: int, seed: int = 7) -> list[str]:
    """Write .sql and .py files under ``root``; return every statement written (for the baseline)."""
    rng = random.Random(seed)
    all_stmts: list[str] = []
    (root / "migrations").mkdir(parents=True)
    (root / "app").mkdir()
    (root / "pyproject.toml").write_text(f'[tool.ownaudit]\nhub = "{HUB}"\n')
    i = 0
    file_no = 0
    while len(all_stmts) < target:
        file_no += 1
        if file_no % 3:
            parts = []
            for _ in range(8):
                stmts = _statements(rng, i)
                i += 1
                all_stmts.extend(stmts)
                parts.append(";\n\n".join(stmts) + ";\n")
            (root / "migrations" / f"{file_no:05d}_m.sql").write_text("-- generated migration\n" + "\n".join(parts))
        else:
            lines = ['"""Generated data access module."""', "", "import os", ""]
            for k in range(6):
                stmts = _statements(rng, i)
                i += 1
                for j, s in enumerate(stmts):
                    all_stmts.append(s)
                    lit = '"""' + s.replace("\\", "\\\\") + '"""'
                    if j % 2:
                        lines.append(f"QUERY_{k}_{j} = {lit}\n")
                    else:
                        lines.append(f"def q_{k}_{j}(cur, a, b):\n    cur.execute({lit}, (a, b))\n")
            (root / "app" / f"mod_{file_no:05d}.py").write_text("\n".join(lines))
    return all_stmts


def _peak_mib() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1048576


def phase_lint(root: str, jobs: int, hub: str = HUB) -> dict[str, float]:
    from ownaudit.lint.engine import lint
    from ownaudit.policy.loader import load_policy

    policy = load_policy(None, check_schema=False)
    import ownaudit.lint.analyze as an

    an._sqlglot()  # import cost is not lint throughput
    c0 = _cpu()
    t0 = time.perf_counter()
    res = lint(policy, hub, Path(root), n_jobs=jobs)
    dt = time.perf_counter() - t0
    return {
        "seconds": dt,
        "cpu": _cpu() - c0,
        "statements": res.target["statements"],
        "findings": len(res.findings),
        "peak_mib": _peak_mib(),
    }


def _cpu() -> float:
    """CPU seconds of this process and its reaped children (the lint's worker processes)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def phase_raw(stmts_file: str) -> dict[str, float]:
    import logging

    import sqlglot

    logging.getLogger("sqlglot").setLevel(logging.CRITICAL)
    stmts = json.loads(Path(stmts_file).read_text())
    c0 = _cpu()
    t0 = time.perf_counter()
    ok = 0
    for s in stmts:
        try:
            sqlglot.parse_one(s, read="postgres")
            ok += 1
        except Exception:
            pass
    dt = time.perf_counter() - t0
    return {"seconds": dt, "cpu": _cpu() - c0, "statements": len(stmts), "parsed": ok, "peak_mib": _peak_mib()}


def phase_collect(root: str, hub: str, out_file: str) -> dict[str, float]:
    """The statements the linter analyses in a repository (for the raw-parse baseline of the same work)."""
    from ownaudit.lint import engine
    from ownaudit.lint.sqlsplit import scan
    from ownaudit.policy.loader import load_policy

    policy = load_policy(None, check_schema=False)
    jobs, _ = engine.collect_files(Path(root), policy.hubs[hub].lint, [])
    stmts: list[str] = []
    for job in jobs:
        text, _notice, _w = engine.read_source(job)
        kind = engine.file_kind(job.path)
        if text is None or kind is None:
            continue
        if kind == "sql":
            frags = engine._sql_fragments(text)
        elif kind == "python":
            from ownaudit.lint import extract_python

            frags, _ops = extract_python.extract(text, job.path)
        else:
            from ownaudit.lint import extract_js

            frags, _ops = extract_js.extract(text, job.path)
        for f in frags:
            spans = [(0, len(f.text))] if kind == "sql" else scan(f.text, meta_commands=False).statements
            stmts.extend(f.text[a:b] for a, b in spans)
    Path(out_file).write_text(json.dumps(stmts))
    return {"statements": len(stmts), "files": len(jobs)}


def _best(samples: list[dict[str, float]]) -> dict[str, float]:
    """The least disturbed sample: shortest wall time (CPU time taken from the same sample)."""
    return min(samples, key=lambda r: r["seconds"])


def _sub(*args: str, src: str | None = None) -> dict[str, float]:
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True, env=env)
    got: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return got


def _walls(cmds: dict[str, list[str]], cwd: Path, env: dict[str, str], runs: int) -> dict[str, float]:
    """Median wall time of each command, the commands interleaved run by run (a shared machine's load
    falls on all of them alike), after one warm-up run each; a hook that did not lint is an error, never
    a fast figure."""
    for cmd in cmds.values():
        out = subprocess.run(cmd, cwd=cwd, capture_output=True, check=False, env=env)
        if "lint" in cmd and (out.returncode not in (0, 1) or b"ownaudit lint:" not in out.stdout):
            raise RuntimeError(f"{' '.join(cmd)} did not lint: {out.stdout!r} {out.stderr!r}")
    times: dict[str, list[float]] = {k: [] for k in cmds}
    for _ in range(runs):
        for key, cmd in cmds.items():
            t0 = time.perf_counter()
            subprocess.run(cmd, cwd=cwd, capture_output=True, check=False, env=env)
            times[key].append(time.perf_counter() - t0)
    return {k: statistics.median(v) for k, v in times.items()}


def _project_copy(root: Path, dest: Path) -> Path:
    """The project's files (tracked and new, not ignored) copied to ``dest``: what a release would hold."""
    if (root / ".git").exists():
        listed = subprocess.run(["git", "-C", str(root), "ls-files", "-co", "--exclude-standard", "-z"],
                                capture_output=True, check=True).stdout.decode().split("\0")
        for rel in filter(None, listed):
            src = root / rel
            if src.is_file():
                (dest / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dest / rel)
    else:
        shutil.copytree(root, dest, ignore=shutil.ignore_patterns(".venv", "__pycache__"))
    return dest


def _installed(project: Path, venv: Path) -> Path:
    """A regular (non-editable) install of ``project`` into a new venv, as pre-commit makes one:
    pip builds the wheel and compiles every module's bytecode at install time."""
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(project)], check=True,
                   capture_output=True)
    return venv / "bin"


def _pre_commit_env(project: Path, hub: Path, home: Path, files: list[str], env: dict[str, str]) -> Path | None:
    """Run the hook once through real pre-commit (``project`` as the hook repository at a local tag) and
    return the bin directory of the environment pre-commit installed for it (None without pre-commit)."""
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
    if pre_commit is None:
        return None
    git_env = {**env, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.test",
               "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@example.test"}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "release"],
                 ["tag", "-a", "v0.0.0-bench", "-m", "bench"]):
        subprocess.run(["git", *args], cwd=project, env=git_env, check=True, capture_output=True)
    (hub / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {project}\n    rev: v0.0.0-bench\n    hooks:\n      - id: ownaudit-lint\n"
    )
    if not (hub / ".git").exists():
        subprocess.run(["git", "init", "-q"], cwd=hub, env=git_env, check=True, capture_output=True)
    subprocess.run(["git", "add", "-A"], cwd=hub, env=git_env, check=True, capture_output=True)
    run = subprocess.run([pre_commit, "run", "--files", *files], cwd=hub, capture_output=True, text=True,
                         env={**env, "PRE_COMMIT_HOME": str(home)})
    if "ownaudit lint" not in run.stdout:
        raise RuntimeError(f"pre-commit did not run the hook: {run.stdout}{run.stderr}")
    (envdir,) = home.glob("repo*/py_env-*")
    return envdir / "bin"


def _pyc_count(bin_dir: Path) -> tuple[int, int]:
    """(modules, modules with bytecode) of the ownaudit package installed next to ``bin_dir``."""
    (pkg,) = bin_dir.parent.glob("lib/python*/site-packages/ownaudit")
    sources = list(pkg.rglob("*.py"))
    compiled = [p for p in sources if any((p.parent / "__pycache__").glob(p.stem + ".*.pyc"))]
    return len(sources), len(compiled)


def _sql_only(root: Path) -> Path:
    """A copy of the corpus with only its .sql files (the .sql lint measurement)."""
    dst = root.parent / "sql-only"
    (dst / "migrations").mkdir(parents=True)
    shutil.copy(root / "pyproject.toml", dst / "pyproject.toml")
    for f in (root / "migrations").glob("*.sql"):
        shutil.copy(f, dst / "migrations" / f.name)
    return dst


def _hook_files(repo: Path) -> tuple[list[Path], int]:
    hook_dir = repo / "staged"
    hook_dir.mkdir()
    rng = random.Random(11)
    files: list[Path] = []
    n = 0
    for k in range(5):  # a typical commit: migrations and modules of about 15 statements each
        stmts = _statements(rng, 100_000 + k)
        n += len(stmts)
        f = hook_dir / (f"m{k}.sql" if k < 3 else f"q{k}.py")
        if k < 3:
            f.write_text(";\n".join(stmts) + ";\n")
        else:
            f.write_text("\n".join(f'Q{j} = """{s}"""' for j, s in enumerate(stmts)) + "\n")
        files.append(f)
    return files, n


def _hook(a: argparse.Namespace, tmp: Path, versions: list[tuple[str, str | None]]) -> None:
    """The pre-commit hook on 5 files vs ``python -c "import sqlglot"`` in the same interpreter, the runs
    interleaved. As a user gets it (default): a regular install in its own venv, the way pre-commit
    installs a hook (bytecode compiled by pip), with this environment's PYTHONDONTWRITEBYTECODE left as
    it is; with ``--pre-commit`` also through real pre-commit. ``--hook-source`` adds the source tree
    (an editable checkout) with a bytecode cache, since PYTHONDONTWRITEBYTECODE would otherwise make
    every run recompile ownaudit."""
    files, hook_statements = _hook_files(tmp / "repo")
    rel = [str(f.relative_to(tmp / "repo")) for f in files]
    args = ["lint", "-q", "--fail-on", "critical", *rel]
    env = dict(os.environ)
    env["OWNAUDIT_CACHE_DIR"] = str(tmp / "cache")
    here = Path(__file__).resolve().parents[1]
    projects = {label: (Path(src).resolve().parent if src else here) for label, src in versions}

    def report(kind: str, times: dict[str, float], bare: float) -> None:
        for label, hook in times.items():
            print(f"[{label}] hook on 5 files ({hook_statements} statements), {kind}: {hook * 1000:.0f} ms vs "
                  f"python -c 'import sqlglot' {bare * 1000:.0f} ms  ratio {hook / bare:.2f}x (target <= 1.3)")

    if a.hook_source:
        src_env = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
        src_env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        cmds = {"bare": [sys.executable, "-c", "import sqlglot"]}
        for label, project in projects.items():
            cmds[label] = ["env", f"PYTHONPATH={project / 'src'}", sys.executable, "-m", "ownaudit.cli", *args]
        t = _walls(cmds, tmp / "repo", src_env, a.hook_runs)
        report("source tree + bytecode cache", t, t.pop("bare"))

    bins: dict[str, Path] = {}
    for label, project in projects.items():
        copy = _project_copy(project, tmp / f"project-{label}")
        bins[label] = _installed(copy, tmp / f"venv-{label}")
        n, c = _pyc_count(bins[label])
        print(f"[{label}] regular install: {c} of {n} ownaudit modules have bytecode "
              f"(PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r})")
    cmds = {f"bare-{k}": [str(b / "python"), "-c", "import sqlglot"] for k, b in bins.items()}
    cmds.update({k: [str(b / "ownaudit"), *args] for k, b in bins.items()})
    t = _walls(cmds, tmp / "repo", env, a.hook_runs)
    for label in projects:  # each against the baseline of its own venv
        report("regular install, baseline in the same venv", {label: t[label]}, t[f"bare-{label}"])

    if a.pre_commit:
        pc_bins: dict[str, Path] = {}
        for label, project in projects.items():
            hub = tmp / f"hub-{label}"
            shutil.copytree(tmp / "repo" / "staged", hub / "staged")
            shutil.copy(tmp / "repo" / "pyproject.toml", hub / "pyproject.toml")
            got = _pre_commit_env(_project_copy(project, tmp / f"pc-project-{label}"), hub, tmp / f"pc-{label}",
                                  rel, env)
            if got is None:
                print("pre-commit is not installed: no pre-commit measurement")
                return
            pc_bins[label] = got
            n, c = _pyc_count(got)
            print(f"[{label}] pre-commit's environment: {c} of {n} ownaudit modules have bytecode")
        cmds = {f"bare-{k}": [str(b / "python"), "-c", "import sqlglot"] for k, b in pc_bins.items()}
        cmds.update({k: [str(b / "ownaudit"), *args] for k, b in pc_bins.items()})
        t = _walls(cmds, tmp / "repo", env, a.hook_runs)
        pc = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or "pre-commit"
        whole: dict[str, float] = {}
        for label in pc_bins:
            penv = {**env, "PRE_COMMIT_HOME": str(tmp / f"pc-{label}")}
            whole[label] = _walls({label: [pc, "run", "--files", *rel]}, tmp / f"hub-{label}", penv,
                                  max(3, a.hook_runs // 3))[label]
        for label in pc_bins:
            report("pre-commit's environment, baseline in the same venv", {label: t[label]}, t[f"bare-{label}"])
            print(f"[{label}] the whole `pre-commit run --files` (git, pre-commit itself, the hook): "
                  f"{whole[label] * 1000:.0f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--statements", type=int, default=20_000)
    ap.add_argument("--repo", default=None, help="a real hub repository to lint whole")
    ap.add_argument("--repo-hub", default=HUB, help="the hub of --repo in the shipped policy")
    ap.add_argument("--before", default=None, help="another checkout's src/ to measure as 'before'")
    ap.add_argument("--keep", default=None, help="build the corpus in DIR and keep it")
    ap.add_argument("--hook-only", action="store_true", help="measure only the pre-commit hook")
    ap.add_argument("--hook-runs", type=int, default=15, help="interleaved runs per hook measurement")
    ap.add_argument("--hook-source", action="store_true",
                    help="also measure the hook from the source tree (an editable checkout)")
    ap.add_argument("--pre-commit", action="store_true",
                    help="also measure the hook in the environment real pre-commit installs for it")
    ap.add_argument("--repeat", type=int, default=3, help="samples per measurement (the best one counts)")
    ap.add_argument("--phase", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--arg", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--arg2", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--jobs", type=int, default=1, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.phase == "lint":
        print(json.dumps(phase_lint(a.arg, a.jobs, a.arg2 or HUB)))
        return
    if a.phase == "raw":
        print(json.dumps(phase_raw(a.arg)))
        return
    if a.phase == "collect":
        print(json.dumps(phase_collect(a.arg, a.repo_hub, a.arg2)))
        return

    tmp = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix="ownaudit-bench-"))
    if a.keep and tmp.exists():
        shutil.rmtree(tmp)
    versions = [("after", None)] + ([("before", a.before)] if a.before else [])
    try:
        if a.hook_only:
            (tmp / "repo").mkdir(parents=True)
            (tmp / "repo" / "pyproject.toml").write_text(f'[tool.ownaudit]\nhub = "{HUB}"\n')
            _hook(a, tmp, versions)
            return
        stmts = build_corpus(tmp / "repo", a.statements)
        sql_root = _sql_only(tmp / "repo")
        sql_stmts: list[str] = []
        for f in sorted((sql_root / "migrations").glob("*.sql")):
            from ownaudit.lint.sqlsplit import scan

            text = f.read_text()
            sql_stmts.extend(text[x:y] for x, y in scan(text).statements)
        sf = tmp / "sql-statements.json"
        sf.write_text(json.dumps(sql_stmts))
        print(f"corpus: {len(stmts)} statements; .sql part: {len(sql_stmts)} statements; {os.cpu_count()} CPU(s)")
        # On a shared machine one sample is mostly noise: every measurement runs --repeat times,
        # interleaved with its baseline, and the best (least disturbed) sample of each counts.
        runs: dict[str, list[dict[str, float]]] = {}

        def sample(key: str, *args: str, src: str | None = None) -> None:
            runs.setdefault(key, []).append(_sub(*args, src=src))

        for _ in range(a.repeat):
            sample("raw", "--phase", "raw", "--arg", str(sf))
            for label, src in versions:
                for jobs in (1, 2):
                    sample(f"{label}-{jobs}", "--phase", "lint", "--arg", str(sql_root), "--jobs", str(jobs), src=src)
        raw = _best(runs["raw"])
        raw_rate = raw["statements"] / raw["seconds"]
        print(
            f"raw sqlglot.parse_one, 1 core: {raw_rate:8.0f} statements/s "
            f"({raw['statements']} in {raw['seconds']:.2f} s, {raw['cpu']:.2f} s CPU; best of {a.repeat})"
        )
        for label, _src in versions:
            for jobs, target in ((1, 0.8), (2, 1.3)):
                r = _best(runs[f"{label}-{jobs}"])
                rate = r["statements"] / r["seconds"]
                cpu = f", CPU ratio {raw['cpu'] / r['cpu']:.2f}x" if jobs == 1 else f", {r['cpu']:.2f} s CPU"
                print(
                    f"[{label}] .sql lint, {jobs} job(s): {rate:8.0f} statements/s ({r['seconds']:.2f} s, "
                    f"peak {r['peak_mib']:.0f} MiB)  ratio {rate / raw_rate:.2f}x raw (target >= {target}){cpu}"
                )
        if a.repo:
            rf = tmp / "repo-statements.json"
            col = _sub("--phase", "collect", "--arg", a.repo, "--arg2", str(rf), "--repo-hub", a.repo_hub)
            for _ in range(a.repeat):
                sample("repo-raw", "--phase", "raw", "--arg", str(rf))
                for label, src in versions:
                    for jobs in (1, 0):
                        sample(f"repo-{label}-{jobs}", "--phase", "lint", "--arg", a.repo, "--jobs", str(jobs),
                               "--arg2", a.repo_hub, src=src)
            rraw = _best(runs["repo-raw"])
            print(
                f"repository {a.repo}: {col['files']:.0f} files, {col['statements']:.0f} statements; raw parse "
                f"{rraw['seconds']:.2f} s ({rraw['cpu']:.2f} s CPU)"
            )
            for label, _src in versions:
                for jobs in (1, 0):
                    r = _best(runs[f"repo-{label}-{jobs}"])
                    how = "1 job" if jobs == 1 else "default jobs (one per CPU)"
                    cpu = f", CPU ratio {rraw['cpu'] / r['cpu']:.2f}x" if jobs == 1 else ""
                    print(
                        f"[{label}] whole repository, {how}: {r['seconds']:.2f} s ({r['findings']:.0f} findings, "
                        f"peak {r['peak_mib']:.0f} MiB)  ratio {rraw['seconds'] / r['seconds']:.2f}x raw "
                        f"(target >= 0.5){cpu}"
                    )
        _hook(a, tmp, versions)
    finally:
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
