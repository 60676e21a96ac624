"""SQL in Python source that ``ast`` rejects: string literals read from ``tokenize``.

The fallback of ``extract_python`` for a file with a syntax error (code up to
the bad token is still read). Also holds the literal decoder both share: escapes
decoded one character at a time so each character keeps its file offset, and
f-string ``{expr}`` turned into a recognisable placeholder identifier
(``__ownaudit_ph1__``), so a placeholder in a table position is reported as an
unresolved table instead of being dropped.
"""

from __future__ import annotations

import io
import re
import tokenize

from ownaudit.lint import extract_python
from ownaudit.lint.fragment import Fragment, PyToken, looks_like_sql, strongly_sql
from ownaudit.lint.positions import LineIndex
from ownaudit.lint.pyliterals import decode_literal

# The ast extractor's vocabulary, so both readers of Python look for SQL behind the same calls.
SQL_CALLS = extract_python.SQL_CALLS
_SQL_NAME = re.compile(r"(sql|query|stmt|statement|ddl|dml|migration)", re.IGNORECASE)
_SKIP = (tokenize.NL, tokenize.COMMENT)


def _tokens(text: str) -> list[tokenize.TokenInfo]:
    """Tokens up to the first tokenize error (code after a syntax error is not Python we can read)."""
    out: list[tokenize.TokenInfo] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            out.append(tok)
    except (tokenize.TokenError, SyntaxError, ValueError):
        pass
    return _merge_fstrings(out, text)


def _merge_fstrings(toks: list[tokenize.TokenInfo], text: str) -> list[tokenize.TokenInfo]:
    """Python 3.12+ splits f-strings into FSTRING_* tokens: join them back into one STRING."""
    fstart = getattr(tokenize, "FSTRING_START", None)
    if fstart is None:
        return toks
    fend = tokenize.FSTRING_END  # type: ignore[attr-defined]
    idx = LineIndex(text)
    out: list[tokenize.TokenInfo] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if t.type == fstart:
            depth = 0
            k = i
            while k < len(toks):
                if toks[k].type == fstart:
                    depth += 1
                elif toks[k].type == fend:
                    depth -= 1
                    if depth == 0:
                        break
                k += 1
            k = min(k, len(toks) - 1)
            s = idx.line_start(t.start[0]) + t.start[1]
            e = idx.line_start(toks[k].end[0]) + toks[k].end[1]
            out.append(tokenize.TokenInfo(tokenize.STRING, text[s:e], t.start, toks[k].end, t.line))
            i = k + 1
            continue
        out.append(t)
        i += 1
    return out


def extract(text: str) -> tuple[list[Fragment], list[PyToken]]:
    """SQL fragments and simplified tokens (for client-call detection) of Python source."""
    idx = LineIndex(text)
    toks = _tokens(text)
    frags: list[Fragment] = []
    simple: list[PyToken] = []
    counter = [0]
    n = len(toks)
    i = 0
    while i < n:
        t = toks[i]
        off = idx.line_start(t.start[0]) + t.start[1]
        if t.type != tokenize.STRING:
            if t.type == tokenize.NAME:
                simple.append(PyToken("name", t.string, off, off + len(t.string)))
            elif t.type == tokenize.OP:
                simple.append(PyToken("op", t.string, off, off + len(t.string)))
            i += 1
            continue
        # a run of literals joined implicitly or with +
        group = [i]
        k = i + 1
        while k < n:
            if toks[k].type in _SKIP:
                k += 1
                continue
            if toks[k].type == tokenize.STRING:
                group.append(k)
                k += 1
                continue
            if toks[k].type == tokenize.OP and toks[k].string == "+":
                m = k + 1
                while m < n and toks[m].type in _SKIP:
                    m += 1
                if m < n and toks[m].type == tokenize.STRING:
                    group.append(m)
                    k = m + 1
                    continue
            break
        placeholders: dict[str, str] = {}
        texts: list[str] = []
        origin: list[int] = []
        triple = False
        braces = _is_template(toks, i, k)
        for g in group:
            gt = toks[g]
            goff = idx.line_start(gt.start[0]) + gt.start[1]
            dec = decode_literal(gt.string, goff, placeholders, counter, braces)
            if dec is None:
                texts = []
                break
            texts.append(dec[0])
            origin.extend(dec[1])
            triple = triple or '"""' in gt.string[:6] or "'''" in gt.string[:6]
        value = "".join(texts)
        simple.append(PyToken("string", value, origin[0] if origin else off, off))
        prev = _prev_significant(toks, i)
        nxt = toks[k] if k < n else None
        is_statement = (prev is None or prev.type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT)) and (
            nxt is None or nxt.type in (tokenize.NEWLINE, tokenize.ENDMARKER)
        )
        if value and not is_statement and looks_like_sql(value):
            ctx = _context(toks, i)
            sql_context = bool(ctx) or (triple and "\n" in value and strongly_sql(value))
            frags.append(
                Fragment(
                    value,
                    origin[0] if origin else off,
                    origin,
                    sql_context,
                    placeholders,
                    ctx or "string literal",
                )
            )
        i = k
    return frags, simple


def _is_template(toks: list[tokenize.TokenInfo], i: int, k: int) -> bool:
    """A literal formatted later: ``sql.SQL("...")`` / ``SQL("...")`` or ``"...".format(...)``."""
    n = len(toks)
    if k + 1 < n and toks[k].string == "." and toks[k + 1].string == "format":
        return True
    j = i - 1
    while j >= 0 and toks[j].type in _SKIP:
        j -= 1
    return j >= 1 and toks[j].string == "(" and toks[j - 1].string in ("SQL", "Composed")


def _prev_significant(toks: list[tokenize.TokenInfo], i: int) -> tokenize.TokenInfo | None:
    k = i - 1
    while k >= 0 and toks[k].type in _SKIP:
        k -= 1
    return toks[k] if k >= 0 else None


def _context(toks: list[tokenize.TokenInfo], i: int) -> str:
    """Why this literal is SQL by its surroundings: a call like execute(, or a query-named variable."""
    k = i - 1
    while k >= 0 and toks[k].type in _SKIP:
        k -= 1
    if k >= 1 and toks[k].string == "(" and toks[k - 1].type == tokenize.NAME and toks[k - 1].string in SQL_CALLS:
        return f"{toks[k - 1].string}()"
    if k >= 1 and toks[k].string == "=" and toks[k - 1].type == tokenize.NAME and _SQL_NAME.search(toks[k - 1].string):
        return f"{toks[k - 1].string} ="
    if k >= 0 and toks[k].string == "=" and k >= 1 and toks[k - 1].string in ("query", "sql", "statement"):
        return f"{toks[k - 1].string}="
    return ""
