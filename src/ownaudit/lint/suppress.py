"""Inline suppressions: ``-- ownaudit: ignore[RULE-ID] reason`` (``#`` in Python, ``//`` in JS/TS).

A suppression covers findings on its own line and on the next line. One
without a reason, or one that suppresses nothing, is itself reported, so a
suppression can never hide a problem quietly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_COMMENT = re.compile(
    r"(?:--|#|//|/\*)\s*ownaudit:\s*ignore(?:\[(?P<rules>[^\]]*)\])?(?P<reason>[^\n]*)", re.IGNORECASE
)


@dataclass
class Suppression:
    line: int
    column: int
    rules: frozenset[str]  # upper-case rule ids; "*" = every rule
    reason: str
    used: bool = False
    hits: list[str] = field(default_factory=list)

    def covers(self, rule_id: str, line: int) -> bool:
        return line in (self.line, self.line + 1) and ("*" in self.rules or rule_id.upper() in self.rules)


def find_suppressions(text: str) -> list[Suppression]:
    out: list[Suppression] = []
    if "ownaudit" not in text:
        return out
    for lineno, line in enumerate(text.split("\n"), start=1):
        m = _COMMENT.search(line)
        if m is None:
            continue
        rules = frozenset(r.strip().upper() for r in (m.group("rules") or "").split(",") if r.strip())
        reason = m.group("reason").strip().rstrip("*/").strip().lstrip(":-— ").strip()
        out.append(Suppression(lineno, m.start() + 1, rules, reason))
    return out
