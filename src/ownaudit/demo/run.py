"""Orchestrate the demo: embedded server, the seed database with drifts, lint, audit, reports.

Everything runs against a private server that is always stopped at the end
(context manager, atexit, parent-death signal), so the demo leaves nothing
running unless ``--keep`` asks it to wait with the server up.
"""

from __future__ import annotations

import os
import secrets
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ownaudit.findings import RunResult, Severity

DATABASE = "Marketing DB"
AUDIT_ROLE = "ownaudit_auditor"
EXAMPLE_HUB = "barton-outreach-core"
FORMATS = (("console", "txt"), ("json", "json"), ("sarif", "sarif"), ("junit", "xml"),
           ("markdown", "md"), ("html", "html"))


@dataclass
class DemoOutcome:
    """What the demo produced, for the command and the tests."""

    report_dir: Path
    lint: RunResult | None = None
    audit: RunResult | None = None
    files: list[Path] = field(default_factory=list)
    seconds: float = 0.0


def example_repository() -> Path:
    """The sample hub repository: shipped in the wheel, or examples/ in a source checkout."""
    shipped = resources.files("ownaudit") / "_examples" / "hub-outreach"
    if shipped.is_dir():
        return Path(str(shipped))
    return Path(__file__).resolve().parents[3] / "examples" / "hub-outreach"


def drifts_sql() -> str:
    return (resources.files("ownaudit.demo_data") / "demo_drifts.sql").read_text(encoding="utf-8")


Say = Callable[[str], None]


@contextmanager
def started_server(pg: str | None, say: Say) -> Iterator[Any]:
    """An EmbeddedServer from the wheels, started with a progress line and always stopped."""
    from ownaudit.embedded import EmbeddedServer, select_installation

    inst = select_installation(pg)
    say(f"starting PostgreSQL {inst.major} ({inst.source}) ...")
    t0 = time.perf_counter()
    server = EmbeddedServer(inst)
    with server:
        say(f"PostgreSQL {server.version} ready in {time.perf_counter() - t0:.1f}s")
        yield server


def build_database(server: Any, say: Say) -> str:
    """Create "Marketing DB" from the seed, apply the drifts, create the audit role; its DSN."""
    import psycopg

    from ownaudit.demo_data import apply_seed

    with psycopg.connect(server.admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{DATABASE}"')
    password = secrets.token_urlsafe(18)
    with psycopg.connect(server.dsn(DATABASE), autocommit=True) as conn:
        say("applying the seed: roles, schema, and its enforcement SQL exactly as written ...")
        apply_seed(conn, enforcement=True)
        say("applying realistic drifts (demo_drifts.sql) ...")
        conn.execute(drifts_sql())
        # A grant-less audit role: LOGIN and nothing else (least privilege).
        conn.execute(f"CREATE ROLE {AUDIT_ROLE} LOGIN PASSWORD '{password}'")
    return str(server.dsn(DATABASE, user=AUDIT_ROLE, password=password))


def write_reports(result: RunResult, report_dir: Path, stem: str) -> list[Path]:
    """Every format of one run into ``report_dir/stem.*`` (no console output)."""
    from ownaudit.report.emit import emit

    report_dir.mkdir(parents=True, exist_ok=True)
    paths = [report_dir / f"{stem}.{ext}" for _, ext in FORMATS]
    with open(os.devnull, "w") as devnull:
        emit(result, formats=tuple(f for f, _ in FORMATS), outputs=tuple(str(p) for p in paths),
             fail_on="high", stdout=devnull)
    return paths


def run_lint_demo(policy: Any) -> RunResult:
    from ownaudit.lint import rules as _rules  # noqa: F401  (registers the LNT rules)
    from ownaudit.lint.engine import lint

    repo = example_repository()
    result = lint(policy, EXAMPLE_HUB, repo, (), n_jobs=1)
    result.target = {"kind": "repository", "repository": "examples/hub-outreach", "hub": EXAMPLE_HUB}
    return result


def run_audit_demo(policy: Any, dsn: str) -> RunResult:
    from ownaudit.audit.engine import default_target, run_audit
    from ownaudit.catalog.reader import read_catalog

    t0 = time.perf_counter()
    snapshot = read_catalog(dsn)
    read_seconds = time.perf_counter() - t0
    target = default_target(policy, snapshot) | {"host": "127.0.0.1 (embedded)"}
    result = run_audit(policy, snapshot, target=target)
    result.duration_seconds = round(result.duration_seconds + read_seconds, 3)
    return result


def top_findings(result: RunResult, limit: int = 8) -> list[str]:
    """Every critical finding (up to ``limit``) with its first path, then counts by rule for the rest."""
    from collections import Counter

    out = []
    active = [f for f in result.findings if not f.suppressed]
    shown: Counter[tuple[str, str]] = Counter()
    hidden: Counter[tuple[str, str]] = Counter()
    for f in active:
        if f.severity is not Severity.CRITICAL:
            continue
        group = (f.rule_id, f.role or "")
        if shown[group] >= 2 or sum(shown.values()) >= limit:
            hidden[group] += 1
            continue
        shown[group] += 1
        where = f" at {f.location}" if f.location and result.command == "lint" else ""
        evidence = f"\n             path: {f.evidence[0]}" if f.evidence else ""
        out.append(f"  CRITICAL {f.rule_id} {f.object}{where}: {f.message}{evidence}")
    for (rule_id, role), n in sorted(hidden.items()):
        out.append(f"  CRITICAL {rule_id} x{n} more" + (f" for {role}" if role else ""))
    rest = Counter((f.severity, f.rule_id, f.title) for f in active if f.severity is not Severity.CRITICAL)
    for (sev, rule_id, title), n in sorted(rest.items(), key=lambda kv: (-kv[0][0].rank, kv[0][1])):
        out.append(f"  {sev.value.upper():<8} {rule_id} x{n}: {title}")
    suppressed = sum(1 for f in result.findings if f.suppressed)
    if suppressed:
        out.append(f"  (and {suppressed} suppressed, with their reasons, in the reports)")
    return out


def run_demo(report_dir: Path, pg: str | None, say: Say, keep: Callable[[Any, str], None] | None = None
             ) -> DemoOutcome:
    from ownaudit.policy.loader import load_policy

    t0 = time.perf_counter()
    outcome = DemoOutcome(report_dir=report_dir)
    policy = load_policy(None)
    say(f"policy: {policy.path}")
    say(f"linting the sample hub repository {example_repository()} as {EXAMPLE_HUB} ...")
    outcome.lint = run_lint_demo(policy)
    outcome.files += write_reports(outcome.lint, report_dir, "lint")
    with started_server(pg, say) as server:
        audit_dsn = build_database(server, say)
        say(f'auditing "{DATABASE}" as {AUDIT_ROLE}, a role with no grants at all ...')
        outcome.audit = run_audit_demo(policy, audit_dsn)
        outcome.files += write_reports(outcome.audit, report_dir, "audit")
        outcome.seconds = time.perf_counter() - t0
        if keep is not None:
            keep(server, audit_dsn)
    return outcome


def plain_say(line: str) -> None:
    print(f"ownaudit demo: {line}", file=sys.stderr, flush=True)
