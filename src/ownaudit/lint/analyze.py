"""One SQL statement -> the list of ``Operation`` it performs.

Statements sqlglot cannot represent (it returns a bare ``exp.Command``) and
statements that are cheaper to read from tokens (GRANT, ALTER TABLE, CREATE
POLICY, DO, CREATE FUNCTION, ...) go to ``commandforms``; the rest are parsed
with sqlglot and walked. Every exception sqlglot raises is caught per
statement and becomes an ``unanalysable`` operation: never a crash, never a
silent pass.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from ownaudit.lint import commandforms
from ownaudit.lint.names import fold, is_placeholder
from ownaudit.lint.operations import (
    DDL,
    FK,
    READ,
    TEMP_TABLE,
    UNANALYSABLE,
    WRITE,
    Name,
    Operation,
)
from ownaudit.lint.sqlsplit import mask, scan
from ownaudit.lint.tokens import tokenize
from ownaudit.privileges import Privilege

logging.getLogger("sqlglot").setLevel(logging.CRITICAL)

MAX_DEPTH = 8
MAX_STATEMENT_CHARS = 1_000_000
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_FIRST_WORD = re.compile(r"\s*\(*\s*([A-Za-z]+)")

_exp: Any = None
_PARSE: Any = None


def _sqlglot() -> Any:
    """Import sqlglot on first use (keeps ``import ownaudit.lint`` cheap)."""
    global _exp
    if _exp is None:
        import sqlglot
        from sqlglot import exp

        _exp = (sqlglot, exp)
        _init_interesting(exp)
    return _exp


def parse_postgres(text: str) -> Any:
    """``sqlglot.parse_one(text, read="postgres")`` with one tokenizer and parser kept for the process.

    ``parse_one`` builds a dialect lookup, a tokenizer and a parser for every
    statement, about a quarter of the parse's cost; both reset per call, so the
    trees (and the errors raised) are the same.
    """
    global _PARSE
    if _PARSE is None:
        _, exp = _sqlglot()
        from sqlglot.dialects.dialect import Dialect
        from sqlglot.errors import ParseError

        dialect = Dialect.get_or_raise("postgres")
        _PARSE = (dialect.tokenizer(), dialect.parser(), exp.Block, ParseError)
    tokenizer, parser, block, parse_error = _PARSE
    result = parser.parse(tokenizer.tokenize(text), text)
    if not result or result[0] is None:
        raise parse_error(f"No expression was parsed from '{text}'")
    return block(expressions=result) if len(result) > 1 else result[0]


def analyze_statement(text: str, *, plpgsql: bool = False, depth: int = 0) -> list[Operation]:
    """Operations of one statement; offsets are into ``text``. Never raises."""
    try:
        if len(text) > MAX_STATEMENT_CHARS:
            return [Operation(UNANALYSABLE, _kind_word(text), 0, detail="statement longer than 1,000,000 characters")]
        return _analyze(text, plpgsql, depth)
    except RecursionError:
        return [Operation(UNANALYSABLE, _kind_word(text), 0, detail="statement nested too deeply")]
    except Exception as exc:  # the analyser must never take the run down
        return [Operation(UNANALYSABLE, _kind_word(text), 0, detail=f"analyser error: {type(exc).__name__}")]


def _kind_word(text: str) -> str:
    m = _FIRST_WORD.match(text)
    return m.group(1).upper() if m else "?"


# Statements read from tokens without asking sqlglot first (it would return a Command or we need no tree).
_TOKEN_FORM = re.compile(
    r"\s*(?:(?:--[^\n]*\n|/\*.*?\*/)\s*)*(?:\\copy|"
    r"GRANT|REVOKE|DO|SET|LOCK|REFRESH|BEGIN|START|COMMIT|END|ROLLBACK|ABORT|SAVEPOINT|RELEASE|RESET|SHOW|"
    r"LISTEN|NOTIFY|UNLISTEN|DISCARD|DEALLOCATE|CHECKPOINT|LOAD|PREPARE|EXECUTE|EXPLAIN|VACUUM|ANALYZE|"
    r"ANALYSE|CLUSTER|REINDEX|FETCH|MOVE|CLOSE|DECLARE|CALL|SECURITY|IMPORT|COMMENT|ALTER\s+DEFAULT|"
    r"CREATE\s+(?:(?:OR\s+REPLACE|TEMP|TEMPORARY|UNIQUE|CONSTRAINT|TRUSTED|PROCEDURAL)\s+)*"
    r"(?:FUNCTION|PROCEDURE|POLICY|TRIGGER|RULE|ROLE|USER|GROUP|INDEX|SCHEMA)|"
    r"ALTER\s+(?:POLICY|TRIGGER|RULE|ROLE|USER|GROUP|TABLE|SCHEMA)|"
    r"DROP\s+(?:POLICY|TRIGGER|RULE|ROLE|USER|GROUP))\b",
    re.IGNORECASE | re.DOTALL,
)


def _context(text: str, plpgsql: bool, depth: int) -> commandforms.Context | None:
    if "'" in text or '"' in text or "$" in text or "--" in text or "/*" in text:
        spans = scan(text, meta_commands=False).spans
        masked = mask(text, spans)
    else:  # nothing quoted or commented (most GRANT, ALTER, CREATE INDEX): the text is its own mask
        spans, masked = [], text
    toks = tokenize(text, masked)
    if not toks:
        return None
    return commandforms.Context(text, masked, toks, spans, plpgsql, depth, analyze_statement)


# Statements PostgreSQL's own parser types better than sqlglot: materialized views (sqlglot invents objects
# from WITH NO DATA forms), temporary tables in every spelling, and
# CREATE TABLE/VIEW whose element list has an empty element (sqlglot accepts "(id int,, name text)").
# Other statements keep the cheaper sqlglot path, so the PostgreSQL parser loads only when one appears.
_PG_FIRST = re.compile(
    r"\s*(?:(?:--[^\n]*\n|/\*.*?\*/)\s*)*(?:CREATE\s+(?:OR\s+REPLACE\s+)?MATERIALIZED\s+VIEW|"
    r"CREATE\s+(?:(?:LOCAL|GLOBAL)\s+)?TEMP(?:ORARY)?\s+(?:TABLE|VIEW))\b",
    re.IGNORECASE | re.DOTALL,
)
_CREATE_RELATION = re.compile(
    r"\s*(?:(?:--[^\n]*\n|/\*.*?\*/)\s*)*CREATE\s+(?:(?:OR\s+REPLACE|UNLOGGED|RECURSIVE)\s+)*(?:TABLE|VIEW)\b",
    re.IGNORECASE | re.DOTALL,
)
_EMPTY_ELEMENT = re.compile(r"[(,]\s*,|,\s*\)")


def _pglast(text: str, plpgsql: bool) -> list[Operation] | None:
    from ownaudit.lint import pgparse

    return pgparse.operations(text, plpgsql)


def _analyze(text: str, plpgsql: bool, depth: int) -> list[Operation]:
    if _PG_FIRST.match(text) or (_CREATE_RELATION.match(text) and _EMPTY_ELEMENT.search(mask(text))):
        got = _pglast(text, plpgsql)
        if got is not None:
            return got
    if _TOKEN_FORM.match(text):
        ctx = _context(text, plpgsql, depth)
        if ctx is None:
            return []
        handled = commandforms.analyze_tokens(ctx, before_parse=True)
        if handled is not None:
            return handled
    _, exp = _sqlglot()
    if plpgsql and "RETURNING" in text.upper():
        text = _blank_returning_into(text, mask(text))
    try:
        tree = parse_postgres(text)
    except Exception as exc:
        got = _pglast(text, plpgsql)
        if got is not None:
            return got
        return [Operation(UNANALYSABLE, _kind_word(text), 0, detail=_error_text(exc))]
    if tree is None:
        return []
    if isinstance(tree, exp.Command):
        ctx = _context(text, plpgsql, depth)
        handled = commandforms.analyze_tokens(ctx, before_parse=False) if ctx is not None else None
        if handled is not None:
            return handled
        got = _pglast(text, plpgsql)
        if got is not None:
            return got
        word = _kind_word(text)
        return [Operation(UNANALYSABLE, word, 0, detail=f"sqlglot cannot analyse this {word} statement")]
    invalid = _not_postgres(tree, exp)
    if invalid:
        return [Operation(UNANALYSABLE, _kind_word(text), 0, detail=invalid)]
    return _from_tree(tree, exp, plpgsql, _kind_word(text))


def _not_postgres(tree: Any, exp: Any) -> str:
    """sqlglot accepts forms PostgreSQL rejects (prose like "update the cache" parses as UPDATE)."""
    if isinstance(tree, exp.Update) and not tree.expressions:
        return "UPDATE without SET is not PostgreSQL"
    if isinstance(tree, exp.Delete) and not isinstance(tree.this, exp.Table):
        return "DELETE without FROM is not PostgreSQL"
    return ""


def _error_text(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if errors and isinstance(errors, list) and isinstance(errors[0], dict):
        e = errors[0]
        desc = str(e.get("description") or "parse error")
        return f"{desc} near line {e.get('line')}, column {e.get('col')}"
    first = _ANSI.sub("", str(exc)).strip().splitlines()
    return f"{type(exc).__name__}: {first[0] if first else 'parse error'}"[:200]


_RETURNING_INTO = re.compile(
    r"\bRETURNING\b.*?(\bINTO\b\s+(?:STRICT\s+)?[\w.\"]+(?:\s*,\s*[\w.\"]+)*)", re.IGNORECASE | re.DOTALL
)


def _blank_returning_into(text: str, masked: str) -> str:
    """PL/pgSQL ``... RETURNING x INTO var``: the INTO is a variable, not SQL sqlglot knows."""
    m = _RETURNING_INTO.search(masked)
    if m is None:
        return text
    s, e = m.span(1)
    return text[:s] + " " * (e - s) + text[e:]


# -- sqlglot tree walk ------------------------------------------------------------


def table_name(t: Any, exp: Any) -> Name | None:
    """A ``Name`` for an ``exp.Table`` (None for table functions and the like)."""
    ident = t.this
    if not isinstance(ident, exp.Identifier):
        return None
    db = t.args.get("db")
    schema = None
    first = ident
    if isinstance(db, exp.Identifier):
        schema = fold(db.this, bool(db.quoted))
        first = db
    name = fold(ident.this, bool(ident.quoted))
    start = first.meta.get("start", 0) if first.meta else 0
    raw = f"{db.this}.{ident.this}" if schema is not None else ident.this
    return Name(schema, name, start, raw, is_placeholder(raw))


def _table_and_columns(node: Any, exp: Any) -> tuple[Any, tuple[str, ...]]:
    if isinstance(node, exp.Schema):
        cols = tuple(fold(c.this, bool(c.quoted)) for c in node.expressions if isinstance(c, exp.Identifier))
        return node.this, cols
    return node, ()


def _from_tree(root: Any, exp: Any, plpgsql: bool, first_word: str) -> list[Operation]:
    ops: list[Operation] = []
    seen: set[int] = set()  # Table nodes already reported as something other than a read
    nodes = _all_nodes(root, exp.Expression)
    tables = [n for n in nodes if type(n) is exp.Table]
    ctes = {fold(c.alias, False) for c in nodes if type(c) is exp.CTE and c.alias}

    def add(
        action: str,
        stmt: str,
        tbl: Any,
        *,
        privs: tuple[Privilege, ...] = (),
        cols: tuple[str, ...] = (),
        object_kind: str = "table",
    ) -> None:
        if not isinstance(tbl, exp.Table):
            return
        seen.add(id(tbl))
        nm = table_name(tbl, exp)
        if nm is None:
            return
        if nm.schema is None and nm.name in ctes and action in (WRITE, READ):
            return
        ops.append(Operation(action, stmt, nm.offset, nm, object_kind, privs, cols, plpgsql=plpgsql))

    for node in nodes:
        if type(node) not in _INTERESTING:
            continue
        if isinstance(node, exp.Insert):
            tbl, cols = _table_and_columns(node.this, exp)
            privs = [Privilege.INSERT]
            conflict = node.args.get("conflict")
            if conflict is not None and "UPDATE" in str(getattr(conflict.args.get("action"), "this", "")).upper():
                privs.append(Privilege.UPDATE)
            add(WRITE, "INSERT", tbl, privs=tuple(privs), cols=cols)
        elif isinstance(node, exp.Update):
            cols = tuple(
                fold(e.this.name, bool(e.this.this.quoted))
                if isinstance(e.this, exp.Column) and isinstance(e.this.this, exp.Identifier)
                else ""
                for e in node.expressions
            )
            add(WRITE, "UPDATE", node.this, privs=(Privilege.UPDATE,), cols=tuple(c for c in cols if c))
        elif isinstance(node, exp.Delete):
            add(WRITE, "DELETE", node.this, privs=(Privilege.DELETE,))
        elif isinstance(node, exp.Merge):
            add(WRITE, "MERGE", node.this, privs=_merge_privileges(node, exp))
        elif isinstance(node, exp.TruncateTable):
            for t in node.expressions:
                add(WRITE, "TRUNCATE", t, privs=(Privilege.TRUNCATE,))
        elif isinstance(node, exp.Copy):
            tbl, cols = _table_and_columns(node.this, exp)
            if node.args.get("kind") is True:
                add(WRITE, "COPY FROM", tbl, privs=(Privilege.INSERT,), cols=cols)
        elif isinstance(node, exp.Into):
            if plpgsql:  # SELECT ... INTO variable
                for t in node.find_all(exp.Table):
                    seen.add(id(t))
            else:
                add(WRITE, "SELECT INTO", node.this, privs=(Privilege.INSERT,))
        elif isinstance(node, exp.Create):
            _create(node, exp, add, ops, seen, _subtree(node, root, nodes, exp))
        elif isinstance(node, exp.Drop):
            kind = str(node.args.get("kind") or "").upper()
            for t in node.args.get("tables") or []:
                if kind == "SCHEMA":
                    _schema_op(ops, t, exp, "DROP SCHEMA")
                    seen.add(id(t))
                else:
                    add(DDL, f"DROP {kind}", t, object_kind=_object_kind(kind))
        elif isinstance(node, exp.Alter):
            kind = str(node.args.get("kind") or "TABLE").upper()
            add(DDL, f"ALTER {kind}", node.this, object_kind=_object_kind(kind))
            sub = _subtree(node, root, nodes, exp)
            _foreign_keys(sub, node.this, exp, ops, seen)
            for t in (n for n in sub if type(n) is exp.Table):  # RENAME TO / SET SCHEMA targets: names
                seen.add(id(t))
        elif isinstance(node, exp.Comment):
            kind = str(node.args.get("kind") or "").upper()
            if kind in ("TABLE", "VIEW", "MATERIALIZED VIEW", "FOREIGN TABLE"):
                add(DDL, f"COMMENT ON {kind}", node.this)
            elif kind == "COLUMN":
                _comment_column(node.this, exp, ops, plpgsql)
            for t in node.find_all(exp.Table):
                seen.add(id(t))
    for t in tables:
        if id(t) not in seen:
            add(READ, _read_kind(root, exp, first_word), t, privs=(Privilege.SELECT,))
    return ops


_INTERESTING_NAMES = (
    "Insert",
    "Update",
    "Delete",
    "Merge",
    "TruncateTable",
    "Copy",
    "Into",
    "Create",
    "Drop",
    "Alter",
    "Comment",
)
_INTERESTING: frozenset[type] = frozenset()


def _init_interesting(exp: Any) -> None:
    global _INTERESTING
    _INTERESTING = frozenset(getattr(exp, n) for n in _INTERESTING_NAMES)


def _all_nodes(root: Any, expression: type) -> list[Any]:
    """Every node of the tree (a plain loop: markedly cheaper than ``Expression.walk``)."""
    out: list[Any] = []
    stack = [root]
    pop, push, add = stack.pop, stack.append, out.append
    while stack:
        node = pop()
        add(node)
        for v in node.args.values():
            if type(v) is list:
                for x in v:
                    if isinstance(x, expression):
                        push(x)
            elif isinstance(v, expression):
                push(v)
    return out


def _read_kind(root: Any, exp: Any, first_word: str) -> str:
    return "SELECT" if isinstance(root, (exp.Select, exp.Union)) else first_word


def _object_kind(kind: str) -> str:
    if kind in ("TABLE", "VIEW", "MATERIALIZED VIEW", "FOREIGN TABLE", ""):
        return "table"
    return kind.lower()


def _merge_privileges(node: Any, exp: Any) -> tuple[Privilege, ...]:
    privs: list[Privilege] = []
    whens = node.args.get("whens")
    for when in whens.expressions if whens is not None else []:
        then = when.args.get("then")
        if isinstance(then, exp.Insert):
            privs.append(Privilege.INSERT)
        elif isinstance(then, exp.Update):
            privs.append(Privilege.UPDATE)
        elif then is not None and "DELETE" in str(then).upper():
            privs.append(Privilege.DELETE)
    out = tuple(dict.fromkeys(privs))
    return out or (Privilege.INSERT, Privilege.UPDATE, Privilege.DELETE)


def _schema_op(ops: list[Operation], t: Any, exp: Any, stmt: str) -> None:
    db = t.args.get("db") if isinstance(t, exp.Table) else None
    ident = db if isinstance(db, exp.Identifier) else (t.this if isinstance(t, exp.Table) else None)
    if not isinstance(ident, exp.Identifier):
        return
    nm = fold(ident.this, bool(ident.quoted))
    start = ident.meta.get("start", 0) if ident.meta else 0
    ops.append(
        Operation(
            DDL,
            stmt,
            start,
            Name(nm, "", start, ident.this, is_placeholder(ident.this)),
            object_kind="schema",
        )
    )


def _comment_column(col: Any, exp: Any, ops: list[Operation], plpgsql: bool) -> None:
    if not isinstance(col, exp.Column):
        return
    tbl = col.args.get("table")
    db = col.args.get("db")
    if not isinstance(tbl, exp.Identifier):
        return
    schema = fold(db.this, bool(db.quoted)) if isinstance(db, exp.Identifier) else None
    first = db if isinstance(db, exp.Identifier) else tbl
    start = first.meta.get("start", 0) if first.meta else 0
    raw = f"{db.this}.{tbl.this}" if schema else tbl.this
    ops.append(
        Operation(
            DDL,
            "COMMENT ON COLUMN",
            start,
            Name(schema, fold(tbl.this, bool(tbl.quoted)), start, raw, is_placeholder(raw)),
            plpgsql=plpgsql,
        )
    )


def _subtree(node: Any, root: Any, nodes: list[Any], exp: Any) -> list[Any]:
    """Nodes under ``node``: the already-walked list when it is the statement itself (the usual case)."""
    return nodes if node is root else _all_nodes(node, exp.Expression)


def _create(node: Any, exp: Any, add: Any, ops: list[Operation], seen: set[int], sub: list[Any]) -> None:
    kind = str(node.args.get("kind") or "").upper()
    this = node.this
    if kind in ("TABLE", "VIEW", "MATERIALIZED VIEW", "FOREIGN TABLE"):
        tbl, _cols = _table_and_columns(this, exp)
        if any(type(n) is exp.TemporaryProperty for n in sub):  # pg_temp: nobody else's table
            if isinstance(tbl, exp.Table):
                seen.add(id(tbl))
                nm = table_name(tbl, exp)
                if nm is not None:
                    ops.append(Operation(TEMP_TABLE, f"CREATE TEMP {kind}", nm.offset, nm))
            return
        add(DDL, f"CREATE {kind}", tbl)
        _foreign_keys(sub, tbl, exp, ops, seen)
    elif kind == "INDEX" and isinstance(this, exp.Index):
        add(DDL, "CREATE INDEX", this.args.get("table"))
    elif kind == "TRIGGER":
        for tp in (n for n in sub if type(n) is exp.TriggerProperties):
            add(DDL, "CREATE TRIGGER", tp.args.get("table"))
    elif kind == "SCHEMA":
        _schema_op(ops, this, exp, "CREATE SCHEMA")
        if isinstance(this, exp.Table):
            seen.add(id(this))
    elif kind in ("SEQUENCE", "TYPE", "DOMAIN"):
        add(DDL, f"CREATE {kind}", this, object_kind=kind.lower())
    elif kind in ("FUNCTION", "PROCEDURE") and isinstance(this, exp.UserDefinedFunction):
        add(DDL, f"CREATE {kind}", this.this, object_kind="function")


_ON_DELETE = re.compile(r"ON\s+DELETE\s+(CASCADE|RESTRICT|NO\s+ACTION|SET\s+NULL|SET\s+DEFAULT)", re.IGNORECASE)


def _on_delete(ref: Any) -> str:
    for opt in ref.args.get("options") or []:
        m = _ON_DELETE.search(str(opt))
        if m:
            return " ".join(m.group(1).lower().split())
    return "no action"


def _foreign_keys(sub: list[Any], child_tbl: Any, exp: Any, ops: list[Operation], seen: set[int]) -> None:
    """FKs declared inline on a column, at table level, or by ALTER TABLE ADD CONSTRAINT."""
    if not isinstance(child_tbl, exp.Table):
        return
    child = table_name(child_tbl, exp)
    if child is None:
        return
    for fk in (n for n in sub if type(n) is exp.ForeignKey):
        ref = fk.args.get("reference")
        cols = tuple(fold(c.this, bool(c.quoted)) for c in fk.expressions if isinstance(c, exp.Identifier))
        _fk_op(ref, cols, child, exp, ops, seen)
    for cd in (n for n in sub if type(n) is exp.ColumnDef):
        for cc in cd.args.get("constraints") or []:
            ref = cc.args.get("kind")
            if isinstance(ref, exp.Reference) and isinstance(cd.this, exp.Identifier):
                _fk_op(ref, (fold(cd.this.this, bool(cd.this.quoted)),), child, exp, ops, seen)


def _fk_op(ref: Any, cols: tuple[str, ...], child: Name, exp: Any, ops: list[Operation], seen: set[int]) -> None:
    if not isinstance(ref, exp.Reference):
        return
    ptbl, pcols = _table_and_columns(ref.this, exp)
    if not isinstance(ptbl, exp.Table):
        return
    seen.add(id(ptbl))
    parent = table_name(ptbl, exp)
    if parent is None:
        return
    ops.append(
        Operation(
            FK,
            "FOREIGN KEY",
            parent.offset,
            child,
            columns=cols,
            parent=parent,
            parent_columns=pcols,
            on_delete=_on_delete(ref),
        )
    )
