"""Function bodies and DO blocks: the SQL inside, with offsets mapped back.

PL/pgSQL bodies hold the writes more often than not. A body is split on its
semicolons (with the same quote-aware scanner as files); in each piece the SQL
statement starts at the first SQL keyword that begins a statement (first
token, or after BEGIN/THEN/ELSE/LOOP/QUERY) and runs to the semicolon.
``EXECUTE 'literal'`` is analysed as SQL; any other ``EXECUTE`` is dynamic SQL
the linter cannot see, reported as unanalysable rather than passed silently.
SQL-language bodies (quoted or ``BEGIN ATOMIC``) are split and analysed as SQL.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

from ownaudit.lint.names import PLACEHOLDER_PREFIX, is_placeholder
from ownaudit.lint.operations import DDL, UNANALYSABLE, Name, Operation
from ownaudit.lint.sqlsplit import scan
from ownaudit.lint.tokens import Tok, find_word, qualified_name, tokenize

if TYPE_CHECKING:
    from ownaudit.lint.commandforms import Context

STARTERS = frozenset(
    {
        "INSERT",
        "UPDATE",
        "DELETE",
        "MERGE",
        "TRUNCATE",
        "SELECT",
        "WITH",
        "CREATE",
        "ALTER",
        "DROP",
        "GRANT",
        "REVOKE",
        "COPY",
        "LOCK",
        "COMMENT",
        "REFRESH",
        "SET",
    }
)
AFTER = frozenset({"BEGIN", "THEN", "ELSE", "LOOP", "QUERY", "DECLARE"})
_ATOMIC_END = re.compile(r"\bEND\s*$", re.IGNORECASE)


def shift(ops: list[Operation], delta: int, *, fixed: int | None = None) -> list[Operation]:
    """Move operation offsets by ``delta`` (or pin them all to ``fixed``)."""
    out = []
    for op in ops:

        def move(nm: Name | None) -> Name | None:
            if nm is None:
                return None
            return dataclasses.replace(nm, offset=fixed if fixed is not None else nm.offset + delta)

        out.append(
            dataclasses.replace(
                op,
                offset=fixed if fixed is not None else op.offset + delta,
                target=move(op.target),
                parent=move(op.parent),
            )
        )
    return out


def _body_span(ctx: Context, after: int) -> tuple[int, int, str] | None:
    """(start, end, kind) of the first quoted body after offset ``after``."""
    for sp in ctx.spans:
        if sp.start >= after and sp.kind in ("dollar", "string", "estring"):
            return sp.body_start, sp.body_end, sp.kind
    return None


def _language(toks: list[Tok], ctx: Context) -> str:
    i = find_word(toks, "LANGUAGE")
    if i < 0 or i + 1 >= len(toks):
        return "sql"
    t = toks[i + 1]
    if t.kind == "string":
        return ctx.text[t.start + 1 : t.end - 1].strip().lower()
    return t.ident.lower()


def do_block(ctx: Context) -> list[Operation]:
    body = _body_span(ctx, ctx.toks[0].end)
    if body is None:
        return [Operation(UNANALYSABLE, "DO", 0, detail="DO block without a body")]
    lang = _language(ctx.toks, ctx)
    if lang == "sql":  # DO's default language is plpgsql
        lang = "plpgsql" if find_word(ctx.toks, "LANGUAGE") < 0 else lang
    return body_operations(ctx, body, lang)


def create_function(ctx: Context, i: int) -> list[Operation]:
    toks = ctx.toks
    kind = toks[i].up
    parts, _ = qualified_name(toks, i + 1)
    ops: list[Operation] = []
    if parts:
        raw = ".".join(p.raw for p in parts)
        names = [p.ident for p in parts]
        nm = Name(names[-2] if len(names) > 1 else None, names[-1], parts[0].start, raw, is_placeholder(raw))
        detail = "SECURITY DEFINER" if find_word(toks, "DEFINER") >= 0 else ""
        ops.append(Operation(DDL, f"CREATE {kind}", nm.offset, nm, "function", detail=detail, plpgsql=ctx.plpgsql))
    lang = _language(toks, ctx)
    atomic = find_word(toks, "ATOMIC")
    if atomic > 0 and toks[atomic - 1].up == "BEGIN":
        start = toks[atomic].end
        m = _ATOMIC_END.search(ctx.masked)
        end = m.start() if m else len(ctx.text)
        ops.extend(_sql_body(ctx, start, end))
        return ops
    as_at = find_word(toks, "AS")
    if as_at < 0:
        ret = find_word(toks, "RETURN")
        if ret >= 0:  # SQL-standard ``RETURN expr`` body: reads at most
            return ops
        return ops
    body = _body_span(ctx, toks[as_at].end)
    if body is not None:
        ops.extend(body_operations(ctx, body, lang))
    return ops


def body_operations(ctx: Context, body: tuple[int, int, str], lang: str) -> list[Operation]:
    start, end, kind = body
    if ctx.depth >= 6:
        return [Operation(UNANALYSABLE, "function body", start, detail="bodies nested too deeply")]
    if kind != "dollar":
        text = ctx.text[start:end]
        if "''" in text or (kind == "estring" and "\\" in text):
            # quoted body with escapes: analyse the unescaped text, pin positions to the body start
            unq = text.replace("''", "'")
            inner = _analyze_body(ctx, unq, lang)
            return shift(inner, 0, fixed=start)
    if lang in ("plpgsql", "sql"):
        return shift(_analyze_body(ctx, ctx.text[start:end], lang), start)
    return []


def _analyze_body(ctx: Context, text: str, lang: str) -> list[Operation]:
    if lang == "sql":
        return _sql_statements(ctx, text)
    return plpgsql_operations(ctx, text)


def _sql_body(ctx: Context, start: int, end: int) -> list[Operation]:
    return shift(_sql_statements(ctx, ctx.text[start:end]), start)


def _sql_statements(ctx: Context, text: str) -> list[Operation]:
    ops: list[Operation] = []
    for s, e in scan(text, meta_commands=False).statements:
        ops.extend(shift(ctx.analyze(text[s:e], depth=ctx.depth + 1), s))
    return ops


def plpgsql_operations(ctx: Context, body: str) -> list[Operation]:
    """Operations of the SQL statements inside a PL/pgSQL body (offsets into ``body``)."""
    ops: list[Operation] = []
    sc = scan(body, meta_commands=False)
    for s, e in sc.statements:
        piece = body[s:e]
        toks = tokenize(piece)
        start = _statement_start(toks)
        if start is None:
            continue
        t = toks[start]
        if t.up == "EXECUTE":
            ops.extend(shift(_execute(ctx, piece, toks, start), s))
            continue
        sub = piece[t.start :]
        inner = ctx.analyze(sub, plpgsql=True, depth=ctx.depth + 1)
        ops.extend(shift(inner, s + t.start))
    return ops


def _statement_start(toks: list[Tok]) -> int | None:
    depth = 0
    prev = ""
    for i, t in enumerate(toks):
        if t.up == "(":
            depth += 1
        elif t.up == ")":
            depth -= 1
        elif (
            depth == 0
            and t.kind == "word"
            and (i == 0 or prev in AFTER or prev.startswith(">>"))
            and (t.up in STARTERS or t.up == "EXECUTE")
        ):
            if t.up == "SET" and i + 1 < len(toks) and toks[i + 1].up != "SEARCH_PATH":
                return None
            return i
        prev = t.up if t.kind == "word" else (">>" if t.up == ">" and prev == ">" else t.up)
    return None


def _execute(ctx: Context, piece: str, toks: list[Tok], i: int) -> list[Operation]:
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    after = toks[i + 2] if i + 2 < len(toks) else None
    if nxt is not None and nxt.kind == "string" and (after is None or after.up in ("USING", "INTO")):
        lit = piece[nxt.start + 1 : nxt.end - 1]
        if "''" in lit:
            return shift(_sql_statements(ctx, lit.replace("''", "'")), 0, fixed=nxt.start)
        return shift(_sql_statements(ctx, lit), nxt.start + 1)
    if nxt is not None and nxt.up == "FORMAT" and after is not None and after.up == "(":
        text = _format_call(piece, toks, i + 3)
        if text is not None:
            return shift(_sql_statements(ctx, text), 0, fixed=toks[i + 3].start)
    return [
        Operation(
            UNANALYSABLE,
            "EXECUTE",
            toks[i].start,
            detail="dynamic SQL (EXECUTE of a computed string) cannot be checked",
        )
    ]


def _format_call(piece: str, toks: list[Tok], j: int) -> str | None:
    """``format('UPDATE %I.%I ...', 'cl', t)``: the text it builds, unknown arguments as placeholders."""
    if j >= len(toks) or toks[j].kind != "string":
        return None
    fmt = piece[toks[j].start + 1 : toks[j].end - 1].replace("''", "'")
    args: list[str] = []
    k = j + 1
    depth = 0
    current: list[Tok] = []
    while k < len(toks):
        t = toks[k]
        if t.up == "(":
            depth += 1
        elif t.up == ")":
            if depth == 0:
                break
            depth -= 1
        if t.up == "," and depth == 0:
            if current:
                args.append(_format_arg(piece, current))
            current = []
        else:
            current.append(t)
        k += 1
    if current:
        args.append(_format_arg(piece, current))
    out: list[str] = []
    n = 0
    pos = 0
    for m in re.finditer(r"%(?:(\d+)\$)?([sIL%])", fmt):
        out.append(fmt[pos : m.start()])
        if m.group(2) == "%":
            out.append("%")
        else:
            idx = int(m.group(1)) - 1 if m.group(1) else n
            n = idx + 1
            val = args[idx] if 0 <= idx < len(args) else f"{PLACEHOLDER_PREFIX}arg{idx + 1}__"
            out.append(f"'{val}'" if m.group(2) == "L" and PLACEHOLDER_PREFIX not in val else val)
        pos = m.end()
    out.append(fmt[pos:])
    return "".join(out)


def _format_arg(piece: str, parts: list[Tok]) -> str:
    if len(parts) == 1 and parts[0].kind == "string":
        return piece[parts[0].start + 1 : parts[0].end - 1].replace("''", "'")
    name = re.sub(r"\W+", "_", "".join(p.raw for p in parts))[:40]
    return f"{PLACEHOLDER_PREFIX}{name}__"
