"""Statements analysed from tokens: the forms sqlglot returns as ``exp.Command``.

CREATE/ALTER/DROP POLICY, ALTER TABLE (ROW LEVEL SECURITY, OWNER TO,
DISABLE TRIGGER, ADD CONSTRAINT ... FOREIGN KEY), GRANT/REVOKE in every form
(ON ALL TABLES IN SCHEMA, column grants, role grants), ALTER DEFAULT
PRIVILEGES, CREATE/ALTER ROLE attributes, SET search_path, DO blocks and
CREATE FUNCTION/PROCEDURE (whose bodies are analysed too, see ``bodies``).
Reading these from tokens is also cheaper than letting sqlglot fail first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ownaudit.lint.names import is_placeholder, parse_search_path
from ownaudit.lint.operations import (
    DDL,
    FK,
    GRANT,
    READ,
    ROLE,
    SEARCH_PATH,
    TRANSACTION_END,
    UNANALYSABLE,
    WRITE,
    Name,
    Operation,
)
from ownaudit.lint.sqlsplit import Span
from ownaudit.lint.tokens import Tok, find_word, is_name, qualified_name, split_commas
from ownaudit.privileges import Privilege

Analyzer = Callable[..., list[Operation]]


@dataclass
class Context:
    """One statement: its text, masked text, tokens and quoted spans."""

    text: str
    masked: str
    toks: list[Tok]
    spans: list[Span]
    plpgsql: bool
    depth: int
    analyze: Analyzer


NO_OPS = frozenset(
    [
        "BEGIN",
        "START",
        "COMMIT",
        "END",
        "ROLLBACK",
        "ABORT",
        "SAVEPOINT",
        "RELEASE",
        "RESET",
        "SHOW",
        "LISTEN",
        "NOTIFY",
        "UNLISTEN",
        "DISCARD",
        "DEALLOCATE",
        "CHECKPOINT",
        "LOAD",
        "EXECUTE",
        "VACUUM",
        "ANALYZE",
        "ANALYSE",
        "CLUSTER",
        "REINDEX",
        "FETCH",
        "MOVE",
        "CLOSE",
        "DECLARE",
        "VALUES",
        "TABLE",
        "SECURITY",
        "IMPORT",
    ]
)
ROLE_ATTRIBUTES = ("SUPERUSER", "BYPASSRLS", "CREATEROLE", "CREATEDB", "REPLICATION")
_TABLE_KINDS = {
    "TABLE": "table",
    "VIEW": "table",
    "FOREIGN": "table",
    "MATERIALIZED": "table",
    "SEQUENCE": "sequence",
    "INDEX": "index",
    "TYPE": "type",
    "DOMAIN": "type",
    "FUNCTION": "function",
    "PROCEDURE": "function",
    "ROUTINE": "function",
    "AGGREGATE": "function",
    "SCHEMA": "schema",
    "EXTENSION": "extension",
    "TRIGGER": "trigger",
    "POLICY": "policy",
    "RULE": "rule",
    "STATISTICS": "statistics",
}


def name_from(parts: list[Tok]) -> Name | None:
    if not parts:
        return None
    raw = ".".join(p.raw for p in parts)
    names = [p.ident for p in parts]
    schema = names[-2] if len(names) >= 2 else None
    return Name(schema, names[-1], parts[0].start, raw, is_placeholder(raw))


def _skip(toks: list[Tok], i: int, *words: str) -> int:
    """Skip any of the optional ``words`` (e.g. OR REPLACE, IF NOT EXISTS, ONLY)."""
    while i < len(toks) and toks[i].kind == "word" and toks[i].up in words:
        i += 1
    return i


def analyze_tokens(ctx: Context, *, before_parse: bool) -> list[Operation] | None:
    """Operations for a token-handled form, or None to let sqlglot (or the caller) decide."""
    toks = ctx.toks
    first = toks[0].up
    second = toks[1].up if len(toks) > 1 else ""
    if first == "GRANT" or first == "REVOKE":
        return _grant(ctx, 0)
    if first == "ALTER" and second == "DEFAULT":
        return _default_privileges(ctx)
    if first == "DO":
        from ownaudit.lint import bodies  # function-body analysis: loaded when a body appears

        return bodies.do_block(ctx)
    if first == "SET":
        return _set(ctx)
    if first == "\\" and second == "COPY":
        return _psql_copy(ctx)
    if first == "EXPLAIN":
        return _explain(ctx)
    if first == "PREPARE":
        return _prepare(ctx)
    if first == "CALL":
        return _call(ctx)
    if first in ("COMMIT", "END", "ROLLBACK", "ABORT") and not (len(toks) > 1 and toks[1].up in ("PREPARED",)):
        if first == "ROLLBACK" and second == "TO":
            return []
        return [Operation(TRANSACTION_END, first, toks[0].start)]
    if first in NO_OPS and not (first == "BEGIN" and second == "ATOMIC"):
        return []
    if first in ("DROP", "REASSIGN") and second == "OWNED":
        groups, _ = split_commas(toks, 3, {"CASCADE", "RESTRICT", "TO"})
        names = tuple(g[0].ident for g in groups if g)
        return [Operation(ROLE, f"{first} OWNED BY", toks[0].start, None, "role", grantees=names, plpgsql=ctx.plpgsql)]
    if first in ("CREATE", "ALTER", "DROP") and second == "DATABASE":
        return [Operation(DDL, f"{first} DATABASE", toks[0].start, None, "database", plpgsql=ctx.plpgsql)]
    if first == "LOCK":
        i = _skip(toks, 1, "TABLE", "ONLY")
        return _names_op(ctx, i, DDL, "LOCK TABLE")
    if first == "REFRESH":
        i = _skip(toks, 1, "MATERIALIZED", "VIEW", "CONCURRENTLY")
        nm = name_from(qualified_name(toks, i)[0])
        return [Operation(DDL, "REFRESH MATERIALIZED VIEW", nm.offset, nm)] if nm else None
    if first in ("CREATE", "ALTER", "DROP", "COMMENT"):
        i = _skip(
            toks,
            1,
            "OR",
            "REPLACE",
            "TEMP",
            "TEMPORARY",
            "UNLOGGED",
            "UNIQUE",
            "CONSTRAINT",
            "GLOBAL",
            "LOCAL",
            "TRUSTED",
            "PROCEDURAL",
        )
        obj = toks[i].up if i < len(toks) else ""
        if obj in ("FUNCTION", "PROCEDURE") and first == "CREATE":
            from ownaudit.lint import bodies

            return bodies.create_function(ctx, i)
        if obj in ("POLICY", "TRIGGER", "RULE") and first != "COMMENT":
            return _on_table(ctx, i, f"{first} {obj}")
        if obj in ("ROLE", "USER", "GROUP"):
            return _role(ctx, i, f"{first} {obj}")
        if obj == "TABLE" and first == "ALTER":
            return _alter_table(ctx, i + 1)
        if obj == "INDEX" and first == "CREATE":
            j = find_word(toks, "ON", i)
            if j > 0:
                j = _skip(toks, j + 1, "ONLY")
                return _names_op(ctx, j, DDL, "CREATE INDEX")
        if obj == "SCHEMA" and first in ("CREATE", "ALTER"):
            j = _skip(toks, i + 1, "IF", "NOT", "EXISTS")
            if j < len(toks) and toks[j].up == "AUTHORIZATION":
                return [
                    Operation(
                        DDL,
                        f"{first} SCHEMA",
                        toks[j].start,
                        None,
                        "schema",
                        detail="schema named after its owner role",
                    )
                ]
            return _schema_op(ctx, j, f"{first} SCHEMA")
        if first == "COMMENT" and obj == "ON":
            return _comment(ctx, i + 1)
        if not before_parse:
            return _generic_ddl(ctx, first, i)
    if first == "TRUNCATE" and not before_parse:
        i = _skip(toks, 1, "TABLE", "ONLY")
        return _names_op(ctx, i, "write", "TRUNCATE", (Privilege.TRUNCATE,))
    return None


def _inner(ctx: Context, start: int, label: str) -> list[Operation]:
    """Operations of the statement that starts at text offset ``start`` (EXPLAIN ANALYZE, PREPARE ... AS)."""
    from ownaudit.lint.bodies import shift

    inner = ctx.text[start:]
    ops = shift(ctx.analyze(inner, plpgsql=ctx.plpgsql, depth=ctx.depth + 1), start)
    for op in ops:
        if op.action != UNANALYSABLE:
            op.statement = f"{label} {op.statement}"
    return ops


def _psql_copy(ctx: Context) -> list[Operation]:
    """psql ``\\copy table [(cols)] from 'file'``: the client-side COPY FROM writes the table."""
    toks = ctx.toks
    if len(toks) > 2 and toks[2].up == "(":
        return []  # \copy (query) to ...: a read
    parts, j = qualified_name(toks, 2)
    nm = name_from(parts)
    if nm is None:
        return [Operation(UNANALYSABLE, "\\copy", toks[0].start, detail="\\copy without a table name")]
    cols: list[str] = []
    if j < len(toks) and toks[j].up == "(":
        k = j + 1
        while k < len(toks) and toks[k].up != ")":
            if is_name(toks[k]):
                cols.append(toks[k].ident)
            k += 1
        j = k + 1
    direction = toks[j].up if j < len(toks) else ""
    if direction == "TO":
        return [Operation(READ, "\\copy TO", nm.offset, nm, privileges=(Privilege.SELECT,))]
    if direction != "FROM":
        return [Operation(UNANALYSABLE, "\\copy", nm.offset, nm, detail="\\copy without FROM or TO")]
    return [
        Operation(
            WRITE,
            "\\copy FROM",
            nm.offset,
            nm,
            privileges=(Privilege.INSERT,),
            columns=tuple(cols),
            plpgsql=ctx.plpgsql,
        )
    ]


def _explain(ctx: Context) -> list[Operation]:
    """EXPLAIN ANALYZE runs its statement (a write included); plain EXPLAIN only plans it."""
    toks = ctx.toks
    i = 1
    analyze = False
    if i < len(toks) and toks[i].up == "(":
        depth = 0
        while i < len(toks):
            t = toks[i]
            if t.up == "(":
                depth += 1
            elif t.up == ")":
                depth -= 1
                if depth == 0:
                    i += 1
                    break
            elif t.up in ("ANALYZE", "ANALYSE"):
                nxt = toks[i + 1].up if i + 1 < len(toks) else ""
                analyze = nxt not in ("FALSE", "OFF", "0")
            i += 1
    else:
        while i < len(toks) and toks[i].up in ("ANALYZE", "ANALYSE", "VERBOSE"):
            analyze = analyze or toks[i].up in ("ANALYZE", "ANALYSE")
            i += 1
    if i >= len(toks):
        return []
    ops = _inner(ctx, toks[i].start, "EXPLAIN ANALYZE" if analyze else "EXPLAIN")
    if analyze:
        return ops
    return [op for op in ops if op.action in (UNANALYSABLE,)]


def _prepare(ctx: Context) -> list[Operation]:
    """PREPARE name [(types)] AS statement: the statement runs at EXECUTE, so it is the hub's write."""
    j = find_word(ctx.toks, "AS", 1)
    if j < 0 or j + 1 >= len(ctx.toks):
        return [Operation(UNANALYSABLE, "PREPARE", ctx.toks[0].start, detail="PREPARE without AS statement")]
    return _inner(ctx, ctx.toks[j + 1].start, "PREPARE ... AS")


