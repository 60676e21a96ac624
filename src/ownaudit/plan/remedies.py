"""The remedy of each audit difference: the SQL that closes it, or what a human must decide.

Every audit rule whose difference SQL can fix has a remedy here, keyed by rule
id; the plan is the ordered union of the remedies of the unsuppressed findings
(``ownaudit.plan.build``). A remedy reads the same snapshot and the same
compiled expected state the audit used, so the plan fixes exactly what the
audit reports, and nothing it does not.

Remedies close paths, they never move them: a path is cut at its first hop
the policy does not declare (an undeclared membership, a grant, PUBLIC's
grant, a wrong owner); a SECURITY DEFINER function loses EXECUTE for PUBLIC and
for every role outside the hubs that may write what it writes (its code is
never dropped); a view that opens a cross-hub write path runs with its
invoker's rights or loses its write grants; a foreign key with another action
than the declared one is re-created with the declared action (``NOT VALID``,
then ``VALIDATE CONSTRAINT``, in the same transaction).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from ownaudit.access import AccessPath
from ownaudit.audit.checks.writes import relevant_paths
from ownaudit.audit.context import AuditContext, Governed, q, qref
from ownaudit.audit.paths import chain
from ownaudit.catalog.model import PUBLIC, AclItem, FunctionInfo, MembershipInfo, RelationInfo
from ownaudit.findings import Finding
from ownaudit.plan.model import Step
from ownaudit.policy.model import TableRef
from ownaudit.privileges import STRUCTURAL, WRITE, Privilege, sort_privileges

ALTER_KIND = {"r": "TABLE", "p": "TABLE", "f": "FOREIGN TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW",
              "S": "SEQUENCE"}
ATTR_SQL = {"superuser": "NOSUPERUSER", "bypassrls": "NOBYPASSRLS", "createrole": "NOCREATEROLE",
            "createdb": "NOCREATEDB", "replication": "NOREPLICATION"}


@dataclass(frozen=True)
class Note:
    """What only a human can decide, and why."""

    text: str


Item = Step | Note


@dataclass(frozen=True)
class _Obj:
    """An object whose ACL a remedy edits: how to name it in SQL and who owns it now and after the plan."""

    kind: str  # TABLE | SEQUENCE | SCHEMA | FUNCTION | PROCEDURE | DATABASE
    sql: str  # e.g. "TABLE cl.x", "SCHEMA cl"
    name: str
    owner: str
    owner_after: str
    acl: tuple[AclItem, ...]
    column_acls: tuple[tuple[str, tuple[AclItem, ...]], ...] = ()


class Remedies:
    """Remedies for one audit run (its context: snapshot, policy, expected state, matrices)."""

    def __init__(self, ctx: AuditContext) -> None:
        self.ctx = ctx
        self.pg16 = ctx.snapshot.server.major >= 16
        self.pg15 = ctx.snapshot.server.major >= 15
        self._rels = {r.qualified: r for r in ctx.snapshot.relations}
        self._fns = {f.signature: f for f in ctx.snapshot.functions}

    def of(self, f: Finding) -> list[Item]:
        """The steps (or the note) that resolve ``f``; never empty."""
        fn = _REMEDIES.get(f.rule_id)
        items = list(fn(self, f)) if fn is not None else []
        if not items:
            items = [Note(_decide(f))]
        rule = f.rule_id
        return [Step(i.kind, i.sql, i.why, i.object, (rule,), i.after, i.cascades) if isinstance(i, Step)
                else i for i in items]

    # -- objects -------------------------------------------------------------------
    def relation(self, name: str) -> RelationInfo | None:
        return self._rels.get(name)

    def expected_owner(self, rel: RelationInfo) -> str | None:
        g = self.ctx.governed_by_name(rel.qualified)
        if rel.relkind == "S" and rel.owned_by:
            table = self.relation(rel.owned_by.rsplit(".", 1)[0])
            return self.expected_owner(table) if table is not None else None
        return self.ctx.policy.expected_owner_role(g.ref) if g is not None else None

    def owner_after(self, rel: RelationInfo) -> str:
        want = self.expected_owner(rel)
        return want if want and self.ctx.role_exists(want) else rel.owner

    def rel_obj(self, rel: RelationInfo) -> _Obj:
        kind = "SEQUENCE" if rel.relkind == "S" else "TABLE"
        return _Obj(kind, f"{kind} {TableRef(rel.schema, rel.name).sql}", rel.qualified, rel.owner,
                    self.owner_after(rel), tuple(rel.acl),
                    tuple((c.name, tuple(c.acl)) for c in rel.columns if c.acl))

    def schema_owner_expected(self, name: str) -> str | None:
        spec = self.ctx.policy.schemas.get(name)
        if spec is None:
            return None
        return spec.owner_role or self.ctx.policy.database.owner_role

    def schema_obj(self, name: str) -> _Obj | None:
        info = self.ctx.snapshot.schema(name)
        if info is None:
            return None
        want = self.schema_owner_expected(name)
        after = want if want and self.ctx.role_exists(want) and info.owner != "pg_database_owner" else info.owner
        return _Obj("SCHEMA", f"SCHEMA {q(name)}", f"schema {name}", info.owner, after, tuple(info.acl))

    def fn_obj(self, fn: FunctionInfo) -> _Obj:
        kind = "PROCEDURE" if fn.kind == "p" else "ROUTINE" if fn.kind == "a" else "FUNCTION"
        return _Obj(kind, f"{kind} {q(fn.schema)}.{q(fn.name)}({fn.identity_args})", fn.signature,
                    fn.owner, fn.owner, tuple(fn.acl))

    def database_obj(self) -> _Obj:
        s = self.ctx.snapshot.server
        return _Obj("DATABASE", f"DATABASE {q(s.database)}", f"database {s.database}", s.database_owner,
                    s.database_owner, tuple(s.database_acl))

    # -- cutting paths -------------------------------------------------------------
    def declared_membership(self, member: str, role: str) -> bool:
        spec = self.ctx.policy.roles.get(member)
        return spec is not None and role in spec.member_of

    def revoke_membership(self, member: str, role: str, why: str, admin_only: bool = False) -> list[Item]:
        rows: list[MembershipInfo | None] = [
            m for m in self.ctx.snapshot.memberships
            if m.member == member and m.role == role and (m.admin or not admin_only)]
        what = f"ADMIN OPTION FOR {q(role)}" if admin_only else q(role)
        out: list[Item] = []
        for m in rows or [None]:
            by = (f" GRANTED BY {q(m.grantor)}" if self.pg16 and m is not None and m.grantor
                  and self.ctx.role_exists(m.grantor) else "")
            out.append(Step("membership", f"REVOKE {what} FROM {q(member)}{by} CASCADE;", why, role))
        if not admin_only:
            out += self.keep_after_membership(member, role)
        return out

    def keep_after_membership(self, member: str, role: str) -> list[Item]:
        """Grants ``member`` needs once it is no longer a member of ``role``: what the policy gives it and
        it used only through that membership (so revoking a path never takes away allowed access)."""
        if member not in self.ctx.policy.roles:
            return []
        lead = f"{member} -[member"

        def only_via(paths: list[AccessPath] | list[str]) -> bool:
            usable = [str(p) for p in paths if not getattr(p, "requires_set_role", False)]
            return bool(usable) and all(p.startswith(lead) and _first_target(p) == role for p in usable)

        out: list[Item] = []
        why = f"{member} keeps what the policy gives it once it is no longer a member of {role}"
        for g in self.ctx.governed("rpf"):
            if g.rel.is_partition:
                continue
            cell = self.ctx.matrix.cell(member, g.name)
            lost = [p.value for p in sort_privileges(set(self.ctx.allowed(member, g.ref)))
                    if only_via(cell.paths.get(p, []))]
            if lost:
                out.append(Step("grant", f"GRANT {_ordered(lost)} ON TABLE {qref(g.name)} TO {q(member)};",
                                why, g.name))
        for schema in self.ctx.policy.schemas:
            if not self.ctx.expected.needs_usage(member, schema):
                continue
            paths = self.ctx.object_access("schema").cell(member, schema).paths.get("USAGE", [])
            if only_via(paths):
                out.append(Step("grant", f"GRANT USAGE ON SCHEMA {q(schema)} TO {q(member)};", why,
                                f"schema {schema}"))
        out += self._keep_defaults(member, role, why)
        return out

    def _keep_defaults(self, member: str, role: str, why: str) -> list[Item]:
        """Default privileges ``member`` received only through ``role``'s, given to it directly."""
        out: list[Item] = []
        reach = self.ctx.graph.privileges_of(member)
        through = {r for r, chain_text in reach.items() if _first_target(chain_text) == role}
        for schema, spec in self.ctx.policy.schemas.items():
            if not spec.governed:
                continue
            creator = spec.owner_role or self.ctx.policy.database.owner_role
            if not creator:
                continue
            for objtype, on in (("table", "TABLES"), ("sequence", "SEQUENCES")):
                want = ({p.value for p in self.ctx.expected.schema_table(member, schema)} if objtype == "table"
                        else set(self.ctx.expected.schema_sequence(member, schema)))
                if not want:
                    continue
                items = [i for d in self.ctx.snapshot.default_acls
                         if d.creator == creator and d.objtype == objtype and d.schema in (schema, None)
                         for i in d.acl]
                kept = {i.privilege for i in items if i.grantee in (set(reach) - through) | {PUBLIC}}
                via = {i.privilege for i in items if i.grantee in through}
                lost = (want & via) - kept
                if lost:
                    out.append(Step("default-privileges",
                                    f"ALTER DEFAULT PRIVILEGES FOR ROLE {q(creator)} IN SCHEMA {q(schema)} GRANT "
                                    f"{_ordered(lost)} ON {on} TO {q(member)};", why,
                                    f"default privileges of {creator} in schema {schema}"))
        return out

    def revoke_acl(self, obj: _Obj, grantee: str, privileges: Iterable[str], why: str,
                   columns: tuple[str, ...] = (), grant_option: bool = False) -> list[Item]:
        """REVOKE ``privileges`` from ``grantee``, as each grantor that gave them (CASCADE)."""
        privs = list(dict.fromkeys(privileges))
        wanted = set(privs)
        items = [i for c, acl in obj.column_acls if c in columns for i in acl] if columns else list(obj.acl)
        grantors: dict[str, list[str]] = {}
        for i in items:
            if i.grantee == grantee and i.privilege in wanted and (i.grantable or not grant_option):
                grantors.setdefault(i.grantor, [])
                if i.privilege not in grantors[i.grantor]:
                    grantors[i.grantor].append(i.privilege)
        if not grantors:
            grantors = {obj.owner_after: privs}
        cols = f" ({', '.join(q(c) for c in columns)})" if columns else ""
        opt = "GRANT OPTION FOR " if grant_option else ""
        out: list[Item] = []
        for grantor, gp in sorted(grantors.items()):
            ordered = _ordered(gp)
            body = f"REVOKE {opt}{ordered}{cols} ON {obj.sql} FROM {q(grantee)} CASCADE;"
            cascades = tuple((obj.name, p, grantee) for p in gp)
            if grantor in (obj.owner, obj.owner_after) or not self.ctx.role_exists(grantor):
                out.append(Step("revoke", body, why, obj.name, cascades=cascades))
            else:
                out.append(Step("revoke", f"SET ROLE {q(grantor)}; {body} RESET ROLE;", why, obj.name,
                                after=tuple((obj.name, p, grantor) for p in gp), cascades=cascades))
        return out

    def cut(self, obj: _Obj, path: str | AccessPath, privilege: str, why: str, *,
            table: TableRef | None = None, columns: tuple[str, ...] = ()) -> list[Item]:
        """Cut ``path`` at its first hop the policy does not declare."""
        for src, label, dst in chain(path):
            kind = label.split(",")[0].strip().lower()
            if kind == "member":
                if self.declared_membership(src, dst):
                    if table is not None and _priv(privilege) in self.ctx.allowed(dst, table):
                        return [Note(f"{path}: the policy declares {src} a member of {dst}, and {dst} may use "
                                     f"{privilege} on {obj.name}, which {src} may not: decide whether "
                                     f"{src} keeps the membership (then give it the access in the policy) "
                                     f"or loses it (remove member_of)")]
                    continue
                return self.revoke_membership(src, dst, why)
            if kind in ("public", "predefined", "database owner"):
                continue
            if kind in ("grant", "column grant"):
                return self.revoke_acl(obj, src, [privilege], why, columns=columns)
            if kind == "owner":
                if src != obj.owner_after:
                    return self.owner_steps(obj, why)
                return [Note(f"{path}: {src} owns {obj.name} as the policy expects, and the path reaches "
                             f"it: decide which membership to revoke")]
            if kind == "superuser" and src == chain(path)[0][0]:
                return [Step("role-attribute", f"ALTER ROLE {q(src)} NOSUPERUSER;", why, src)]
        return []

    def owner_steps(self, obj: _Obj, why: str) -> list[Item]:
        if obj.owner_after == obj.owner:
            return []
        rel = self.relation(obj.name) if obj.kind in ("TABLE", "SEQUENCE") else None
        if rel is not None:
            if rel.relkind == "S" and rel.owned_by:
                table = self.relation(rel.owned_by.rsplit(".", 1)[0])
                return self.owner_steps(self.rel_obj(table), why) if table is not None else []
            sql = f"ALTER {ALTER_KIND[rel.relkind]} {TableRef(rel.schema, rel.name).sql} OWNER TO " \
                  f"{q(obj.owner_after)};"
        else:
            sql = f"ALTER {obj.sql} OWNER TO {q(obj.owner_after)};"
        out: list[Item] = [Step("owner", sql, why, obj.name)]
        # ALTER ... OWNER hands the old owner's own entries to the new owner: give back what the policy lets it hold.
        old = obj.owner
        if old in self.ctx.policy.roles:
            g = self.ctx.governed_by_name(obj.name)
            if g is not None and rel is not None and rel.relkind != "S":
                got = self.ctx.allowed(old, g.ref)
                if got:
                    out.append(Step("grant", f"GRANT {_ordered(p.value for p in got)} ON {obj.sql} TO {q(old)};",
                                    f"{old} keeps what the policy gives it after losing ownership", obj.name))
                for priv, cols in self.ctx.allowed_columns(old, g.ref).items():
                    if priv not in got:
                        out.append(Step("grant", f"GRANT {priv.value} ({', '.join(q(c) for c in sorted(cols))}) "
                                                 f"ON {obj.sql} TO {q(old)};",
                                        f"{old} keeps its column exception after losing ownership", obj.name))
            if obj.kind == "SCHEMA":
                schema = obj.name.removeprefix("schema ")
                privs = [p for p, ok in (("USAGE", self.ctx.expected.needs_usage(old, schema)),
                                         ("CREATE", False)) if ok]
                if privs:
                    out.append(Step("grant", f"GRANT {', '.join(privs)} ON {obj.sql} TO {q(old)};",
                                    f"{old} keeps USAGE after losing ownership", obj.name))
        return out


