"""A convergence plan: ordered SQL steps plus the items only a human can decide.

Steps carry a phase so the script runs in a safe order (owners first, then
memberships, revokes, grants, functions and views, defaults, RLS, role
attributes, foreign keys) whatever order the remedies came in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Phase order of the script; lower runs first.
PHASES: dict[str, int] = {
    "owner": 10,
    "membership": 20,
    "revoke": 30,
    "grant": 40,
    "function": 45,
    "view": 47,
    "default-privileges": 50,
    "rls-policy": 60,
    "rls": 70,
    "role-attribute": 80,
    "foreign-key": 90,
}

# (object, privilege, role): an ACL entry a step revokes from ``role`` (with CASCADE), or needs ``role`` to hold.
AclKey = tuple[str, str, str]


@dataclass(frozen=True)
class Step:
    """One SQL statement (or a short SET ROLE block) and why it is needed."""

    kind: str  # a key of PHASES
    sql: str
    why: str
    object: str = ""
    fixes: tuple[str, ...] = ()  # audit rule ids this step resolves
    after: tuple[AclKey, ...] = ()  # runs as these grantors: moot once their grant options are revoked
    cascades: tuple[AclKey, ...] = ()  # grant options (and what was granted with them) this step revokes

    @property
    def phase(self) -> int:
        return PHASES.get(self.kind, 99)


@dataclass
class Plan:
    """Everything ``ownaudit plan`` prints: SQL steps and needs-a-human notes.

    ``fixed`` holds the identity keys of the findings the steps resolve;
    ``noted`` those left to a human.
    """

    steps: list[Step] = field(default_factory=list)
    manual: list[str] = field(default_factory=list)
    fixed: set[str] = field(default_factory=set)
    noted: set[str] = field(default_factory=set)
    _by_sql: dict[str, int] = field(default_factory=dict, repr=False)

    def add(self, kind: str, sql: str, why: str, obj: str = "", fixes: tuple[str, ...] = ()) -> None:
        self.add_step(Step(kind, sql, why, obj, fixes))

    def add_step(self, step: Step) -> None:
        """Add ``step``; the same SQL twice is one step that fixes the union of both rule lists."""
        i = self._by_sql.get(step.sql)
        if i is not None:
            s = self.steps[i]
            fixes = tuple(dict.fromkeys(s.fixes + step.fixes))
            self.steps[i] = Step(s.kind, s.sql, s.why, s.object, fixes, s.after, s.cascades)
            return
        self._by_sql[step.sql] = len(self.steps)
        self.steps.append(step)

    def note(self, text: str) -> None:
        if text not in self.manual:
            self.manual.append(text)

    def ordered(self) -> list[Step]:
        """Steps in script order (stable within a phase)."""
        return sorted(self.steps, key=lambda s: s.phase)

    @property
    def empty(self) -> bool:
        """True when no SQL is needed (needs-a-human notes may remain)."""
        return not self.steps

    @property
    def nothing_to_do(self) -> bool:
        """True when there is neither SQL nor a note: the audit had nothing to report."""
        return not self.steps and not self.manual

    def fixes(self) -> set[str]:
        return {r for s in self.steps for r in s.fixes}