def _call(ctx: Context) -> list[Operation]:
    """CALL proc(...): what the procedure writes is in its body, which is not in this statement."""
    parts, _j = qualified_name(ctx.toks, 1)
    nm = name_from(parts)
    shown = str(nm) if nm is not None else "?"
    return [
        Operation(
            UNANALYSABLE,
            "CALL",
            nm.offset if nm is not None else ctx.toks[0].start,
            nm,
            "function",
            detail=f"CALL {shown}: the procedure's body is not part of this statement; what it writes is unknown",
            plpgsql=ctx.plpgsql,
            extra={"routine": "1"},
        )
    ]


def _policy_reads(ctx: Context, after: int) -> list[Operation]:
    """Tables read by a policy's USING / WITH CHECK expressions (each analysed as ``SELECT (expr)``)."""
    from ownaudit.lint.bodies import shift

    toks = ctx.toks
    out: list[Operation] = []
    k = after
    while k < len(toks):
        if toks[k].up in ("USING", "CHECK") and k + 1 < len(toks) and toks[k + 1].up == "(":
            depth = 0
            m = k + 1
            while m < len(toks):
                if toks[m].up == "(":
                    depth += 1
                elif toks[m].up == ")":
                    depth -= 1
                    if depth == 0:
                        break
                m += 1
            start, end = toks[k + 1].start, toks[m].end if m < len(toks) else len(ctx.text)
            expr = ctx.text[start:end]
            if "SELECT" in ctx.masked[start:end].upper():  # only a subquery can read a table
                inner = ctx.analyze("SELECT " + expr, plpgsql=ctx.plpgsql, depth=ctx.depth + 1)
                for op in shift(inner, start - len("SELECT ")):
                    if op.action == READ:
                        op.statement = "CREATE POLICY expression"
                        out.append(op)
            k = m
        k += 1
    return out


