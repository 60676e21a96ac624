"""A convergence plan: ordered SQL steps plus the items only a human can decide.

Steps carry a phase so the script runs in a safe order (owners first, then
memberships, revokes, grants, defaults, RLS, role attributes) whatever order
the builder found them in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Phase order of the script; lower runs first.
PHASES: dict[str, int] = {
    "owner": 10,
    "membership": 20,
    "revoke": 30,
    "grant": 40,
    "default-privileges": 50,
    "rls-policy": 60,
    "rls": 70,
    "role-attribute": 80,
}


@dataclass(frozen=True)
class Step:
    """One SQL statement (or a short SET ROLE block) and why it is needed."""

    kind: str  # a key of PHASES
    sql: str
    why: str
    object: str = ""
    fixes: tuple[str, ...] = ()  # audit rule ids this step resolves

    @property
    def phase(self) -> int:
        return PHASES.get(self.kind, 99)


@dataclass
class Plan:
    """Everything ``ownaudit plan`` prints: SQL steps and needs-a-human notes."""

    steps: list[Step] = field(default_factory=list)
    manual: list[str] = field(default_factory=list)

    def add(self, kind: str, sql: str, why: str, obj: str = "", fixes: tuple[str, ...] = ()) -> None:
        step = Step(kind, sql, why, obj, fixes)
        if step not in self.steps:
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

    def fixes(self) -> set[str]:
        return {r for s in self.steps for r in s.fixes}
