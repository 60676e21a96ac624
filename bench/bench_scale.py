"""Scale benchmark (issue 8): a 100,000-table audit and a 10,000-file lint, with peak memory.

Not a test: run it by hand and quote the figures.

1. **Audit at 100k governed tables.** A throwaway embedded PostgreSQL gets the seed's
   database plus 100,000 extra tables (95,000 in 19 schemas ``bench_sNN``, 5,000 unlisted
   tables in the seed's schema ``outreach``), each with a column; every 10th table grants
   SELECT to a role outside the policy, every 50th enables RLS. The shipped policy plus one
   hub per bench schema (owning it, with its writer ``bench_wNN`` and reader ``bench_rNN``,
   readers: the owning hub) governs every one of them. Drift, as a grant gone wide: each
   reader also reads the next hub's schema, so tens of thousands of findings exist. The
   build runs server-side in batches of ``DO`` loops (each batch one transaction, so the
   lock table never overflows) and is timed separately. Then ``ownaudit audit`` (CLI
   subprocess, JSON report to a file) runs as a grant-less role: wall time, peak RSS of
   exactly that process (``os.wait4``), number of findings and catalog queries;
   ``pg_dump --schema-only`` of the same database, in the same run, is the baseline.
   (``bench/bench_audit.py`` is the 10k-table version with FKs and policies; this one is
   about size.)
2. **Lint of 10,000 files.** A generated hub repository of 10,000 small files (.sql
   migrations, .py and .ts modules with embedded SQL), linted by the CLI once with ``-j 1``
   and once with the default parallelism: wall time, files/s, peak RSS (``ru_maxrss`` from
   ``os.wait4`` covers the process and the workers it waited for).

Run: ``python bench/bench_scale.py [--tables 100000] [--files 10000] [--skip-audit] [--skip-lint]
[--baseline-src DIR]`` (``--baseline-src`` also audits with the package under ``DIR/src``, same run).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AUDITOR = "ownaudit_auditor"
AUDITOR_PASSWORD = "bench-scale-pw"
HUB = "company-lifecycle-cl"
BATCH = 2_000
SCHEMAS = 19


def scale_policy(schemas: int = SCHEMAS) -> str:
    """The shipped policy plus one hub per bench schema, owning it, with a writer and a reader role."""
    import yaml

    from ownaudit.policy.loader import policy_from_path_or_default

    doc = yaml.safe_load(Path(policy_from_path_or_default(None)).read_text(encoding="utf-8"))
    for s in range(schemas):
        i = f"{s:02d}"
        doc["hubs"][f"bench-h{i}"] = {"roles": [f"bench_w{i}", f"bench_r{i}"]}
        doc["roles"][f"bench_w{i}"] = {"hub": f"bench-h{i}", "kind": "writer"}
        doc["roles"][f"bench_r{i}"] = {"hub": f"bench-h{i}", "kind": "reader"}
        doc["schemas"][f"bench_s{i}"] = {"owner": f"bench-h{i}", "readers": [f"bench-h{i}"]}
    return str(yaml.safe_dump(doc, sort_keys=False))


def timed(cmd: list[str], **kw: object) -> tuple[float, float, int]:
    """(wall seconds, peak RSS MiB, exit code) of one child process."""
    with tempfile.TemporaryFile() as errfile:  # a file, not a pipe: a chatty child must never block
        began = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=errfile, **kw)  # type: ignore[call-overload]
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - began
        proc.returncode = os.waitstatus_to_exitcode(status)
        errfile.seek(0)
        err = errfile.read().decode(errors="replace")
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        print(f"  command failed ({code}): {' '.join(cmd[:3])} ... {err.strip()[-300:]}")
    return wall, usage.ru_maxrss / 1024, code


def _mib(path: Path) -> float:
    return path.stat().st_size / 1048576 if path.exists() else 0.0


def bench_audit(tables: int, baseline_src: str | None = None) -> None:
    import psycopg

    from ownaudit.demo_data import apply_seed
    from ownaudit.embedded import EmbeddedServer

    # pg_dump locks every table in one transaction: the lock table must hold 100k+ entries.
    settings = {
        "max_connections": "20",
        "max_locks_per_transaction": str(max(256, tables // 10)),
        "shared_buffers": "128MB",
        "autovacuum": "off",
    }
    with EmbeddedServer(settings=settings) as srv:
        print(f"server: {srv!r}")
        with psycopg.connect(srv.admin_dsn, autocommit=True) as conn:
            conn.execute('CREATE DATABASE "Marketing DB"')
            conn.execute(f"CREATE ROLE {AUDITOR} LOGIN PASSWORD '{AUDITOR_PASSWORD}'")
            conn.execute("CREATE ROLE bench_reader")
        admin = srv.dsn("Marketing DB")
        with psycopg.connect(admin) as conn:
            apply_seed(conn)
            conn.commit()
        governed = min(5_000, tables // 20)
        began = time.perf_counter()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("SET synchronous_commit = off")
            for s in range(SCHEMAS):
                conn.execute(
                    f'CREATE SCHEMA bench_s{s:02d} AUTHORIZATION "Marketing DB_owner"; '
                    f"GRANT USAGE ON SCHEMA bench_s{s:02d} TO bench_reader; "
                    f"CREATE ROLE bench_w{s:02d}; CREATE ROLE bench_r{s:02d}"
                )
            conn.execute('SET ROLE "Marketing DB_owner"')
            for start in range(0, tables, BATCH):
                stop = min(tables, start + BATCH)
                conn.execute(f"""
                DO $$
                DECLARE sch text; tbl text;
                BEGIN
                  FOR i IN {start}..{stop - 1} LOOP
                    IF i < {governed} THEN sch := 'outreach';
                    ELSE sch := 'bench_s' || lpad((i % {SCHEMAS})::text, 2, '0');
                    END IF;
                    tbl := format('%I.%I', sch, 'bench_t' || i);
                    EXECUTE format('CREATE TABLE %s (id int, note text)', tbl);
                    IF i % 10 = 0 THEN EXECUTE format('GRANT SELECT ON %s TO bench_reader', tbl); END IF;
                    IF i % 50 = 0 THEN
                      EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
                    END IF;
                  END LOOP;
                END $$""")
            conn.execute("RESET ROLE")
            for s in range(SCHEMAS):
                sch, nxt = f"bench_s{s:02d}", f"bench_s{(s + 1) % SCHEMAS:02d}"
                conn.execute(
                    f"GRANT USAGE ON SCHEMA {sch} TO bench_w{s:02d}, bench_r{s:02d}; "
                    f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {sch} TO bench_w{s:02d}; "
                    f"GRANT SELECT ON ALL TABLES IN SCHEMA {sch} TO bench_r{s:02d}; "
                    f"GRANT USAGE ON SCHEMA {nxt} TO bench_r{s:02d}; "
                    f"GRANT SELECT ON ALL TABLES IN SCHEMA {nxt} TO bench_r{s:02d}"
                )
        build_s = time.perf_counter() - began
        with psycopg.connect(admin) as conn:
            row = conn.execute("SELECT count(*) FROM pg_class WHERE relkind = 'r'").fetchone()
        print(
            f"build: {tables:,} extra tables ({row[0] if row else '?':,} in pg_class) in {build_s:.1f} s "
            f"({tables / build_s:,.0f} tables/s)"
        )

        dsn = srv.dsn("Marketing DB", user=AUDITOR, password=AUDITOR_PASSWORD)
        work = Path(tempfile.mkdtemp(prefix="ownaudit-bench-scale-"))
        try:
            policy = work / "ownership.yaml"
            policy.write_text(scale_policy(), encoding="utf-8")
            variants: dict[str, dict[str, str]] = {"current": dict(os.environ)}
            if baseline_src:
                variants = {"baseline": dict(os.environ, PYTHONPATH=str(Path(baseline_src).resolve() / "src")),
                            **variants}
            dump_s, _rss, _ = timed([str(srv.installation.exe("pg_dump")), "--schema-only", "-f", os.devnull, admin])
            for name, env in variants.items():
                out = work / f"audit-{name}.json"
                wall, rss, code = timed(
                    [sys.executable, "-m", "ownaudit.cli", "audit", "--dsn", dsn, "--policy", str(policy),
                     "--format", "json", "-o", str(out), "--statement-timeout", "10min"],
                    cwd=work, env=env,
                )
                doc = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {"findings": []}
                n = len(doc["findings"])
                del doc
                print(
                    f"ownaudit audit {name:<8}: {wall:7.2f} s = {wall / dump_s:.2f}x pg_dump, peak {rss:7.1f} MiB, "
                    f"exit {code}, {n:,} findings, report {_mib(out):.1f} MiB",
                    flush=True,
                )
            snap = work / "snap.json"
            swall, srss, _ = timed(
                [sys.executable, "-m", "ownaudit.cli", "snapshot", "--dsn", dsn, "-o", str(snap), "-q"],
                cwd=work,
            )
            sdoc = json.loads(snap.read_text(encoding="utf-8")) if snap.exists() else {}
            print(
                f"ownaudit snapshot     : {swall:7.2f} s, peak {srss:7.1f} MiB, "
                f"{len(sdoc.get('relations', [])):,} relations, "
                f"{sdoc.get('query_count', '?')} catalog queries, "
                f"file {_mib(snap):.1f} MiB"
            )
            print(f"pg_dump --schema-only : {dump_s:7.2f} s (the baseline of the ratios above)")
        finally:
            shutil.rmtree(work, ignore_errors=True)


SQL_FILE = """-- migration {i}
CREATE TABLE IF NOT EXISTS cl.note_{i} (id bigserial PRIMARY KEY,
    company_unique_id text REFERENCES cl.company_identity);