def _rule_actions(ctx: Context, nm: Name) -> list[Operation]:
    """The actions of CREATE RULE ... DO [ALSO|INSTEAD] (stmt; ...) run as writes of their own."""
    toks = ctx.toks
    k = find_word(toks, "DO", 1)
    if k < 0:
        return []
    k = _skip(toks, k + 1, "ALSO", "INSTEAD")
    if k >= len(toks) or toks[k].up == "NOTHING":
        return []
    start = toks[k].start
    end = len(ctx.text)
    if toks[k].up == "(":
        start += 1
        close = ctx.masked.rfind(")")
        end = close if close > start else end
    from ownaudit.lint.bodies import shift
    from ownaudit.lint.sqlsplit import scan

    body = ctx.text[start:end]
    ops: list[Operation] = []
    for s, e in scan(body, meta_commands=False).statements:
        inner = shift(ctx.analyze(body[s:e], plpgsql=ctx.plpgsql, depth=ctx.depth + 1), start + s)
        for op in inner:
            if op.action != UNANALYSABLE:
                op.statement = f"CREATE RULE action {op.statement}"
        ops.extend(inner)
    # NEW / OLD in a rule action are the rule's relation, not tables
    return [
        op
        for op in ops
        if not (op.target is not None and op.target.schema is None and op.target.name in ("new", "old"))
    ]


