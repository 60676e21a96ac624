"""The policy's expected access state: the same shape the catalog produces.

Turning the policy into an ``AccessState`` lets ``diff`` compare a policy
with a policy, a snapshot or a live database through one comparison.
"""

from __future__ import annotations

from ownaudit.access import AccessPath, AccessState, FkEdge, Membership, RlsPolicyState, RlsState
from ownaudit.policy.model import Policy, TableRef
from ownaudit.privileges import Privilege


def expected_state(policy: Policy, extra_tables: list[TableRef] | None = None) -> AccessState:
    """The access every declared table should grant, and to whom.

    ``extra_tables`` adds tables known from elsewhere (e.g. a catalog) that the
    policy covers only through their schema.
    """
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
        keypath = policy.table_keypath(ref)
        for role in policy.roles.values():
            for priv in policy.allowed_privileges(role.name, ref):
                why = _why(policy, role.hub, priv, ref)
                state.matrix.add(role.name, name, priv,
                                 AccessPath((f"{role.name} -[policy: {why}]-> {priv.value} on {name}",),
                                            via="policy"))
            for priv, cols in policy.allowed_column_privileges(role.name, ref).items():
                state.matrix.add(role.name, name, priv,
                                 AccessPath((f"{role.name} -[policy: column exception]-> {priv.value} "
                                             f"({', '.join(sorted(cols))}) on {name}",),
                                            via="policy", columns=tuple(sorted(cols))))
        if spec.rls is not None:
            state.rls[name] = RlsState(
                enabled=spec.rls.enabled,
                forced=spec.rls.forced,
                policies=[RlsPolicyState(p.name, p.command.upper(), tuple(sorted(p.roles)), p.permissive)
                          for p in spec.rls.policies],
            )
        del keypath
    for fk in policy.foreign_keys:
        state.foreign_keys.add(FkEdge(str(fk.child), tuple(fk.child_columns), str(fk.parent),
                                      tuple(fk.parent_columns), fk.on_delete, fk.on_update, fk.name))
    return state


def _why(policy: Policy, hub: str, priv: Privilege, ref: TableRef) -> str:
    spec = policy.table(ref)
    assert spec is not None
    if spec.owner == hub:
        return f"{hub} owns {ref}"
    if priv != Privilege.SELECT and any(w.hub == hub for w in spec.writers):
        return f"{hub} is an extra writer of {ref}"
    return f"{hub} reads {ref}"
