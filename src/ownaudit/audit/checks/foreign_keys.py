"""AUD090-AUD092: foreign keys across hubs must be declared, with the declared actions, and never cascade.

Referential actions run as the child table's owner and ignore RLS, so a cascade
across hubs is a delete path no grant shows.
"""

from __future__ import annotations

from collections.abc import Iterator

from ownaudit.audit.context import AuditContext, q, qref
from ownaudit.catalog.model import ForeignKeyInfo
from ownaudit.findings import Finding
from ownaudit.policy.model import TableRef

DESTRUCTIVE = frozenset({"cascade", "set null", "set default"})


def _ref(qualified: str) -> TableRef:
    schema, _, name = qualified.partition(".")
    return TableRef(schema, name)


def _norm(action: str) -> str:
    return " ".join(action.lower().replace("_", " ").split())


def _describe(fk: ForeignKeyInfo) -> str:
    return (f"{fk.name}: {fk.child}({', '.join(fk.child_columns)}) -> "
            f"{fk.parent}({', '.join(fk.parent_columns)}) "
            f"ON DELETE {_norm(fk.on_delete).upper()} ON UPDATE {_norm(fk.on_update).upper()}")


def _recreate(fk: ForeignKeyInfo, on_delete: str, on_update: str) -> str:
    cols = ", ".join(q(c) for c in fk.child_columns)
    pcols = ", ".join(q(c) for c in fk.parent_columns)
    return (f"ALTER TABLE {qref(fk.child)} DROP CONSTRAINT {q(fk.name)}, ADD CONSTRAINT {q(fk.name)} "
            f"FOREIGN KEY ({cols}) REFERENCES {qref(fk.parent)} ({pcols}) "
            f"ON DELETE {on_delete.upper()} ON UPDATE {on_update.upper()};")


def check(ctx: AuditContext) -> Iterator[Finding]:
    for fk in ctx.snapshot.foreign_keys:
        child, parent = _ref(fk.child), _ref(fk.parent)
        cspec, pspec = ctx.policy.table(child), ctx.policy.table(parent)
        if cspec is None and pspec is None:
            continue
        obj = f"{fk.child}/{fk.name}"
        chub, phub = (cspec.owner if cspec else None), (pspec.owner if pspec else None)
        crosses = cspec is not None and pspec is not None and chub != phub
        declared = ctx.policy.declared_fk(child, parent, list(fk.child_columns))
        kp = _keypath(ctx, declared) if declared else ctx.policy.table_keypath(child)
        loc = declared.location if declared else None
        ctx.mark_checked("AUD090", obj)
        if crosses and declared is None:
            yield ctx.finding(
                "AUD090", f"foreign key {fk.name} joins {fk.child} ({chub or 'no hub'}) to {fk.parent} "
                          f"({phub or 'no hub'}) and is not declared in the policy",
                object=obj, hub=chub, role=None, evidence=[_describe(fk)], keypath="foreign_keys",
                fix_sql=f"ALTER TABLE {qref(fk.child)} DROP CONSTRAINT {q(fk.name)};  -- or declare it",
            )
        ctx.mark_checked("AUD091", obj)
        if declared is not None:
            diffs = []
            for what, got, want in (("DELETE", fk.on_delete, declared.on_delete),
                                    ("UPDATE", fk.on_update, declared.on_update)):
                if _norm(got) != _norm(want):
                    diffs.append(f"ON {what} {_norm(got).upper()} (declared {_norm(want).upper()})")
            if diffs:
                yield ctx.finding(
                    "AUD091", f"foreign key {fk.name} has {'; '.join(diffs)}",
                    object=obj, hub=chub, evidence=[_describe(fk)], keypath=kp, location=loc,
                    fix_sql=_recreate(fk, _norm(declared.on_delete), _norm(declared.on_update)),
                )
        ctx.mark_checked("AUD092", obj)
        if not crosses:
            continue
        acts = [(k, _norm(a)) for k, a in (("DELETE", fk.on_delete), ("UPDATE", fk.on_update))]
        bad = [(k, a) for k, a in acts if a in DESTRUCTIVE and not (
            declared is not None and _norm(getattr(declared, f"on_{k.lower()}")) == a)]
        if not bad:
            continue
        what = "removes" if ("DELETE", "cascade") in bad else "changes"
        yield ctx.finding(
            "AUD092",
            f"foreign key {fk.name}: {' and '.join(f'ON {k} {a.upper()}' for k, a in bad)} on {fk.parent} "
            f"({phub}) {what} rows of {fk.child} ({chub})",
            object=obj, hub=chub, evidence=[_describe(fk)], keypath=kp, location=loc,
            fix_sql=_recreate(fk, "restrict" if _norm(fk.on_delete) in DESTRUCTIVE else _norm(fk.on_delete),
                              "restrict" if _norm(fk.on_update) in DESTRUCTIVE else _norm(fk.on_update)),
        )


def _keypath(ctx: AuditContext, declared: object) -> str:
    try:
        return f"foreign_keys[{ctx.policy.foreign_keys.index(declared)}]"  # type: ignore[arg-type]
    except ValueError:
        return "foreign_keys"
