"""The acts-as graph: every way a role makes code run with another role's rights.

In PostgreSQL code is access. Nodes are roles (and ``PUBLIC``); an edge
``A -> B`` means "A can make code run as B" and carries its evidence:

* ``trigger-owner``: A owns the (invoker) function of a trigger on T; every role
  B that fires the trigger runs A's code as B (A can replace the body at will).
* ``trigger-privilege``: A holds TRIGGER on T (or owns T): a trigger A creates,
  with a function of its own, runs inside every write of B.
* ``code-owner``: A owns a function T's column defaults, generation expressions,
  CHECK constraints, index expressions, RLS expressions or domain constraints
  call: every role B that writes (or, for RLS, reads) T runs it as B.
* ``definer-hijack``: B owns a SECURITY DEFINER function A may execute whose
  search_path A controls (not pinned; a schema A can CREATE in listed before
  another; ``pg_temp`` not last while the body names tables without a schema).
* ``definer-dynamic``: a SECURITY DEFINER function A can run or fire (as a
  trigger) builds SQL at run time: conservatively, it may do whatever B can.
* ``server-program``: membership in ``pg_execute_server_program`` or
  ``pg_write_server_files`` is superuser-equivalent.
* ``user-mapping``: a foreign server loops back into this database and a user
  mapping lets A log in there as B.

Besides full edges, code changes a fixed set of tables as someone else
(``effects``): a rewrite rule's actions run with the table owner's rights, a
SECURITY DEFINER trigger function writes what its body writes as its owner,
a write on an inheritance parent or partitioned table reaches the children,
the owner of a schema can DROP every table in it and the owner of a type used
by a column can drop that column (``DROP TYPE ... CASCADE``).

Interface: ``build_actsas(snapshot, roles, tables)`` returns an ``ActsAsGraph``
whose ``paths(role)`` yields one ``ActsAsPath`` per (role, table, privilege)
reached through at least one code hop, with the whole chain; ``to_access_path``
turns it into the ``AccessPath`` the rest of the model uses. Superusers are not
followed as writers (they run everything by design). No database access.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ownaudit.access import AccessMatrix, AccessPath
from ownaudit.catalog.model import (
    PUBLIC,
    CatalogSnapshot,
    CodeUseInfo,
    FunctionInfo,
    RelationInfo,
    RuleInfo,
    TriggerInfo,
)
from ownaudit.policy.model import quote_ident
from ownaudit.privileges import Privilege

WRITES = ("INSERT", "UPDATE", "DELETE", "TRUNCATE")
DESTROY = ("DROP", "ALTER")  # not table privileges: what ownership of a container or a type allows
PATH_PRIVILEGES = (*WRITES, *DESTROY, "SELECT")
TABLE_KINDS = frozenset("rpf")
# Which statements run each kind of implicit code.
_CODE_FIRES = {
    "default": ("INSERT", "UPDATE"),
    "generated": ("INSERT", "UPDATE"),
    "check": ("INSERT", "UPDATE"),
    "index": ("INSERT", "UPDATE"),
    "domain": ("INSERT", "UPDATE"),
    "policy": ("SELECT", "INSERT", "UPDATE", "DELETE"),
}
_CODE_WHAT = {"default": "default of column", "generated": "generation expression of column",
              "check": "CHECK constraint", "index": "index", "domain": "domain", "policy": "RLS policy"}
SERVER_PROGRAM_ROLES = ("pg_execute_server_program", "pg_write_server_files")
MAX_CODE_HOPS = 3


def q(name: str) -> str:
    return "PUBLIC" if name == PUBLIC else quote_ident(name)


def qrel(qualified: str) -> str:
    schema, _, name = qualified.partition(".")
    return f"{quote_ident(schema)}.{quote_ident(name)}"


def fn_sql(fn: FunctionInfo) -> str:
    kind = "PROCEDURE" if fn.kind == "p" else "FUNCTION"
    return f"{kind} {quote_ident(fn.schema)}.{quote_ident(fn.name)}({fn.identity_args})"


@dataclass(frozen=True)
class Edge:
    """``source`` can make code run as ``target``; ``label`` is the evidence shown between them."""

    source: str
    target: str
    kind: str
    label: str
    obj: str  # the code object on the path (function signature, "table/trigger", schema ...)
    remedy: str = ""  # SQL that removes the edge

    def segment(self, chain: str) -> str:
        return f"{chain} -[{self.label}]->"


@dataclass(frozen=True)
class ActsAsPath:
    """``role`` can do ``privilege`` on ``table`` as ``as_role``, through ``edge`` (the first code hop)."""

    role: str
    table: str
    privilege: str  # INSERT UPDATE DELETE TRUNCATE DROP ALTER SELECT
    hops: tuple[str, ...]
    as_role: str
    edge: Edge
    dynamic: bool = False  # the end is "whatever as_role can" (SQL built at run time)

    def __str__(self) -> str:
        return " ".join(self.hops)

    def to_access_path(self) -> AccessPath:
        return AccessPath(self.hops, via=f"acts-as:{self.edge.kind}")


@dataclass
class _Reached:
    role: str
    prefix: tuple[str, ...]
    edge: Edge
    depth: int
    dynamic: bool


@dataclass
class ActsAsGraph:
    """Edges per source role, built lazily; ``paths(role)`` walks them."""

    snapshot: CatalogSnapshot
    tables: frozenset[str]  # the relations whose end effects count (governed tables)
    known: AccessMatrix | None = None  # an effective matrix already computed for ``known_roles`` x ``tables``
    known_roles: frozenset[str] = frozenset()
    _edges: dict[str, list[Edge]] = field(default_factory=dict)
    _cells: dict[str, AccessMatrix] = field(default_factory=dict)

    def __post_init__(self) -> None:
        from ownaudit.audit.rolegraph import RoleGraph

        s = self.snapshot
        self.roles = RoleGraph.build(s)
        self.funcs = {f.signature: f for f in s.functions}
        self.rels = {r.qualified: r for r in s.relations}
        self.super = {r.name for r in s.roles if r.superuser}
        self.writers_pool = [r.name for r in s.roles if not r.superuser and not r.predefined]
        self.triggers: dict[str, list[TriggerInfo]] = {}
        for t in s.triggers:
            if not t.internal and t.enabled != "D":
                self.triggers.setdefault(t.table, []).append(t)
        self.rules: dict[str, list[RuleInfo]] = {}
        for r in s.rules:
            if r.name != "_RETURN":
                self.rules.setdefault(r.table, []).append(r)
        self.children: dict[str, list[RelationInfo]] = {}
        for rel in s.relations:
            for parent in rel.inherits or ([rel.parent] if rel.parent else []):
                self.children.setdefault(parent, []).append(rel)
        self.code: dict[str, list[CodeUseInfo]] = {}
        type_cols = {t.qualified: t.columns for t in s.types}
        for use in s.code_uses:
            if use.kind == "domain":
                for col in type_cols.get(use.name, []):
                    self.code.setdefault(col.rsplit(".", 1)[0], []).append(use)
            elif use.table:
                self.code.setdefault(use.table, []).append(use)
        self.schema_tables: dict[str, list[str]] = {}
        for name in self.tables:
            self.schema_tables.setdefault(name.split(".", 1)[0], []).append(name)
        self.by_name: dict[str, list[str]] = {}
        for name in self.tables:
            self.by_name.setdefault(name.split(".", 1)[1], []).append(name)
        self._fire: AccessMatrix | None = None
        self._sched = _lazy_object_access(s)

    # -- privileges -----------------------------------------------------------------
    def fire_matrix(self) -> AccessMatrix:
        """Every (non-superuser) role and PUBLIC on the relations that run code when touched."""
        if self._fire is None:
            from ownaudit.catalog.effective import effective_matrix

            touched = set(self.triggers) | set(self.rules) | set(self.code) | set(self.children)
            touched |= {r.qualified for r in self.snapshot.relations if r.relkind in TABLE_KINDS
                        and any(i.privilege == "TRIGGER" and i.grantee != r.owner for i in r.acl)}
            self._fire = effective_matrix(self.snapshot, roles=[*self.writers_pool, PUBLIC], tables=touched)
        return self._fire

    def role_matrix(self, role: str) -> AccessMatrix:
        """``role``'s effective privileges on ``tables`` (from ``known`` when it covers the role)."""
        if self.known is not None and role in self.known_roles:
            return self.known
        got = self._cells.get(role)
        if got is None:
            from ownaudit.catalog.effective import effective_matrix

            got = self._cells[role] = effective_matrix(self.snapshot, roles=[role], tables=self.tables)
        return got

    def fire_tables(self, role: str) -> list[str]:
        """Relations of the fire matrix on which ``role`` holds something."""
        if not hasattr(self, "_fire_index"):
            index: dict[str, list[str]] = {}
            for r, t in self.fire_matrix().cells:
                index.setdefault(r, []).append(t)
            self._fire_index = index
        return self._fire_index.get(role, [])

    def holds(self, role: str, table: str, privilege: str) -> bool:
        """Whether ``role``'s own statements (code running as it) have ``privilege`` on ``table``."""
        if role in self.super:
            return True
        cell = self.role_matrix(role).cell(role, table)
        return any(not p.requires_set_role and p.via != "owner" for p in cell.paths.get(Privilege(privilege), []))

    def firers(self, table: str, events: Iterable[str]) -> dict[str, str]:
        """Roles (not superusers) that fire ``events`` on ``table`` as themselves -> the event used."""
        key = (table, tuple(events))
        cache: dict[tuple[str, tuple[str, ...]], dict[str, str]] = self.__dict__.setdefault("_firers", {})
        if key in cache:
            return cache[key]
        m = self.fire_matrix()
        out: dict[str, str] = {}
        cache[key] = out
        evs = [Privilege(e) for e in events if e in Privilege.__members__]
        for role in self.writers_pool:
            cell = m.cell(role, table)
            for e in evs:
                if any(not p.requires_set_role for p in cell.paths.get(e, [])):
                    out.setdefault(role, e.value)
                    break
        return out

    # -- edges ----------------------------------------------------------------------
    def edges_from(self, source: str) -> list[Edge]:
        got = self._edges.get(source)
        if got is None:
            got = self._edges[source] = list(self._build_edges(source))
        return got

    def _build_edges(self, src: str) -> Iterator[Edge]:
        s = self.snapshot
        # trigger functions and implicit code owned by src
        for table, trigs in self.triggers.items():
            for t in trigs:
                fn = self.funcs.get(t.function)
                if fn is None or fn.owner != src or fn.security_definer:
                    continue
                for w, ev in self.firers(table, t.events).items():
                    if w != src:
                        yield Edge(src, w, "trigger-owner",
                                   f"owns trigger function {t.function} of trigger {t.name} on {table}, "
                                   f"run by {w}'s {ev}", f"{table}/{t.name}",
                                   f"ALTER {fn_sql(fn)} OWNER TO {q(self.rels[table].owner)};"
                                   if table in self.rels else "")
        for table, uses in self.code.items():
            for use in uses:
                fn = self.funcs.get(use.function)
                if fn is None or fn.owner != src or fn.security_definer:
                    continue
                rel = self.rels.get(table)
                for w, ev in self.firers(table, _CODE_FIRES.get(use.kind, ("INSERT", "UPDATE"))).items():
                    if w == src or (use.kind == "policy" and rel is not None and w == rel.owner
                                    and not rel.rls_forced):
                        continue
                    yield Edge(src, w, "code-owner",
                               f"owns {use.function}, called by the {_CODE_WHAT[use.kind]} {use.name} of "
                               f"{table}, run by {w}'s {ev}", use.function,
                               f"ALTER {fn_sql(fn)} OWNER TO {q(rel.owner)};" if rel else "")
        # TRIGGER privilege (or ownership) on a table others write
        m = self.fire_matrix()
        for table in self.fire_tables(src):
            cell = m.cell(src, table)
            paths = [p for p in cell.paths.get(Privilege.TRIGGER, []) if not p.requires_set_role
                     and (src == PUBLIC or p.via != "public")]
            if not paths:
                continue
            rel = self.rels.get(table)
            owner = rel is not None and rel.owner == src
            for w, ev in self.firers(table, WRITES).items():
                if w == src:
                    continue
                yield Edge(src, w, "trigger-privilege",
                           f"{'owns' if owner else 'holds TRIGGER on'} {table}: a trigger it creates runs in "
                           f"{w}'s {ev}", table,
                           "" if owner else f"REVOKE TRIGGER ON {qrel(table)} FROM {q(src)};")
        # SECURITY DEFINER functions src can execute
        for fn in s.functions:
            if not fn.security_definer or fn.owner == src:
                continue
            if not self._sched.can_execute(src, fn):
                continue
            from ownaudit.audit.funcwrites import body_effects

            eff = body_effects(fn)
            how = self._hijack(src, fn, eff.unqualified())
            if src != PUBLIC and self._sched.can_execute(PUBLIC, fn) and (
                    (how and self._hijack(PUBLIC, fn, eff.unqualified())) or (not how and eff.dynamic)):
                continue  # PUBLIC's path: reported once, as PUBLIC
            if how:
                yield Edge(src, fn.owner, "definer-hijack",
                           f"executes SECURITY DEFINER {fn.signature}, {how}", fn.signature,
                           f"ALTER {fn_sql(fn)} SET search_path = pg_catalog, {quote_ident(fn.schema)}, pg_temp;")
            elif eff.dynamic:
                yield Edge(src, fn.owner, "definer-dynamic",
                           f"executes SECURITY DEFINER {fn.signature}, which runs dynamic SQL (EXECUTE of a "
                           f"computed string): may do whatever its owner can", fn.signature,
                           f"REVOKE EXECUTE ON {fn_sql(fn)} FROM {q(src)};")
        # dynamic SQL in a SECURITY DEFINER trigger function src fires
        for table, trigs in self.triggers.items():
            for t in trigs:
                fn = self.funcs.get(t.function)
                if fn is None or not fn.security_definer or fn.owner == src:
                    continue
                from ownaudit.audit.funcwrites import body_effects

                if not body_effects(fn).dynamic:
                    continue
                fired = self.firers(table, t.events).get(src)
                if fired:
                    ev = fired
                    yield Edge(src, fn.owner, "definer-dynamic",
                               f"{ev} on {table} fires trigger {t.name}: {t.function} SECURITY DEFINER, owner "
                               f"{fn.owner}, runs dynamic SQL (may do whatever its owner can)", f"{table}/{t.name}",
                               f"ALTER {fn_sql(fn)} SECURITY INVOKER;")
        # superuser-equivalent predefined roles
        if src in SERVER_PROGRAM_ROLES and self.super:
            su = sorted(self.super)[0]
            yield Edge(src, su, "server-program",
                       f"{src} runs programs or writes files as the server's operating-system user: "
                       f"superuser-equivalent", src, "")
        # user mappings into this database
        yield from self._mapping_edges(src)

    def _hijack(self, src: str, fn: FunctionInfo, unqualified: bool) -> str:
        """How ``src`` controls ``fn``'s name resolution, or ''."""
        path = None
        for c in fn.config:
            if c.lower().startswith("search_path="):
                path = [x.strip().strip('"') for x in c.split("=", 1)[1].split(",") if x.strip()]
        creatable = self._sched.creatable_schemas(src)
        temp = self._sched.can_temp(src)
        if path is None:
            if creatable:
                return (f"whose search_path is not pinned: it sets its own and puts schema "
                        f"{creatable[0]} (CREATE) first")
            if temp and unqualified:
                return "whose search_path is not pinned: pg_temp is searched first for the tables it names"
            return ""
        entries = [("pg_temp" if e.lower().startswith("pg_temp") else e) for e in path]
        for i, e in enumerate(entries):
            later = [x for x in entries[i + 1:] if x != "pg_temp"]
            if e in creatable and later:  # its objects shadow those of every later schema
                return f"whose search_path lists schema {e}, where it has CREATE, before {', '.join(later)}"
        if temp and unqualified and ("pg_temp" not in entries or entries[-1] != "pg_temp"):
            where = "not listed (searched first)" if "pg_temp" not in entries else "not last"
            return f"whose search_path has pg_temp {where} and whose body names tables without a schema"
        return ""

    def _mapping_edges(self, src: str) -> Iterator[Edge]:
        s = self.snapshot
        servers = {f.name: f for f in s.foreign_servers}
        for um in s.user_mappings:
            if um.user not in (src, PUBLIC) or (um.user == PUBLIC and src != PUBLIC):
                continue
            srv = servers.get(um.server)
            if srv is None or srv.wrapper != "postgres_fdw":
                continue
            host = srv.options.get("host", srv.options.get("hostaddr", "localhost"))
            if srv.options.get("dbname", s.server.database) != s.server.database or (host not in (
                    "localhost", "127.0.0.1", "::1", "") and not host.startswith("/")):
                continue
            target = um.remote_user if um.remote_user else None
            if target is None or target == src or s.role(target) is None:
                continue
            yield Edge(src, target, "user-mapping",
                       f"user mapping on postgres_fdw server {srv.name} (this database) logs in as {target}",
                       f"{srv.name}/{um.user}",
                       f"DROP USER MAPPING FOR {q(um.user)} SERVER {quote_ident(srv.name)};")

    # -- walking ----------------------------------------------------------------------
    def reached(self, role: str) -> list[_Reached]:
        """Roles ``role`` acts as through at least one code edge (shortest chains first)."""
        out: dict[str, _Reached] = {}
        queue: deque[tuple[str, tuple[str, ...], Edge | None, int, bool]] = deque([(role, (), None, 0, False)])
        while queue:
            node, prefix, first, depth, dyn = queue.popleft()
            if depth >= MAX_CODE_HOPS:
                continue
            reach = {PUBLIC: PUBLIC} if node == PUBLIC else self.roles.reachable(node)
            for via, chain in reach.items():
                if via in self.super and node not in self.super:
                    continue
                for e in self.edges_from(via):
                    if e.target == role or e.target in out:
                        continue
                    hop = e.segment(chain)
                    r = _Reached(e.target, (*prefix, hop), first or e, depth + 1,
                                 dyn or e.kind.endswith("dynamic"))
                    out[e.target] = r
                    queue.append((e.target, r.prefix, r.edge, r.depth, r.dynamic))
        return list(out.values())

    def paths(self, role: str) -> Iterator[ActsAsPath]:
        """Every (table, privilege) ``role`` reaches through code: one shortest chain per first code hop.

        What ``role`` can do by itself (its grants, memberships and ownerships) is left out: that is
        the ordinary access matrix, not a code path.
        """
        seen: set[tuple[str, str, str]] = set()
        own: set[tuple[str, str]] | None = None

        def fresh(p: ActsAsPath) -> bool:
            nonlocal own
            key = (p.table, p.privilege, p.edge.obj)
            if key in seen:
                return False
            if own is None:
                own = self._own(role)  # only when some path exists: most roles have none
            if (p.table, p.privilege) in own:
                return False
            seen.add(key)
            return True

        reached = self.reached(role)
        for r in reached:
            yield from filter(fresh, self._direct(r.role, r.prefix, r.edge, r.dynamic, role))
        starts: list[tuple[str, tuple[str, ...], Edge | None, bool]] = [(role, (), None, False)]
        starts += [(r.role, r.prefix, r.edge, r.dynamic) for r in reached]
        for actor, prefix, edge, dyn in starts:
            yield from filter(fresh, self._effects(role, actor, prefix, edge, dyn))
        yield from filter(fresh, self.container_paths(role))

    def _own(self, role: str) -> set[tuple[str, str]]:
        """(table, privilege) ``role`` holds without any code hop (not through PUBLIC for other roles)."""
        if role == PUBLIC:
            m = self.fire_matrix()
            cells = {t: m.cell(PUBLIC, t) for t in self.fire_tables(PUBLIC)}
        else:
            m = self.role_matrix(role)
            cells = {t: c for t in self.tables if (c := m.cells.get((role, t))) is not None}
        out: set[tuple[str, str]] = set()
        for table, cell in cells.items():
            for priv, paths in cell.paths.items():
                if any(not p.requires_set_role and p.via != "owner" for p in paths):
                    out.add((table, priv.value))
        if role != PUBLIC:
            inherit = self.roles.privileges_of(role)
            for t in self.tables:
                rel = self.rels.get(t)
                if rel is not None and rel.owner in inherit:
                    out.update((t, p) for p in (*DESTROY, *WRITES, "SELECT"))
        return out

    def _direct(self, actor: str, prefix: tuple[str, ...], edge: Edge, dyn: bool,
                role: str) -> Iterator[ActsAsPath]:
        """What ``actor`` can do itself, reached by ``role`` through ``prefix``."""
        m = self.role_matrix(actor)
        for table in sorted(self.tables):
            cell = m.cells.get((actor, table))
            if cell is None:
                continue
            for priv in (*WRITES, "SELECT"):
                paths = cell.paths.get(Privilege(priv), [])
                if not paths:
                    continue
                best = min(paths, key=lambda p: (p.requires_set_role, p.via == "public", len(p.hops)))
                yield ActsAsPath(role, table, priv, (*prefix, str(best)), actor, edge, dyn)
        for table, how in self._ownership(actor):
            for priv in DESTROY:
                yield ActsAsPath(role, table, priv, (*prefix, how, f"{priv} {table}"), actor, edge, dyn)

    def _ownership(self, actor: str) -> Iterator[tuple[str, str]]:
        inherit = self.roles.privileges_of(actor)
        for rel in (self.rels[t] for t in self.tables if t in self.rels):
            if rel.owner in inherit:
                yield rel.qualified, f"{inherit[rel.owner]} -[owner of {rel.qualified}]->"
        for sch in self.snapshot.schemas:
            if sch.owner in inherit:
                for t in self.schema_tables.get(sch.name, []):
                    yield t, f"{inherit[sch.owner]} -[owner of schema {sch.name}]->"

    def container_paths(self, role: str) -> Iterator[ActsAsPath]:
        """DROP/ALTER that ``role`` (or a role it inherits) holds by owning a schema or a type."""
        inherit = {PUBLIC: PUBLIC} if role == PUBLIC else dict(self.roles.privileges_of(role))
        dbo = self.snapshot.server.database_owner
        if dbo in inherit and "pg_database_owner" not in inherit:
            # the database owner is implicitly pg_database_owner, which owns public on PG15+
            inherit["pg_database_owner"] = f"{inherit[dbo]} -[database owner]-> pg_database_owner"
        for sch in self.snapshot.schemas:
            if sch.owner in inherit and sch.owner != PUBLIC:
                edge = Edge(role, sch.owner, "schema-owner", f"owner of schema {sch.name}", sch.name,
                            "")
                for t in self.schema_tables.get(sch.name, []):
                    rel = self.rels.get(t)
                    if rel is None or rel.owner in inherit:
                        continue
                    yield ActsAsPath(role, t, "DROP",
                                     (f"{inherit[sch.owner]} -[owner of schema {sch.name}]->", f"DROP {t}"),
                                     sch.owner, edge)
        for typ in self.snapshot.types:
            if typ.owner not in inherit:
                continue
            kind = "DOMAIN" if typ.kind == "d" else "TYPE"
            edge = Edge(role, typ.owner, "type-owner", f"owner of {kind.lower()} {typ.qualified}",
                        typ.qualified, "")
            for col in typ.columns:
                table, _, column = col.rpartition(".")
                rel = self.rels.get(table)
                if table not in self.tables or rel is None or rel.owner in inherit:
                    continue
                yield ActsAsPath(role, table, "ALTER",
                                 (f"{inherit[typ.owner]} -[owner of {kind.lower()} {typ.qualified}]->",
                                  f"DROP {kind} {typ.qualified} CASCADE drops column {column} of {table}"),
                                 typ.owner, edge)

    def _effects(self, role: str, actor: str, prefix: tuple[str, ...], edge: Edge | None, dyn: bool,
                 depth: int = 0) -> Iterator[ActsAsPath]:
        """Fixed writes the code on tables ``actor`` can write performs as someone else."""
        if depth > 2:
            return
        m = self.fire_matrix()
        own = actor == role and role != PUBLIC  # the role's own writes: PUBLIC's are reported as PUBLIC
        for table in self.fire_tables(actor):
            cell = m.cell(actor, table)
            held: list[str] = [p.value for p in cell.paths if p.value in (*WRITES, "SELECT")
                    and any(not x.requires_set_role and not (own and x.via == "public") for x in cell.paths[p])]
            yield from self._fire_code(role, actor, table, held, prefix, edge, dyn, depth)

    def _fire_code(self, role: str, actor: str, table: str, held: list[str], prefix: tuple[str, ...],
                   edge: Edge | None, dyn: bool, depth: int) -> Iterator[ActsAsPath]:
        from ownaudit.audit.funcwrites import body_effects, statement_effects

        rel = self.rels.get(table)
        for rule in self.rules.get(table, []):
            if rule.event not in held or rel is None:
                continue
            action = _rule_action(rule.definition)
            eff = statement_effects(action)
            e = edge or Edge(role, rel.owner, "rule", f"rule {rule.name}", f"{table}/{rule.name}",
                             f"DROP RULE {quote_ident(rule.name)} ON {qrel(table)};  -- if not intended")
            seg = f"{actor} -[{rule.event}]-> {table} -[rule {rule.name}{' (INSTEAD)' if rule.instead else ''}, " \
                  f"as owner {rel.owner}]->"
            for target, privs in self._resolve(eff.writes).items():
                for priv in privs:
                    if self.holds(rel.owner, target, priv):
                        yield ActsAsPath(role, target, priv, (*prefix, seg, f"{priv} on {target}"), rel.owner, e,
                                         dyn)
        for t in self.triggers.get(table, []):
            fn = self.funcs.get(t.function)
            if fn is None or not fn.security_definer or not set(t.events) & set(held):
                continue
            ev = next(x for x in t.events if x in held)
            eff = body_effects(fn)
            e = edge or Edge(role, fn.owner, "definer-trigger", f"trigger {t.name}", f"{table}/{t.name}",
                             f"ALTER {fn_sql(fn)} SECURITY INVOKER;  -- or make it write only its own hub's tables")
            seg = f"{actor} -[{ev}]-> {table} -[trigger {t.name}]-> {t.function} SECURITY DEFINER, owner {fn.owner} -"
            for target, privs in self._resolve(eff.writes).items():
                for priv in privs:
                    if self.holds(fn.owner, target, priv):
                        yield ActsAsPath(role, target, priv, (*prefix, f"{seg}[{priv}]-> {target}"), fn.owner, e,
                                         dyn)
        for child in self.children.get(table, []):
            reach = ("UPDATE", "DELETE", "TRUNCATE", "SELECT") + (("INSERT",) if child.is_partition else ())
            e = edge or Edge(role, actor, "inheritance",
                             f"{'partition' if child.is_partition else 'inherits'} {child.qualified}",
                             f"{table}>{child.qualified}",
                             f"ALTER TABLE {qrel(table)} DETACH PARTITION {qrel(child.qualified)};"
                             if child.is_partition else
                             f"ALTER TABLE {qrel(child.qualified)} NO INHERIT {qrel(table)};")
            for priv in held:
                if priv in reach and child.qualified in self.tables:
                    kind = "partition" if child.is_partition else "child (INHERITS)"
                    yield ActsAsPath(role, child.qualified, priv,
                                     (*prefix, f"{actor} -[{priv}]-> {table} -[{kind}]-> {priv} on {child.qualified}"),
                                     actor, e, dyn)

    def _resolve(self, writes: dict[tuple[str | None, str], frozenset[str]]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for (schema, name), privs in writes.items():
            names = [f"{schema}.{name}"] if schema else self.by_name.get(name, [])
            for n in names:
                if n in self.tables:
                    out.setdefault(n, set()).update(privs)
        return out


def _rule_action(definition: str) -> str:
    """The action statements of a ``pg_get_ruledef`` text (``DO [ALSO|INSTEAD] ...``)."""
    import re

    m = re.search(r"\bDO\s+(?:ALSO\s+|INSTEAD\s+)?(.*)$", definition, re.IGNORECASE | re.DOTALL)
    if not m:
        return ""
    body = m.group(1).strip().rstrip(";").strip()
    if body.startswith("(") and body.endswith(")"):
        body = body[1:-1]
    return body


class _lazy_object_access:
    """EXECUTE on functions, CREATE on schemas and TEMPORARY on the database, per role, on demand."""

    def __init__(self, snapshot: CatalogSnapshot) -> None:
        self.snapshot = snapshot
        self._exec: dict[str, set[str]] = {}
        self._create: dict[str, list[str]] = {}
        self._temp: dict[str, bool] = {}

    def can_execute(self, role: str, fn: FunctionInfo) -> bool:
        got = self._exec.get(role)
        if got is None:
            from ownaudit.catalog.effective import function_execute

            definers = [f.signature for f in self.snapshot.functions if f.security_definer]
            m = function_execute(self.snapshot, [role], definers)
            got = self._exec[role] = {o for (r, o), c in m.cells.items()
                                      if r == role and any(not p.requires_set_role
                                                           for p in c.paths.get("EXECUTE", []))}
        return fn.signature in got

    def creatable_schemas(self, role: str) -> list[str]:
        got = self._create.get(role)
        if got is None:
            from ownaudit.catalog.effective import schema_access

            m = schema_access(self.snapshot, [role])
            got = self._create[role] = sorted(o for (r, o), c in m.cells.items() if r == role and any(
                not p.requires_set_role for p in c.paths.get("CREATE", [])))
        return got

    def can_temp(self, role: str) -> bool:
        got = self._temp.get(role)
        if got is None:
            from ownaudit.catalog.effective import database_access

            m = database_access(self.snapshot, [role])
            got = self._temp[role] = any(not p.requires_set_role for c in m.cells.values()
                                         for p in c.paths.get("TEMPORARY", []))
        return got


def build_actsas(snapshot: CatalogSnapshot, tables: Iterable[str], *, matrix: AccessMatrix | None = None,
                 matrix_roles: Iterable[str] = ()) -> ActsAsGraph:
    """The acts-as graph of ``snapshot``; end effects count on ``tables`` (``schema.table``).

    ``matrix`` (optional) is an effective matrix the caller already has for ``matrix_roles`` over at
    least ``tables``: it is reused instead of recomputing those roles' privileges.
    """
    return ActsAsGraph(snapshot, frozenset(tables), known=matrix, known_roles=frozenset(matrix_roles))
