"""Role membership reachability the audit checks need (SET ROLE, inherited rights, ADMIN).

Small on purpose: the table access matrix with its paths comes from
``ownaudit.catalog.effective``; this answers the role-only questions
(which roles can R become, whose privileges does R use, does a policy role
apply to R) for schemas, sequences, functions and RLS policies.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from ownaudit.catalog.model import PUBLIC, AclItem, CatalogSnapshot, MembershipInfo


@dataclass
class RoleGraph:
    """Membership edges of a snapshot: ``member -> memberships`` (PG16 per-grant options)."""

    snapshot: CatalogSnapshot
    edges: dict[str, list[MembershipInfo]] = field(default_factory=dict)
    # Walks memoised per (role, edge kind): checks ask them per role x table, the answer is per role.
    _walks: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, snapshot: CatalogSnapshot) -> RoleGraph:
        g = cls(snapshot)
        for m in snapshot.memberships:
            g.edges.setdefault(m.member, []).append(m)
        return g

    def is_superuser(self, role: str) -> bool:
        info = self.snapshot.role(role)
        return bool(info and info.superuser)

    def _walk(self, role: str, follow: str) -> dict[str, str]:
        """Roles reachable from ``role`` over edges with option ``follow`` set, with the chain text.

        A copy of the memoised walk: callers may extend what they get.
        """
        got = self._walks.get((role, follow))
        if got is None:
            got = self._walks[(role, follow)] = self._bfs(role, follow)
        return dict(got)

    def _bfs(self, role: str, follow: str) -> dict[str, str]:
        seen: dict[str, str] = {role: role}
        queue = deque([role])
        while queue:
            cur = queue.popleft()
            for m in self.edges.get(cur, []):
                if follow == "inherit" and not m.inherit:
                    continue
                if follow == "set" and not m.set_option:
                    continue
                if m.role in seen:
                    continue
                opts = ", ".join(o for o, on in (("INHERIT", m.inherit), ("SET", m.set_option),
                                                 ("ADMIN", m.admin)) if on)
                seen[m.role] = f"{seen[cur]} -[member{', ' + opts if opts else ''}]-> {m.role}"
                queue.append(m.role)
        return seen

    def privileges_of(self, role: str) -> dict[str, str]:
        """Roles whose privileges ``role`` uses without SET ROLE (itself included), with the chain."""
        return self._walk(role, "inherit")

    def settable(self, role: str) -> dict[str, str]:
        """Roles ``role`` can SET ROLE to (itself included), with the chain."""
        if self.is_superuser(role):
            out = {r.name: f"{role} -[superuser]-> {r.name}" for r in self.snapshot.roles}
            out[role] = role
            return out
        return self._walk(role, "set")

    def reachable(self, role: str) -> dict[str, str]:
        """Every role whose rights ``role`` can use, inherited or after SET ROLE."""
        out = self.settable(role)
        for r, hops in self.privileges_of(role).items():
            out.setdefault(r, hops)
        return out

    def member_of_any(self, role: str) -> dict[str, str]:
        """Every role ``role`` is a member of, by any edge."""
        return self._walk(role, "any")

    def usable(self, role: str, acl: list[AclItem], owner: str, privilege: str,
               set_role: bool = False, include_public: bool = True) -> list[str]:
        """Paths by which ``role`` holds ``privilege`` on an object with ``acl`` and ``owner``.

        Without ``set_role`` only inherited rights count (what the role can do
        as it connects); with it, also rights reachable by SET ROLE.
        """
        if self.is_superuser(role):
            return [f"{role} -[superuser]-> {privilege}"]
        reach = self.reachable(role) if set_role else self.privileges_of(role)
        paths: list[str] = []
        for r, chain in reach.items():
            if r == owner:
                paths.append(f"{chain} -[owner]-> {privilege}")
            for item in acl:
                if item.privilege == privilege and item.grantee == r:
                    paths.append(f"{chain} -[grant]-> {privilege}")
        if include_public:
            for item in acl:
                if item.privilege == privilege and item.grantee == PUBLIC:
                    paths.append(f"{role} -[public]-> {privilege}")
        return paths
