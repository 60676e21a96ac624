"""Draft a validated ``ownership.yaml`` from a catalog, baselining what it cannot express.

The draft must validate and audit its own database with no unsuppressed
finding, so a team starts from zero drift: after inferring the matrix, the
audit runs on the draft and any remaining finding (a hazard no ownership entry
can express, such as RLS hiding rows) becomes a time-boxed exception marked
``TODO confirm``.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from ownaudit.catalog.model import CatalogSnapshot
from ownaudit.draft.infer import infer
from ownaudit.draft.yamlwrite import Baseline, render_yaml

EXPIRED_EXCEPTION_RULE = "AUD110"


@dataclass
class Draft:
    text: str
    notes: list[str] = field(default_factory=list)
    baselined: list[Baseline] = field(default_factory=list)


def draft_policy(
    snapshot: CatalogSnapshot,
    *,
    source: str,
    host: str | None = None,
    baseline: bool = True,
    today: _dt.date | None = None,
    label: str = "<draft ownership.yaml>",
) -> Draft:
    """The policy text for ``snapshot``; validated (a ``PolicyError`` here is a bug in the drafter)."""
    from ownaudit.policy.loader import load_policy_text

    inferred = infer(snapshot)
    today = today or _dt.date.today()
    text = render_yaml(inferred, snapshot, source=source, host=host, today=today)
    policy = load_policy_text(text, label)
    found: list[Baseline] = []
    if baseline:
        from ownaudit.audit.engine import run_audit

        result = run_audit(policy, snapshot, today=today)
        seen: set[tuple[str, str, str | None]] = set()
        # One exception per object, never a schema-wide pattern: a table added later is audited.
        for f in (m for found_f in result.findings for m in found_f.members()):
            key = (f.rule_id, f.object, f.role if f.role in policy.roles else None)
            if f.suppressed or f.rule_id == EXPIRED_EXCEPTION_RULE or key in seen:
                continue
            seen.add(key)
            role = f.role if f.role in policy.roles else None
            found.append(Baseline(f.rule_id, f.object, role, f.title))
        if found:
            text = render_yaml(inferred, snapshot, source=source, host=host, baseline=found, today=today)
            load_policy_text(text, label)
    return Draft(text, inferred.notes, found)
