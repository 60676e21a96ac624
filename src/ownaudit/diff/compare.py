"""One comparison over two access states: what changes from A to B, most dangerous first.

``ownaudit diff`` renders these changes; the same list answers "does this pull
request hand out new write access?" (``--exit-code``). Both sides are
``AccessState`` objects, so a policy, a git revision, a snapshot and a live
database compare the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from ownaudit.access import AccessPath, AccessState, Cell, FkEdge, Membership, RlsPolicyState, RlsState
from ownaudit.findings import Severity
from ownaudit.policy.expected import compile_expected
from ownaudit.policy.model import Policy, TableRef
from ownaudit.privileges import READ, STRUCTURAL, WRITE, Privilege, sort_privileges

# Every change kind, in the order a reviewer should read them within one severity.
KINDS: dict[str, str] = {
    "write-gained": "New write access",
    "definer-execute-gained": "May now run a SECURITY DEFINER function",
    "default-privilege-gained": "Future objects will give more",
    "schema-privilege-gained": "Schema privilege gained",
    "sequence-privilege-gained": "Sequence privilege gained",
    "attribute-gained": "Role attribute gained",
    "grant-option-gained": "Grant option gained",
    "admin-option-gained": "ADMIN option on a membership gained",
    "structural-gained": "REFERENCES/TRIGGER/MAINTAIN gained",
    "write-lost": "Write access lost",
    "read-lost": "Read access lost",
    "read-gained": "New read access",
    "rls-disabled": "Row-level security turned off",
    "rls-unforced": "Row-level security no longer forced",
    "rls-enabled": "Row-level security turned on",
    "rls-forced": "Row-level security now forced",
    "rls-policy-added": "RLS policy added",
    "rls-policy-removed": "RLS policy removed",
    "rls-policy-changed": "RLS policy changed",
    "fk-added": "Foreign key added",
    "fk-removed": "Foreign key removed",
    "fk-action-changed": "Foreign key action changed",
    "hub-changed": "Owning hub changed",
    "owner-changed": "Object owner changed",
    "role-hub-changed": "Role moved to another hub",
    "membership-added": "Membership added",
    "membership-removed": "Membership removed",
    "membership-changed": "Membership options changed",
    "table-added": "Table appears",
    "table-removed": "Table disappears",
    "structural-lost": "REFERENCES/TRIGGER/MAINTAIN lost",
    "grant-option-lost": "Grant option lost",
    "attribute-lost": "Role attribute lost",
    "schema-privilege-lost": "Schema privilege lost",
    "default-privilege-lost": "Future objects will give less",
    "sequence-privilege-lost": "Sequence privilege lost",
    "definer-execute-lost": "May no longer run a SECURITY DEFINER function",
}
_KIND_ORDER = {k: i for i, k in enumerate(KINDS)}

_ATTRIBUTE_SEVERITY = {
    "superuser": Severity.CRITICAL,
    "bypassrls": Severity.HIGH,
    "createrole": Severity.HIGH,
    "replication": Severity.HIGH,
    "createdb": Severity.MEDIUM,
}
_DESTRUCTIVE_ACTIONS = frozenset({"cascade", "set null", "set default"})
_WRITE_COMMANDS = frozenset({"ALL", "INSERT", "UPDATE", "DELETE"})


@dataclass(frozen=True)
class Change:
    """One difference between state A and state B, named by role, hub, object and path."""

    kind: str
    severity: Severity
    object: str
    role: str | None = None
    hub: str | None = None
    before: str = ""
    after: str = ""
    path: str = ""

    @property
    def title(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def grants_write(self) -> bool:
        """True when B lets a role write something A did not (what ``--exit-code`` checks)."""
        return self.kind in ("write-gained", "definer-execute-gained") or (
            self.kind == "attribute-gained" and "superuser" in self.after) or (
            self.kind == "default-privilege-gained" and any(w.value in self.after for w in WRITE))

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["severity"] = self.severity.value
        d["title"] = self.title
        return d


def sort_changes(changes: Iterable[Change]) -> list[Change]:
    """Most dangerous first, then by kind, object and role for stable output."""
    return sorted(
        set(changes),
        key=lambda c: (
            -c.severity.rank,
            _KIND_ORDER.get(c.kind, 99),
            c.object,
            c.role or "",
            c.before,
            c.after,
        ),
    )


def compare(a: AccessState, b: AccessState, policy: Policy | None = None) -> list[Change]:
    """Every change from ``a`` to ``b``, most dangerous first.

    ``policy`` decides whether lost access is access the policy needs (high) or
    access nobody should have had (low); without one, a policy side counts as
    the needs.
    """
    ctx = _Context(a, b, policy)
    changes: list[Change] = []
    changes += _matrix_changes(ctx)
    changes += _attribute_changes(ctx)
    changes += _membership_changes(ctx)
    changes += _rls_changes(ctx)
    changes += _fk_changes(ctx)
    changes += _ownership_changes(ctx)
    changes += _table_changes(ctx)
    changes += _hub_changes(ctx)
    changes += _object_changes(ctx)
    return sort_changes(changes)


class _Context:
    def __init__(self, a: AccessState, b: AccessState, policy: Policy | None) -> None:
        self.a, self.b, self.policy = a, b, policy

    def role_hub(self, role: str | None) -> str | None:
        if role is None:
            return None
        hub = self.b.role_hubs.get(role) or self.a.role_hubs.get(role)
        if hub is None and self.policy is not None:
            hub = self.policy.hub_of_role(role)
        return hub

    def table_hub(self, table: str) -> str | None:
        hub = self.b.table_hubs.get(table) or self.a.table_hubs.get(table)
        if hub is None and self.policy is not None:
            try:
                hub = self.policy.owner_hub(TableRef.parse(table))
            except ValueError:
                hub = None
        return hub

    def needed(self, role: str, table: str, priv: Privilege) -> bool:
        if self.policy is not None:
            try:
                ref = TableRef.parse(table)
            except ValueError:
                return False
            exp = compile_expected(self.policy)
            return priv in exp.table(role, ref) or priv in exp.columns(role, ref)
        if self.a.kind == "policy":
            return priv in self.a.matrix.privileges(role, table)
        return False


# -- privileges ------------------------------------------------------------


def _scope(cell: Cell, priv: Privilege) -> tuple[bool, frozenset[str]]:
    """(whole table?, columns) through which ``cell`` holds ``priv``."""
    paths = cell.paths.get(priv, [])
    return any(not p.columns for p in paths), frozenset(c for p in paths for c in p.columns)


def _covers(outer: tuple[bool, frozenset[str]], inner: tuple[bool, frozenset[str]]) -> bool:
    if outer[0]:
        return True
    return not inner[0] and inner[1] <= outer[1]


def _show(priv: Privilege, scope: tuple[bool, frozenset[str]]) -> str:
    if scope[0] or not scope[1]:
        return priv.value
    return f"{priv.value} ({', '.join(sorted(scope[1]))})"


def _paths(paths: list[AccessPath]) -> str:
    return "; ".join(dict.fromkeys(str(p) for p in paths))


def _matrix_changes(ctx: _Context) -> list[Change]:
    out: list[Change] = []
    keys = set(ctx.a.matrix.cells) | set(ctx.b.matrix.cells)
    for role, table in sorted(keys):
        ca, cb = _cell(ctx.a, role, table), _cell(ctx.b, role, table)
        hub = ctx.role_hub(role)
        for priv in sort_privileges(set(ca.paths) | set(cb.paths)):
            sa, sb = _scope(ca, priv), _scope(cb, priv)
            has_a, has_b = priv in ca.paths, priv in cb.paths
            if has_b and not (has_a and _covers(sa, sb)):
                kind, sev = _gain_kind(priv)
                before = _show(priv, sa) if has_a else "-"
                out.append(
                    Change(kind, sev, table, role, hub, before, _show(priv, sb), _paths(cb.paths[priv]))
                )
            if has_a and not (has_b and _covers(sb, sa)):
                kind, sev = _loss_kind(priv, ctx.needed(role, table, priv))
                after = _show(priv, sb) if has_b else "-"
                out.append(
                    Change(kind, sev, table, role, hub, _show(priv, sa), after, _paths(ca.paths[priv]))
                )
        for priv in sort_privileges(cb.grantable - ca.grantable):
            out.append(
                Change(
                    "grant-option-gained",
                    Severity.HIGH,
                    table,
                    role,
                    hub,
                    priv.value,
                    f"{priv.value} WITH GRANT OPTION",
                    _paths(cb.paths.get(priv, [])),
                )
            )
        for priv in sort_privileges(ca.grantable - cb.grantable):
            out.append(
                Change(
                    "grant-option-lost",
                    Severity.INFO,
                    table,
                    role,
                    hub,
                    f"{priv.value} WITH GRANT OPTION",
                    priv.value,
                    _paths(ca.paths.get(priv, [])),
                )
            )
    return out


def _cell(state: AccessState, role: str, table: str) -> Cell:
    """A role's access; what a table's owner holds is reported as ownership, not as grants."""
    if state.table_owners.get(table) == role:
        return Cell()
    return state.matrix.cell(role, table)


def _gain_kind(priv: Privilege) -> tuple[str, Severity]:
    if priv in WRITE:
        return "write-gained", Severity.CRITICAL
    if priv in STRUCTURAL:
        return "structural-gained", Severity.HIGH
    return "read-gained", Severity.MEDIUM


def _loss_kind(priv: Privilege, needed: bool) -> tuple[str, Severity]:
    if priv in WRITE:
        return "write-lost", Severity.HIGH if needed else Severity.LOW
    if priv in READ:
        return "read-lost", Severity.HIGH if needed else Severity.LOW
    return "structural-lost", Severity.INFO


# -- roles -----------------------------------------------------------------


def _attribute_changes(ctx: _Context) -> list[Change]:
    out: list[Change] = []
    for role in sorted(set(ctx.a.role_attributes) & set(ctx.b.role_attributes)):
        before, after = ctx.a.role_attributes[role], ctx.b.role_attributes[role]
        hub = ctx.role_hub(role)
        for attr in sorted(after - before):
            sev = _ATTRIBUTE_SEVERITY.get(attr, Severity.LOW)
            out.append(
                Change(
                    "attribute-gained",
                    sev,
                    role,
                    role,
                    hub,
                    _attrs(before),
                    attr.upper(),
                    f"{role} {attr.upper()}",
                )
            )
        for attr in sorted(before - after):
            out.append(
                Change(
                    "attribute-lost",
                    Severity.INFO,
                    role,
                    role,
                    hub,
                    attr.upper(),
                    _attrs(after),
                    f"{role} NO{attr.upper()}",
                )
            )
    for role in sorted(set(ctx.b.role_attributes) - set(ctx.a.role_attributes)):
        for attr in sorted(ctx.b.role_attributes[role] & set(_ATTRIBUTE_SEVERITY)):
            out.append(
                Change(
                    "attribute-gained",
                    _ATTRIBUTE_SEVERITY[attr],
                    role,
                    role,
                    ctx.role_hub(role),
                    "-",
                    attr.upper(),
                    f"{role} {attr.upper()} (new role)",
                )
            )
    for role in sorted(set(ctx.a.role_hubs) & set(ctx.b.role_hubs)):
        ha, hb = ctx.a.role_hubs[role], ctx.b.role_hubs[role]
        if ha and hb and ha != hb:
            out.append(
                Change("role-hub-changed", Severity.HIGH, role, role, hb, ha, hb, f"{role}: hub {ha} -> {hb}")
            )
    return out


def _attrs(attrs: frozenset[str]) -> str:
    return ", ".join(a.upper() for a in sorted(attrs)) or "-"


def _membership_key(m: Membership) -> tuple[str, str]:
    return (m.member, m.role)


def _membership_text(m: Membership) -> str:
    opts = [o for o, on in (("ADMIN", m.admin), ("INHERIT", m.inherit), ("SET", m.set_option)) if on]
    return f"{m.member} member of {m.role}" + (f" ({', '.join(opts)})" if opts else "")


def _membership_changes(ctx: _Context) -> list[Change]:
    out: list[Change] = []
    ma = {_membership_key(m): m for m in ctx.a.memberships}
    mb = {_membership_key(m): m for m in ctx.b.memberships}
    for key in sorted(set(mb) - set(ma)):
        m = mb[key]
        sev = (
            Severity.HIGH if m.admin or m.role in ("neon_superuser", "pg_write_all_data") else Severity.MEDIUM
        )
        out.append(
            Change(
                "membership-added",
                sev,
                m.role,
                m.member,
                ctx.role_hub(m.member),
                "-",
                _membership_text(m),
                f"{m.member} -[member]-> {m.role}",
            )
        )
    for key in sorted(set(ma) - set(mb)):
        m = ma[key]
        out.append(
            Change(
                "membership-removed",
                Severity.LOW,
                m.role,
                m.member,
                ctx.role_hub(m.member),
                _membership_text(m),
                "-",
                f"{m.member} -[member]-> {m.role}",
            )
        )
    for key in sorted(set(ma) & set(mb)):
        old, new = ma[key], mb[key]
        if new.admin and not old.admin:
            out.append(
                Change(
                    "admin-option-gained",
                    Severity.HIGH,
                    new.role,
                    new.member,
                    ctx.role_hub(new.member),
                    _membership_text(old),
                    _membership_text(new),
                    f"{new.member} -[member, ADMIN]-> {new.role}",
                )
            )
        elif (old.inherit, old.set_option, old.admin) != (new.inherit, new.set_option, new.admin):
            gained = (new.inherit and not old.inherit) or (new.set_option and not old.set_option)
            out.append(
                Change(
                    "membership-changed",
                    Severity.MEDIUM if gained else Severity.LOW,
                    new.role,
                    new.member,
                    ctx.role_hub(new.member),
                    _membership_text(old),
                    _membership_text(new),
                    f"{new.member} -[member]-> {new.role}",
                )
            )
    return out


# -- row-level security ----------------------------------------------------


def _rls_text(p: RlsPolicyState) -> str:
    kind = "permissive" if p.permissive else "restrictive"
    return f"{p.name}: {kind} FOR {p.command} TO {', '.join(p.roles) or 'public'}"


def _norm_roles(roles: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted("public" if r.upper() == "PUBLIC" else r for r in roles))


def _rls_changes(ctx: _Context) -> list[Change]:
    out: list[Change] = []
    for table in sorted(set(ctx.a.rls) | set(ctx.b.rls)):
        if table in ctx.a.tables ^ ctx.b.tables:
            continue  # a table that appears or disappears is reported once, as such
        ra, rb = ctx.a.rls.get(table, RlsState()), ctx.b.rls.get(table, RlsState())
        hub = ctx.table_hub(table)
        if ra.enabled and not rb.enabled:
            out.append(
                Change(
                    "rls-disabled",
                    Severity.HIGH,
                    table,
                    None,
                    hub,
                    "enabled",
                    "disabled",
                    f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY",
                )
            )
        if rb.enabled and not ra.enabled:
            out.append(
                Change(
                    "rls-enabled",
                    Severity.MEDIUM,
                    table,
                    None,
                    hub,
                    "disabled",
                    "enabled",
                    f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
                )
            )
        if ra.forced and not rb.forced:
            out.append(
                Change(
                    "rls-unforced",
                    Severity.MEDIUM,
                    table,
                    None,
                    hub,
                    "forced",
                    "not forced",
                    f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY",
                )
            )
        if rb.forced and not ra.forced:
            out.append(
                Change(
                    "rls-forced",
                    Severity.LOW,
                    table,
                    None,
                    hub,
                    "not forced",
                    "forced",
                    f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
                )
            )
        pa = {p.name: p for p in ra.policies}
        pb = {p.name: p for p in rb.policies}
        for name in sorted(set(pb) - set(pa)):
            p = pb[name]
            risky = p.permissive and p.command in _WRITE_COMMANDS and "public" in _norm_roles(p.roles)
            out.append(
                Change(
                    "rls-policy-added",
                    Severity.HIGH if risky else Severity.MEDIUM,
                    f"{table} policy {name}",
                    None,
                    hub,
                    "-",
                    _rls_text(p),
                    f"policy {name} on {table}",
                )
            )
        for name in sorted(set(pa) - set(pb)):
            p = pa[name]
            out.append(
                Change(
                    "rls-policy-removed",
                    Severity.MEDIUM,
                    f"{table} policy {name}",
                    None,
                    hub,
                    _rls_text(p),
                    "-",
                    f"policy {name} on {table}",
                )
            )
        for name in sorted(set(pa) & set(pb)):
            old, new = pa[name], pb[name]
            if (old.command.upper(), _norm_roles(old.roles), old.permissive) != (
                new.command.upper(),
                _norm_roles(new.roles),
                new.permissive,
            ):
                out.append(
                    Change(
                        "rls-policy-changed",
                        Severity.MEDIUM,
                        f"{table} policy {name}",
                        None,
                        hub,
                        _rls_text(old),
                        _rls_text(new),
                        f"policy {name} on {table}",
                    )
                )
    return out


# -- foreign keys ----------------------------------------------------------


def _fk_text(fk: FkEdge) -> str:
    return (
        f"{fk.child}({', '.join(fk.child_columns)}) -> {fk.parent}({', '.join(fk.parent_columns)}) "
        f"ON DELETE {fk.on_delete.upper()}"
    )


def _fk_changes(ctx: _Context) -> list[Change]:
    out: list[Change] = []
    fa = {fk.edge(): fk for fk in ctx.a.foreign_keys}
    fb = {fk.edge(): fk for fk in ctx.b.foreign_keys}
    for key in sorted(set(fb) - set(fa)):
        fk = fb[key]
        out.append(
            Change(
                "fk-added",
                _fk_severity(ctx, fk, Severity.MEDIUM),
                fk.child,
                None,
                ctx.table_hub(fk.child),
                "-",
                _fk_text(fk),
                _fk_path(fk),
            )
        )
    for key in sorted(set(fa) - set(fb)):
        fk = fa[key]
        out.append(
            Change(
                "fk-removed",
                Severity.LOW,
                fk.child,
                None,
                ctx.table_hub(fk.child),
                _fk_text(fk),
                "-",
                _fk_path(fk),
            )
        )
    for key in sorted(set(fa) & set(fb)):
        old, new = fa[key], fb[key]
        if (old.on_delete.lower(), old.on_update.lower()) != (new.on_delete.lower(), new.on_update.lower()):
            out.append(
                Change(
                    "fk-action-changed",
                    _fk_severity(ctx, new, Severity.MEDIUM),
                    new.child,
                    None,
                    ctx.table_hub(new.child),
                    _fk_text(old),
                    _fk_text(new),
                    _fk_path(new),
                )
            )
    return out


def _fk_path(fk: FkEdge) -> str:
    name = f" ({fk.name})" if fk.name else ""
    return f"{fk.child} -[fk{name}]-> {fk.parent}"


def _fk_severity(ctx: _Context, fk: FkEdge, default: Severity) -> Severity:
    crosses = ctx.table_hub(fk.child) != ctx.table_hub(fk.parent)
    if crosses and fk.on_delete.lower() in _DESTRUCTIVE_ACTIONS:
        return Severity.HIGH
    return default


# -- ownership and tables --------------------------------------------------


def _ownership_changes(ctx: _Context) -> list[Change]:
    out: list[Change] = []
    for table in sorted(ctx.a.tables & ctx.b.tables):
        oa, ob = ctx.a.table_owners.get(table), ctx.b.table_owners.get(table)
        if oa and ob and oa != ob:
            out.append(
                Change(
                    "owner-changed",
                    Severity.HIGH,
                    table,
                    ob,
                    ctx.role_hub(ob),
                    oa,
                    ob,
                    f"{ob} -[owner]-> ALL on {table}",
                )
            )
        ha, hb = ctx.a.table_hubs.get(table), ctx.b.table_hubs.get(table)
        if table in ctx.a.table_hubs and table in ctx.b.table_hubs and ha != hb and (ha or hb):
            out.append(
                Change(
                    "hub-changed",
                    Severity.HIGH,
                    table,
                    None,
                    hb,
                    ha or "(no hub)",
                    hb or "(no hub)",
                    f"{table}: owning hub {ha or '-'} -> {hb or '-'}",
                )
            )
    return out


def _table_changes(ctx: _Context) -> list[Change]:
    out: list[Change] = []
    for table in sorted(ctx.b.tables - ctx.a.tables):
        out.append(
            Change(
                "table-added",
                Severity.LOW,
                table,
                ctx.b.table_owners.get(table),
                ctx.table_hub(table),
                "-",
                "present",
                f"{table} in {ctx.b.source}",
            )
        )
    for table in sorted(ctx.a.tables - ctx.b.tables):
        out.append(
            Change(
                "table-removed",
                Severity.MEDIUM,
                table,
                ctx.a.table_owners.get(table),
                ctx.table_hub(table),
                "present",
                "-",
                f"{table} missing from {ctx.b.source}",
            )
        )
    return out


def _hub_changes(ctx: _Context) -> list[Change]:
    """What code of a hub may do to a table: a policy-to-policy view (a catalog holds no hubs)."""
    if ctx.a.kind != "policy" or ctx.b.kind != "policy":
        return []
    out: list[Change] = []
    for hub, table in sorted(set(ctx.a.hub_access) | set(ctx.b.hub_access)):
        pa = ctx.a.hub_access.get((hub, table), frozenset())
        pb = ctx.b.hub_access.get((hub, table), frozenset())
        gained, lost = (pb - pa) & WRITE, (pa - pb) & WRITE
        roles = [r for r, h in ctx.b.role_hubs.items() if h == hub]
        can_hold = [r for r in roles if ctx.b.matrix.privileges(r, table) & gained]
        if gained and not can_hold:  # a role of the hub gaining it is reported for that role
            note = f" (no role of {hub} may hold it: {', '.join(roles) or 'no roles'})"
            out.append(Change("write-gained", Severity.CRITICAL if table in ctx.b.tables else Severity.HIGH,
                              table, None, hub, _privs(pa), _privs(pb),
                              f"hub {hub} -[policy: writers]-> {', '.join(p.value for p in sort_privileges(gained))}"
                              f" on {table}{note}"))
        if lost:
            out.append(Change("write-lost", Severity.MEDIUM, table, None, hub, _privs(pa), _privs(pb),
                              f"hub {hub} may no longer {', '.join(p.value for p in sort_privileges(lost))} "
                              f"{table}"))
    return out


def _privs(privs: frozenset[Privilege]) -> str:
    return ", ".join(p.value for p in sort_privileges(privs)) or "-"


_OBJECT_RISK = {"CREATE": Severity.HIGH, "USAGE": Severity.LOW, "UPDATE": Severity.MEDIUM, "SELECT": Severity.LOW,
                "EXECUTE": Severity.CRITICAL}


def _object_changes(ctx: _Context) -> list[Change]:
    """Schema privileges, default privileges, sequences and SECURITY DEFINER EXECUTE, both ways."""
    out: list[Change] = []
    both_catalog = ctx.a.kind == "catalog" and ctx.b.kind == "catalog"
    tables: list[tuple[str, dict[Any, frozenset[str]], dict[Any, frozenset[str]]]] = [
        ("schema-privilege", ctx.a.schema_privileges, ctx.b.schema_privileges),
        ("default-privilege", ctx.a.default_privileges, ctx.b.default_privileges),
    ]
    if both_catalog:
        tables.append(("sequence-privilege", ctx.a.sequence_privileges, ctx.b.sequence_privileges))
        ea = {k: frozenset({v}) for k, v in ctx.a.definer_execute.items()}
        eb = {k: frozenset({v}) for k, v in ctx.b.definer_execute.items()}
        tables.append(("definer-execute", ea, eb))
    for kind, da, db in tables:
        for key in sorted(set(da) | set(db), key=str):
            pa, pb = da.get(key, frozenset()), db.get(key, frozenset())
            if pa == pb:
                continue
            role, obj, path = _object_key(kind, key)
            gained, lost = pb - pa, pa - pb
            if gained:
                sev = max((_gain_severity(kind, p) for p in gained), key=lambda x: x.rank)
                out.append(Change(f"{kind}-gained", sev, obj, role, ctx.role_hub(role), ", ".join(sorted(pa)) or "-",
                                  ", ".join(sorted(pb)), f"{path} -> {', '.join(sorted(gained))}"))
            if lost:
                out.append(Change(f"{kind}-lost", Severity.MEDIUM if kind != "definer-execute" else Severity.LOW,
                                  obj, role, ctx.role_hub(role), ", ".join(sorted(pa)), ", ".join(sorted(pb)) or "-",
                                  f"{path} no longer -> {', '.join(sorted(lost))}"))
    return out


def _gain_severity(kind: str, privilege: str) -> Severity:
    if kind == "definer-execute":
        return Severity.CRITICAL
    if kind == "default-privilege":
        return Severity.HIGH if privilege in {p.value for p in WRITE} | {"UPDATE", "USAGE"} else Severity.LOW
    return _OBJECT_RISK.get(privilege, Severity.MEDIUM)


def _object_key(kind: str, key: Any) -> tuple[str, str, str]:
    """(role, object, path prefix) of one entry of an object map."""
    if kind == "default-privilege":
        creator, schema, objtype, grantee = key
        where = "any schema" if schema == "*" else f"schema {schema}"
        return grantee, f"default privileges of {creator} in {where} on {objtype}s", \
            f"{grantee} -[default privileges of {creator}]-> new {objtype}s in {where}"
    role, obj = key
    label = {"schema-privilege": f"schema {obj}", "sequence-privilege": f"sequence {obj}",
             "definer-execute": f"SECURITY DEFINER {obj}"}[kind]
    return role, label, f"{role} -[grant]-> {label}"


def grants_new_write(changes: Iterable[Change]) -> bool:
    """Whether B grants any write access A did not (``ownaudit diff --exit-code``)."""
    return any(c.grants_write for c in changes)
