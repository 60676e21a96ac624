"""Split PostgreSQL script text into statements, keeping exact offsets.

``sqlglot.parse`` on a whole file stops at the first error or silently drops
statements, so the linter splits the text itself and parses each statement on
its own. The scanner knows what hides a semicolon: quotes, ``E''`` strings,
quoted identifiers, dollar quotes (``$$``, ``$tag$``), line and nested block
comments, psql meta-commands (``\\i``, ``\\set``, ``\\c``), ``COPY ... FROM stdin``
data blocks (until ``\\.``) and ``BEGIN ATOMIC`` function bodies. Unterminated
constructs run to the end of the text; nothing here ever raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The next character sequence that can change the scanner's state.
_SPECIAL = re.compile(r"--|/\*|[Ee]'|'|\"|\$(?:[^\W\d]\w*)?\$|;|\\|\n")
_DOLLAR_TAG = re.compile(r"\$(?:[^\W\d]\w*)?\$")
_BLOCK = re.compile(r"/\*|\*/")
_NOT_SPACE = re.compile(r"\S")
_COPY_STDIN = re.compile(r"\s*COPY\b.*\bFROM\s+STDIN\b", re.IGNORECASE | re.DOTALL)
_ATOMIC = re.compile(r"\bBEGIN\s+ATOMIC\b", re.IGNORECASE)
_CASE_END = re.compile(r"\b(CASE|END)\b", re.IGNORECASE)
_WORDCHAR = re.compile(r"[\w$]")
_RULE = re.compile(r"CREATE\s+(?:OR\s+REPLACE\s+)?RULE\b", re.IGNORECASE)


def _inside_rule_actions(text: str, start: int, at: int, spans: list[Span]) -> bool:
    """A ``;`` between the parentheses of ``CREATE RULE ... DO (a; b)`` does not end the statement."""
    if not _RULE.match(text, start):
        return False
    piece = text[start:at]
    for sp in _statement_spans(start, at, spans):  # parentheses inside quotes and comments do not count
        piece = piece[: sp.start] + " " * (sp.end - sp.start) + piece[sp.end :]
    return piece.count("(") > piece.count(")")


@dataclass(frozen=True)
class Span:
    """A quoted or commented region: ``kind`` is string|estring|ident|dollar|comment|meta|copydata."""

    kind: str
    start: int
    end: int  # exclusive, includes the closing delimiter
    body_start: int = 0  # first character of the content (dollar quotes, strings)
    body_end: int = 0


@dataclass
class Scan:
    """What the scanner found: statements as (start, end) offsets and the quoted spans."""

    statements: list[tuple[int, int]]
    spans: list[Span]


def split_statements(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each statement: from its first token to before its ``;``."""
    return scan(text).statements


def scan(text: str, *, meta_commands: bool = True) -> Scan:
    """Scan ``text`` once; statements exclude leading whitespace/comments and the terminator."""
    n = len(text)
    statements: list[tuple[int, int]] = []
    spans: list[Span] = []
    start = -1  # offset of the current statement's first significant character
    pos = 0
    line_start = True  # only whitespace since the last newline

    def begin(at: int) -> None:
        nonlocal start
        if start < 0:
            start = at

    while pos < n:
        m = _SPECIAL.search(text, pos)
        if m is None:
            nm = _NOT_SPACE.search(text, pos)
            if nm is not None:
                begin(nm.start())
            break
        tok = m.group()
        at = m.start()
        if at > pos and start < 0:
            nm = _NOT_SPACE.search(text, pos, at)
            if nm is not None:
                begin(nm.start())
        if at > pos and text[pos:at].strip():
            line_start = False
        if tok == "\n":
            pos = at + 1
            line_start = True
            continue
        if tok == "--":
            end = text.find("\n", at)
            end = n if end < 0 else end
            spans.append(Span("comment", at, end, at + 2, end))
            pos = end
            continue
        if tok == "/*":
            end = _block_comment_end(text, at)
            spans.append(Span("comment", at, end, at + 2, max(at + 2, end - 2)))
            pos = end
            line_start = False
            continue
        line_was_start = line_start
        line_start = False
        if tok == "\\":
            if meta_commands and line_was_start and start < 0:
                end = text.find("\n", at)
                end = n if end < 0 else end
                spans.append(Span("meta", at, end, at, end))
                if text.startswith(("\\copy", "\\COPY", "\\Copy"), at):
                    statements.append((at, end))  # psql's client-side COPY: a write like COPY ... FROM
                pos = end
                continue
            begin(at)
            pos = at + 1
            continue
        if tok == ";":
            if start >= 0 and _inside_atomic(text, start, at, spans):
                pos = at + 1
                continue
            if start >= 0 and _inside_rule_actions(text, start, at, spans):
                pos = at + 1
                continue
            if start >= 0:
                statements.append((start, at))
                stmt_start = start
                start = -1
                pos = at + 1
                if meta_commands and _COPY_STDIN.match(text, stmt_start, at) and _is_copy_stdin(text, stmt_start, at):
                    pos = _skip_copy_data(text, pos, spans)
                    line_start = True
            else:
                pos = at + 1
            continue
        begin(at)
        if tok in ("'", "E'", "e'"):
            if tok != "'" and at > 0 and _WORDCHAR.match(text, at - 1):
                # an identifier ending in e followed by a quote: a plain string
                tok = "'"
                at += 1
            escapes = tok != "'"
            end = _quote_end(text, at + len(tok), "'", escapes)
            spans.append(Span("estring" if escapes else "string", at, end, at + len(tok), max(at + len(tok), end - 1)))
            pos = end
            continue
        if tok == '"':
            end = _quote_end(text, at + 1, '"', False)
            spans.append(Span("ident", at, end, at + 1, max(at + 1, end - 1)))
            pos = end
            continue
        # dollar quote: not when glued to an identifier (a$b$ is a name)
        if at > 0 and _WORDCHAR.match(text, at - 1):
            pos = at + 1
            continue
        close = text.find(tok, at + len(tok))
        end = n if close < 0 else close + len(tok)
        spans.append(Span("dollar", at, end, at + len(tok), n if close < 0 else close))
        pos = end
    if start >= 0:
        end = len(text.rstrip())
        if end > start:
            statements.append((start, end))
    return Scan(statements, spans)