def _first_target(path: str) -> str:
    hops = chain(path)
    return hops[0][2] if hops else ""


def _priv(name: str) -> Privilege:
    try:
        return Privilege(name)
    except ValueError:
        return Privilege.SELECT


_ORDER = {p: i for i, p in enumerate((*(p.value for p in Privilege), "USAGE", "CREATE", "EXECUTE"))}


def ordered_privileges(privs: Iterable[str]) -> str:
    """Privilege names in PostgreSQL's documentation order, comma-separated."""
    return ", ".join(sorted(set(privs), key=lambda p: _ORDER.get(p, 99)))


_ordered = ordered_privileges


def _statements(sql: str | None) -> list[str]:
    """A finding's fix SQL as statements (a comment after a statement is dropped)."""
    out = []
    for line in (sql or "").splitlines():
        line = line.split("  --", 1)[0].strip()
        if line and not line.startswith("--"):
            out.append(line)
    return out


def _fix_sql(kind: str) -> Callable[[Remedies, Finding], Iterator[Item]]:
    """A remedy that runs the finding's own fix SQL (for rules whose fix is exact and idempotent)."""

    def remedy(r: Remedies, f: Finding) -> Iterator[Item]:
        for sql in _statements(f.fix_sql):
            yield Step(kind, sql, _why(f), f.object)

    return remedy


