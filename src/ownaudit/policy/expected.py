"""The policy's meaning, compiled once: the expected state every command reads.

``ExpectedState`` asks the ``Policy`` its query methods once per (role,
listed table) and once per (role, schema) for every table the schema governs
without listing it, and keeps the answers in dictionaries: the audit checks,
the plan's remedies, ``diff`` and ``policy show`` all look up the same answers
in constant time and never re-read policy keys themselves.

``expected_state`` turns it into an ``AccessState``, the shape the catalog side
(``ownaudit.catalog.effective.effective_state``) has, so ``diff`` compares a
policy with a policy, a snapshot or a live database through one comparison.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ownaudit.access import AccessPath, AccessState, FkEdge, Membership, RlsPolicyState, RlsState
from ownaudit.policy.model import Policy, TableRef
from ownaudit.privileges import WRITE, Privilege

# A name no real table has: asks the policy about a schema's unlisted (and future) tables.
UNLISTED = "\x00unlisted table"

_NO_COLUMNS: dict[Privilege, frozenset[str]] = {}


@dataclass(frozen=True)
class TableAccess:
    """What one role may hold on one relation: table-level privileges and column exceptions."""

    table: frozenset[Privilege] = frozenset()
    columns: dict[Privilege, frozenset[str]] = field(default_factory=dict, hash=False)

    def __bool__(self) -> bool:
        return bool(self.table or self.columns)


_NOTHING = TableAccess()


class ExpectedState:
    """What the policy allows, per (role, table), (role, schema), (hub, table) and sequence.

    Lookups for a listed table are exact; any other table of a governed schema
    gets its schema's answer (that is what the policy says about it). Tables of
    schemas the policy does not govern get nothing, as ``Policy.table`` does.
    """

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        roles = list(policy.roles)
        self._listed: dict[tuple[str, str, str], TableAccess] = {}
        self._schema: dict[tuple[str, str], TableAccess] = {}
        self._hub_listed: dict[tuple[str, str, str], frozenset[Privilege]] = {}
        self._hub_schema: dict[tuple[str, str], frozenset[Privilege]] = {}
        self._usage: dict[str, set[str]] = {}  # schema -> roles that need USAGE on it
        hubs = list(policy.hubs)
        for sname, schema in policy.schemas.items():
            usage = self._usage.setdefault(sname, set())
            refs: list[TableRef] = [TableRef(sname, t) for t in schema.tables]
            if schema.governed:
                refs.append(TableRef(sname, UNLISTED))
            for ref in refs:
                unlisted = ref.name == UNLISTED
                for role in roles:
                    got = TableAccess(policy.allowed_privileges(role, ref),
                                      policy.allowed_column_privileges(role, ref))
                    if got:
                        usage.add(role)
                        if unlisted:
                            self._schema[(role, sname)] = got
                        else:
                            self._listed[(role, sname, ref.name)] = got
                for hub in hubs:
                    privs = self._hub_privileges(hub, ref)
                    if privs:
                        if unlisted:
                            self._hub_schema[(hub, sname)] = privs
                        else:
                            self._hub_listed[(hub, sname, ref.name)] = privs

    def _hub_privileges(self, hub: str, ref: TableRef) -> frozenset[Privilege]:
        out: set[Privilege] = set()
        if hub in self.policy.reader_hubs(ref):
            out.add(Privilege.SELECT)
        out.update(self.policy.writer_hubs(ref).get(hub, frozenset()))
        return frozenset(out)

    # -- lookups ------------------------------------------------------------------
    def _listed_in(self, ref: TableRef) -> bool:
        schema = self.policy.schemas.get(ref.schema)
        return schema is not None and ref.name in schema.tables

    def access(self, role: str, ref: TableRef) -> TableAccess:
        """What ``role`` may hold on ``ref`` (a listed table, or any table of a governed schema)."""
        if self._listed_in(ref):
            return self._listed.get((role, ref.schema, ref.name), _NOTHING)
        return self._schema.get((role, ref.schema), _NOTHING)

    def table(self, role: str, ref: TableRef) -> frozenset[Privilege]:
        """Table-level privileges ``role`` may hold on ``ref``."""
        return self.access(role, ref).table

    def columns(self, role: str, ref: TableRef) -> dict[Privilege, frozenset[str]]:
        """Column exceptions: privilege -> columns ``role`` may use without the table-level privilege."""
        return self.access(role, ref).columns or _NO_COLUMNS

    def schema_table(self, role: str, schema: str) -> frozenset[Privilege]:
        """What ``role`` may hold on the schema's unlisted and future tables (default privileges)."""
        got = self._schema.get((role, schema))
        return got.table if got else frozenset()

    def hub_table(self, hub: str, ref: TableRef) -> frozenset[Privilege]:
        """What code of ``hub`` may do to ``ref`` (read, and the writes its entries give it)."""
        if self._listed_in(ref):
            return self._hub_listed.get((hub, ref.schema, ref.name), frozenset())
        return self._hub_schema.get((hub, ref.schema), frozenset())

    def hub_writes(self, hub: str | None, ref: TableRef) -> bool:
        """Whether the policy lets ``hub`` write ``ref`` at all (not a cross-hub write)."""
        return hub is not None and bool(self.hub_table(hub, ref) & WRITE)

    def needs_usage(self, role: str, schema: str) -> bool:
        """Whether ``role`` holds something in ``schema`` and therefore needs USAGE on it."""
        return role in self._usage.get(schema, ())

    def may_create(self, role: str, schema: str) -> bool:
        """CREATE on a schema belongs to the roles of its owning hub (never on public)."""
        spec = self.policy.schemas.get(schema)
        hub = self.policy.hub_of_role(role)
        return spec is not None and spec.owner is not None and hub == spec.owner and schema != "public"

    def sequence(self, role: str, ref: TableRef) -> frozenset[str]:
        """Privileges ``role`` holds on the sequences of ``ref``'s columns: the schema's
        ``sequence_privileges`` when it may INSERT the table, else none."""
        if Privilege.INSERT not in self.table(role, ref):
            return frozenset()
        return self.sequence_privileges(ref.schema)

    def schema_sequence(self, role: str, schema: str) -> frozenset[str]:
        """Sequence privileges future sequences in ``schema`` should give ``role``."""
        if Privilege.INSERT not in self.schema_table(role, schema):
            return frozenset()
        return self.sequence_privileges(schema)

    def sequence_privileges(self, schema: str) -> frozenset[str]:
        spec = self.policy.schemas.get(schema)
        return spec.sequence_privileges if spec is not None else frozenset({"USAGE"})

    def may_execute_definer(self, role: str, written: list[TableRef]) -> bool:
        """A SECURITY DEFINER function that writes ``written`` may run for roles that may write them all."""
        return bool(written) and all(self.table(role, ref) & WRITE for ref in written)