def _names_op(ctx: Context, i: int, action: str, stmt: str, privs: tuple[Privilege, ...] = ()) -> list[Operation]:
    groups, _ = split_commas(ctx.toks, i, {"IN", "NOWAIT", "CASCADE", "RESTRICT", "RESTART", "CONTINUE", "WITH"})
    ops = []
    for g in groups:
        j = _skip(g, 0, "ONLY")
        nm = name_from(qualified_name(g, j)[0])
        if nm is not None:
            ops.append(Operation(action, stmt, nm.offset, nm, privileges=privs, plpgsql=ctx.plpgsql))
    return ops


def _generic_ddl(ctx: Context, first: str, i: int) -> list[Operation] | None:
    toks = ctx.toks
    kind_words: list[str] = []
    while (i < len(toks) and toks[i].up in _TABLE_KINDS) or (i < len(toks) and toks[i].up in ("VIEW", "TABLE")):
        kind_words.append(toks[i].up)
        i += 1
    if not kind_words:
        return None
    i = _skip(toks, i, "IF", "NOT", "EXISTS", "CONCURRENTLY", "ONLY")
    object_kind = _TABLE_KINDS.get(kind_words[0], "table")
    stmt = f"{first} {' '.join(kind_words)}"
    if object_kind == "schema":
        return _schema_op(ctx, i, stmt)
    if object_kind in ("extension",):
        return []
    ops = _names_op(ctx, i, DDL, stmt)
    if object_kind != "table":
        ops = ops[:1]  # CREATE STATISTICS s ON a, b ...: only the first name is the object
    for op in ops:
        op.object_kind = object_kind
    if object_kind == "table":
        ops.extend(_token_fks(ctx, ops[0].target if ops else None))
    return ops


