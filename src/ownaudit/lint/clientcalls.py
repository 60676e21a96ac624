"""Writes without SQL text: supabase client chains and pandas ``to_sql``.

``supabase.schema('x').from('t').insert(...)`` (JS) / ``.table('t')`` (Python),
and ``df.to_sql('t', con, schema='x')``. The schema is resolved when it is
written next to the call; otherwise the name goes through the search path like
an unqualified SQL name, and a non-literal schema or table is unresolved.
"""

from __future__ import annotations

from ownaudit.lint.fragment import PyToken
from ownaudit.lint.names import PLACEHOLDER_PREFIX
from ownaudit.lint.operations import WRITE, Name, Operation
from ownaudit.privileges import Privilege

_METHODS = {
    "insert": (Privilege.INSERT,),
    "upsert": (Privilege.INSERT, Privilege.UPDATE),
    "update": (Privilege.UPDATE,),
    "delete": (Privilege.DELETE,),
}
_FROM = frozenset({"from", "table", "from_"})


def _arg(toks: list[PyToken], i: int) -> tuple[PyToken | None, int]:
    """Argument of the call whose ``(`` is at ``i``: (the literal or None, the index after ``)``)."""
    if i >= len(toks) or toks[i].value != "(":
        return None, i
    depth = 0
    k = i
    while k < len(toks):
        v = toks[k].value if toks[k].kind == "op" else ""
        if v in ("(", "[", "{"):
            depth += 1
        elif v in (")", "]", "}"):
            depth -= 1
            if depth == 0:
                break
        k += 1
    inner = toks[i + 1 : k]
    lit = inner[0] if len(inner) == 1 and inner[0].kind == "string" else None
    return lit, k + 1


def _name(schema: PyToken | None, schema_given: bool, table: PyToken | None, at: int) -> Name:
    tname = table.value if table is not None and PLACEHOLDER_PREFIX not in table.value else None
    sname = schema.value if schema is not None else None
    placeholder = tname is None or (schema_given and sname is None)
    raw = f"{sname or ('<expr>' if schema_given else '')}{'.' if schema_given else ''}{tname or '<expr>'}"
    return Name(sname if schema_given else None, tname or "<expr>", at, raw, placeholder)


def client_writes(toks: list[PyToken]) -> list[Operation]:
    """Supabase-style ``[.schema(s)].from(t).insert|update|upsert|delete(`` and pandas ``to_sql``."""
    ops: list[Operation] = []
    n = len(toks)
    for i in range(1, n - 1):
        t = toks[i]
        if t.kind != "name" or toks[i - 1].value != ".":
            continue
        if t.value in _FROM:
            table, after = _arg(toks, i + 1)
            if (
                after + 2 < n
                and toks[after].value == "."
                and toks[after + 1].value in _METHODS
                and toks[after + 2].value == "("
            ):
                method = toks[after + 1].value
                schema: PyToken | None = None
                schema_given = False
                # look back: ... .schema('x') . from
                if i >= 5 and toks[i - 2].value == ")":
                    k = i - 2
                    depth = 0
                    while k >= 0:
                        if toks[k].value == ")":
                            depth += 1
                        elif toks[k].value == "(":
                            depth -= 1
                            if depth == 0:
                                break
                        k -= 1
                    if k >= 2 and toks[k - 1].value == "schema" and toks[k - 2].value == ".":
                        schema_given = True
                        schema, _ = _arg(toks, k)
                at = table.start if table is not None else t.start
                nm = _name(schema, schema_given, table, at)
                ops.append(
                    Operation(
                        WRITE,
                        f"supabase .{t.value}().{method}()",
                        at,
                        nm,
                        privileges=_METHODS[method],
                        extra={"client": "supabase"},
                    )
                )
        elif t.value == "to_sql" and toks[i + 1].value == "(":
            ops.extend(_to_sql(toks, i))
    return ops


def _to_sql(toks: list[PyToken], i: int) -> list[Operation]:
    n = len(toks)
    k = i + 2
    depth = 1
    args: list[list[PyToken]] = [[]]
    while k < n and depth > 0:
        v = toks[k].value if toks[k].kind == "op" else ""
        if v in ("(", "[", "{"):
            depth += 1
        elif v in (")", "]", "}"):
            depth -= 1
            if depth == 0:
                break
        if v == "," and depth == 1:
            args.append([])
        else:
            args[-1].append(toks[k])
        k += 1
    table: PyToken | None = None
    schema: PyToken | None = None
    schema_given = False
    table_seen = False
    for pos, a in enumerate(args):
        if len(a) >= 2 and a[0].kind == "name" and a[1].value == "=":
            key, val = a[0].value, a[2:]
            if key == "name":
                table_seen = True
                table = val[0] if len(val) == 1 and val[0].kind == "string" else None
            elif key == "schema":
                schema_given = True
                schema = val[0] if len(val) == 1 and val[0].kind == "string" else None
        elif pos == 0 and a:
            table_seen = True
            table = a[0] if len(a) == 1 and a[0].kind == "string" else None
    if not table_seen:
        return []
    at = table.start if table is not None else toks[i].start
    nm = _name(schema, schema_given, table, at)
    return [Operation(WRITE, "pandas to_sql()", at, nm, privileges=(Privilege.INSERT,), extra={"client": "pandas"})]