def _block_comment_end(text: str, at: int) -> int:
    depth = 0
    pos = at
    while True:
        m = _BLOCK.search(text, pos)
        if m is None:
            return len(text)
        depth += 1 if m.group() == "/*" else -1
        pos = m.end()
        if depth == 0:
            return pos


def _quote_end(text: str, pos: int, quote: str, escapes: bool) -> int:
    n = len(text)
    while pos < n:
        c = text[pos]
        if escapes and c == "\\":
            pos += 2
            continue
        if c == quote:
            if pos + 1 < n and text[pos + 1] == quote:
                pos += 2
                continue
            return pos + 1
        nxt = text.find(quote, pos)
        if nxt < 0:
            return n
        if escapes:
            bs = text.find("\\", pos, nxt)
            if bs >= 0:
                pos = bs
                continue
        pos = nxt
    return n


def _statement_spans(start: int, at: int, spans: list[Span]) -> list[Span]:
    """The spans found so far between ``start`` and ``at``, shifted to start at 0.

    Spans are found in order, so the statement's own are the tail of the list: reusing them
    keeps splitting linear (scanning each piece again nests a scan per ``;`` and can run for
    ever on hostile input).
    """
    out: list[Span] = []
    for sp in reversed(spans):
        if sp.end <= start:
            break
        if sp.start < at:
            a, b = max(sp.start, start), min(sp.end, at)
            out.append(Span(sp.kind, a - start, b - start, sp.body_start - start, sp.body_end - start))
    out.reverse()
    return out


def _inside_atomic(text: str, start: int, at: int, spans: list[Span]) -> bool:
    """True when ``at`` lies inside a ``BEGIN ATOMIC ... END`` body of the statement."""
    segment = text[start:at]
    if "atomic" not in segment.lower():
        return False
    masked = mask(segment, _statement_spans(start, at, spans))
    m = _ATOMIC.search(masked)
    if m is None:
        return False
    depth = 1
    for w in _CASE_END.finditer(masked, m.end()):
        depth += 1 if w.group().upper() == "CASE" else -1
    return depth > 0


def _is_copy_stdin(text: str, start: int, end: int) -> bool:
    return _COPY_STDIN.match(mask(text[start:end])) is not None


def _skip_copy_data(text: str, pos: int, spans: list[Span]) -> int:
    """Skip the rest of the COPY line and its data lines up to and including ``\\.``."""
    n = len(text)
    nl = text.find("\n", pos)
    if nl < 0:
        return n
    data_start = nl + 1
    cur = data_start
    while cur < n:
        nl = text.find("\n", cur)
        line_end = n if nl < 0 else nl
        if text[cur:line_end].strip() == "\\.":
            spans.append(Span("copydata", data_start, line_end, data_start, cur))
            return line_end
        cur = line_end + 1
    spans.append(Span("copydata", data_start, n, data_start, n))
    return n


def mask(text: str, spans: list[Span] | None = None) -> str:
    """``text`` with comments and quoted contents blanked (same length, newlines kept).

    Keyword searches on the masked text never match inside strings or comments.
    String literals keep their quote characters so their presence stays visible.
    """
    if spans is None:
        spans = scan(text, meta_commands=False).spans
    if not spans:
        return text
    parts: list[str] = []
    pos = 0
    for sp in spans:
        if sp.start < pos:
            continue
        parts.append(text[pos : sp.start])
        chunk = text[sp.start : sp.end]
        blank = "".join("\n" if c == "\n" else " " for c in chunk)
        if sp.kind in ("string", "estring", "ident") and len(chunk) >= 1:
            keep = "'" if sp.kind != "ident" else '"'
            blank = keep + blank[1:-1] + (keep if len(chunk) > 1 else "")
        parts.append(blank)
        pos = sp.end
    parts.append(text[pos:])
    return "".join(parts)


def dollar_tag(text: str, at: int) -> str | None:
    """The dollar-quote tag starting at ``at`` (``$$`` or ``$tag$``), if any."""
    m = _DOLLAR_TAG.match(text, at)
    return m.group() if m else None