def _schema_op(ctx: Context, i: int, stmt: str) -> list[Operation]:
    groups, _ = split_commas(
        ctx.toks, i, {"CASCADE", "RESTRICT", "OWNER", "RENAME", "AUTHORIZATION", "CREATE", "GRANT"}
    )
    ops = []
    for g in groups:
        if g and is_name(g[0]):
            raw = g[0].raw
            ops.append(
                Operation(
                    DDL,
                    stmt,
                    g[0].start,
                    Name(g[0].ident, "", g[0].start, raw, is_placeholder(raw)),
                    "schema",
                    plpgsql=ctx.plpgsql,
                )
            )
    return ops


def _on_table(ctx: Context, i: int, stmt: str) -> list[Operation] | None:
    """CREATE/ALTER/DROP POLICY|TRIGGER|RULE name ON table."""
    toks = ctx.toks
    j = find_word(toks, "ON", i + 1)
    if stmt.endswith("RULE") and stmt.startswith("CREATE"):
        j = find_word(toks, "TO", i + 1)
    if j < 0:
        return None
    j = _skip(toks, j + 1, "ONLY")
    nm = name_from(qualified_name(toks, j)[0])
    if nm is None:
        return None
    detail = ""
    if stmt.endswith("POLICY"):
        to = find_word(toks, "TO", j)
        if to > 0:
            groups, _ = split_commas(toks, to + 1, {"USING", "WITH"})
            detail = ", ".join(g[0].ident for g in groups if g)
    ops = [Operation(DDL, stmt, nm.offset, nm, detail=detail, plpgsql=ctx.plpgsql)]
    if stmt.endswith("POLICY") and not stmt.startswith("DROP"):
        ops.extend(_policy_reads(ctx, j))
    if stmt == "CREATE RULE":
        ops.extend(_rule_actions(ctx, nm))
    return ops


def _alter_table(ctx: Context, i: int) -> list[Operation] | None:
    toks = ctx.toks
    i = _skip(toks, i, "IF", "EXISTS", "ONLY")
    if i < len(toks) and toks[i].up == "ALL":
        return [Operation(DDL, "ALTER TABLE ALL IN TABLESPACE", toks[i].start, None, "database")]
    parts, j = qualified_name(toks, i)
    nm = name_from(parts)
    if nm is None:
        return None
    words = [t.up for t in toks[j:] if t.kind == "word"]
    joined = " ".join(words)
    stmt = "ALTER TABLE"
    for needle, label in (
        ("ROW LEVEL SECURITY", "ROW LEVEL SECURITY"),
        ("OWNER TO", "OWNER TO"),
        ("DISABLE TRIGGER", "DISABLE TRIGGER"),
        ("ENABLE TRIGGER", "ENABLE TRIGGER"),
        ("DISABLE RULE", "DISABLE RULE"),
        ("FOREIGN KEY", "ADD FOREIGN KEY"),
        ("REFERENCES", "ADD FOREIGN KEY"),
        ("SET SCHEMA", "SET SCHEMA"),
        ("RENAME", "RENAME"),
    ):
        if needle in joined:
            prefix = ""
            if label == "ROW LEVEL SECURITY":
                k = words.index("ROW")
                prefix = " ".join(words[max(0, k - 2) : k]) if k >= 2 and words[k - 2] == "NO" else words[k - 1]
                label = f"{prefix} ROW LEVEL SECURITY"
            stmt = f"ALTER TABLE ... {label}"
            break
    detail = ""
    if "OWNER TO" in joined:
        k = find_word(toks, "OWNER", j)
        if k > 0 and k + 2 < len(toks):
            detail = toks[k + 2].ident
    ops = [Operation(DDL, stmt, nm.offset, nm, detail=detail, plpgsql=ctx.plpgsql)]
    ops.extend(_token_fks(ctx, nm))
    return ops


_ACTIONS = ("CASCADE", "RESTRICT", "NO ACTION", "SET NULL", "SET DEFAULT")