def compile_expected(policy: Policy) -> ExpectedState:
    """The policy's expected state, compiled once (cached on the policy object)."""
    cached = policy.__dict__.get("_expected_state")
    if isinstance(cached, ExpectedState) and cached.policy is policy:
        return cached
    state = ExpectedState(policy)
    policy.__dict__["_expected_state"] = state
    return state


def expected_state(policy: Policy, extra_tables: list[TableRef] | None = None) -> AccessState:
    """The access every declared table should grant, and to whom, as an ``AccessState``.

    ``extra_tables`` adds tables known from elsewhere (e.g. a catalog) that the
    policy covers only through their schema.
    """
    exp = compile_expected(policy)
    state = AccessState(source=f"policy {policy.path}", kind="policy")
    refs = [t.ref for t in policy.tables()]
    seen = set(refs)  # a set: extra_tables may hold every table of a large catalog
    for ref in extra_tables or []:
        if ref not in seen and policy.table(ref) is not None:
            refs.append(ref)
            seen.add(ref)
    for role in policy.roles.values():
        state.role_hubs[role.name] = role.hub
        state.role_attributes[role.name] = frozenset()
        for parent in role.member_of:
            state.memberships.add(Membership(member=role.name, role=parent))
    for ref in refs:
        spec = policy.table(ref)
        assert spec is not None
        name = str(ref)
        state.tables.add(name)
        state.table_hubs[name] = spec.owner
        owner_role = policy.expected_owner_role(ref)
        if owner_role:
            state.table_owners[name] = owner_role
        for role in policy.roles.values():
            got = exp.access(role.name, ref)
            for priv in got.table:
                why = _why(policy, role.hub, priv, ref)
                state.matrix.add(role.name, name, priv,
                                 AccessPath((f"{role.name} -[policy: {why}]-> {priv.value} on {name}",),
                                            via="policy"))
            for priv, cols in got.columns.items():
                state.matrix.add(role.name, name, priv,
                                 AccessPath((f"{role.name} -[policy: column exception]-> {priv.value} "
                                             f"({', '.join(sorted(cols))}) on {name}",),
                                            via="policy", columns=tuple(sorted(cols))))
        for hub in policy.hubs:
            privs = exp.hub_table(hub, ref)
            if privs:
                state.hub_access[(hub, name)] = privs
        if spec.rls is not None:
            state.rls[name] = RlsState(
                enabled=spec.rls.enabled,
                forced=spec.rls.forced,
                policies=[RlsPolicyState(p.name, p.command.upper(), tuple(sorted(p.roles)), p.permissive)
                          for p in spec.rls.policies],
            )
    _objects(policy, exp, state)
    for fk in policy.foreign_keys:
        state.foreign_keys.add(FkEdge(str(fk.child), tuple(fk.child_columns), str(fk.parent),
                                      tuple(fk.parent_columns), fk.on_delete, fk.on_update, fk.name))
    return state


def _objects(policy: Policy, exp: ExpectedState, state: AccessState) -> None:
    """Schema privileges and default privileges the policy implies, per schema."""
    creator_default = policy.database.owner_role
    for sname, spec in policy.schemas.items():
        for role in policy.roles:
            privs: set[str] = set()
            if exp.needs_usage(role, sname):
                privs.add("USAGE")
            if privs:
                state.schema_privileges[(role, sname)] = frozenset(privs)
        if not spec.governed:
            continue
        creator = spec.owner_role or creator_default
        if not creator:
            continue
        for role in policy.roles:
            tables = frozenset(p.value for p in exp.schema_table(role, sname))
            if tables:
                state.default_privileges[(creator, sname, "table", role)] = tables
            seqs = exp.schema_sequence(role, sname)
            if seqs:
                state.default_privileges[(creator, sname, "sequence", role)] = seqs


def _why(policy: Policy, hub: str, priv: Privilege, ref: TableRef) -> str:
    spec = policy.table(ref)
    assert spec is not None
    if spec.owner == hub:
        return f"{hub} owns {ref}"
    if priv != Privilege.SELECT and any(w.hub == hub for w in spec.writers):
        return f"{hub} is an extra writer of {ref}"
    return f"{hub} reads {ref}"