def _why(f: Finding) -> str:
    return f.message


# -- table access (AUD001, AUD002, AUD020) -------------------------------------------------


def _table_paths(r: Remedies, f: Finding, privileges: Iterable[Privilege], structural: bool) -> Iterator[Item]:
    g = r.ctx.governed_by_name(f.object)
    rel = r.relation(f.object)
    if g is None or rel is None or f.role is None:
        return
    obj = r.rel_obj(rel)
    cell = r.ctx.matrix.cell(f.role, g.name)
    for priv in sort_privileges(set(privileges)):
        if priv == Privilege.SELECT and f.role not in r.ctx.policy.roles:
            continue
        for p in relevant_paths(r.ctx, f.role, cell.paths.get(priv, [])):
            if structural and p.via == "owner":
                continue
            if _allowed_path(r.ctx, f.role, g, priv, p):
                continue
            items = r.cut(obj, p, priv.value, _why(f), table=g.ref, columns=p.columns)
            yield from items
            yield from _keep_table_access(r, g, priv, items)


def _keep_table_access(r: Remedies, g: Governed, priv: Privilege, items: list[Item]) -> Iterator[Item]:
    """A revoke from PUBLIC or from a group role must not take ``priv`` from roles the policy gives it to."""
    cut = {k[2] for i in items if isinstance(i, Step) for k in i.cascades}
    if not cut:
        return
    for role in r.ctx.app_roles():
        if role in cut or priv not in r.ctx.allowed(role, g.ref):
            continue
        usable = [str(p) for p in r.ctx.matrix.cell(role, g.name).paths.get(priv, [])
                  if not p.requires_set_role and not p.columns]
        if usable and all(any(f"{c} -[grant]->" in p for c in cut) for p in usable):
            yield Step("grant", f"GRANT {priv.value} ON TABLE {qref(g.name)} TO {q(role)};",
                       f"{role} keeps {priv.value} on {g.name}, which the policy gives it", g.name)


