"""Root causes: which findings one change fixes.

One membership (``cl_writer`` member of ``outreach_writer``) gives write access to
every table the other role may write, so the audit reports one finding per table.
They share a root cause: the first hop of their evidence paths, the hop a revoke
cuts. Reports show the cause once, its consequences under it, and the one fix.

A cause is a stable string (the same across runs and wordings): the hop as the
paths print it, without the privilege, e.g. ``cl_writer -[member]-> outreach_writer``
or ``ui_reader -[grant]-> outreach.people``. A finding whose evidence is not
entirely access paths (a missing grant, an RLS policy, a lint hit) is its own cause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ownaudit.findings import Finding, Severity

_HOP = re.compile(r" -\[([^\]]*)\]-> ")
_PRIV_ON = re.compile(r"^[A-Z][A-Z_ ]*? on (.+)$")


def first_hop(path: str) -> str | None:
    """``src -[kind]-> target`` of the first hop, the privilege dropped; None when not a path."""
    parts = _HOP.split(path.strip() + " ", maxsplit=1)
    if len(parts) < 3:
        return None
    src, label, rest = parts[0].strip(), parts[1].strip(), parts[2].strip()
    kind = label.split(",")[0].strip().lower()
    if not src or not kind:
        return None
    if kind.startswith("member"):
        return f"{src} -[member]-> {rest.split(' -[')[0].strip()}"
    target = rest.split(" -[")[0].strip()
    m = _PRIV_ON.match(target)
    obj = m.group(1) if m else target
    return f"{src} -[{kind}]-> {obj}".rstrip()


def derive(evidence: list[str]) -> str | None:
    """The cause shared by every evidence path, or None when some line is not a path."""
    hops = set()
    for line in evidence:
        hop = first_hop(line)
        if hop is None:
            return None
        hops.add(hop)
    return " + ".join(sorted(hops)) if hops else None


def describe(cause: str) -> str:
    """The cause as a sentence: 'cl_writer is a member of outreach_writer'."""
    parts = []
    for hop in cause.split(" + "):
        m = re.match(r"^(.*?) -\[([^\]]*)\]-> (.*)$", hop)
        if not m:
            return cause
        src, kind, dst = m.groups()
        if kind == "member":
            parts.append(f"{src} is a member of {dst}")
        elif kind in ("grant", "public"):
            parts.append(f"{src} holds a direct grant on {dst}")
        elif kind == "owner":
            parts.append(f"{src} owns {dst}")
        elif kind == "superuser":
            parts.append(f"{src} is a superuser")
        else:
            parts.append(f"{src} -[{kind}]-> {dst}")
    return "; ".join(parts)


@dataclass
class CauseGroup:
    """One root cause and the findings it produces (most serious first)."""

    cause: str
    findings: list[Finding]

    @property
    def severity(self) -> Severity:
        return max((f.severity for f in self.findings), key=lambda s: s.rank)

    @property
    def shared(self) -> bool:
        """More than one finding: the cause is worth naming on its own."""
        return len(self.findings) > 1

    @property
    def label(self) -> str:
        if self.shared or self.cause != self.findings[0].key:
            return describe(self.cause)
        return self.findings[0].title or self.findings[0].message

    @property
    def fixes(self) -> list[str]:
        """The distinct fix SQL of the group, in order: one entry when one change fixes all."""
        out: list[str] = []
        for f in self.findings:
            sql = (f.fix_sql or "").strip()
            if sql and sql not in out:
                out.append(sql)
        return out


def group(findings: list[Finding]) -> list[CauseGroup]:
    """Findings by root cause: worst severity first, then the larger group, then stable order."""
    from ownaudit.findings import sort_findings

    by: dict[str, list[Finding]] = {}
    for f in sort_findings(findings):
        by.setdefault(f.root_cause, []).append(f)
    groups = [CauseGroup(c, fs) for c, fs in by.items()]
    order = {id(g): i for i, g in enumerate(groups)}
    groups.sort(key=lambda g: (-g.severity.rank, -len(g.findings), order[id(g)]))
    return groups
