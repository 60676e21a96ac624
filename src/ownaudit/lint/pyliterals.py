"""Python string literal source -> its value, one file offset per character.

Escapes are decoded one character at a time so each character keeps the
offset of the source text it came from; ``{expr}`` in an f-string (or in a
``str.format`` / psycopg ``sql.SQL`` template) becomes a placeholder
identifier (``__ownaudit_ph1__``) whose original text is kept.
"""

from __future__ import annotations

import re

from ownaudit.lint.names import PLACEHOLDER_PREFIX

_SIMPLE_ESC = {
    "\\": "\\",
    "'": "'",
    '"': '"',
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
}


# Characters that can change how the following text decodes, by (raw, f-string or braces).
_SPECIAL: dict[tuple[bool, bool], re.Pattern[str] | None] = {
    (False, False): re.compile(r"\\"),
    (False, True): re.compile(r"[\\{}]"),
    (True, False): None,
    (True, True): re.compile(r"[{}]"),
}


def decode_literal(
    src: str, base: int, placeholders: dict[str, str], counter: list[int], braces: bool = False
) -> tuple[str, list[int]] | None:
    """Decode one Python string literal token; None for bytes literals.

    ``braces``: treat ``{...}`` as placeholders although the literal is not an f-string
    (``str.format`` templates and psycopg's ``sql.SQL("... {}")``).
    """
    i = 0
    while i < len(src) and src[i] not in "'\"":
        i += 1
    prefix = src[:i].lower()
    if "b" in prefix:
        return None
    raw = "r" in prefix
    fstr = "f" in prefix or braces
    q = src[i : i + 3] if src[i : i + 3] in ('"""', "'''") else src[i]
    start = i + len(q)
    end = len(src) - len(q) if src.endswith(q) and len(src) - len(q) >= start else len(src)
    out: list[str] = []
    origin: list[int] = []
    special = _SPECIAL[(raw, fstr)]
    j = start
    while j < end:
        # copy the run of ordinary characters up to the next one that may start an escape or a brace
        m = special.search(src, j, end) if special is not None else None
        k = m.start() if m is not None else end
        if k > j:
            out.append(src[j:k])
            origin.extend(range(base + j, base + k))
            j = k
            if j >= end:
                break
        c = src[j]
        if fstr and c == "{":
            if j + 1 < end and src[j + 1] == "{":
                out.append("{")
                origin.append(base + j)
                j += 2
                continue
            close = match_brace(src, j, end)
            expr = src[j + 1 : close].strip()
            counter[0] += 1
            marker = f"{PLACEHOLDER_PREFIX}{counter[0]}__"
            placeholders[marker] = "{" + expr + "}"
            out.append(marker)
            origin.extend([base + j] * len(marker))
            j = close + 1
            continue
        if fstr and c == "}" and j + 1 < end and src[j + 1] == "}":
            out.append("}")
            origin.append(base + j)
            j += 2
            continue
        if c == "\\" and not raw and j + 1 < end:
            n = src[j + 1]
            if n == "\n":
                j += 2
                continue
            if n in _SIMPLE_ESC:
                out.append(_SIMPLE_ESC[n])
                origin.append(base + j)
                j += 2
                continue
            if n in "xuU" or n in "01234567" or n == "N":
                val, width = _numeric_escape(src, j, end)
                if val is not None:
                    out.append(val)
                    origin.append(base + j)
                    j += width
                    continue
        out.append(c)
        origin.append(base + j)
        j += 1
    return "".join(out), origin


def _numeric_escape(src: str, j: int, end: int) -> tuple[str | None, int]:
    n = src[j + 1]
    try:
        if n == "x":
            return chr(int(src[j + 2 : j + 4], 16)), 4
        if n == "u":
            return chr(int(src[j + 2 : j + 6], 16)), 6
        if n == "U":
            return chr(int(src[j + 2 : j + 10], 16)), 10
        if n == "N":
            close = src.find("}", j)
            if close < 0:
                return None, 0
            import unicodedata

            return unicodedata.lookup(src[j + 3 : close]), close - j + 1
        k = j + 1
        while k < min(end, j + 4) and src[k] in "01234567":
            k += 1
        return chr(int(src[j + 1 : k], 8)), k - j
    except (ValueError, KeyError, OverflowError):
        return None, 0


def match_brace(src: str, j: int, end: int) -> int:
    depth = 0
    k = j
    quote = ""
    while k < end:
        c = src[k]
        if quote:
            if c == quote:
                quote = ""
        elif c in "'\"":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                return k
        k += 1
    return end - 1