def _allowed_path(ctx: AuditContext, role: str, g: Governed, priv: Privilege, path: AccessPath) -> bool:
    if priv in ctx.allowed(role, g.ref):
        return True
    if path.columns:
        return set(path.columns) <= ctx.allowed_columns(role, g.ref).get(priv, frozenset())
    return False


def _aud001(r: Remedies, f: Finding) -> Iterator[Item]:
    yield from _table_paths(r, f, WRITE | {Privilege.SELECT}, False)


def _aud020(r: Remedies, f: Finding) -> Iterator[Item]:
    yield from _table_paths(r, f, STRUCTURAL, True)


# -- grant and admin options (AUD021, AUD022) --------------------------------------------------


def _aud021(r: Remedies, f: Finding) -> Iterator[Item]:
    if f.role is None:
        return
    rel = r.relation(f.object)
    obj = r.rel_obj(rel) if rel is not None else r.schema_obj(f.object)
    if obj is None:
        return
    table = {i.privilege for i in obj.acl if i.grantee == f.role and i.grantable}
    if table:
        yield from r.revoke_acl(obj, f.role, _ordered(table).split(", "), _why(f), grant_option=True)
    for col, acl in obj.column_acls:
        privs = {i.privilege for i in acl if i.grantee == f.role and i.grantable}
        if privs:
            yield from r.revoke_acl(obj, f.role, _ordered(privs).split(", "), _why(f), columns=(col,),
                                    grant_option=True)


