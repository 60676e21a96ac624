"""Benchmark: ``ownaudit audit`` on a large synthetic catalog vs ``pg_dump --schema-only``.

Builds, in a throwaway embedded PostgreSQL, 10,000 tables over 20 schemas (each
with a bigserial sequence and a primary key), 50 roles with memberships (per
schema a writer and a reader, group roles, a NOINHERIT app role using SET ROLE),
2,000 row-level-security policies and 5,000 foreign keys. Then, in the same run:

* ``ownaudit audit`` as a grant-less audit role, in a subprocess: wall time and
  peak RSS (``ru_maxrss`` of the child);
* a worker subprocess that times the phases (catalog read, effective matrix,
  audit rules) and reports the number of catalog queries, on this database and
  on an empty one (the count must not depend on size);
* ``pg_dump --schema-only`` of the same database: the baseline.

Targets (issue 3): audit <= 1.0x pg_dump's wall time, peak memory <= 300 MiB,
query count independent of size. Run: ``python bench/bench_audit.py [--tables N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AUDITOR = "bench_auditor"
AUDITOR_PASSWORD = "bench-auditor-pw"

WORKER = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from ownaudit.catalog.reader import read_catalog
from ownaudit.catalog.effective import effective_matrix
dsn, small_dsn = sys.argv[1], sys.argv[2]
t1 = time.perf_counter()
snap = read_catalog(dsn)
t2 = time.perf_counter()
matrix = effective_matrix(snap)
t3 = time.perf_counter()
audit_s, findings = None, None
try:
    from ownaudit.audit.engine import run_audit
    from ownaudit.policy.loader import load_policy
    result = run_audit(load_policy(None), snap, matrix=matrix)
    audit_s, findings = time.perf_counter() - t3, len(result.findings)
except ImportError:
    pass
small = read_catalog(small_dsn)
print(json.dumps({
    "import_s": t1 - t0, "read_s": t2 - t1, "matrix_s": t3 - t2, "audit_rules_s": audit_s,
    "findings": findings, "queries": snap.query_count, "queries_empty_db": small.query_count,
    "relations": len(snap.relations), "roles": len(snap.roles), "policies": len(snap.policies),
    "foreign_keys": len(snap.foreign_keys), "cells": len(matrix.cells),
    "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def build(conn: object, tables: int, schemas: int) -> None:
    """Create the synthetic catalog (as the superuser, objects owned by bench_owner)."""
    ex = conn.execute  # type: ignore[attr-defined]
    per = tables // schemas
    roles = ["bench_owner"] + [f"w{s:02d}" for s in range(schemas)] + [f"r{s:02d}" for s in range(schemas)]
    roles += [f"g{k}" for k in range(8)] + ["app_ui"]
    for r in roles:
        ex(f"CREATE ROLE {r} {'NOINHERIT' if r == 'app_ui' else ''}")
    ex(f"CREATE ROLE {AUDITOR} LOGIN PASSWORD '{AUDITOR_PASSWORD}'")
    for s in range(schemas):
        ex(f"CREATE SCHEMA s{s:02d} AUTHORIZATION bench_owner")
    ex("SET ROLE bench_owner")
    for s in range(schemas):
        stmts = []
        for t in range(per):
            stmts.append(
                f"CREATE TABLE s{s:02d}.t{t:04d} (id bigserial PRIMARY KEY, parent_id bigint, "
                f"name text NOT NULL, note text, created_at timestamptz DEFAULT now())"
            )
        ex(";".join(stmts))
    ex("RESET ROLE")
    # 5,000 FKs: the first half of the tables of every schema point at their predecessor.
    fk_budget = min(5000, tables - schemas)
    stmts = []
    for i in range(fk_budget):
        s, t = i % schemas, i // schemas + 1
        stmts.append(
            f"ALTER TABLE s{s:02d}.t{t:04d} ADD CONSTRAINT fk_parent FOREIGN KEY (parent_id) "
            f"REFERENCES s{s:02d}.t{t - 1:04d}(id) ON DELETE {'CASCADE' if i % 7 == 0 else 'NO ACTION'}"
        )
    for i in range(0, len(stmts), 500):
        ex(";".join(stmts[i : i + 500]))
    # 2,000 policies: RLS on 1,000 tables, a permissive read and a write policy each.
    stmts = []
    for i in range(min(1000, tables)):
        s, t = i % schemas, i // schemas
        name = f"s{s:02d}.t{t:04d}"
        stmts.append(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY")
        stmts.append(f"CREATE POLICY p_read ON {name} FOR SELECT TO r{s:02d}, w{s:02d} USING (true)")
        stmts.append(f"CREATE POLICY p_write ON {name} FOR ALL TO w{s:02d} USING (true) WITH CHECK (true)")
    for i in range(0, len(stmts), 600):
        ex(";".join(stmts[i : i + 600]))
    # Grants and memberships.
    for s in range(schemas):
        sc = f"s{s:02d}"
        ex(f"GRANT USAGE ON SCHEMA {sc} TO w{s:02d}, r{s:02d}, g{s % 8}")
        ex(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {sc} TO w{s:02d}")
        ex(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {sc} TO w{s:02d}")
        ex(f"GRANT SELECT ON ALL TABLES IN SCHEMA {sc} TO r{s:02d}")
        ex(f"GRANT SELECT ON ALL TABLES IN SCHEMA {sc} TO g{s % 8}")
        ex(f"ALTER DEFAULT PRIVILEGES FOR ROLE bench_owner IN SCHEMA {sc} GRANT SELECT ON TABLES TO r{s:02d}")
        ex(f"GRANT g{s % 8} TO r{s:02d}")
    ex("GRANT w00, w01, w02 TO app_ui")
    ex("GRANT g0 TO g1")
    ex("GRANT g1 TO g2")


def timed(
    cmd: list[str], env: dict[str, str] | None = None
) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Wall seconds and peak RSS in MiB of exactly this child (``os.wait4`` returns its own rusage)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        done = subprocess.CompletedProcess(cmd, proc.returncode, out.read(), err.read())
    return wall, usage.ru_maxrss / 1024, done


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tables", type=int, default=10_000)
    ap.add_argument("--schemas", type=int, default=20)
    ap.add_argument("--major", default=None, help="PostgreSQL major version to use (default: newest found)")
    args = ap.parse_args()

    import psycopg

    from ownaudit.embedded import EmbeddedServer

    with EmbeddedServer(major=args.major) as srv:
        admin = psycopg.connect(srv.dsn(), autocommit=True)
        admin.execute("CREATE DATABASE bench")
        conn = psycopg.connect(srv.dsn("bench"), autocommit=True)
        t = time.perf_counter()
        build(conn, args.tables, args.schemas)
        conn.close()
        admin.close()
        print(
            f"built {args.tables} tables over {args.schemas} schemas in {time.perf_counter() - t:.1f}s "
            f"on PostgreSQL {srv.version}",
            flush=True,
        )
        audit_dsn = srv.dsn("bench", user=AUDITOR, password=AUDITOR_PASSWORD)
        empty_dsn = srv.dsn("postgres", user=AUDITOR, password=AUDITOR_PASSWORD)
        env = dict(os.environ, OWNAUDIT_DSN=audit_dsn)
        ownaudit = [sys.executable, "-m", "ownaudit.cli"]
        # Warm the OS caches once for both tools, then measure.
        subprocess.run(
            [str(srv.installation.exe("pg_dump")), "--schema-only", "-f", os.devnull, srv.dsn("bench")],
            check=True,
            capture_output=True,
        )
        dump_s, _, dump = timed(
            [str(srv.installation.exe("pg_dump")), "--schema-only", "-f", os.devnull, srv.dsn("bench")]
        )
        if dump.returncode != 0:
            print(f"pg_dump failed: {dump.stderr.strip()}")
            return 3
        audit_s, audit_mib, audit = timed(
            [*ownaudit, "audit", "--format", "json", "--output", os.devnull, "-q"], env
        )
        if audit.returncode not in (0, 1):
            print(f"ownaudit audit failed (exit {audit.returncode}): {audit.stderr.strip()[-300:]}")
        _, _, worker = timed([sys.executable, "-c", WORKER, audit_dsn, empty_dsn])
        if worker.returncode != 0:
            print(f"worker failed: {worker.stderr.strip()[-500:]}")
            return 3
        stats = json.loads(worker.stdout.strip().splitlines()[-1])

    print(
        f"catalog: {stats['relations']} relations, {stats['roles']} roles, {stats['policies']} policies, "
        f"{stats['foreign_keys']} foreign keys; matrix {stats['cells']} role x relation cells"
    )
    print(f"pg_dump --schema-only : {dump_s:7.2f} s")
    print(
        f"ownaudit audit (CLI)  : {audit_s:7.2f} s  = {audit_s / dump_s:.2f}x pg_dump  (target <= 1.0x), "
        f"exit {audit.returncode}"
    )
    print(
        f"  phases (worker)     : import {stats['import_s']:.2f}s, catalog read {stats['read_s']:.2f}s, "
        f"effective matrix {stats['matrix_s']:.2f}s, audit rules "
        + (
            f"{stats['audit_rules_s']:.2f}s ({stats['findings']} findings)"
            if stats["audit_rules_s"] is not None
            else "n/a (ownaudit.audit not available)"
        )
    )
    print(
        f"peak memory (audit)   : {audit_mib:7.1f} MiB = {audit_mib / 300:.2f}x the 300 MiB budget; "
        f"worker {stats['maxrss_mib']:.1f} MiB"
    )
    print(
        f"catalog queries       : {stats['queries']} on this database, "
        f"{stats['queries_empty_db']} on an empty one "
        f"({'independent of size' if stats['queries'] == stats['queries_empty_db'] else 'DEPENDS ON SIZE'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
