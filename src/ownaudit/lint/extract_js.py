"""SQL in JavaScript/TypeScript: string and template literals with exact positions.

No JS parser is among our dependencies, so this is a careful hand-written
tokenizer: comments, '...' and "..." strings with escapes, template literals
with nested ``${...}`` (each placeholder becomes a recognisable identifier so a
table name built from it is reported as unresolved), and regex literals
(recognised by the token before the slash, the usual heuristic). Literals
joined with ``+`` are concatenated. A ``sql`` tag (``sql`...``, ``Prisma.sql``)
or a ``.query(``/``.execute(`` call marks the literal as SQL by context.
"""

from __future__ import annotations

from ownaudit.lint.fragment import Fragment, PyToken, looks_like_sql, strongly_sql
from ownaudit.lint.names import PLACEHOLDER_PREFIX
from ownaudit.lint.operations import Operation

SQL_CALLS = frozenset(
    {
        "query",
        "execute",
        "raw",
        "unsafe",
        "sql",
        "$queryRaw",
        "$executeRaw",
        "$queryRawUnsafe",
        "$executeRawUnsafe",
        "queryObject",
        "none",
        "one",
        "many",
        "any",
        "oneOrNone",
        "manyOrNone",
        "result",
        "exec",
        "run",
        "prepare",
    }
)
SQL_TAGS = frozenset({"sql", "SQL", "$queryRaw", "$executeRaw", "raw"})
_REGEX_AFTER_WORDS = frozenset(
    {
        "return",
        "typeof",
        "case",
        "do",
        "else",
        "in",
        "of",
        "new",
        "delete",
        "void",
        "throw",
        "instanceof",
        "yield",
        "await",
    }
)
_ESC = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
_PUNCT3 = ("===", "!==", "**=", "...", "<<=", ">>=", ">>>", "&&=", "||=", "??=")
_PUNCT2 = (
    "=>",
    "==",
    "!=",
    "<=",
    ">=",
    "&&",
    "||",
    "??",
    "?.",
    "++",
    "--",
    "+=",
    "-=",
    "*=",
    "/=",
    "%=",
    "&=",
    "|=",
    "^=",
    "**",
    "<<",
    ">>",
)


class _Lit:
    __slots__ = ("origin", "placeholders", "start", "tagged", "value")

    def __init__(self, value: str, origin: list[int], placeholders: dict[str, str], start: int) -> None:
        self.value, self.origin, self.placeholders, self.start = value, origin, placeholders, start
        self.tagged = False


def extract(text: str, path: str | None = None) -> tuple[list[Fragment], list[Operation]]:
    frags, toks = _extract(text)
    from ownaudit.lint.clientcalls import client_writes

    return frags, client_writes(toks)


def _extract(text: str) -> tuple[list[Fragment], list[PyToken]]:
    """SQL fragments and simplified tokens of JS/TS source. Never raises on bad input."""
    toks: list[PyToken] = []
    lits: dict[int, _Lit] = {}  # index in toks -> literal
    counter = [0]
    _scan(text, 0, len(text), toks, lits, counter)
    frags: list[Fragment] = []
    i = 0
    n = len(toks)
    while i < n:
        if i not in lits:
            i += 1
            continue
        lit = lits[i]
        value, origin, ph = lit.value, list(lit.origin), dict(lit.placeholders)
        k = i + 1
        while k + 1 < n and toks[k].kind == "op" and toks[k].value == "+" and (k + 1) in lits:
            nxt = lits[k + 1]
            value += nxt.value
            origin += nxt.origin
            ph.update(nxt.placeholders)
            k += 2
        if looks_like_sql(value):
            ctx = _context(toks, i, lit)
            frags.append(
                Fragment(
                    value,
                    origin[0] if origin else lit.start,
                    origin,
                    bool(ctx) or ("\n" in value and strongly_sql(value)),
                    ph,
                    ctx or "string literal",
                )
            )
        i = k
    return frags, toks


def _context(toks: list[PyToken], i: int, lit: _Lit) -> str:
    prev = toks[i - 1] if i >= 1 else None
    if lit.tagged and prev is not None:
        return f"{prev.value}`...`"
    if (
        prev is not None
        and prev.value == "("
        and i >= 2
        and toks[i - 2].kind == "name"
        and toks[i - 2].value in SQL_CALLS
    ):
        return f"{toks[i - 2].value}()"
    if (
        prev is not None
        and prev.value == "="
        and i >= 2
        and toks[i - 2].kind == "name"
        and any(w in toks[i - 2].value.lower() for w in ("sql", "query", "stmt", "statement"))
    ):
        return f"{toks[i - 2].value} ="
    return ""


