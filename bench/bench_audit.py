"""Benchmark: ``ownaudit audit`` of a large governed catalog vs ``pg_dump --schema-only``.

Builds, in a throwaway embedded PostgreSQL, 10,000 tables over 20 schemas (each
with a bigserial sequence and a primary key), 50 roles with memberships (per
schema a writer and a reader, group roles, a NOINHERIT app role using SET ROLE),
2,000 row-level-security policies and 5,000 foreign keys, and a policy that
governs every table: one hub per schema owning it, with that schema's writer and
reader roles. The catalog drifts the way real ones do (group roles hand reader
roles other hubs' schemas, an app role outside the policy reaches three writers
by membership, row-level-security policies the matrix does not list), so the
audit has tens of thousands of findings to report. Then, in the same run:

* ``ownaudit audit`` as a grant-less audit role, in a subprocess: wall time and
  peak RSS (``ru_maxrss`` of the child), JSON report written to a file;
* a worker subprocess that times the phases (catalog read, effective matrix,
  audit rules) and reports the number of catalog queries, on this database and
  on an empty one (the count must not depend on size);
* ``pg_dump --schema-only`` of the same database: the baseline.

Targets: audit <= 1.0x pg_dump's wall time, peak memory <= 300 MiB at 10,000
governed tables; query count independent of size. ``--readers all`` lets every
hub read every schema (more paths, fewer findings); ``--baseline-src DIR`` also
times the audit of another source tree (e.g. ``git archive main``) in the same
run, so a change is measured against what it replaces under the same load.
Run: ``python bench/bench_audit.py [--tables N] [--readers own|all] [--baseline-src DIR]``.
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
    result = run_audit(load_policy(sys.argv[3]), snap, matrix=matrix)
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


def governed_policy(schemas: int, readers: str = "own", database: str = "bench",
                    owner: str = "bench_owner", auditor: str = AUDITOR, prefix: str = "") -> str:
    """A policy governing every table: per schema ``{prefix}sNN`` a hub ``{prefix}hNN`` owning it,
    with its writer ``{prefix}wNN`` and reader ``{prefix}rNN``; readers ``own`` (the owning hub
    only) or ``all``."""
    lines = ["version: 1", "database:", f"  name: {database}", f"  owner_role: {owner}",
             f"  audit_roles: [{auditor}]", "hubs:"]
    ids = [f"{s:02d}" for s in range(schemas)]
    lines += [f"  {prefix}h{i}:\n    roles: [{prefix}w{i}, {prefix}r{i}]" for i in ids]
    lines.append("roles:")
    for i in ids:
        lines += [f"  {prefix}w{i}:\n    hub: {prefix}h{i}\n    kind: writer",
                  f"  {prefix}r{i}:\n    hub: {prefix}h{i}\n    kind: reader"]
    lines.append("schemas:")
    for i in ids:
        who = "all" if readers == "all" else f"[{prefix}h{i}]"
        lines.append(f"  {prefix}s{i}:\n    owner: {prefix}h{i}\n    readers: {who}")
    return "\n".join(lines) + "\n"


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
    ap.add_argument("--readers", choices=("own", "all"), default="own",
                    help="who may read a schema: its owning hub only (default) or every hub")
    ap.add_argument("--baseline-src", default=None, metavar="DIR",
                    help="also audit with the ownaudit package under DIR/src (same run, same database)")
    ap.add_argument("--repeat", type=int, default=1, help="measure pg_dump and the audit(s) N times, alternating")
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
        work = Path(tempfile.mkdtemp(prefix="ownaudit-bench-audit-"))
        policy = work / "ownership.yaml"
        policy.write_text(governed_policy(args.schemas, args.readers), encoding="utf-8")
        env = dict(os.environ, OWNAUDIT_DSN=audit_dsn, OWNAUDIT_POLICY=str(policy))
        variants = {"current": env}
        if args.baseline_src:
            variants = {"baseline": dict(env, PYTHONPATH=str(Path(args.baseline_src).resolve() / "src")), **variants}
        ownaudit = [sys.executable, "-m", "ownaudit.cli"]
        dump_cmd = [str(srv.installation.exe("pg_dump")), "--schema-only", "-f", os.devnull, srv.dsn("bench")]
        # Warm the OS caches once for both tools, then measure.
        subprocess.run(dump_cmd, check=True, capture_output=True)
        dumps: list[float] = []
        audits: dict[str, list[tuple[float, float, int, float, int]]] = {k: [] for k in variants}
        for _ in range(args.repeat):
            dump_s, _, dump = timed(dump_cmd)
            if dump.returncode != 0:
                print(f"pg_dump failed: {dump.stderr.strip()}")
                return 3
            dumps.append(dump_s)
            for name, venv in variants.items():
                out = work / f"audit-{name}.json"
                audit_s, audit_mib, audit = timed(
                    [*ownaudit, "audit", "--format", "json", "--output", str(out), "-q"], venv
                )
                if audit.returncode not in (0, 1):
                    print(f"ownaudit audit ({name}) failed (exit {audit.returncode}): {audit.stderr.strip()[-300:]}")
                    return 3
                size = out.stat().st_size / 1048576
                doc = json.loads(out.read_text(encoding="utf-8"))
                audits[name].append((audit_s, audit_mib, audit.returncode, size, len(doc["findings"])))
                del doc
        _, _, worker = timed([sys.executable, "-c", WORKER, audit_dsn, empty_dsn, str(policy)])
        if worker.returncode != 0:
            print(f"worker failed: {worker.stderr.strip()[-500:]}")
            return 3
        stats = json.loads(worker.stdout.strip().splitlines()[-1])
        shutil.rmtree(work, ignore_errors=True)

    print(
        f"catalog: {stats['relations']} relations, {stats['roles']} roles, {stats['policies']} policies, "
        f"{stats['foreign_keys']} foreign keys; matrix {stats['cells']} role x relation cells"
    )
    print(f"policy: {args.schemas} hubs, one per schema, readers {args.readers}; governs every table")
    print("pg_dump --schema-only : " + ", ".join(f"{d:.2f}s" for d in dumps))
    for name, runs in audits.items():
        for i, (audit_s, mib, code, size, n) in enumerate(runs):
            print(
                f"ownaudit audit {name:<8}: {audit_s:7.2f} s = {audit_s / dumps[i]:.2f}x pg_dump (target <= 1.0x), "
                f"peak {mib:.1f} MiB = {mib / 300:.2f}x the 300 MiB budget, exit {code}, "
                f"{n} findings, JSON {size:.1f} MiB"
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
    print(f"  worker peak memory  : {stats['maxrss_mib']:.1f} MiB")
    print(
        f"catalog queries       : {stats['queries']} on this database, "
        f"{stats['queries_empty_db']} on an empty one "
        f"({'independent of size' if stats['queries'] == stats['queries_empty_db'] else 'DEPENDS ON SIZE'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
