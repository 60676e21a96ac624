"""AUD010-AUD013: access the matrix promises but the database does not grant.

Only what a role can use as it connects counts (inherited rights, PUBLIC,
ownership); a privilege reachable only by SET ROLE is not one the hub's code uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ownaudit.audit.classes import table_classes
from ownaudit.audit.context import AuditContext, Governed, q, qref
from ownaudit.catalog.effective import has_schema_usage
from ownaudit.catalog.model import AclItem, ColumnInfo, RelationInfo
from ownaudit.findings import Finding
from ownaudit.privileges import WRITE, Privilege, sort_privileges

_NEXTVAL = re.compile(r"nextval\('([^']+)'(?:::regclass)?\)", re.IGNORECASE)


def _held(ctx: AuditContext, role: str, table: str) -> dict[Privilege, set[str] | None]:
    """Privileges usable without SET ROLE: None = whole table, else the columns."""
    out: dict[Privilege, set[str] | None] = {}
    for priv, paths in ctx.matrix.cell(role, table).paths.items():
        for p in paths:
            if p.requires_set_role:
                continue
            if not p.columns:
                out[priv] = None
            elif out.get(priv, set()) is not None:
                cols = out.setdefault(priv, set())
                assert cols is not None
                cols.update(p.columns)
    return out


def check(ctx: AuditContext) -> Iterator[Finding]:
    needed: dict[tuple[str, str], list[tuple[int, str]]] = {}
    seqs = _sequences_by_column(ctx)
    governed = [g for g in ctx.governed("rpf") if not g.rel.is_partition]
    roles = ctx.app_roles()
    inserts: dict[str, int] = {}  # relation -> how many roles may INSERT it (AUD013 looks at its sequences)
    # Per class: the verdict reads the cell, the expected access and the sequences' ACLs.
    for c in table_classes(ctx, governed, lambda g: tuple(
            (col.name, seq.owner, tuple(seq.acl)) for col, seq in _serial_sequences(g, seqs))):
        for role in roles:
            need = ctx.allowed(role, c.first.ref)
            if not need and not ctx.allowed_columns(role, c.first.ref):
                continue
            needed.setdefault((role, c.first.ref.schema), []).extend(
                zip(c.positions, (g.name for g in c.members), strict=True))
            if Privilege.INSERT in need:
                for g in c.members:
                    inserts[g.name] = inserts.get(g.name, 0) + 1
            got = _judge(ctx, c.first, role, seqs)
            if not got:
                continue
            yield from got
            for g in c.members[1:]:
                yield from _judge(ctx, g, role, seqs)
    for g in governed:
        ctx.mark_checked("AUD010", g.name)
        ctx.mark_checked("AUD011", g.name)
        for _ in range(inserts.get(g.name, 0)):
            for _col, seq in _serial_sequences(g, seqs):
                ctx.mark_checked("AUD013", seq.qualified)
    schemas_needed = {k: [name for _, name in sorted(v)] for k, v in needed.items()}
    for (role, schema), tables in sorted(schemas_needed.items()):
        info = ctx.snapshot.schema(schema)
        if info is None:
            continue
        ctx.mark_checked("AUD012", schema)
        if has_schema_usage(ctx.snapshot, role, schema, without_set_role=True):
            continue
        yield ctx.finding(
            "AUD012", f"{role} ({ctx.hub_of(role)}) lacks USAGE on schema {schema}: its grants on "
                      f"{len(tables)} table(s) there are unusable",
            object=schema, hub=ctx.policy.schemas[schema].owner if schema in ctx.policy.schemas else None,
            role=role, evidence=[_acl_text(f"schema {schema}", info.acl),
                                 f"{role} may use: {', '.join(tables[:5])}"
                                 + (" ..." if len(tables) > 5 else "")],
            keypath=f"schemas.{schema}", fix_sql=f"GRANT USAGE ON SCHEMA {q(schema)} TO {q(role)};",
        )


def _judge(ctx: AuditContext, g: Governed, role: str, seqs: dict[str, RelationInfo]) -> list[Finding]:
    """AUD010/AUD011/AUD013 findings of ``role`` on ``g``."""
    need = ctx.allowed(role, g.ref)
    col_need = ctx.allowed_columns(role, g.ref)
    if not need and not col_need:
        return []
    held = _held(ctx, role, g.name)
    missing = [p for p in sort_privileges(set(need)) if held.get(p, set()) is not None]
    col_missing = {p: sorted(set(c) - (held.get(p) or set())) for p, c in col_need.items()
                   if p not in need and held.get(p, set()) is not None}
    col_missing = {p: c for p, c in col_missing.items() if c}
    out = list(_table_findings(ctx, g, role, missing, col_missing))
    if Privilege.INSERT in need:
        out += _sequence_findings(ctx, g, role, seqs)
    return out


def _serial_sequences(g: Governed, seqs: dict[str, RelationInfo]) -> list[tuple[ColumnInfo, RelationInfo]]:
    """Columns of ``g`` whose default calls nextval() on a known sequence (not identity columns)."""
    out = []
    for col in g.rel.columns:
        seq = seqs.get(f"{g.name}.{col.name}")
        if seq is None or col.identity or not (col.default or "").lower().startswith("nextval("):
            continue
        out.append((col, seq))
    return out


def _acl_text(what: str, acl: list[AclItem]) -> str:
    return f"{what} ACL: " + (", ".join(f"{i.grantee}={i.privilege}" for i in acl) or "owner only")


def _table_findings(ctx: AuditContext, g: Governed, role: str, missing: list[Privilege],
                    col_missing: dict[Privilege, list[str]]) -> Iterator[Finding]:
    hub = ctx.hub_of(role)
    writes = [p for p in missing if p in WRITE]
    reads = [p for p in missing if p not in WRITE]
    kp = f"{g.keypath}.owner" if g.spec.declared else g.keypath
    if writes or col_missing:
        what = ", ".join([p.value for p in missing]
                         + [f"{p.value} ({', '.join(c)})" for p, c in col_missing.items()])
        grants = []
        if missing:
            grants.append(f"GRANT {', '.join(p.value for p in missing)} ON {qref(g.name)} TO {q(role)};")
        grants += [f"GRANT {p.value} ({', '.join(q(c) for c in cols)}) ON {qref(g.name)} TO {q(role)};"
                   for p, cols in col_missing.items()]
        yield ctx.finding(
            "AUD010", f"{role} ({hub}) may write {g.name} but lacks {what}",
            object=g.name, hub=g.hub, role=role, keypath=kp,
            evidence=[f"{role} holds on {g.name}: "
                      + (", ".join(p.value for p in sort_privileges(set(ctx.matrix.cell(role, g.name).paths)))
                         or "nothing")],
            fix_sql="\n".join(grants),
        )
    elif reads:
        rule = "AUD010" if ctx.role_kind(role) == "writer" and hub == g.hub else "AUD011"
        yield ctx.finding(
            rule, f"{role} ({hub}) may read {g.name} but lacks SELECT",
            object=g.name, hub=g.hub, role=role, keypath=kp,
            evidence=[f"{role} holds on {g.name}: "
                      + (", ".join(p.value for p in sort_privileges(set(ctx.matrix.cell(role, g.name).paths)))
                         or "nothing")],
            fix_sql=f"GRANT SELECT ON {qref(g.name)} TO {q(role)};",
        )


def _sequences_by_column(ctx: AuditContext) -> dict[str, RelationInfo]:
    """'schema.table.column' -> the sequence its default draws from."""
    out: dict[str, RelationInfo] = {}
    by_name = {r.qualified: r for r in ctx.snapshot.relations if r.relkind == "S"}
    for s in by_name.values():
        if s.owned_by:
            out[s.owned_by] = s
    for rel in ctx.snapshot.relations:
        for col in rel.columns:
            m = _NEXTVAL.search(col.default or "")
            if m:
                name = m.group(1).replace('"', "")
                seq = by_name.get(name if "." in name else f"{rel.schema}.{name}")
                if seq is not None:
                    out[f"{rel.qualified}.{col.name}"] = seq
    return out


def _sequence_findings(ctx: AuditContext, g: Governed, role: str, seqs: dict[str, RelationInfo]
                       ) -> Iterator[Finding]:
    # Identity columns draw from their sequence without a privilege check; serial defaults call
    # nextval() as the inserting role, which needs USAGE (or UPDATE) on the sequence.
    for col, seq in _serial_sequences(g, seqs):
        held = set(ctx.object_access("sequence").cell(role, seq.qualified).without_set_role())
        if "UPDATE" in held:
            held.add("USAGE")  # nextval() accepts either
        lacking = sorted(ctx.expected.sequence(role, g.ref) - held)
        if not lacking:
            continue
        yield ctx.finding(
            "AUD013", f"{role} ({ctx.hub_of(role)}) may INSERT {g.name} but lacks {', '.join(lacking)} on "
                      f"sequence {seq.qualified} of column {col.name}",
            object=seq.qualified, hub=g.hub, role=role, keypath=g.keypath,
            evidence=[f"{g.name}.{col.name} DEFAULT {col.default}",
                      _acl_text(f"sequence {seq.qualified}", seq.acl)],
            fix_sql=f"GRANT {', '.join(lacking)} ON SEQUENCE {qref(seq.qualified)} TO {q(role)};",
        )