def _token_fks(ctx: Context, child: Name | None) -> list[Operation]:
    """FKs from tokens: ``FOREIGN KEY (cols) REFERENCES parent`` and inline ``col ... REFERENCES parent``."""
    if child is None:
        return []
    toks = ctx.toks
    ops: list[Operation] = []
    i = 0
    while True:
        r = find_word(toks, "REFERENCES", i, depth0=False)
        if r < 0:
            break
        cols: tuple[str, ...] = ()
        fkw = -1
        pdepth = 0
        for k in range(r - 1, max(-1, r - 200), -1):
            up = toks[k].up
            if up == ")":
                pdepth += 1
            elif up == "(":
                pdepth -= 1
            if toks[k].up == "FOREIGN" and k + 1 < len(toks) and toks[k + 1].up == "KEY":
                fkw = k
                break
            if (up == "," and pdepth == 0) or up == "REFERENCES" or pdepth < 0:
                break
        if fkw >= 0:
            cols = tuple(t.ident for t in toks[fkw + 2 : r] if is_name(t))
        else:
            k = r - 1
            depth = 0
            start = r
            while k >= 0:
                t = toks[k]
                if t.up == ")":
                    depth += 1
                elif t.up == "(":
                    if depth == 0:
                        break
                    depth -= 1
                elif (t.up == "," and depth == 0) or (t.kind == "word" and t.up in ("COLUMN", "ADD")):
                    break
                start = k
                k -= 1
            if start < r and is_name(toks[start]):
                cols = (toks[start].ident,)
        parts, j = qualified_name(toks, r + 1)
        parent = name_from(parts)
        pcols: tuple[str, ...] = ()
        if j < len(toks) and toks[j].up == "(":
            close = j
            while close < len(toks) and toks[close].up != ")":
                close += 1
            pcols = tuple(t.ident for t in toks[j + 1 : close] if is_name(t))
            j = close + 1
        on_delete = "no action"
        k = j
        while k + 2 < len(toks) and toks[k].up not in (",", ")"):
            if toks[k].up == "ON" and toks[k + 1].up == "DELETE":
                a = toks[k + 2].up
                if a in ("SET", "NO") and k + 3 < len(toks):
                    a = f"{a} {toks[k + 3].up}"
                on_delete = a.lower()
                break
            k += 1
        if parent is not None:
            ops.append(
                Operation(
                    FK,
                    "FOREIGN KEY",
                    parent.offset,
                    child,
                    columns=cols,
                    parent=parent,
                    parent_columns=pcols,
                    on_delete=on_delete,
                    plpgsql=ctx.plpgsql,
                )
            )
        i = r + 1
    return ops


_PRIV_WORDS = {p.value for p in Privilege} | {
    "ALL",
    "USAGE",
    "CREATE",
    "CONNECT",
    "TEMPORARY",
    "TEMP",
    "EXECUTE",
    "SET",
    "ALTER",
    "PRIVILEGES",
}


def _privileges(groups: list[list[Tok]]) -> tuple[tuple[Privilege, ...], tuple[str, ...], list[str]]:
    privs: list[Privilege] = []
    cols: list[str] = []
    other: list[str] = []
    for g in groups:
        word = g[0].up
        if word == "ALL":
            privs.extend(Privilege)
        elif word in Privilege.__members__:
            privs.append(Privilege(word))
        else:
            other.append(word)
        if len(g) > 1 and any(t.up == "(" for t in g):
            cols.extend(t.ident for t in g[1:] if is_name(t) and t.up != "PRIVILEGES")
    return tuple(dict.fromkeys(privs)), tuple(cols), other


