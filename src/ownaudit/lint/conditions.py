"""Conditional column exceptions: does a statement's WHERE require the policy's condition?

A column exception with ``condition: "outreach_id IS NULL"`` lets a hub set a
write-once pointer only where it is still NULL. The linter accepts an UPDATE
when every conjunct of the condition is a top-level ``AND`` conjunct of the
statement's WHERE (compared as normalised SQL, table qualifiers ignored), and
when it does not assign NULL to the write-once column (that clears it). Anything
it cannot verify (no SQL text, a parse failure, a client call) is a violation:
fail closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Verdict:
    ok: bool
    why: str


def _sqlglot() -> Any:
    import sqlglot

    return sqlglot


def parse_condition(text: str) -> tuple[Any | None, str | None]:
    """(the condition's expression, or None and a one-line error)."""
    sqlglot = _sqlglot()
    from sqlglot import exp

    try:
        stmt = sqlglot.parse_one(f"SELECT 1 WHERE {text}", read="postgres")
    except Exception as exc:  # sqlglot raises ParseError and TokenError
        return None, " ".join(str(exc).split())[:160]
    where = stmt.args.get("where") if isinstance(stmt, exp.Select) else None
    if where is None:
        return None, "expected a boolean SQL expression"
    return where.this, None


def _conjuncts(node: Any) -> list[Any]:
    from sqlglot import exp

    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.And):
        return _conjuncts(node.left) + _conjuncts(node.right)
    return [node]


def _norm(node: Any) -> str:
    from sqlglot import exp

    node = node.copy()
    for col in node.find_all(exp.Column):
        col.set("table", None)
        col.set("db", None)
    return str(node.sql(dialect="postgres", normalize=True)).lower()


def check_condition(condition: str, statement: str | None, write_once: str | None = None) -> Verdict:
    """Whether ``statement`` (an UPDATE or DELETE) requires ``condition`` and keeps a write-once column set."""
    if not statement:
        return Verdict(False, f"the condition {condition!r} cannot be checked without the statement's SQL")
    cond, err = parse_condition(condition)
    if cond is None:
        return Verdict(False, f"the policy's condition does not parse ({err})")
    sqlglot = _sqlglot()
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(statement, read="postgres")
    except Exception:
        return Verdict(False, f"the statement could not be parsed to check the condition {condition!r}")
    if not isinstance(tree, (exp.Update, exp.Delete)):
        return Verdict(False, f"only an UPDATE or DELETE can satisfy the condition {condition!r}")
    if write_once is not None and isinstance(tree, exp.Update):
        for assign in tree.expressions:
            target = assign.this if isinstance(assign, exp.EQ) else None
            if isinstance(target, exp.Column) and target.name.lower() == write_once and isinstance(
                    assign.expression, exp.Null):
                return Verdict(False, f"sets {write_once} = NULL: the exception lets it be set once, never cleared")
    where = tree.args.get("where")
    if where is None:
        return Verdict(False, f"has no WHERE; the exception requires {condition!r}")
    have = {_norm(c) for c in _conjuncts(where.this)}
    missing = [c for c in _conjuncts(cond) if _norm(c) not in have]
    if missing:
        shown = " AND ".join(m.sql(dialect="postgres") for m in missing)
        return Verdict(False, f"its WHERE does not require {shown} (the exception's condition)")
    return Verdict(True, f"its WHERE requires {condition}")