def _aud022(r: Remedies, f: Finding) -> Iterator[Item]:
    if f.role is not None:
        yield from r.revoke_membership(f.role, f.object, _why(f), admin_only=True)


# -- owners (AUD030) ------------------------------------------------------------------------------


def _aud030(r: Remedies, f: Finding) -> Iterator[Item]:
    rel = r.relation(f.object)
    if rel is not None:
        want = r.expected_owner(rel)
        obj = r.rel_obj(rel)
    elif f.object in r._fns:
        fn = r._fns[f.object]
        want = r.schema_owner_expected(fn.schema)
        obj = r.fn_obj(fn)
        if want and r.ctx.role_exists(want):
            obj = _Obj(obj.kind, obj.sql, obj.name, obj.owner, want, obj.acl)
    else:
        sobj = r.schema_obj(f.object)
        if sobj is None:
            return
        want, obj = r.schema_owner_expected(f.object), sobj
    if want and not r.ctx.role_exists(want):
        yield Note(f"{f.object} should be owned by {want}, which does not exist: create the role first")
        return
    yield from r.owner_steps(obj, _why(f))


# -- RLS (AUD040-AUD045) ---------------------------------------------------------------------------


def _create_policy(table: str, name: str, command: str, permissive: bool, roles: Iterable[str]) -> str:
    mode = "" if permissive else " AS RESTRICTIVE"
    clause = {"SELECT": " USING (true)", "DELETE": " USING (true)", "INSERT": " WITH CHECK (true)"}.get(
        command, " USING (true) WITH CHECK (true)")
    to = ", ".join(q(PUBLIC if x.lower() == "public" else x) for x in sorted(roles))
    return (f"DROP POLICY IF EXISTS {q(name)} ON {qref(table)}; "
            f"CREATE POLICY {q(name)} ON {qref(table)}{mode} FOR {command} TO {to}{clause};")