def _grant(ctx: Context, i: int, default_schemas: list[Tok] | None = None) -> list[Operation] | None:
    """GRANT/REVOKE privileges ON objects TO/FROM roles, and GRANT role TO role."""
    toks = ctx.toks
    verb = toks[i].up
    i += 1
    if verb == "REVOKE":
        i = _skip(toks, i, "GRANT", "ADMIN", "INHERIT", "OPTION", "FOR")
    to_word = "TO" if verb == "GRANT" else "FROM"
    on = find_word(toks, "ON", i)
    to = find_word(toks, to_word, i)
    if to < 0:
        return None
    grantees_groups, _ = split_commas(toks, to + 1, {"WITH", "GRANTED", "CASCADE", "RESTRICT"})
    grantees = tuple(("public" if g[0].up == "PUBLIC" else g[0].ident) for g in grantees_groups if g)
    if on < 0 or on > to:
        groups, _ = split_commas(toks, i, {to_word})
        roles = ", ".join(g[0].ident for g in groups if g)
        return [
            Operation(
                ROLE,
                f"{verb} role membership",
                toks[i].start if i < len(toks) else 0,
                None,
                "role",
                grantees=grantees,
                grant_kind="membership",
                detail=roles,
                plpgsql=ctx.plpgsql,
            )
        ]
    priv_groups, _ = split_commas(toks, i, {"ON"})
    privs, cols, other = _privileges(priv_groups)
    j = on + 1
    kind_words: list[str] = []
    while (
        j < to
        and toks[j].kind == "word"
        and toks[j].up
        in (
            "ALL",
            "TABLES",
            "SEQUENCES",
            "FUNCTIONS",
            "ROUTINES",
            "PROCEDURES",
            "IN",
            "SCHEMA",
            "TABLE",
            "SEQUENCE",
            "FUNCTION",
            "PROCEDURE",
            "ROUTINE",
            "DATABASE",
            "TYPE",
            "DOMAIN",
            "LANGUAGE",
            "FOREIGN",
            "SERVER",
            "LARGE",
            "OBJECT",
            "TABLESPACE",
            "PARAMETER",
            "DATA",
            "WRAPPER",
        )
    ):
        kind_words.append(toks[j].up)
        j += 1
        if kind_words[-1] in (
            "SCHEMA",
            "TABLE",
            "SEQUENCE",
            "DATABASE",
            "FUNCTION",
            "PROCEDURE",
            "ROUTINE",
            "TYPE",
            "DOMAIN",
        ):
            break
    kind = " ".join(kind_words)
    stmt = f"{verb} {', '.join(g[0].up for g in priv_groups)}".strip()
    gk = "grant" if verb == "GRANT" else "revoke"
    object_groups, _ = split_commas(toks, j, {to_word})
    ops: list[Operation] = []
    if kind in ("", "TABLE"):
        if not privs and other:
            return [
                Operation(
                    GRANT,
                    f"{stmt} ON TABLE",
                    toks[on].start,
                    None,
                    "table",
                    grantees=grantees,
                    grant_kind=gk,
                    plpgsql=ctx.plpgsql,
                )
            ]
        for g in object_groups:
            nm = name_from(qualified_name(g, 0)[0])
            if nm is not None:
                ops.append(
                    Operation(
                        GRANT,
                        f"{stmt} ON TABLE",
                        nm.offset,
                        nm,
                        "table",
                        privs,
                        cols,
                        grantees=grantees,
                        grant_kind=gk,
                        plpgsql=ctx.plpgsql,
                    )
                )
        return ops
    object_kind = "schema" if "IN SCHEMA" in kind or kind == "SCHEMA" else kind.split()[-1].lower()
    for g in object_groups:
        parts = qualified_name(g, 0)[0]
        if not parts:
            continue
        if object_kind == "schema":
            raw = parts[0].raw
            nm = Name(parts[0].ident, "", parts[0].start, raw, is_placeholder(raw))
        else:
            nm0 = name_from(parts)
            if nm0 is None:
                continue
            nm = nm0
            object_kind = {
                "sequences": "sequence",
                "functions": "function",
                "routines": "function",
                "procedure": "function",
                "routine": "function",
                "domain": "type",
            }.get(object_kind, object_kind)
        label = f"{stmt} ON {kind}"
        ops.append(
            Operation(
                GRANT,
                label,
                nm.offset,
                nm,
                object_kind,
                privs if "TABLES" in kind else (),
                cols,
                grantees=grantees,
                grant_kind=gk,
                detail=" ".join(other),
                plpgsql=ctx.plpgsql,
            )
        )
    return ops


