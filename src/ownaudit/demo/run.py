"""Orchestrate the demo: embedded server, the seed database with drifts, lint, audit, reports.

Everything runs against a private server that is always stopped at the end
(context manager, atexit, parent-death signal), so the demo leaves nothing
running unless ``--keep`` asks it to wait with the server up.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from ownaudit.errors import IncompleteError
from ownaudit.findings import RunResult

if TYPE_CHECKING:  # pragma: no cover
    from ownaudit.embedded import EmbeddedServer
    from ownaudit.policy.model import Policy

DATABASE = "Marketing DB"
AUDIT_ROLE = "ownaudit_auditor"
EXAMPLE_HUB = "barton-outreach-core"
ORM_EXAMPLE_HUB = "company-lifecycle-cl"  # examples/hub-orm: an ORM and query-builder code base
# (emit format, file extension) of every report the demo writes, as lint.<ext> and audit.<ext>
FORMATS = (
    ("console", "txt"),
    ("json", "json"),
    ("sarif", "sarif"),
    ("junit", "xml"),
    ("markdown", "md"),
    ("html", "html"),
)

Say = Callable[[str], None]


@dataclass
class DemoOutcome:
    """What the demo produced, for the command and the tests."""

    report_dir: Path
    lint: RunResult | None = None
    lint_orm: RunResult | None = None
    audit: RunResult | None = None
    files: list[Path] = field(default_factory=list)
    seconds: float = 0.0


# Called with the finished outcome, the running server and the audit role's DSN (``--keep``).
Keep = Callable[[DemoOutcome, "EmbeddedServer", str], None]


def example_repository(name: str = "hub-outreach") -> Path:
    """A sample hub repository: shipped in the wheel, or examples/ in a source checkout."""
    shipped = resources.files("ownaudit") / "_examples" / name
    if shipped.is_dir():
        return Path(str(shipped))
    return Path(__file__).resolve().parents[3] / "examples" / name


def drifts_sql() -> str:
    """``demo_drifts.sql``: the mistakes the demo makes on purpose after the seed."""
    return (resources.files("ownaudit.demo_data") / "demo_drifts.sql").read_text(encoding="utf-8")


@contextmanager
def started_server(pg: str | None, say: Say) -> Iterator[EmbeddedServer]:
    """An EmbeddedServer from the wheels, started with a progress line and always stopped."""
    from ownaudit.embedded import EmbeddedServer, root_note, select_installation

    inst = select_installation(pg)
    note = root_note(inst)
    if note:  # say up front what running as root does (and does not do) on this host
        say(note)
    say(f"starting PostgreSQL {inst.major} ({inst.source}) ...")
    t0 = time.perf_counter()
    server = EmbeddedServer(inst)
    with server:
        say(
            f"PostgreSQL {server.version} ready in {time.perf_counter() - t0:.1f}s "
            f"(port {server.port}, data {server.data_dir})"
        )
        yield server


def build_database(server: EmbeddedServer, say: Say) -> str:
    """Create "Marketing DB" from the seed, apply the drifts, create the audit role; its DSN.

    The audit role gets LOGIN and nothing else: the demo shows the audit needs no grant.
    """
    import psycopg
    from psycopg import sql

    from ownaudit.demo_data import apply_seed

    step = f'creating the database "{DATABASE}"'
    password = secrets.token_urlsafe(18)
    try:
        with psycopg.connect(server.admin_dsn, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))
        with psycopg.connect(server.dsn(DATABASE), autocommit=True) as conn:
            say("applying the seed: roles, schema, and its enforcement SQL exactly as written ...")
            apply_seed(conn, enforcement=True)
            step = "applying demo_drifts.sql"
            say("applying realistic drifts (demo_drifts.sql) ...")
            conn.execute(drifts_sql().encode())
            step = f"creating the audit role {AUDIT_ROLE}"
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(AUDIT_ROLE), sql.Literal(password))
            )
    except psycopg.Error as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise IncompleteError(f"demo: {step} failed: {first}") from None
    return server.dsn(DATABASE, user=AUDIT_ROLE, password=password)


def check_writable(report_dir: Path) -> None:
    """Fail before starting anything when the report directory cannot be written (a read-only checkout)."""
    from ownaudit.errors import UsageError

    try:
        report_dir.mkdir(parents=True, exist_ok=True)
        probe = report_dir / f".ownaudit-write-test-{os.getpid()}"
        probe.write_text("", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        raise UsageError(
            f"demo: cannot write the reports to {report_dir} ({exc.strerror or exc}); "
            "run it from a writable directory or pass --report-dir DIR"
        ) from None


def write_reports(result: RunResult, report_dir: Path, stem: str) -> list[Path]:
    """Every format of one run into ``report_dir/stem.*`` (no console output)."""
    from ownaudit.report.emit import emit

    report_dir.mkdir(parents=True, exist_ok=True)
    paths = [report_dir / f"{stem}.{ext}" for _, ext in FORMATS]
    with open(os.devnull, "w") as devnull:
        emit(
            result,
            formats=tuple(f for f, _ in FORMATS),
            outputs=tuple(str(p) for p in paths),
            fail_on="high",
            stdout=devnull,
        )
    return paths


def run_lint_demo(policy: Policy) -> RunResult:
    """Lint the sample hub repository as the Outreach hub, with the hub's lint scope."""
    from ownaudit.lint import rules as _rules  # noqa: F401  (registers the LNT rules)
    from ownaudit.lint.engine import lint

    result = lint(policy, EXAMPLE_HUB, example_repository(), (), n_jobs=1)
    result.target = {"kind": "repository", "repository": "examples/hub-outreach", "hub": EXAMPLE_HUB}
    return result


