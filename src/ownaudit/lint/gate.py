"""Which SQL the linter could not check may still write a governed object.

"Could not analyse" must never read as "clean", but not every unparseable
statement is a threat: ``ANALYZE`` built with ``format()`` or a vendor
statement on an ungoverned schema touches nothing the policy protects. A
statement the linter could not check is a gate failure (LNT019, severity
``gate.unanalysable_governed`` in the policy, default high) when it *could*
write a governed object:

- dynamic SQL (``EXECUTE`` of a computed string) whose command is not visibly
  a read or maintenance statement;
- a write, DDL, grant or foreign key whose target name is built at run time,
  unless its schema is written literally and is wholly owned by the hub (or is
  not governed);
- an unparseable statement that names a governed schema the hub does not
  wholly own.

Everything else stays LNT011 (low) or LNT010 (medium, reads with a templated
name).
"""

from __future__ import annotations

import re

from ownaudit.findings import Finding
from ownaudit.lint import rules as R
from ownaudit.lint.names import is_placeholder
from ownaudit.lint.operations import DDL, FK, GRANT, UNANALYSABLE, WRITE, Operation
from ownaudit.lint.sqlsplit import scan
from ownaudit.policy.model import Policy

# Commands a dynamic statement may start with and still write nothing.
_READ_ONLY = frozenset({"SELECT", "ANALYZE", "VACUUM", "EXPLAIN", "SHOW", "NOTIFY", "LISTEN", "UNLISTEN",
                        "VALUES", "TABLE", "SET", "RESET", "DISCARD", "REINDEX"})
_LITERAL = re.compile(r"(?:E|e)?'((?:[^']|'')*)'|\$([A-Za-z_]\w*)?\$(.*?)\$\2\$", re.DOTALL)
_QUALIFIED = re.compile(r'(?<![\w$."])("?)([A-Za-z_][\w$]*)\1\s*\.\s*(?=["A-Za-z_%{*]|' + r"__ownaudit_ph)")
_WRITE_ACTIONS = (WRITE, DDL, GRANT, FK)


def _wholly_owned(policy: Policy, schema: str, hub: str) -> bool:
    spec = policy.schemas.get(schema)
    if spec is None or not spec.governed:
        return True  # nothing the policy protects lives there
    return spec.owner == hub and all(t.owner in (None, hub) for t in spec.tables.values())


def _statement_at(text: str, offset: int) -> str:
    """The statement that starts at ``offset`` (an EXECUTE inside a body ends at its own semicolon)."""
    rest = text[offset:]
    stmts = scan(rest, meta_commands=False).statements
    return rest[stmts[0][0] : stmts[0][1]] if stmts else rest


def _dynamic_reason(stmt: str) -> str | None:
    literals = [m.group(1) if m.group(1) is not None else (m.group(3) or "") for m in _LITERAL.finditer(stmt)]
    first = next((lit for lit in literals if lit.strip()), None)
    if first is None:
        return "dynamic SQL whose command is computed at run time may write any table"
    words = re.findall(r"[A-Za-z_]+", first)
    verb = words[0].upper() if words else ""
    if verb in _READ_ONLY and not (verb == "SELECT" and re.search(r"\bINTO\b", first, re.IGNORECASE)):
        return None
    return f"dynamic SQL starting {verb or first.strip()[:20]!r} may write a governed table"


def governed_risk(op: Operation, text: str, policy: Policy, hub: str) -> str | None:
    """Why an unchecked ``op`` (offsets into ``text``) could write a governed object, or None."""
    if op.action == UNANALYSABLE:
        stmt = _statement_at(text, op.offset) if op.statement == "EXECUTE" else text
        if op.statement == "EXECUTE" and "dynamic" in op.detail:
            return _dynamic_reason(stmt)
        for m in _QUALIFIED.finditer(stmt):
            schema = m.group(2) if m.group(1) else m.group(2).lower()  # unquoted names fold to lower case
            if schema in policy.schemas and not _wholly_owned(policy, schema, hub):
                return f"it names {schema}, a governed schema {hub} does not own"
        return None
    if op.action in _WRITE_ACTIONS and op.target is not None and op.target.placeholder:
        schema = op.target.schema
        if schema is None or is_placeholder(schema) or not _wholly_owned(policy, schema, hub):
            return "its target is built at run time and may be another hub's table"
    return None


def escalate(findings: list[Finding], op: Operation, text: str, policy: Policy, hub: str) -> None:
    """Turn LNT011/LNT010 findings of ``op`` into LNT019 when it could write a governed object."""
    targets = [f for f in findings if f.rule_id in (R.UNANALYSABLE.id, R.UNRESOLVED_TABLE.id)]
    if not targets:
        return
    why = governed_risk(op, text, policy, hub)
    if why is None:
        return
    rule = R.UNANALYSABLE_GOVERNED
    for f in targets:
        f.rule_id = rule.id
        f.title = rule.title
        f.severity = policy.gate.unanalysable_governed
        f.message = f"{f.message}; {why}"