def _aud045(r: Remedies, f: Finding) -> Iterator[Item]:
    table, _, name = f.object.rpartition("/")
    g = r.ctx.governed_by_name(table)
    if g is None or g.spec.rls is None:
        return
    want = next((p for p in g.spec.rls.policies if p.name == name), None)
    if want is None:
        yield Step("rls-policy", f"DROP POLICY IF EXISTS {q(name)} ON {qref(table)};", _why(f), table)
        return
    missing = [x for x in want.roles if x.lower() != "public" and not r.ctx.role_exists(x)]
    if missing:
        yield Note(f"RLS policy {name} on {table} names missing role(s) {', '.join(missing)}: create them "
                   f"or correct the policy")
        return
    yield Step("rls-policy", _create_policy(table, name, want.command.upper(), want.permissive, want.roles),
               _why(f), table)


def _aud042(r: Remedies, f: Finding) -> Iterator[Item]:
    """RLS hides every row: a privilege the policy does not give is revoked; one it gives needs a decision."""
    g = r.ctx.governed_by_name(f.object)
    rel = r.relation(f.object)
    if g is None or rel is None or f.role is None:
        return
    blind = [p for p in (Privilege.SELECT, Privilege.UPDATE, Privilege.DELETE)
             if p.value in f.message.split(" on ", 1)[0]]
    allowed = r.ctx.allowed(f.role, g.ref) if f.role != PUBLIC else frozenset()
    if any(p in allowed for p in blind):
        return  # a note: the matrix gives the privilege and hides the rows
    obj = r.rel_obj(rel)
    cell = r.ctx.matrix.cell(f.role, g.name)
    for priv in blind:
        for path in relevant_paths(r.ctx, f.role, cell.paths.get(priv, [])):
            if not path.requires_set_role:
                yield from r.cut(obj, path, priv.value, f"{_why(f)}; the policy does not give it {priv.value}",
                                 table=g.ref, columns=path.columns)


def _aud043(r: Remedies, f: Finding) -> Iterator[Item]:
    table, _, name = f.object.rpartition("/")
    g = r.ctx.governed_by_name(table)
    if g is not None and g.spec.rls is not None and any(p.name == name for p in g.spec.rls.policies):
        yield Note(f"RLS policy {name} on {table} is in the matrix and lets {f.role} write rows, which the "
                   f"matrix does not let it write: correct one of the two entries")
        return
    for sql in _statements(f.fix_sql):
        yield Step("rls-policy", sql.replace("DROP POLICY ", "DROP POLICY IF EXISTS "), _why(f), table)


def _aud044(r: Remedies, f: Finding) -> Iterator[Item]:
    table, _, name = f.object.rpartition("/")
    yield Step("rls-policy", f"DROP POLICY IF EXISTS {q(name)} ON {qref(table)};", _why(f), table)


# -- roles (AUD050, AUD051) ----------------------------------------------------------------------


def _aud050(r: Remedies, f: Finding) -> Iterator[Item]:
    role = f.role
    if role is None:
        return
    spec = r.ctx.policy.roles.get(role)
    info = r.ctx.snapshot.role(f.object)
    if spec is None or info is None:
        return
    bad = sorted(info.attributes() & spec.forbidden_attributes)
    if f.object == role:
        attrs = " ".join(ATTR_SQL.get(a, "NO" + a.upper()) for a in bad)
        yield Step("role-attribute", f"ALTER ROLE {q(role)} {attrs};", _why(f), role)
        return
    hops = chain(r.ctx.graph.settable(role).get(f.object, ""))
    for src, _label, dst in hops:
        if not r.declared_membership(src, dst):
            yield from r.revoke_membership(src, dst, _why(f))
            return
    yield Note(f"{role} may SET ROLE {f.object}, which has {', '.join(bad)}, through memberships the policy "
               f"declares: remove the attribute from {f.object} or the membership from the policy")


def _aud051(r: Remedies, f: Finding) -> Iterator[Item]:
    if f.fix_sql:
        yield from r.revoke_membership(f.object, "neon_superuser", _why(f))


# -- CREATE (AUD060-AUD062) ---------------------------------------------------------------------


