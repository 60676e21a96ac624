"""Governed relations in classes of identical access: the unit a rule judges once, not per table.

Two relations of one schema that the policy does not list individually, with the
same owner, ACL, column ACLs and relkind, get the same effective cells from
``ownaudit.catalog.effective`` (only the relation's name at the end of each path
differs) and the same answers from ``ExpectedState``. A rule whose verdict for a
(role, relation) depends only on those inputs (plus what the rule adds to the key,
such as a relation's RLS flags and policies) reaches the same verdict for every
member of a class: it asks the first member, and visits the others only when that
verdict is a finding. A listed table is a class of its own (the policy may say
something about it alone).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

from ownaudit.audit.context import AuditContext, Governed
from ownaudit.catalog.model import AclItem, RelationInfo


def _acl(items: Iterable[AclItem]) -> tuple[tuple[str, str, str, bool], ...]:
    return tuple((i.grantee, i.grantor, i.privilege, i.grantable) for i in items)


def access_signature(rel: RelationInfo) -> tuple[object, ...]:
    """What the effective matrix reads of a relation besides its name: owner, ACL, column ACLs."""
    return (rel.owner, _acl(rel.acl), tuple((c.name, _acl(c.acl)) for c in rel.columns if c.acl))


def base_key(ctx: AuditContext, g: Governed) -> tuple[object, ...]:
    """Effective access and expected access of ``g``: equal keys, equal cells and equal policy answers."""
    got = ctx._class_keys.get(g.name)
    if got is None:
        got = ctx._class_keys[g.name] = _base_key(ctx, g)
    return got


def _base_key(ctx: AuditContext, g: Governed) -> tuple[object, ...]:
    schema = ctx.policy.schemas.get(g.ref.schema)
    listed = g.ref.name if schema is not None and g.ref.name in schema.tables else None
    # Signatures are interned as small numbers: the key is hashed again by every rule that groups.
    sigs = ctx._signatures
    sig = sigs.setdefault(access_signature(g.rel), len(sigs))
    return (g.rel.relkind, g.rel.is_partition, g.rel.schema, g.ref.schema, listed, sig)


@dataclass(frozen=True)
class TableClass:
    """Governed relations a rule judges alike; ``members`` in catalog order."""

    key: tuple[object, ...]
    members: tuple[Governed, ...]
    positions: tuple[int, ...]  # of the members in the sequence the classes were made from

    @property
    def first(self) -> Governed:
        return self.members[0]


def table_classes(ctx: AuditContext, governed: Iterable[Governed],
                  extra: Callable[[Governed], Hashable] | None = None) -> list[TableClass]:
    """``governed`` grouped by ``base_key`` (and ``extra``), classes ordered by their first member."""
    groups: dict[tuple[object, ...], list[tuple[int, Governed]]] = {}
    for i, g in enumerate(governed):
        key = base_key(ctx, g)
        if extra is not None:
            key = (*key, extra(g))
        groups.setdefault(key, []).append((i, g))
    return [TableClass(k, tuple(g for _, g in v), tuple(i for i, _ in v)) for k, v in groups.items()]

