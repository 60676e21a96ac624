"""Benchmark: the catalog read alone (``read_catalog``) vs ``pg_dump --schema-only``, with its memory.

Builds, in a throwaway embedded PostgreSQL, N tables over 20 schemas shaped like
``bench/bench_audit.py``'s (a bigserial primary key, a ``now()`` default, grants to a
writer and a reader role per schema, row-level security with two policies on every 10th
table, a foreign key to the previous table on every other one), server-side in batches
of ``DO`` loops so 100,000 tables build in minutes. Then, in the same run and alternating
``--repeat`` times:

* ``pg_dump --schema-only`` of the database: the baseline;
* a fresh interpreter that imports the reader and calls ``read_catalog`` as a grant-less
  role: wall time of the read itself, peak RSS of the process up to the end of the read
  (``ru_maxrss``) and the memory of the snapshot's objects (``sys.getsizeof`` over every
  object it reaches);
* with ``--baseline-src DIR`` (``git archive main | tar -x -C DIR``), the same worker on
  the reader under ``DIR/src``, and whether both read the same snapshot.

Run: ``python bench/bench_catalog.py [--tables 10000] [--repeat 2] [--baseline-src DIR]``.
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

AUDITOR = "bench_catalog_auditor"
AUDITOR_PASSWORD = "bench-catalog-pw"
BATCH = 1_000

WORKER = r"""
import gc, hashlib, json, resource, sys, time
def rss_mib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 1048576
def deep_mib(root):
    seen, stack, total = set(), [root], 0
    while stack:
        o = stack.pop()
        if id(o) in seen or isinstance(o, type) or type(o).__name__ in ("module", "function"):
            continue
        seen.add(id(o))
        total += sys.getsizeof(o)
        stack.extend(gc.get_referents(o))
    return total / 1048576
t0 = time.perf_counter()
from ownaudit.catalog.reader import read_catalog
t1 = time.perf_counter()
before = rss_mib()
t2 = time.perf_counter()
snap = read_catalog(sys.argv[1])
t3 = time.perf_counter()
after = rss_mib()
maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
held = deep_mib(snap)
doc = snap.to_dict()
for key in ("taken_at", "query_count"):
    doc.pop(key, None)
