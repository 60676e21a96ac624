"""Jinja / dbt templated SQL, rendered with placeholders so the SQL itself is analysed.

``{{ ref('m') }}`` becomes ``m``, ``{{ source('s', 't') }}`` ``s.t``, any other
``{{ expr }}`` a placeholder identifier (a table built from it is reported as
unresolved); ``{% ... %}`` tags and ``{# ... #}`` comments are blanked, so both
branches of an ``{% if %}`` are read. The strings of ``post_hook`` /
``pre_hook`` (in ``config(...)``) and of ``run_query(...)`` / ``statement``
calls are SQL of their own. Every character keeps its file offset.
"""

from __future__ import annotations

import re

from ownaudit.lint.fragment import Fragment
from ownaudit.lint.names import PLACEHOLDER_PREFIX
from ownaudit.lint.sqlsplit import scan

_CALL = re.compile(r"^\s*(ref|source)\s*\((.*)\)\s*$", re.DOTALL)
_STR = re.compile(r"""'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)\"""", re.DOTALL)
_HOOK = re.compile(r"\b(post_hook|pre_hook|run_query|sql_statement|execute)\s*[=(]", re.IGNORECASE)


def is_template(text: str) -> bool:
    return "{{" in text or "{%" in text


def template_fragments(text: str) -> list[Fragment]:
    """One fragment per statement of the rendered template, plus one per hook/run_query string."""
    out: list[str] = []
    origin: list[int] = []
    placeholders: dict[str, str] = {}
    hooks: list[Fragment] = []
    pos = 0
    n = 0
    for m in _tags(text):
        out.append(text[pos : m.start()])
        origin.extend(range(pos, m.start()))
        expr = m.group(1)
        code = expr if expr is not None else m.group(2)
        if code is not None:
            hooks.extend(_hook_strings(text, m.start(1) if expr is not None else m.start(2), code, placeholders))
        if expr is not None and re.match(r"\s*config\s*\(", expr):
            value = " "  # dbt model configuration, not SQL (its hooks are read above)
        elif expr is not None:
            rendered = _render(expr)
            if rendered is None:
                n += 1
                rendered = f"{PLACEHOLDER_PREFIX}t{n}__"
                placeholders[rendered] = m.group(0) or ""
            value = rendered
        else:
            value = " "
        out.append(value)
        origin.extend([m.start()] * len(value))
        pos = m.end()
    out.append(text[pos:])
    origin.extend(range(pos, len(text)))
    rendered = "".join(out)
    frags = [
        Fragment(rendered[s:e], origin[s] if s < len(origin) else 0, origin[s:e], True, placeholders, "template")
        for s, e in scan(rendered).statements
    ]
    return frags + hooks


class _Tag:
    """A template tag: ``group(1)`` the expression of ``{{ }}``, ``group(2)`` the code of ``{% %}``."""

    def __init__(self, text: str, start: int, end: int, kind: str, inner: tuple[int, int]) -> None:
        self.text, self._start, self._end, self.kind, self.inner = text, start, end, kind, inner

    def start(self, group: int = 0) -> int:
        return self.inner[0] if group else self._start

    def end(self) -> int:
        return self._end

    def group(self, i: int) -> str | None:
        if i == 0:
            return self.text[self._start : self._end]
        if (i == 1 and self.kind == "{{") or (i == 2 and self.kind == "{%"):
            return self.text[self.inner[0] : self.inner[1]]
        return None


def _tags(text: str) -> list[_Tag]:
    """Tags in order; a closing ``}}`` / ``%}`` inside a quoted string does not end the tag."""
    out: list[_Tag] = []
    i = 0
    n = len(text)
    while True:
        j = text.find("{", i)
        if j < 0 or j + 1 >= n:
            return out
        kind = text[j : j + 2]
        if kind not in ("{{", "{%", "{#"):
            i = j + 1
            continue
        close = {"{{": "}}", "{%": "%}", "{#": "#}"}[kind]
        k = j + 2
        quote = ""
        while k < n:
            c = text[k]
            if quote:
                if c == "\\":
                    k += 2
                    continue
                if c == quote:
                    quote = ""
            elif c in "'\"" and kind != "{#":
                quote = c
            elif text.startswith(close, k):
                break
            k += 1
        end = min(n, k + 2)
        a = j + 2 + (1 if text.startswith("-", j + 2) else 0)
        b = k - (1 if text[k - 1 : k] == "-" else 0)
        out.append(_Tag(text, j, end, kind, (a, max(a, b))))
        i = end


def _render(expr: str) -> str | None:
    m = _CALL.match(expr)
    if m is None:
        return None
    args: list[str] = [str(a or b) for a, b in _STR.findall(m.group(2))]
    if m.group(1) == "ref" and args:
        return args[-1]
    if m.group(1) == "source" and len(args) >= 2:
        return f"{args[0]}.{args[1]}"
    return None


def _hook_strings(text: str, base: int, code: str, placeholders: dict[str, str]) -> list[Fragment]:
    """SQL strings given to post_hook= / pre_hook= / run_query(...) inside a template tag."""
    out: list[Fragment] = []
    for h in _HOOK.finditer(code):
        for sm in _STR.finditer(code, h.end()):
            body = sm.group(1) if sm.group(1) is not None else sm.group(2)
            start = base + sm.start() + 1
            inner = template_fragments(body) if is_template(body) else None
            if inner is None:
                for s, e in scan(body).statements:
                    out.append(Fragment(body[s:e], start + s, None, True, placeholders, f"{h.group(1)} string"))
            else:
                for f in inner:
                    f.base += start
                    f.origin = [start + o for o in f.origin] if f.origin else None
                    f.context = f"{h.group(1)} string"
                    out.append(f)
            nxt = code.find(",", sm.end())
            close = code.find(")", sm.end())
            if h.group(1).lower() != "post_hook" and h.group(1).lower() != "pre_hook":
                break
            if close >= 0 and (nxt < 0 or close < nxt) and "[" not in code[h.end() : sm.start()]:
                break
    return out
