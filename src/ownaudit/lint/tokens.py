"""A light word tokenizer over masked SQL, for statements sqlglot hands back as ``exp.Command``.

sqlglot returns a bare ``Command`` for many PostgreSQL statements (CREATE
POLICY, most GRANT forms, ALTER DEFAULT PRIVILEGES, DO, ...). Those are
analysed from tokens; this tokenizer works on the masked text (comments and
string contents blanked) so a keyword inside a literal never matches, and
reads quoted identifiers back from the original text at the same offsets.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ownaudit.lint.sqlsplit import mask

_TOKEN = re.compile(r'"[^"]*(?:"|$)|\'[^\']*(?:\'|$)|[^\W\d][\w$]*|\$\d+|\d+|::|[^\s\w]')


class Tok(NamedTuple):
    """One token: ``up`` is the upper-cased word (or the symbol), ``kind`` word|ident|string|symbol.

    A named tuple: statements are tokenised one by one, and building frozen
    dataclasses was a measurable share of the token path.
    """

    up: str
    start: int
    end: int
    kind: str
    raw: str

    @property
    def ident(self) -> str:
        """The identifier as PostgreSQL stores it: unquoted folded to lower case."""
        if self.kind == "ident":
            return self.raw[1:-1].replace('""', '"') if len(self.raw) >= 2 else self.raw
        return self.raw.lower()


def tokenize(text: str, masked: str | None = None) -> list[Tok]:
    """Tokens of ``text`` (comments skipped, strings as single tokens)."""
    if masked is None:
        masked = mask(text)
    out: list[Tok] = []
    for m in _TOKEN.finditer(masked):
        s, e = m.start(), m.end()
        first = masked[s]
        raw = text[s:e]
        if first == '"':
            out.append(Tok(raw, s, e, "ident", raw))
        elif first == "'":
            out.append(Tok("'", s, e, "string", raw))
        elif first.isalpha() or first == "_" or first > "\x7f":
            out.append(Tok(raw.upper(), s, e, "word", raw))
        else:
            out.append(Tok(raw, s, e, "symbol", raw))
    return out


def is_name(tok: Tok) -> bool:
    return tok.kind in ("word", "ident")


def qualified_name(toks: list[Tok], i: int) -> tuple[list[Tok], int]:
    """Read ``a.b.c`` starting at ``toks[i]``; returns the name parts and the next index."""
    parts: list[Tok] = []
    n = len(toks)
    while i < n and is_name(toks[i]):
        parts.append(toks[i])
        i += 1
        if i + 1 < n and toks[i].up == "." and is_name(toks[i + 1]):
            i += 1
            continue
        break
    return parts, i


def split_commas(toks: list[Tok], i: int, stop: set[str]) -> tuple[list[list[Tok]], int]:
    """Comma-separated token groups at paren depth 0 from ``i`` until a word in ``stop``."""
    groups: list[list[Tok]] = [[]]
    depth = 0
    n = len(toks)
    while i < n:
        t = toks[i]
        if depth == 0 and t.kind == "word" and t.up in stop:
            break
        if t.up == "(":
            depth += 1
        elif t.up == ")":
            depth -= 1
        if depth == 0 and t.up == ",":
            groups.append([])
        else:
            groups[-1].append(t)
        i += 1
    return [g for g in groups if g], i


def find_word(toks: list[Tok], word: str, start: int = 0, depth0: bool = True) -> int:
    """Index of the first word token ``word`` (at paren depth 0 by default), or -1."""
    depth = 0
    for i in range(start, len(toks)):
        t = toks[i]
        if t.up == "(":
            depth += 1
        elif t.up == ")":
            depth -= 1
        elif t.kind == "word" and t.up == word and (depth == 0 or not depth0):
            return i
    return -1
