"""Turn a diff operand into an ``AccessState``, whatever it names.

A reviewer compares a policy file, a policy at a git revision, a saved
snapshot and a live database the same way, so each operand is resolved here
into the one state model ``diff.compare`` understands.

Operand forms:

- ``git:REV:path``: a policy as committed at REV (``git show``, no checkout);
- ``postgresql://...``, ``postgres://...``, ``dsn:<conninfo>`` or a bare
  ``key=value`` conninfo: a live database (read-only);
- a ``.json`` file whose ``format`` is ``ownaudit.snapshot``: a saved snapshot;
- anything else: a policy YAML file.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ownaudit.access import AccessState
from ownaudit.catalog.model import CatalogSnapshot
from ownaudit.errors import UsageError
from ownaudit.policy.model import Policy, TableRef

_CONNINFO = re.compile(r"^\s*[A-Za-z_]+\s*=")
GOVERNED_RELKINDS = frozenset("rpvmf")


@dataclass
class Source:
    """A resolved operand: exactly one of ``policy`` or ``snapshot`` is set."""

    spec: str
    label: str
    policy: Policy | None = None
    snapshot: CatalogSnapshot | None = None

    @property
    def is_policy(self) -> bool:
        return self.policy is not None


def is_dsn(spec: str) -> bool:
    """Whether an operand names a live database rather than a file."""
    s = spec.strip()
    return s.startswith(("postgresql://", "postgres://", "dsn:")) or (
        bool(_CONNINFO.match(s)) and not Path(s).exists()
    )


def dsn_of(spec: str) -> str:
    s = spec.strip()
    return s[4:] if s.startswith("dsn:") else s


def load_source(spec: str) -> Source:
    """Resolve one operand; a bad operand is a one-line ``UsageError`` (or the loader's own error)."""
    if spec.startswith("git:"):
        return _git_source(spec)
    if is_dsn(spec):
        from ownaudit.catalog.reader import read_catalog

        snapshot = read_catalog(dsn_of(spec))
        return Source(spec, f"database {_describe_dsn(dsn_of(spec))}", snapshot=snapshot)
    path = Path(spec)
    if not path.is_file():
        raise UsageError(
            f"{spec}: no such file (expected a policy YAML, a snapshot JSON, git:REV:PATH or a DSN)"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{spec}: cannot read: {exc}") from None
    if _json_object(text) is not None:
        return Source(spec, f"snapshot {spec}", snapshot=snapshot_from(text, spec))
    from ownaudit.policy.loader import load_policy

    return Source(spec, f"policy {spec}", policy=load_policy(path))


def _json_object(text: str) -> dict[str, Any] | None:
    if not text.lstrip().startswith("{"):
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return None
    return data if isinstance(data, dict) else None


def snapshot_from(text: str, spec: str) -> CatalogSnapshot:
    """Build a snapshot from its JSON text (the snapshot reader checks ``format`` and version)."""
    from ownaudit.catalog.snapshotfile import loads_snapshot

    return loads_snapshot(text, spec)


def _git_source(spec: str) -> Source:
    rest = spec[4:]
    rev, sep, path = rest.partition(":")
    if not sep or not rev or not path:
        raise UsageError(f"{spec}: expected git:REV:PATH, e.g. git:origin/main:policy/ownership.yaml")
    text = git_show(rev, path)
    from ownaudit.policy.loader import load_policy_text

    return Source(spec, f"policy {path} at {rev}", policy=load_policy_text(text, f"{rev}:{path}"))


def git_show(rev: str, path: str, cwd: str | Path | None = None) -> str:
    """The content of ``path`` at ``rev`` without touching the working tree."""
    try:
        proc = subprocess.run(
            ["git", "show", f"{rev}:{path}"], cwd=cwd, capture_output=True, check=False, timeout=60
        )
    except FileNotFoundError:
        raise UsageError(f"git:{rev}:{path}: git is not installed") from None
    except subprocess.TimeoutExpired:
        raise UsageError(f"git:{rev}:{path}: git show timed out") from None
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = err[0] if err else f"git exited with {proc.returncode}"
        raise UsageError(f"git:{rev}:{path}: cannot read: {reason.removeprefix('fatal: ')}")
    try:
        return proc.stdout.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"git:{rev}:{path}: not UTF-8 text") from None


def _describe_dsn(dsn: str) -> str:
    """host and dbname of a DSN, never its password."""
    from ownaudit.connect import dsn_parts

    try:
        parts = dsn_parts(dsn)
    except UsageError:
        return "(invalid DSN)"
    return " ".join(f"{k}={parts[k]}" for k in ("host", "dbname") if k in parts) or "(libpq defaults)"


def governed_tables(snapshot: CatalogSnapshot, policy: Policy) -> list[TableRef]:
    """Relations of the snapshot that the policy governs (listed, or implied by their schema)."""
    out: list[TableRef] = []
    for rel in snapshot.relations:
        if rel.relkind not in GOVERNED_RELKINDS:
            continue
        ref = TableRef(rel.schema, rel.name)
        if policy.table(ref) is not None:
            out.append(ref)
    return out


def to_state(source: Source, policy: Policy | None, other: Source | None = None) -> AccessState:
    """The access state of a source; ``policy`` labels a catalog's roles and tables with hubs."""
    if source.policy is not None:
        from ownaudit.policy.expected import expected_state

        extra = governed_tables(other.snapshot, source.policy) if other and other.snapshot else None
        state = expected_state(source.policy, extra_tables=extra)
        state.source = source.label
        return state
    assert source.snapshot is not None
    if policy is None:
        raise UsageError(f"{source.spec}: a policy is needed to label hubs (give --policy)")
    from ownaudit.catalog.effective import effective_state

    state = effective_state(source.snapshot, policy)
    state.source = source.label
    return state


def load_states(
    a_spec: str, b_spec: str, policy_path: str | None = None
) -> tuple[AccessState, AccessState, Policy | None]:
    """Both operands as states, plus the policy used to label hubs and judge needs."""
    a, b = load_source(a_spec), load_source(b_spec)
    policy = resolve_label_policy(a, b, policy_path)
    sa, sb = to_state(a, policy, b), to_state(b, policy, a)
    if a.is_policy != b.is_policy:  # policy vs database: compare what the policy governs
        assert policy is not None
        sa, sb = (
            scope_to_policy(sa, policy) if not a.is_policy else sa,
            scope_to_policy(sb, policy) if not b.is_policy else sb,
        )
    return sa, sb, policy


def scope_to_policy(state: AccessState, policy: Policy) -> AccessState:
    """Keep only the tables the policy governs (listed, or implied by a governed schema)."""

    def governed(table: str) -> bool:
        schema, _, name = table.partition(".")
        return policy.table(TableRef(schema, name)) is not None

    keep = {t for t in state.tables if governed(t)}
    state.tables = keep
    state.matrix.cells = {k: v for k, v in state.matrix.cells.items() if k[1] in keep}
    state.table_owners = {t: o for t, o in state.table_owners.items() if t in keep}
    state.table_hubs = {t: h for t, h in state.table_hubs.items() if t in keep}
    state.rls = {t: r for t, r in state.rls.items() if t in keep}
    state.foreign_keys = {fk for fk in state.foreign_keys if fk.child in keep or fk.parent in keep}
    roles = set(policy.roles) | {r for r, _ in state.matrix.cells}
    state.memberships = {m for m in state.memberships if m.member in roles or m.role in policy.roles}
    roles |= {m.member for m in state.memberships}
    state.role_attributes = {r: a for r, a in state.role_attributes.items() if r in roles}
    state.role_hubs = {r: h for r, h in state.role_hubs.items() if r in roles}
    return state


def resolve_label_policy(a: Source, b: Source, policy_path: str | None) -> Policy | None:
    """--policy, else the policy operand (B's first: the newer intent), else the default policy."""
    from ownaudit.policy.loader import load_policy

    if policy_path:
        return load_policy(policy_path)
    if b.policy is not None:
        return b.policy
    if a.policy is not None:
        return a.policy
    return load_policy(None)