def run_orm_lint_demo(policy: Policy) -> RunResult:
    """Lint the ORM sample hub (SQLAlchemy, Alembic, Kysely, knex) as the CL hub."""
    from ownaudit.lint.engine import lint

    result = lint(policy, ORM_EXAMPLE_HUB, example_repository("hub-orm"), (), n_jobs=1)
    result.target = {"kind": "repository", "repository": "examples/hub-orm", "hub": ORM_EXAMPLE_HUB}
    return result


def run_audit_demo(policy: Policy, dsn: str) -> RunResult:
    """Read the catalog as the grant-less audit role and audit it, timing both."""
    from ownaudit.audit.engine import default_target, run_audit
    from ownaudit.catalog.reader import read_catalog

    t0 = time.perf_counter()
    snapshot = read_catalog(dsn)
    read_seconds = time.perf_counter() - t0
    target = default_target(policy, snapshot) | {"host": "127.0.0.1 (embedded)"}
    result = run_audit(policy, snapshot, target=target)
    result.duration_seconds = round(result.duration_seconds + read_seconds, 3)
    return result


def run_demo(report_dir: Path, pg: str | None, say: Say, keep: Keep | None = None) -> DemoOutcome:
    """The whole demo; with ``keep`` the server stays up while ``keep`` runs, then stops."""
    from ownaudit.policy.loader import load_policy
    from ownaudit.policy.locate import shipped_policy_path

    t0 = time.perf_counter()
    check_writable(report_dir)
    outcome = DemoOutcome(report_dir=report_dir)
    # The shipped policy, whatever OWNAUDIT_POLICY or a pyproject.toml says: the drifts are made for it.
    policy = load_policy(shipped_policy_path())
    say(f"policy: {policy.path}")
    say(f"linting the sample hub repository {example_repository()} as {EXAMPLE_HUB} ...")
    outcome.lint = run_lint_demo(policy)
    outcome.files += write_reports(outcome.lint, report_dir, "lint")
    say(f"linting the ORM sample hub {example_repository('hub-orm')} as {ORM_EXAMPLE_HUB} ...")
    outcome.lint_orm = run_orm_lint_demo(policy)
    outcome.files += write_reports(outcome.lint_orm, report_dir, "lint-orm")
    with started_server(pg, say) as server:
        audit_dsn = build_database(server, say)
        say(f'auditing "{DATABASE}" as {AUDIT_ROLE}, a role with no grants at all ...')
        outcome.audit = run_audit_demo(policy, audit_dsn)
        outcome.files += write_reports(outcome.audit, report_dir, "audit")
        outcome.seconds = time.perf_counter() - t0
        if keep is not None:
            keep(outcome, server, audit_dsn)
    return outcome
