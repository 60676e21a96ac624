"""``ownaudit audit``: read the catalog (live or from a snapshot file) and report drift from the policy.

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or policy
error, 3 the catalog could not be read. Then the requested report files are
still written, marked INCOMPLETE with the cause and no findings, so a nightly
job's ``reports/latest`` never keeps pointing at yesterday's clean run; an
incomplete audit never looks clean.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import time
from typing import Any

import click

from ownaudit.cli import run_exit
from ownaudit.errors import IncompleteError, UsageError
from ownaudit.policy.model import Policy
from ownaudit.report.options import report_options

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|min|m)?\s*$", re.IGNORECASE)


def parse_duration_ms(text: str, option: str = "--statement-timeout") -> int:
    """'30s', '500ms', '2min' or a bare number of seconds -> milliseconds."""
    m = _DURATION.match(str(text))
    if not m:
        raise UsageError(f"{option}: expected a duration like 30s, 500ms or 2min, got {text!r}")
    value, unit = float(m.group(1)), (m.group(2) or "s").lower()
    ms = value * {"ms": 1, "s": 1000, "m": 60_000, "min": 60_000}[unit]
    if ms < 1:
        raise UsageError(f"{option}: must be at least 1ms, got {text!r}")
    return int(ms)


@click.command("audit")
@click.option("--dsn", default=None, metavar="DSN",
              help="Database to audit (else OWNAUDIT_DSN, DATABASE_URL, then libpq's PG* variables).")
@click.option("--snapshot", "snapshot_path", default=None, metavar="FILE",
              help="Audit a snapshot saved by 'ownaudit snapshot' instead of a live database.")
@click.option("--policy", "policy_path", default=None, metavar="PATH",
              help="Policy file (else OWNAUDIT_POLICY, [tool.ownaudit] policy, then the shipped policy).")
@click.option("--statement-timeout", default="120s", show_default=True, metavar="DURATION",
              help="Per-statement timeout of the catalog read (SET LOCAL inside the read-only transaction).")
@click.option("--lock-timeout", default="5s", show_default=True, metavar="DURATION",
              help="Lock wait limit of the catalog read.")
@click.option("--connect-timeout", default=10, show_default=True, type=click.IntRange(1, 3600),
              metavar="SECONDS", help="Connection timeout.")
@report_options
def audit(dsn: str | None, snapshot_path: str | None, policy_path: str | None, statement_timeout: str,
          lock_timeout: str, connect_timeout: int, **report_opts: Any) -> None:
    """Audit a live database (or a snapshot) against the ownership policy."""
    from ownaudit.audit.engine import default_target, run_audit
    from ownaudit.catalog.snapshotfile import read_snapshot
    from ownaudit.catalog.source import check_exclusive, resolve_live
    from ownaudit.policy.loader import load_policy
    from ownaudit.report.emit import emit

    check_exclusive(dsn, snapshot_path)
    stmt_ms = parse_duration_ms(statement_timeout)
    lock_ms = parse_duration_ms(lock_timeout, "--lock-timeout")
    policy = load_policy(policy_path)
    read_seconds = 0.0
    if snapshot_path:
        snapshot = read_snapshot(snapshot_path)
        # The policy's host says nothing about where the snapshot was taken: name the file instead.
        target = {k: v for k, v in default_target(policy, snapshot).items() if k != "host"}
        target["snapshot"] = snapshot_path
    else:
        from ownaudit.catalog.reader import read_catalog

        live = resolve_live(dsn)  # validates the DSN before connecting (exit 2 when malformed)
        parts = live.parts
        t0 = time.perf_counter()
        try:
            snapshot = read_catalog(live.dsn, connect_timeout=connect_timeout, statement_timeout_ms=stmt_ms,
                                    lock_timeout_ms=lock_ms)
        except IncompleteError as exc:
            _report_incomplete(exc, policy, parts, time.perf_counter() - t0, report_opts)
            raise
        read_seconds = time.perf_counter() - t0
        target = default_target(policy, snapshot)
        if parts.get("host"):
            target["host"] = parts["host"]
        if parts.get("port"):
            target["port"] = parts["port"]
    result = run_audit(policy, snapshot, target=target)
    result.duration_seconds = round(result.duration_seconds + read_seconds, 3)
    run_exit(emit(result, **report_opts))


def _report_incomplete(exc: IncompleteError, policy: Policy, parts: dict[str, Any], seconds: float,
                       report_opts: dict[str, Any]) -> None:
    """Write the requested report files for an audit that could not read the catalog.

    Only files (``--output`` paths, ``--report-dir``) are written; the console
    report is skipped because the one-line error on stderr already says it.
    """
    from ownaudit.findings import RunResult
    from ownaudit.report.emit import emit

    outputs = tuple(report_opts.get("outputs") or ())
    if not report_opts.get("report_dir") and not any(o != "-" for o in outputs):
        return
    formats = tuple(report_opts.get("formats") or ())
    # Pair formats with outputs as emit does; drop the stdout ones (formats without a file, or "-").
    pairs = [(formats[i] if i < len(formats) else None, out) for i, out in enumerate(outputs)]
    keep = [(fmt, out) for fmt, out in pairs if out != "-"]
    opts = dict(report_opts)
    opts["formats"] = tuple(fmt for fmt, _ in keep if fmt is not None)
    opts["outputs"] = tuple(out for _, out in keep)
    opts["quiet"] = True
    result = RunResult(
        command="audit",
        findings=[],
        policy_path=policy.path,
        policy_digest=policy.digest,
        target={"kind": "database", "database": parts.get("dbname") or policy.database.name,
                "host": parts.get("host") or policy.database.host},
        started_at=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        duration_seconds=round(seconds, 3),
        complete=False,
        notices=[f"the audit could not complete: {exc.message}"],
    )
    with open(os.devnull, "w") as devnull:
        emit(result, **opts, stdout=devnull)