def _default_privileges(ctx: Context) -> list[Operation] | None:
    """ALTER DEFAULT PRIVILEGES [FOR ROLE r] [IN SCHEMA s, ...] GRANT|REVOKE ... ON TABLES ..."""
    toks = ctx.toks
    g = find_word(toks, "GRANT", 2)
    r = find_word(toks, "REVOKE", 2)
    verb_at = min(x for x in (g, r) if x >= 0) if (g >= 0 or r >= 0) else -1
    if verb_at < 0:
        return None
    schemas: list[Tok] = []
    ins = find_word(toks, "IN", 2)
    if 0 <= ins < verb_at and ins + 1 < len(toks) and toks[ins + 1].up == "SCHEMA":
        groups, _ = split_commas(toks, ins + 2, {"GRANT", "REVOKE", "FOR"})
        schemas = [grp[0] for grp in groups if grp and is_name(grp[0])]
    verb = toks[verb_at].up
    i = verb_at + 1
    if verb == "REVOKE":
        i = _skip(toks, i, "GRANT", "OPTION", "FOR")
    on = find_word(toks, "ON", i)
    to = find_word(toks, "TO" if verb == "GRANT" else "FROM", i)
    if on < 0 or to < 0:
        return None
    priv_groups, _ = split_commas(toks, i, {"ON"})
    privs, _cols, other = _privileges(priv_groups)
    objects = toks[on + 1].up if on + 1 < len(toks) else "TABLES"
    grantee_groups, _ = split_commas(toks, to + 1, {"WITH", "CASCADE", "RESTRICT"})
    grantees = tuple(("public" if g[0].up == "PUBLIC" else g[0].ident) for g in grantee_groups if g)
    words = " ".join(
        [p.value for p in privs]
        if privs and "ALL" not in [g[0].up for g in priv_groups]
        else [g[0].up for g in priv_groups]
    )
    stmt = f"ALTER DEFAULT PRIVILEGES ... {verb} {words} ON {objects}"
    if objects != "TABLES":
        privs = ()
    targets: list[Name | None] = [Name(s.ident, "", s.start, s.raw, is_placeholder(s.raw)) for s in schemas]
    return [
        Operation(
            GRANT,
            stmt,
            nm.offset if nm else toks[0].start,
            nm,
            "schema",
            privs,
            grantees=grantees,
            grant_kind="default",
            detail=objects.lower() + (" " + " ".join(other) if other else ""),
            plpgsql=ctx.plpgsql,
        )
        for nm in (targets or [None])
    ]


def _role(ctx: Context, i: int, stmt: str) -> list[Operation]:
    toks = ctx.toks
    j = _skip(toks, i + 1, "IF", "EXISTS")
    name_tok = toks[j] if j < len(toks) else toks[i]
    attrs = [t.up for t in toks[j + 1 :] if t.kind == "word" and t.up in ROLE_ATTRIBUTES]
    return [
        Operation(
            ROLE,
            stmt,
            name_tok.start,
            None,
            "role",
            grantees=(name_tok.ident,),
            detail=" ".join(attrs),
            plpgsql=ctx.plpgsql,
        )
    ]


def _set(ctx: Context) -> list[Operation]:
    toks = ctx.toks
    i = _skip(toks, 1, "SESSION", "LOCAL")
    if i < len(toks) and toks[i].up == "SEARCH_PATH":
        j = i + 1
        if j < len(toks) and toks[j].up in ("TO", "="):
            j += 1
        groups, _ = split_commas(toks, j, set())
        values = parse_search_path(["".join(t.raw for t in g) for g in groups])
        local = {"local": "1"} if len(toks) > 1 and toks[1].up == "LOCAL" else {}
        return [Operation(SEARCH_PATH, "SET search_path", toks[0].start, values=tuple(values), extra=local)]
    return []


def _comment(ctx: Context, i: int) -> list[Operation] | None:
    toks = ctx.toks
    if i >= len(toks):
        return None
    kind = toks[i].up
    if kind in ("TABLE", "VIEW", "COLUMN"):
        parts, _ = qualified_name(toks, i + 1)
        if kind == "COLUMN":
            parts = parts[:-1]
        nm = name_from(parts)
        return [Operation(DDL, f"COMMENT ON {kind}", nm.offset, nm, plpgsql=ctx.plpgsql)] if nm else None
    if kind in ("POLICY", "TRIGGER", "RULE"):
        j = find_word(toks, "ON", i + 1)
        nm = name_from(qualified_name(toks, j + 1)[0]) if j > 0 else None
        return [Operation(DDL, f"COMMENT ON {kind}", nm.offset, nm, plpgsql=ctx.plpgsql)] if nm else None
    return []