def _create_paths(r: Remedies, f: Finding, obj: _Obj | None, kind: str, name: str) -> Iterator[Item]:
    if obj is None or f.role is None:
        return
    for path in r.ctx.holders(kind, name, "CREATE").get(f.role, []):
        yield from r.cut(obj, path, "CREATE", _why(f))


def _aud060(r: Remedies, f: Finding) -> Iterator[Item]:
    yield from _create_paths(r, f, r.schema_obj(f.object), "schema", f.object)


def _aud062(r: Remedies, f: Finding) -> Iterator[Item]:
    yield from _create_paths(r, f, r.database_obj(), "database", f.object)


# -- default privileges (AUD071) -------------------------------------------------------------------


def _aud071(r: Remedies, f: Finding) -> Iterator[Item]:
    """Revoke the broad default, then give back (per role) what the policy wants future objects to give."""
    for sql in _statements(f.fix_sql):
        yield Step("default-privileges", sql, _why(f), f.object)
    creator, schema, objtype = ([*f.object.split("/"), "", "", ""])[:3]
    if f.role is None or schema == "*" or objtype not in ("table", "sequence"):
        return
    on = "TABLES" if objtype == "table" else "SEQUENCES"
    for role in r.ctx.app_roles():
        if role == f.role or role == creator:
            continue
        want = ({p.value for p in r.ctx.expected.schema_table(role, schema)} if objtype == "table"
                else set(r.ctx.expected.schema_sequence(role, schema)))
        if not want:
            continue
        via = set(r.ctx.graph.privileges_of(role)) | {PUBLIC}
        others = {i.privilege for d in r.ctx.snapshot.default_acls
                  if d.creator == creator and d.objtype == objtype and d.schema in (schema, None)
                  for i in d.acl if i.grantee in via and i.grantee != f.role}
        lost = want - others
        if lost:
            yield Step("default-privileges",
                       f"ALTER DEFAULT PRIVILEGES FOR ROLE {q(creator)} IN SCHEMA {q(schema)} GRANT "
                       f"{_ordered(lost)} ON {on} TO {q(role)};",
                       f"{on.lower()} {creator} creates in {schema} keep giving {role} what the policy wants",
                       f.object)


# -- foreign keys (AUD091, AUD092) ----------------------------------------------------------------


def _aud091(r: Remedies, f: Finding) -> Iterator[Item]:
    child, _, name = f.object.rpartition("/")
    fk = next((x for x in r.ctx.snapshot.foreign_keys if x.child == child and x.name == name), None)
    if fk is None:
        return
    schema, _, table = child.partition(".")
    pschema, _, ptable = fk.parent.partition(".")
    declared = r.ctx.policy.declared_fk(TableRef(schema, table), TableRef(pschema, ptable), list(fk.child_columns))
    if declared is None:
        yield Note(f"foreign key {name} on {child} crosses hubs and is not declared: declare it (with its "
                   f"ON DELETE action) after review, or drop the constraint")
        return
    cols = ", ".join(q(c) for c in fk.child_columns)
    pcols = ", ".join(q(c) for c in fk.parent_columns)
    actions = f"ON DELETE {declared.on_delete.upper()} ON UPDATE {declared.on_update.upper()}"
    yield Step("foreign-key",
               f"ALTER TABLE {qref(child)} DROP CONSTRAINT IF EXISTS {q(name)}, ADD CONSTRAINT {q(name)} "
               f"FOREIGN KEY ({cols}) REFERENCES {qref(fk.parent)} ({pcols}) {actions} NOT VALID;",
               f"{_why(f)}; re-created with the declared actions", child)
    yield Step("foreign-key", f"ALTER TABLE {qref(child)} VALIDATE CONSTRAINT {q(name)};",
               f"checks existing rows of {child} without locking out writes for the whole check", child)


# -- functions and views (AUD100-AUD104) --------------------------------------------------------------


def _aud100(r: Remedies, f: Finding) -> Iterator[Item]:
    fn = r._fns.get(f.object)
    if fn is None or f.role is None:
        return
    obj = r.fn_obj(fn)
    why = f"{_why(f)}; the function stays, only who may run it changes"
    yield from r.revoke_acl(obj, PUBLIC, ["EXECUTE"], why)
    holders = r.ctx.holders("function", fn.signature, "EXECUTE")
    for path in holders.get(f.role, []):
        if f.role != PUBLIC:
            yield from r.cut(obj, path, "EXECUTE", why)