def _scan(
    text: str,
    pos: int,
    end: int,
    toks: list[PyToken],
    lits: dict[int, _Lit],
    counter: list[int],
    stop_at_brace: bool = False,
) -> int:
    """Tokenize ``text[pos:end]``; with ``stop_at_brace`` return at the ``}`` closing a ``${``."""
    depth = 0
    while pos < end:
        c = text[pos]
        if c in " \t\r\n\ufeff\u00a0":
            pos += 1
            continue
        if c == "/" and text.startswith("//", pos):
            nl = text.find("\n", pos)
            pos = end if nl < 0 else nl
            continue
        if c == "/" and text.startswith("/*", pos):
            close = text.find("*/", pos + 2)
            pos = end if close < 0 else close + 2
            continue
        if c in "'\"":
            value, origin, pos = _string(text, pos, end)
            lits[len(toks)] = _Lit(value, origin, {}, origin[0] if origin else pos)
            toks.append(PyToken("string", value, origin[0] if origin else pos, pos))
            continue
        if c == "`":
            start = pos
            tagged = bool(toks) and toks[-1].kind == "name" and toks[-1].value in SQL_TAGS
            value, origin, ph, pos = _template(text, pos, end, counter)
            lit = _Lit(value, origin, ph, origin[0] if origin else start)
            lit.tagged = tagged
            lits[len(toks)] = lit
            toks.append(PyToken("string", value, origin[0] if origin else start, pos))
            continue
        if c == "/" and _regex_allowed(toks):
            pos = _skip_regex(text, pos, end)
            continue
        if c.isalpha() or c in "_$" or ord(c) > 127:
            s = pos
            while pos < end and (text[pos].isalnum() or text[pos] in "_$" or ord(text[pos]) > 127):
                pos += 1
            toks.append(PyToken("name", text[s:pos], s, pos))
            continue
        if c.isdigit():
            s = pos
            while pos < end and (text[pos].isalnum() or text[pos] in "._"):
                pos += 1
            toks.append(PyToken("number", text[s:pos], s, pos))
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            if stop_at_brace and depth == 0:
                return pos + 1
            depth -= 1
        op = c
        for cand in _PUNCT3 + _PUNCT2:
            if text.startswith(cand, pos):
                op = cand
                break
        toks.append(PyToken("op", op, pos, pos + len(op)))
        pos += len(op)
    return pos


def _regex_allowed(toks: list[PyToken]) -> bool:
    if not toks:
        return True
    last = toks[-1]
    if last.kind == "name":
        return last.value in _REGEX_AFTER_WORDS
    if last.kind in ("number", "string"):
        return False
    return last.value not in (")", "]", "}", "++", "--")


def _skip_regex(text: str, pos: int, end: int) -> int:
    pos += 1
    in_class = False
    while pos < end:
        c = text[pos]
        if c == "\\":
            pos += 2
            continue
        if c == "\n":
            return pos
        if in_class:
            if c == "]":
                in_class = False
        elif c == "[":
            in_class = True
        elif c == "/":
            pos += 1
            while pos < end and text[pos].isalpha():
                pos += 1
            return pos
        pos += 1
    return pos


def _escape(text: str, j: int, end: int) -> tuple[str, int]:
    n = text[j + 1] if j + 1 < end else ""
    if n in _ESC:
        return _ESC[n], 2
    if n == "\n":
        return "", 2
    try:
        if n == "x":
            return chr(int(text[j + 2 : j + 4], 16)), 4
        if n == "u":
            if text.startswith("{", j + 2):
                close = text.find("}", j)
                return chr(int(text[j + 3 : close], 16)), close - j + 1
            return chr(int(text[j + 2 : j + 6], 16)), 6
    except (ValueError, OverflowError):
        pass
    return n, 2


def _string(text: str, pos: int, end: int) -> tuple[str, list[int], int]:
    quote = text[pos]
    j = pos + 1
    out: list[str] = []
    origin: list[int] = []
    while j < end:
        c = text[j]
        if c == quote:
            return "".join(out), origin, j + 1
        if c == "\n":  # unterminated string: stop at the line end
            return "".join(out), origin, j
        if c == "\\":
            val, width = _escape(text, j, end)
            if val:
                out.append(val)
                origin.append(j)
            j += max(width, 1)
            continue
        out.append(c)
        origin.append(j)
        j += 1
    return "".join(out), origin, end


def _template(text: str, pos: int, end: int, counter: list[int]) -> tuple[str, list[int], dict[str, str], int]:
    j = pos + 1
    out: list[str] = []
    origin: list[int] = []
    ph: dict[str, str] = {}
    while j < end:
        c = text[j]
        if c == "`":
            return "".join(out), origin, ph, j + 1
        if c == "\\":
            val, width = _escape(text, j, end)
            if val:
                out.append(val)
                origin.append(j)
            j += max(width, 1)
            continue
        if c == "$" and text.startswith("${", j):
            inner: list[PyToken] = []
            close = _scan(text, j + 2, end, inner, {}, counter, stop_at_brace=True)
            counter[0] += 1
            marker = f"{PLACEHOLDER_PREFIX}{counter[0]}__"
            ph[marker] = text[j:close]
            out.append(marker)
            origin.extend([j] * len(marker))
            j = close
            continue
        out.append(c)
        origin.append(j)
        j += 1
    return "".join(out), origin, ph, end