INSERT INTO cl.company_identity (company_unique_id, company_name) VALUES ('c{i}', 'Acme {i}');
UPDATE cl.lifecycle_state SET state = 'active' WHERE company_unique_id = 'c{i}';
SELECT * FROM outreach.people WHERE person_id = {i};
"""
PY_FILE = '''"""Module {i}."""
import psycopg

UPSERT = """
INSERT INTO cl.external_id_mapping (company_unique_id, source, external_id)
VALUES (%s, %s, %s) ON CONFLICT DO NOTHING
"""


def run(conn: psycopg.Connection, cid: str) -> None:
    conn.execute(UPSERT, (cid, "src{i}", "{i}"))
    conn.execute("DELETE FROM cl.merge_records WHERE company_unique_id = %s", (cid,))
    if {i} % 97 == 0:
        conn.execute("UPDATE outreach.company_target SET status = 'x' WHERE company_unique_id = %s", (cid,))
'''
TS_FILE = """import {{ sql }} from "./db";
export async function load{i}(id: string) {{
  return sql`SELECT company_name FROM cl.company_identity WHERE company_unique_id = ${{id}}`;
}}
"""


def bench_lint(files: int) -> None:
    repo = Path(tempfile.mkdtemp(prefix="ownaudit-bench-lint-"))
    try:
        began = time.perf_counter()
        for i in range(files):
            d = repo / "src" / f"m{i // 500:03d}"
            d.mkdir(parents=True, exist_ok=True)
            kind = i % 3
            if kind == 0:
                (d / f"{i:05d}_migration.sql").write_text(SQL_FILE.format(i=i), encoding="utf-8")
            elif kind == 1:
                (d / f"mod_{i}.py").write_text(PY_FILE.format(i=i), encoding="utf-8")
            else:
                (d / f"load_{i}.ts").write_text(TS_FILE.format(i=i), encoding="utf-8")
        size = sum(p.stat().st_size for p in repo.rglob("*") if p.is_file())
        print(
            f"lint corpus: {files:,} files, {size / 1048576:.1f} MiB, generated in {time.perf_counter() - began:.1f} s"
        )
        for jobs in ("1", "0"):
            out = repo.parent / f"{repo.name}-lint.json"
            wall, rss, code = timed(
                [
                    sys.executable,
                    "-m",
                    "ownaudit.cli",
                    "lint",
                    "--hub",
                    HUB,
                    "src",
                    "-j",
                    jobs,
                    "--format",
                    "json",
                    "-o",
                    str(out),
                ],
                cwd=repo,
            )
            doc = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {"findings": [], "summary": {}}
            out.unlink(missing_ok=True)
            label = "-j 1" if jobs == "1" else f"-j 0 ({os.cpu_count()} CPUs)"
            print(
                f"ownaudit lint {label:16}: {wall:7.2f} s, {files / wall:,.0f} files/s, peak {rss:6.1f} MiB "
                f"(process + waited workers), exit {code}, {len(doc['findings']):,} findings"
            )
    finally:
        shutil.rmtree(repo, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--tables", type=int, default=100_000)
    ap.add_argument("--files", type=int, default=10_000)
    ap.add_argument("--skip-audit", action="store_true")
    ap.add_argument("--skip-lint", action="store_true")
    ap.add_argument("--baseline-src", default=None, metavar="DIR",
                    help="also audit with the ownaudit package under DIR/src (same run, same database)")
    args = ap.parse_args()
    if not args.skip_lint:
        bench_lint(args.files)
    if not args.skip_audit:
        bench_audit(args.tables, args.baseline_src)
    return 0


if __name__ == "__main__":
    sys.exit(main())