digest = hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()[:16]
print(json.dumps({
    "import_s": t1 - t0, "read_s": t3 - t2, "rss_before_mib": before, "rss_after_mib": after,
    "maxrss_mib": maxrss, "snapshot_mib": held,
    "queries": snap.query_count, "relations": len(snap.relations), "digest": digest,
}))
"""


def build(conn: object, tables: int, schemas: int) -> None:
    """Create the catalog as the superuser (objects owned by ``bench_owner``), server-side."""
    ex = conn.execute  # type: ignore[attr-defined]
    ex("SET synchronous_commit = off")
    ex("CREATE ROLE bench_owner")
    ex(f"CREATE ROLE {AUDITOR} LOGIN PASSWORD '{AUDITOR_PASSWORD}'")
    for s in range(schemas):
        ex(f"CREATE SCHEMA s{s:02d} AUTHORIZATION bench_owner; CREATE ROLE w{s:02d}; CREATE ROLE r{s:02d}")
    ex("SET ROLE bench_owner")
    for start in range(0, tables, BATCH):
        stop = min(tables, start + BATCH)
        ex(f"""
        DO $$
        DECLARE sch text; tbl text; prev text;
        BEGIN
          FOR i IN {start}..{stop - 1} LOOP
            sch := 's' || lpad((i % {schemas})::text, 2, '0');
            tbl := format('%I.%I', sch, 't' || (i / {schemas}));
            EXECUTE format('CREATE TABLE %s (id bigserial PRIMARY KEY, parent_id bigint, name text NOT NULL, '
                           'note text, created_at timestamptz DEFAULT now())', tbl);
            IF i >= {schemas} AND i % 2 = 0 THEN
              prev := format('%I.%I', sch, 't' || (i / {schemas} - 1));
              EXECUTE format('ALTER TABLE %s ADD CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES %s(id)',
                             tbl, prev);
            END IF;
            IF i % 10 = 0 THEN
              EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
              EXECUTE format('CREATE POLICY p_read ON %s FOR SELECT USING (true)', tbl);
              EXECUTE format('CREATE POLICY p_write ON %s FOR ALL USING (id > 0) WITH CHECK (id > 0)', tbl);
            END IF;
          END LOOP;
        END $$""")
    ex("RESET ROLE")
    for s in range(schemas):
        sc = f"s{s:02d}"
        ex(f"GRANT USAGE ON SCHEMA {sc} TO w{s:02d}, r{s:02d}; "
           f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {sc} TO w{s:02d}; "
           f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {sc} TO w{s:02d}; "
           f"GRANT SELECT ON ALL TABLES IN SCHEMA {sc} TO r{s:02d}")


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, subprocess.CompletedProcess[str]]:
    t = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    return time.perf_counter() - t, done


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tables", type=int, default=10_000)
    ap.add_argument("--schemas", type=int, default=20)
    ap.add_argument("--major", default=None, help="PostgreSQL major version to use (default: newest found)")
    ap.add_argument("--baseline-src", default=None, metavar="DIR",
                    help="also read with the ownaudit package under DIR/src (same run, same database)")
    ap.add_argument("--repeat", type=int, default=2, help="measure pg_dump and the reader(s) N times, alternating")
    args = ap.parse_args()

    import psycopg

    from ownaudit.embedded import EmbeddedServer

    settings = {"max_locks_per_transaction": str(max(128, args.tables // 5)), "autovacuum": "off"}
    with EmbeddedServer(major=args.major, settings=settings) as srv:
        with psycopg.connect(srv.dsn(), autocommit=True) as admin:
            admin.execute("CREATE DATABASE bench")
        t = time.perf_counter()
        with psycopg.connect(srv.dsn("bench"), autocommit=True) as conn:
            build(conn, args.tables, args.schemas)
            # Planner statistics of the catalogs both tools read (a database-wide VACUUM ANALYZE takes
            # many minutes at 100,000 tables).
            conn.execute("ANALYZE pg_class, pg_attribute, pg_attrdef, pg_depend, pg_constraint, pg_type, "
                         "pg_policy, pg_inherits, pg_sequence, pg_namespace")
        print(f"built {args.tables} tables over {args.schemas} schemas in {time.perf_counter() - t:.1f}s "
              f"on PostgreSQL {srv.version}", flush=True)
        dsn = srv.dsn("bench", user=AUDITOR, password=AUDITOR_PASSWORD)
        variants = {"current": dict(os.environ)}
        if args.baseline_src:
            base = str(Path(args.baseline_src).resolve() / "src")
            variants = {"baseline": dict(os.environ, PYTHONPATH=base), **variants}
        dump_cmd = [str(srv.installation.exe("pg_dump")), "--schema-only", "-f", os.devnull, srv.dsn("bench")]
        subprocess.run(dump_cmd, check=True, capture_output=True)  # warm the caches for both
        dumps: list[float] = []
        runs: dict[str, list[dict[str, float]]] = {k: [] for k in variants}
        with tempfile.TemporaryDirectory() as work:
            for _ in range(args.repeat):
                dump_s, dump = timed(dump_cmd)
                if dump.returncode != 0:
                    print(f"pg_dump failed: {dump.stderr.strip()[-300:]}")
                    return 3
                dumps.append(dump_s)
                for name, env in variants.items():
                    _, done = timed([sys.executable, "-c", WORKER, dsn], dict(env, PWD=work))
                    if done.returncode != 0:
                        print(f"reader ({name}) failed: {done.stderr.strip()[-500:]}")
                        return 3
                    runs[name].append(json.loads(done.stdout.strip().splitlines()[-1]))

    print("pg_dump --schema-only : " + ", ".join(f"{d:.2f}s" for d in dumps))
    for name, results in runs.items():
        for i, r in enumerate(results):
            print(
                f"read_catalog {name:<8}: {r['read_s']:6.2f} s = {r['read_s'] / dumps[i]:.3f}x pg_dump, "
                f"import {r['import_s']:.2f} s, snapshot {r['snapshot_mib']:6.1f} MiB (objects), "
                f"peak RSS of the read {r['maxrss_mib']:6.1f} MiB, {r['relations']} relations, {r['queries']} queries"
            )
    if "baseline" in runs:
        cur, base = runs["current"], runs["baseline"]
        for i in range(args.repeat):
            print(f"round {i + 1}: current / baseline read time {cur[i]['read_s'] / base[i]['read_s']:.3f}x, "
                  f"peak RSS {cur[i]['maxrss_mib'] / base[i]['maxrss_mib']:.3f}x, "
                  f"snapshot {cur[i]['snapshot_mib'] / base[i]['snapshot_mib']:.3f}x")
        same = {r["digest"] for r in cur + base}
        print("snapshots: " + ("identical" if len(same) == 1 else f"DIFFER ({sorted(same)})"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
