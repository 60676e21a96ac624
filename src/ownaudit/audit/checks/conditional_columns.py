"""AUD160: column exceptions with a condition, which no grant can express.

The hub needs the column grant to write at all, so the grant stays (the
expected state includes it); the condition lives only in the policy, the
linter and, if someone wrote one, a trigger. Each conditional exception is
reported: at medium when no enabled BEFORE UPDATE row trigger exists on the
table, at low when one does (the audit cannot read what a trigger checks).
"""

from __future__ import annotations

from collections.abc import Iterator

from ownaudit.audit.context import AuditContext, q, qref
from ownaudit.findings import Finding, Severity


def check(ctx: AuditContext) -> Iterator[Finding]:
    for g in ctx.governed("rpf"):
        grants = ctx.policy.conditional_column_grants(g.ref)
        if not grants or g.rel.is_partition:
            continue
        ctx.mark_checked("AUD160", g.name)
        guards = [t for t in ctx.snapshot.triggers
                  if t.table == g.name and t.enabled != "D" and t.timing == "BEFORE" and t.level == "ROW"
                  and "UPDATE" in [e.upper() for e in t.events]]
        for cg in grants:
            idx = g.spec.column_grants.index(cg) if cg in g.spec.column_grants else 0
            roles = [r for r in ctx.policy.roles_of_hub(cg.hub) if ctx.role_kind(r) == "writer"]
            holders: list[str] = []
            for role in roles:
                for priv in sorted(cg.operations, key=lambda p: p.value):
                    paths = ctx.matrix.cell(role, g.name).paths.get(priv, [])
                    holders.extend(str(p) for p in paths)
            cols = ", ".join(cg.columns)
            ops = "/".join(sorted(p.value for p in cg.operations))
            if guards:
                severity = Severity.LOW
                tail = (f"trigger(s) {', '.join(t.name for t in guards)} may enforce it: verify that they "
                        f"reject {ops} unless {cg.condition}")
            else:
                severity = Severity.MEDIUM
                tail = "no BEFORE UPDATE row trigger on the table enforces it"
            msg = (f"{cg.hub} may {ops} {g.name} ({cols}) only where {cg.condition}: a grant cannot express "
                   f"the condition, it is only enforceable by a trigger; {tail}")
            evidence = holders or [f"{', '.join(roles) or 'no role of ' + cg.hub} holds no {ops} on {g.name} yet"]
            evidence += [f"{g.name} -[trigger {t.name}]-> {t.function}" for t in guards]
            fix = _write_once_trigger(g.ref.schema, g.ref.name, g.name, cg.write_once) \
                if cg.write_once and not guards else None
            yield ctx.finding(
                "AUD160", msg, object=f"{g.name}({cols})", hub=g.hub, role=None, evidence=evidence,
                keypath=f"{g.keypath}.column_grants[{idx}].condition", severity=severity, fix_sql=fix,
            )


def _write_once_trigger(schema: str, table: str, qualified: str, col: str) -> str:
    """A trigger that holds ``col IS NULL`` as write-once: set once, never changed or cleared."""
    fn = f"{q(schema)}.{q(f'{table}_{col}_write_once')}"
    return (f"CREATE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN\n"
            f"  IF OLD.{q(col)} IS NOT NULL AND NEW.{q(col)} IS DISTINCT FROM OLD.{q(col)} THEN\n"
            f"    RAISE EXCEPTION '{col} is write-once: it may be set only where it is NULL';\n"
            f"  END IF;\n  RETURN NEW;\nEND $$;\n"
            f"CREATE TRIGGER {q(col + '_write_once')} BEFORE UPDATE OF {q(col)} ON {qref(qualified)} "
            f"FOR EACH ROW EXECUTE FUNCTION {fn}();")