def _aud102(r: Remedies, f: Finding) -> Iterator[Item]:
    rel = r.relation(f.object)
    if rel is None or f.role is None:
        return
    view = TableRef(rel.schema, rel.name)
    own = r.ctx.policy.table(view)
    granted_by_policy = f.role != PUBLIC and bool(r.ctx.allowed(f.role, view) & WRITE) and own is not None
    if granted_by_policy and r.pg15:
        yield Step("view", f"ALTER VIEW {view.sql} SET (security_invoker = true);",
                   f"{_why(f)}; the policy lets {f.role} write the view itself, so the view now checks the "
                   f"writer's own rights on the tables below it", f.object)
        return
    obj = r.rel_obj(rel)
    for priv in ("INSERT", "UPDATE", "DELETE"):
        for path in r.ctx.table_holders(f.object, priv).get(f.role, []):
            yield from r.cut(obj, path, priv, _why(f))


def _aud103(r: Remedies, f: Finding) -> Iterator[Item]:
    rel = r.relation(f.object)
    if rel is None or f.role is None:
        return
    if rel.relkind == "v" and r.pg15:
        yield Step("view", f"ALTER VIEW {TableRef(rel.schema, rel.name).sql} SET (security_invoker = true);",
                   _why(f), f.object)
        return
    obj = r.rel_obj(rel)
    for path in r.ctx.table_holders(f.object, "SELECT").get(f.role, []):
        yield from r.cut(obj, path, "SELECT", _why(f))


def _aud104(r: Remedies, f: Finding) -> Iterator[Item]:
    rel = r.relation(f.object)
    if rel is None or f.role is None:
        return
    obj = r.rel_obj(rel)
    for priv in ("USAGE", "UPDATE"):
        for path in r.ctx.holders("sequence", f.object, priv).get(f.role, []):
            yield from r.cut(obj, path, priv, _why(f))


# -- what needs a human --------------------------------------------------------------------------

_DECISIONS = {
    "AUD042": "add a permissive RLS policy for the role to the matrix (rls.policies) or stop granting it the "
              "privilege; a policy the matrix does not list would be reported as drift",
    "AUD080": "list it in the policy (owner, readers) or drop it",
    "AUD081": "run its migration or remove it from the policy",
    "AUD082": "CREATE ROLE it (with LOGIN and no other attribute) or remove it from the policy",
    "AUD090": "declare the foreign key in the policy (with its ON DELETE action) after review, or drop the "
              "constraint",
    "AUD092": "declare the foreign key with the action the owning hubs agree on, or re-create it with ON "
              "DELETE RESTRICT",
    "AUD105": "confirm that the owning hub wrote it on purpose, or drop it",
    "AUD110": "fix the finding the exception covered and delete the exception, or renew it with a reason",
}


def _decide(f: Finding) -> str:
    decision = _DECISIONS.get(f.rule_id) or f.fix or "review it"
    return f"{f.rule_id} {f.object}: {f.message}. Decide: {decision}"


_REMEDIES: dict[str, Callable[[Remedies, Finding], Iterator[Item]]] = {
    "AUD001": _aud001,
    "AUD002": _aud001,
    "AUD010": _fix_sql("grant"),
    "AUD011": _fix_sql("grant"),
    "AUD012": _fix_sql("grant"),
    "AUD013": _fix_sql("grant"),
    "AUD020": _aud020,
    "AUD021": _aud021,
    "AUD022": _aud022,
    "AUD030": _aud030,
    "AUD040": _fix_sql("rls"),
    "AUD041": _fix_sql("rls"),
    "AUD042": _aud042,
    "AUD043": _aud043,
    "AUD044": _aud044,
    "AUD045": _aud045,
    "AUD050": _aud050,
    "AUD051": _aud051,
    "AUD060": _aud060,
    "AUD061": _aud060,
    "AUD062": _aud062,
    "AUD070": _fix_sql("default-privileges"),
    "AUD071": _aud071,
    "AUD091": _aud091,
    "AUD092": _aud091,
    "AUD100": _aud100,
    "AUD101": _fix_sql("function"),
    "AUD102": _aud102,
    "AUD103": _aud103,
    "AUD104": _aud104,
}


def remedied_rules() -> frozenset[str]:
    """Rules that carry a remedy (the others are always a note for a human)."""
    return frozenset(_REMEDIES)
