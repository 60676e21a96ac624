"""Database access in Python source, read from ``ast`` (the C parser).

Two things come out of a file:

* SQL fragments: every string expression that is SQL, with one file offset
  per character. Names are followed to what they hold: module constants of the
  file and of imported modules of the repository, class attributes, literal
  lists and tuples iterated by a ``for`` loop, ``.format(...)``, f-strings,
  ``+`` and implicit concatenation, ``" ".join([...])``, ``%`` formatting and
  psycopg ``sql.SQL(...).format(sql.Identifier(...))``. What stays unknown
  becomes a placeholder (reported as an unresolved table, never dropped).
* Operations without SQL text: the framework descriptions of
  ``lint.frameworks`` (model classes, table objects, builders, migration
  DSLs) applied by one matcher.

A file with a syntax error falls back to ``pytokens`` (``tokenize`` up to the
bad token). A file with no SQL-looking literal and no framework word is not
parsed at all.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ownaudit.lint import frameworks as _fw
from ownaudit.lint.fragment import Fragment, looks_like_sql, strongly_sql
from ownaudit.lint.names import PLACEHOLDER_PREFIX
from ownaudit.lint.operations import FK, Name, Operation
from ownaudit.lint.pyliterals import decode_literal, match_brace
from ownaudit.lint.values import Ident, SVal

if TYPE_CHECKING:
    from ownaudit.lint.frameworks.base import Act, Builder, DslOp, ForeignKeys, Framework, ModelClass, ModelOps

SQL_CALLS = frozenset(
    {
        "execute",
        "executemany",
        "execute_values",
        "execute_batch",
        "copy_expert",
        "copy_from",
        "copy",
        "mogrify",
        "query",
        "fetch",
        "fetchrow",
        "fetchval",
        "fetch_all",
        "fetch_one",
        "text",
        "sql",
        "SQL",
        "raw",
        "exec_driver_sql",
        "read_sql",
        "read_sql_query",
        "run",
        "executescript",
        "prepare",
        "cursor_execute",
        "RunSQL",
        "run_query",
        "literal_column",
    }
)
_SQL_NAME = re.compile(r"(sql|query|stmt|statement|ddl|dml|migration|post_hook|pre_hook)", re.IGNORECASE)
_SQL_KW = frozenset({"sql", "query", "statement", "stmt", "post_hook", "pre_hook", "reverse_sql"})
# Cheap pre-filter: a quote followed by the start of a SQL statement, or a word a framework needs.
_MAYBE_SQL = re.compile(
    r"""['"]\s*\(?\s*(?:--|/\*|SELECT|INSERT|UPDATE|DELETE|WITH|CREATE|ALTER|DROP|GRANT|REVOKE|TRUNCATE|MERGE|COPY|DO|"""
    r"""SET|COMMENT|REFRESH|LOCK|CALL|EXPLAIN|PREPARE|EXECUTE|BEGIN|VACUUM|ANALYZE|REINDEX|CLUSTER|\\copy)\b"""
    r"""|\b(?:session|objects|op|batch_op)\.\w+\(|\.save\(|\binsert\(|\bupdate\(|\bdelete\(""",
    re.IGNORECASE,
)
_SQL_LITERAL = re.compile(_MAYBE_SQL.pattern.split("|\\b(?:session")[0], re.IGNORECASE)
MAX_ALTERNATIVES = 64
MAX_DEPTH = 12


@dataclass
class Scope:
    """Names bound in a module, class or function body: name -> the definitions that may give its value."""

    kind: str  # module | class | function
    parent: Scope | None
    defs: dict[str, list[tuple[str, Any, Any]]] = field(default_factory=dict)
    cls: ast.ClassDef | None = None

    def bind(self, name: str, kind: str, value: Any, extra: Any = None) -> None:
        self.defs.setdefault(name, []).append((kind, value, extra))


def extract(text: str, path: str | None = None) -> tuple[list[Fragment], list[Operation]]:
    """SQL fragments and framework operations (offsets into ``text``) of Python source."""
    fws = _fw.for_text(_fw.PYTHON, text)
    if not fws and _MAYBE_SQL.search(text) is None:
        return [], []
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return _fallback(text)
    mod = Module(text, tree, path, fws)
    try:
        mod.fws = mod.fws + mod.imported_frameworks()
        mod.run()
    except RecursionError:
        return _fallback(text)
    return mod.frags, _dedupe(mod.ops)


def _fallback(text: str) -> tuple[list[Fragment], list[Operation]]:
    from ownaudit.lint import pytokens
    from ownaudit.lint.clientcalls import client_writes

    frags, toks = pytokens.extract(text)
    return frags, client_writes(toks)


def _dedupe(ops: list[Operation]) -> list[Operation]:
    seen: set[tuple[Any, ...]] = set()
    out: list[Operation] = []
    for op in ops:
        key = (op.action, op.offset, str(op.target), op.privileges, str(op.parent))
        if key not in seen:
            seen.add(key)
            out.append(op)
    return out


def _last(node: ast.expr) -> str:
    """The last name of a callee: ``sa.Table`` -> ``Table``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _kw(call: ast.Call, name: str) -> ast.expr | None:
    for k in call.keywords:
        if k.arg == name:
            return k.value
    return None


def _arg(call: ast.Call, pos: int, kw: str = "") -> ast.expr | None:
    if kw:
        v = _kw(call, kw)
        if v is not None:
            return v
    if 0 <= pos < len(call.args) and not isinstance(call.args[pos], ast.Starred):
        return call.args[pos]
    return None


def split_dotted(value: str) -> tuple[str | None, str]:
    """``cl.x`` -> (cl, x); ``"cl"."x"`` -> (cl, x); ``x`` -> (None, x)."""
    v = value.strip()
    if v.startswith('"') and '"."' in v:
        a, _, b = v.partition('"."')
        return a.strip('"'), b.strip('"')
    if "." in v:
        a, _, b = v.rpartition(".")
        return a.strip('"') or None, b.strip('"')
    return None, v.strip('"')


class Module:
    """One parsed Python module: its scopes, and (for the linted file) its fragments and operations."""

    def __init__(self, text: str, tree: ast.Module, path: str | None, fws: tuple[Framework, ...]) -> None:
        self.text = text
        self.tree = tree
        self.path = path
        self.fws = fws
        self.frags: list[Fragment] = []
        self.ops: list[Operation] = []
        self.placeholders: dict[str, str] = {}
        self.counter = [0]
        self.lines = text.split("\n")
        self.starts = [0]
        for ln in self.lines:
            self.starts.append(self.starts[-1] + len(ln) + 1)
        self.ascii = text.isascii()
        self._spans: dict[int, tuple[int, int]] = {}
        self.scope = Scope("module", None)
        self._bind_body(tree.body, self.scope)
        self._models: dict[int, Ident | None] = {}
        self._where: ast.expr | None = None
        self._busy: set[int] = set()

    # -- positions -------------------------------------------------------------------
    def off(self, line: int, col: int) -> int:
        if line < 1 or line > len(self.lines):
            return len(self.text)
        if not self.ascii:
            src = self.lines[line - 1]
            if not src.isascii():
                col = len(src.encode("utf-8")[:col].decode("utf-8", "replace"))
        return self.starts[line - 1] + col

    def start(self, node: ast.AST) -> int:
        return self.off(getattr(node, "lineno", 1), getattr(node, "col_offset", 0))

    def end(self, node: ast.AST) -> int:
        return self.off(getattr(node, "end_lineno", 1) or 1, getattr(node, "end_col_offset", 0) or 0)

    def pos(self, node: ast.AST) -> int:
        """Where a name is reported: a string literal's first character, else the node's start."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            v = self.literal(node)
            if v is not None and v.origin:
                return v.origin[0]
        return self.start(node)

    def source(self, node: ast.AST) -> str:
        if getattr(node, "_reparsed", False):
            return ast.unparse(node)
        return self.text[self.start(node) : self.end(node)]

    # -- scopes ----------------------------------------------------------------------
    def _bind_body(self, body: list[ast.stmt], scope: Scope) -> None:
        for stmt in body:
            self._bind_stmt(stmt, scope)

    def _bind_stmt(self, stmt: ast.stmt, scope: Scope) -> None:
        if isinstance(stmt, ast.Assign):
            self._spans[id(stmt.value)] = (stmt.lineno, stmt.lineno)
            for t in stmt.targets:
                self._bind_target(t, "assign", stmt.value, scope)
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            self._bind_target(stmt.target, "assign", stmt.value, scope)
        elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name) and isinstance(stmt.op, ast.Add):
            scope.bind(stmt.target.id, "augadd", stmt.value)
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            self._spans[id(stmt.iter)] = (stmt.lineno, stmt.end_lineno or stmt.lineno)
            self._bind_target(stmt.target, "for", stmt.iter, scope)
            self._bind_body(stmt.body + stmt.orelse, scope)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                if item.optional_vars is not None:
                    self._bind_target(item.optional_vars, "with", item.context_expr, scope)
            self._bind_body(stmt.body, scope)
        elif isinstance(stmt, (ast.If, ast.While)):
            self._bind_body(stmt.body + stmt.orelse, scope)
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            body = list(getattr(stmt, "body", []))
            for h in getattr(stmt, "handlers", []):
                body.extend(h.body)
            body += list(getattr(stmt, "orelse", [])) + list(getattr(stmt, "finalbody", []))
            self._bind_body(body, scope)
        elif isinstance(stmt, ast.ClassDef):
            scope.bind(stmt.name, "class", stmt)
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            scope.bind(stmt.name, "def", stmt)
        elif isinstance(stmt, ast.ImportFrom):
            for a in stmt.names:
                scope.bind(a.asname or a.name, "from", (stmt.module, stmt.level, a.name))
        elif isinstance(stmt, ast.Import):
            for a in stmt.names:
                if a.asname:
                    scope.bind(a.asname, "import", a.name)
                else:
                    scope.bind(a.name.split(".")[0], "import", a.name.split(".")[0])

    def _bind_target(self, t: ast.expr, kind: str, value: ast.expr, scope: Scope, index: tuple[int, ...] = ()) -> None:
        if isinstance(t, ast.Name):
            scope.bind(t.id, kind, value, index)
        elif isinstance(t, (ast.Tuple, ast.List)):
            for i, e in enumerate(t.elts):
                self._bind_target(e, kind, value, scope, (*index, i))

    def _function_scope(self, fn: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, parent: Scope) -> Scope:
        s = Scope("function", parent)
        if isinstance(fn, ast.Lambda):
            return s
        args = fn.args
        for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
            s.bind(a.arg, "param", None)
        self._bind_body(fn.body, s)
        return s

    def lookup(self, name: str, scope: Scope) -> list[tuple[str, Any, Any, Scope]]:
        s: Scope | None = scope
        while s is not None:
            if name in s.defs and not (s.kind == "class" and s is not scope):
                return [(k, v, x, s) for k, v, x in s.defs[name]]
            s = s.parent
        return []

    # -- other modules -------------------------------------------------------------
    def _other(self, module: str | None, level: int) -> Module | None:
        if self.path is None:
            return None
        from ownaudit.lint import resolve

        p = resolve.find_module(self.path, module, level)
        return None if p is None else self._load(p)

    def imported_frameworks(self) -> tuple[Framework, ...]:
        """Frameworks of the repository modules this file imports from (models declared elsewhere)."""
        if self.path is None:
            return ()
        extra: list[Framework] = []
        for stmt in self.tree.body:
            if isinstance(stmt, ast.ImportFrom):
                other = self._other(stmt.module, stmt.level)
                for fw in other.fws if other is not None else ():
                    if fw not in self.fws and fw not in extra and (fw.identity is not None or fw.models):
                        extra.append(fw)
        return tuple(extra)

    def _imported(self, kind: str, value: Any) -> tuple[Module | None, str | None]:
        """(module, name in it) of an import binding; name None for a module itself."""
        if kind == "from":
            module, level, name = value
            sub = self._other(f"{module}.{name}" if module else name, level)
            if sub is not None:
                return sub, None
            return self._other(module, level), name
        return self._other(value, 0), None

    # -- strings -------------------------------------------------------------------
    def literal(self, node: ast.expr, braces: bool = False) -> SVal | None:
        """Decode a (possibly implicitly concatenated) literal from its source text."""
        s, e = self.start(node), self.end(node)
        seg = self.text[s:e]
        texts: list[str] = []
        origin: list[int] = []
        for a, b in _literal_tokens(seg):
            dec = decode_literal(seg[a:b], s + a, self.placeholders, self.counter, braces)
            if dec is None:
                return None
            texts.append(dec[0])
            origin.extend(dec[1])
        return SVal("".join(texts), origin, True)

    def marker(self, shown: str, at: int) -> SVal:
        self.counter[0] += 1
        m = f"{PLACEHOLDER_PREFIX}{self.counter[0]}__"
        self.placeholders[m] = shown
        return SVal(m, [at] * len(m), False)

    def strs(self, node: ast.expr | None, scope: Scope, depth: int = 0, braces: bool = False) -> list[SVal] | None:
        """Possible values of a string expression; None when it is not one (or is unknown)."""
        if node is None or depth > MAX_DEPTH:
            return None
        key = id(node)
        if key in self._busy:
            return None
        self._busy.add(key)
        try:
            return self._strs(node, scope, depth, braces)
        finally:
            self._busy.discard(key)

    def _strs(self, node: ast.expr, scope: Scope, depth: int, braces: bool) -> list[SVal] | None:
        d = depth + 1
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str):
                v = self.literal(node, braces)
                return [v] if v is not None else None
            if isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
                t = str(node.value)
                return [SVal(t, [self.start(node)] * len(t), True)]
            return None
        if isinstance(node, ast.JoinedStr):
            return self._fstring(node, scope, d)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left = self.strs(node.left, scope, d, braces)
            right = self.strs(node.right, scope, d, braces)
            if left is None and right is None:
                return None
            if left is None:
                left = [self.marker("{" + self.source(node.left) + "}", self.start(node.left))]
            if right is None:
                right = [self.marker("{" + self.source(node.right) + "}", self.start(node.right))]
            return _product([left, right])
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            left = self.strs(node.left, scope, d)
            if left is None:
                return None
            return self._percent(left, node.right, scope, d)
        if isinstance(node, ast.Call):
            return self._call_str(node, scope, d, braces)
        if isinstance(node, ast.IfExp):
            a = self.strs(node.body, scope, d, braces)
            b = self.strs(node.orelse, scope, d, braces)
            if a is None and b is None:
                return None
            return _cap((a or [self.marker("{" + self.source(node.body) + "}", self.start(node))]) + (b or []))
        if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript)):
            vals = self._name_strs(node, scope, d, braces)
            if vals is None:
                return None
            at = self.start(node)
            return [SVal(v.text, [at] * len(v.text), False) for v in vals]
        return None

    def _name_strs(self, node: ast.expr, scope: Scope, d: int, braces: bool) -> list[SVal] | None:
        out: list[SVal] = []
        for expr, sc, mod, index in self.values_of(node, scope, d):
            if index and expr is not None:
                expr = _element(expr, index)
                if expr is None:
                    return None
            got = mod.strs(expr, sc, d, braces) if expr is not None else None
            if got is None:
                return None
            out.extend(got)
        return _cap(out) if out else None

    def values_of(
        self, node: ast.expr, scope: Scope, d: int
    ) -> list[tuple[ast.expr | None, Scope, Module, tuple[int, ...]]]:
        """The expressions a name (or ``mod.NAME``, ``self.X``, ``Class.X``, ``CONST['k']``) may hold."""
        if d > MAX_DEPTH:
            return []
        if isinstance(node, ast.Subscript):
            if isinstance(node.slice, ast.Constant):
                found: list[tuple[ast.expr | None, Scope, Module, tuple[int, ...]]] = []
                for expr, sc, mod, index in self.values_of(node.value, scope, d + 1):
                    if index and expr is not None:
                        expr = _element(expr, index)
                    if isinstance(expr, ast.Dict):
                        for k, v in zip(expr.keys, expr.values, strict=False):
                            if isinstance(k, ast.Constant) and k.value == node.slice.value:
                                found.append((v, sc, mod, ()))
                    elif isinstance(expr, (ast.Tuple, ast.List)) and isinstance(node.slice.value, int):
                        i = node.slice.value
                        if -len(expr.elts) <= i < len(expr.elts):
                            found.append((expr.elts[i], sc, mod, ()))
                return found
            return []
        if isinstance(node, ast.Attribute):
            base = node.value
            if isinstance(base, ast.Name) and base.id in ("self", "cls"):
                cls = self._enclosing_class(scope)
                if cls is not None:
                    return self._class_attr(cls, node.attr, d)
                return []
            for kind, val, _x, sc in self.lookup(base.id, scope) if isinstance(base, ast.Name) else []:
                if kind == "class":
                    return self._class_attr((val, sc, self), node.attr, d)
                if kind in ("from", "import"):
                    other, name = self._imported(kind, val)
                    if other is None:
                        return []
                    if name is None:
                        return other.values_of(ast.Name(node.attr), other.scope, d + 1)
                    for k2, v2, _x2, sc2 in other.lookup(name, other.scope):
                        if k2 == "class":
                            return other._class_attr((v2, sc2, other), node.attr, d + 1)
            return []
        if not isinstance(node, ast.Name):
            return []
        out: list[tuple[ast.expr | None, Scope, Module, tuple[int, ...]]] = []
        for kind, val, extra, sc in self._visible(self.lookup(node.id, scope), getattr(node, "lineno", 0)):
            if kind == "assign":
                out.append((val, sc, self, extra or ()))
            elif kind == "augadd":
                continue
            elif kind == "for":
                elts = self._iterable(val, sc, d)
                if elts is None:
                    return [(None, sc, self, ())]
                out.extend((e, esc, emod, tuple(extra or ())) for e, esc, emod in elts)
            elif kind == "from":
                other, name = self._imported(kind, val)
                if other is None or name is None:
                    return [(None, sc, self, ())]
                got = other.values_of(ast.Name(name), other.scope, d + 1)
                if not got:
                    return [(None, sc, self, ())]
                out.extend(got)
            else:
                return [(None, sc, self, ())]
        return out

    def _visible(self, defs: list[tuple[str, Any, Any, Scope]], line: int) -> list[tuple[str, Any, Any, Scope]]:
        """The bindings a use on ``line`` may see: the innermost ``for`` around it, else the assignments
        before it (all of them when none precedes: a function may be called after a later one)."""
        if not line or len(defs) < 2:
            return defs
        loops = [
            d
            for d in defs
            if d[0] == "for" and self._spans.get(id(d[1]), (0, -1))[0] <= line <= self._spans.get(id(d[1]), (0, -1))[1]
        ]
        if loops:
            inner = max(self._spans[id(d[1])][0] for d in loops)
            return [d for d in loops if self._spans[id(d[1])][0] == inner]
        before = [d for d in defs if d[0] != "for" and self._spans.get(id(d[1]), (0, 0))[0] <= line]
        return before or [d for d in defs if d[0] != "for"] or defs

    def _iterable(self, it: ast.expr, scope: Scope, d: int) -> list[tuple[ast.expr, Scope, Module]] | None:
        if isinstance(it, (ast.Tuple, ast.List, ast.Set)):
            return [(e, scope, self) for e in it.elts]
        if (
            isinstance(it, ast.Call)
            and _last(it.func) in ("enumerate", "sorted", "reversed", "list", "tuple")
            and it.args
        ):
            if _last(it.func) == "enumerate":
                return None
            return self._iterable(it.args[0], scope, d)
        if isinstance(it, (ast.Name, ast.Attribute)):
            out: list[tuple[ast.expr, Scope, Module]] = []
            for expr, sc, mod, index in self.values_of(it, scope, d + 1):
                if index and expr is not None:
                    expr = _element(expr, index)
                if expr is None:
                    return None
                got = mod._iterable(expr, sc, d + 1)
                if got is None:
                    return None
                out.extend(got)
            return out or None
        return None

    def _enclosing_class(self, scope: Scope) -> tuple[ast.ClassDef, Scope, Module] | None:
        s: Scope | None = scope
        while s is not None:
            if s.kind == "class" and s.cls is not None and s.parent is not None:
                return s.cls, s.parent, self
            s = s.parent
        return None

    def _class_attr(
        self, cls: tuple[ast.ClassDef, Scope, Module], attr: str, d: int
    ) -> list[tuple[ast.expr | None, Scope, Module, tuple[int, ...]]]:
        node, parent, mod = cls
        cs = Scope("class", parent, cls=node)
        mod._bind_body(node.body, cs)
        return [(v, cs, mod, x or ()) for k, v, x in cs.defs.get(attr, []) if k == "assign"]

    def _fstring(self, node: ast.JoinedStr, scope: Scope, d: int) -> list[SVal] | None:
        first = self.counter[0]
        base = self.literal(node)
        if base is None:
            return None
        # the parser already holds each {expr}: pair them with the placeholders, in order
        exprs = [v.value for v in node.values if isinstance(v, ast.FormattedValue)]
        markers = [f"{PLACEHOLDER_PREFIX}{i}__" for i in range(first + 1, self.counter[0] + 1)]
        by_marker = dict(zip(markers, exprs, strict=True)) if len(markers) == len(exprs) else None
        return self._fill(base, scope, d, {}, node.lineno, by_marker)

    def _fill(
        self,
        val: SVal,
        scope: Scope,
        d: int,
        fields: dict[str, ast.expr],
        line: int = 0,
        by_marker: dict[str, ast.expr] | None = None,
    ) -> list[SVal]:
        """Replace each placeholder of ``val`` whose expression (or ``.format`` field) resolves."""
        outs = [val]
        for marker in re.findall(PLACEHOLDER_PREFIX + r"\d+__", val.text):
            if by_marker is not None:
                known = by_marker.get(marker)
                if known is not None:
                    vals = self._format_value(known, scope, d)
                    if vals is not None:
                        outs = self._substitute(outs, marker, vals)
                    continue
            shown = self.placeholders.get(marker, "")
            inner = shown[1:-1] if shown.startswith("{") and shown.endswith("}") else shown
            inner = re.split(r"![rsa]$|:(?![^\[]*\])", inner, maxsplit=1)[0].strip()
            expr: ast.expr | None = None
            if fields:
                expr = fields.get(inner)
            else:
                try:
                    expr = ast.parse(inner, mode="eval").body if inner else None
                except SyntaxError:
                    expr = None
                if expr is not None:
                    ast.fix_missing_locations(expr)
                    for n in ast.walk(expr):  # a re-parsed expression: its line is the template's
                        n.lineno = n.end_lineno = line  # type: ignore[attr-defined]
                        n._reparsed = True  # type: ignore[attr-defined]
            if expr is None:
                continue
            vals = self._format_value(expr, scope, d)
            if vals is None:
                continue
            outs = self._substitute(outs, marker, vals)
        return outs

    def _substitute(self, outs: list[SVal], marker: str, vals: list[SVal]) -> list[SVal]:
        nxt: list[SVal] = []
        for o in outs:
            i = o.text.find(marker)
            if i < 0:
                nxt.append(o)
                continue
            at = o.origin[i] if i < len(o.origin) else (o.origin[-1] if o.origin else 0)
            for v in vals:
                nxt.append(
                    SVal(
                        o.text[:i] + v.text + o.text[i + len(marker) :],
                        o.origin[:i] + [at] * len(v.text) + o.origin[i + len(marker) :],
                        o.own,
                    )
                )
        return _cap(nxt)

    def _format_value(self, expr: ast.expr, scope: Scope, d: int) -> list[SVal] | None:
        """A value put into a template: a string, or psycopg ``sql.Identifier('cl', 'x')`` / ``sql.SQL(...)``."""
        if isinstance(expr, ast.Call) and _last(expr.func) == "Identifier" and expr.args:
            parts = [self.strs(a, scope, d) for a in expr.args]
            if any(p is None for p in parts):
                return None
            quoted = [[SVal('"' + v.text.replace('"', '""') + '"', v.origin, v.own) for v in p or []] for p in parts]
            joined: list[SVal] = quoted[0]
            for q in quoted[1:]:
                joined = _product([joined, [SVal(".", [0])], q])
            return joined
        if isinstance(expr, ast.Call) and _last(expr.func) in ("Literal", "Placeholder"):
            return [SVal("NULL", [0] * 4)]
        if isinstance(expr, (ast.Name, ast.Attribute)) and d <= MAX_DEPTH:
            defs = self.values_of(expr, scope, d + 1)
            if defs and all(isinstance(e, ast.Call) for e, _s, _m, _i in defs):
                out: list[SVal] = []
                at = self.start(expr)
                for e, sc, mod, _i in defs:
                    got = mod._format_value(e, sc, d + 1) if e is not None else None
                    if got is None:
                        return None
                    out.extend(SVal(g.text, [at] * len(g.text)) for g in got)
                return out
        return self.strs(expr, scope, d)

    def _percent(self, left: list[SVal], right: ast.expr, scope: Scope, d: int) -> list[SVal]:
        items: list[ast.expr] = list(right.elts) if isinstance(right, ast.Tuple) else [right]
        named: dict[str, ast.expr] = {}
        if isinstance(right, ast.Dict):
            named = {
                str(k.value): v for k, v in zip(right.keys, right.values, strict=False) if isinstance(k, ast.Constant)
            }
        out: list[SVal] = []
        for lv in left:
            parts: list[list[SVal]] = []
            pos = 0
            k = 0
            for m in re.finditer(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?([sdrifx%])", lv.text):
                parts.append([SVal(lv.text[pos : m.start()], lv.origin[pos : m.start()], lv.own)])
                at = lv.origin[m.start()] if m.start() < len(lv.origin) else 0
                if m.group(2) == "%":
                    parts.append([SVal("%", [at])])
                else:
                    arg = named.get(m.group(1)) if m.group(1) else (items[k] if k < len(items) else None)
                    k += 0 if m.group(1) else 1
                    vals = self.strs(arg, scope, d) if arg is not None else None
                    if vals is None:
                        shown = "{" + (self.source(arg) if arg is not None else "%s") + "}"
                        vals = [self.marker(shown, at)]
                    parts.append([SVal(v.text, [at] * len(v.text)) for v in vals])
                pos = m.end()
            parts.append([SVal(lv.text[pos:], lv.origin[pos:], lv.own)])
            out.extend(_product(parts))
        return _cap(out)

    def _call_str(self, node: ast.Call, scope: Scope, d: int, braces: bool) -> list[SVal] | None:
        f = node.func
        name = _last(f)
        if isinstance(f, ast.Attribute) and name == "format":
            recv = self.strs(f.value, scope, d, braces=True)
            if recv is None:
                return None
            fields: dict[str, ast.expr] = {}
            for i, a in enumerate(node.args):
                fields[str(i)] = a
            auto = list(node.args)
            for k in node.keywords:
                if k.arg:
                    fields[k.arg] = k.value
            out: list[SVal] = []
            for r in recv:
                # "{}" fields are numbered in order of appearance
                text = r.text
                n = 0
                for marker in re.findall(PLACEHOLDER_PREFIX + r"\d+__", text):
                    if self.placeholders.get(marker, "").strip() == "{}" and n < len(auto):
                        fields[f"#{marker}"] = auto[n]
                        n += 1
                out.extend(self._fill_format(r, scope, d, fields))
            return _cap(out)
        if isinstance(f, ast.Attribute) and name == "join" and node.args:
            sep = self.strs(f.value, scope, d)
            if sep is None:
                return None
            arg = node.args[0]
            elts = self._iterable(arg, scope, d)
            if elts is None:
                return None
            vals: list[list[SVal]] = []
            for i, (e, esc, emod) in enumerate(elts):
                got = emod.strs(e, esc, d)
                if got is None:
                    got = [self.marker("{" + emod.source(e) + "}", self.start(arg))]
                if emod is not self:
                    at = self.start(arg)
                    got = [SVal(g.text, [at] * len(g.text)) for g in got]
                if i:
                    vals.append(sep)
                vals.append(got)
            return _product(vals) if vals else [SVal("", [])]
        if name in ("SQL", "text", "literal_column", "dedent", "strip", "TextClause") and node.args:
            if isinstance(f, ast.Attribute) and name == "strip":
                return self.strs(f.value, scope, d, braces)
            return self.strs(node.args[0], scope, d, braces or name == "SQL")
        if isinstance(f, ast.Attribute) and name in ("strip", "upper", "lower", "rstrip", "lstrip") and not node.args:
            got = self.strs(f.value, scope, d, braces)
            if got is None or name in ("strip", "rstrip", "lstrip"):
                return got
            return [SVal(getattr(g.text, name)(), g.origin, g.own) for g in got]
        if name == "Composed" and node.args and isinstance(node.args[0], (ast.List, ast.Tuple)):
            parts = [self.strs(e, scope, d, True) or [self.marker("{}", self.start(e))] for e in node.args[0].elts]
            return _product(parts)
        return None

    def _fill_format(self, r: SVal, scope: Scope, d: int, fields: dict[str, ast.expr]) -> list[SVal]:
        mapped: dict[str, ast.expr] = {}
        for marker in re.findall(PLACEHOLDER_PREFIX + r"\d+__", r.text):
            shown = self.placeholders.get(marker, "")
            inner = shown[1:-1].strip() if shown.startswith("{") else shown
            inner = re.split(r"![rsa]$|:", inner, maxsplit=1)[0].strip()
            expr = fields.get(f"#{marker}") if inner == "" else fields.get(inner)
            if expr is not None:
                mapped[inner or f"#{marker}"] = expr
        if not mapped:
            return [r]
        return self._fill_fields(r, scope, d, mapped)

    def _fill_fields(self, r: SVal, scope: Scope, d: int, mapped: dict[str, ast.expr]) -> list[SVal]:
        outs = [r]
        for marker in re.findall(PLACEHOLDER_PREFIX + r"\d+__", r.text):
            shown = self.placeholders.get(marker, "")
            inner = shown[1:-1].strip() if shown.startswith("{") else shown
            inner = re.split(r"![rsa]$|:", inner, maxsplit=1)[0].strip()
            expr = mapped.get(inner or f"#{marker}")
            if expr is None:
                continue
            vals = self._format_value(expr, scope, d)
            if vals is None:
                continue
            nxt: list[SVal] = []
            for o in outs:
                i = o.text.find(marker)
                if i < 0:
                    nxt.append(o)
                    continue
                at = o.origin[i] if i < len(o.origin) else 0
                for v in vals:
                    nxt.append(
                        SVal(
                            o.text[:i] + v.text + o.text[i + len(marker) :],
                            o.origin[:i] + [at] * len(v.text) + o.origin[i + len(marker) :],
                            o.own,
                        )
                    )
            outs = _cap(nxt)
        return outs

    # -- the walk ------------------------------------------------------------------
    def run(self) -> None:
        if not self.fws:
            # no framework in use: only statements holding a SQL-looking literal need a walk
            import bisect

            hot = sorted({bisect.bisect_right(self.starts, m.start()) for m in _SQL_LITERAL.finditer(self.text)})
            self._hot: list[int] | None = hot
        else:
            self._hot = None
        self._walk_body(self.tree.body, self.scope)

    def _cold(self, stmt: ast.stmt) -> bool:
        """No SQL-looking literal on the statement's lines (and no framework to match calls for)."""
        if self._hot is None:
            return False
        import bisect

        i = bisect.bisect_left(self._hot, stmt.lineno)
        return i >= len(self._hot) or self._hot[i] > (stmt.end_lineno or stmt.lineno)

    def _walk_body(self, body: list[ast.stmt], scope: Scope) -> None:
        for stmt in body:
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, (ast.Constant, ast.JoinedStr)):
                continue  # a docstring or a bare string: prose
            if self._cold(stmt):
                continue
            self._walk(stmt, scope, None)

    def _walk(self, node: ast.AST, scope: Scope, parent: ast.AST | None) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for dec in node.decorator_list:
                self._walk(dec, scope, node)
            for dflt in [*node.args.defaults, *node.args.kw_defaults]:
                if dflt is not None:
                    self._walk(dflt, scope, node)
            self._walk_body(node.body, self._function_scope(node, scope))
            return
        if isinstance(node, ast.ClassDef):
            if any(fw.foreign_keys is not None for fw in self.fws):
                self._model_fks(node, scope)
            cs = Scope("class", scope, cls=node)
            self._bind_body(node.body, cs)
            for b in node.bases:
                self._walk(b, scope, node)
            self._walk_body(node.body, cs)
            return
        if isinstance(node, ast.Lambda):
            self._walk(node.body, self._function_scope(node, scope), node)
            return
        if isinstance(node, ast.expr) and _stringish(node):
            self._root(node, scope, parent)
            if isinstance(node, ast.Call):
                for a in [*node.args, *(k.value for k in node.keywords)]:
                    if not _stringish(a):
                        self._walk(a, scope, node)
            return
        if isinstance(node, ast.Call):
            self._call(node, scope)
        for child in ast.iter_child_nodes(node):
            self._walk(child, scope, node)

    def _root(self, node: ast.expr, scope: Scope, parent: ast.AST | None) -> None:
        if isinstance(node, ast.Constant) and not (isinstance(node.value, str) and looks_like_sql(node.value)):
            return  # the parser decoded it already: not SQL, so no positions are needed
        if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
            head = node.values[0].value
            if isinstance(head, str) and head.strip() and not looks_like_sql(head) and not head.isspace():
                return
        braces = isinstance(parent, ast.Call) and _last(parent.func) in ("SQL", "Composed") and node in parent.args
        vals = self.strs(node, scope, 0, braces)
        if not vals:
            return
        ctx = _context(parent, node)
        seg = self.source(node)
        triple = '"""' in seg or "'''" in seg
        for v in vals:
            if not v.own or not v.text or not looks_like_sql(v.text):
                continue
            sql_context = bool(ctx) or (triple and "\n" in v.text and strongly_sql(v.text))
            self.frags.append(
                Fragment(
                    v.text,
                    v.origin[0] if v.origin else self.start(node),
                    v.origin,
                    sql_context,
                    self.placeholders,
                    ctx or "string literal",
                )
            )

    # -- frameworks ----------------------------------------------------------------
    def _call(self, call: ast.Call, scope: Scope) -> None:
        if not self.fws:
            return
        f = call.func
        name = _last(f)
        for fw in self.fws:
            if name in fw.routine_calls and isinstance(f, ast.Attribute) and call.args:
                self._routine_call(fw, call, name, scope)
            for dsl in fw.dsl:
                if name in dsl.ops or name == dsl.fk_op:
                    self._dsl(fw, dsl, call, scope)
            for b in fw.builders:
                if name in b.writes:
                    self._builder(b, call, scope)
            mo = fw.model_ops
            if (
                mo is not None
                and name in mo.ops
                and isinstance(f, ast.Attribute)
                and isinstance(f.value, ast.Name)
                and f.value.id in mo.receivers
            ):
                self._model_op(fw, mo, call, scope)
            if fw.foreign_keys is not None and any(name in tc.funcs for tc in fw.tables):
                self._table_fks(fw, fw.foreign_keys, call, scope)
            iw = fw.identity
            if iw is None:
                continue
            if iw.constructor is not None and isinstance(f, (ast.Name, ast.Attribute)):
                ident = self.identity(f, scope)
                if ident is not None and not ident.instance and ident.framework == fw.name:
                    self._emit(iw.constructor, ident, call, f)
                    continue
            if isinstance(f, ast.Attribute) and name in iw.methods:
                self._where = f.value
                ident = self._chain_identity(f.value, scope, fw)
                if ident is not None and not ident.instance:
                    self._emit(iw.methods[name], ident, call, self._where or f.value)
                    continue
            if isinstance(f, ast.Attribute) and name in iw.instance_methods:
                ident = self.identity(f.value, scope)
                if ident is not None and ident.instance and ident.framework == fw.name:
                    self._emit(iw.instance_methods[name], ident, call, f.value)
                    continue
            if name in iw.funcs and call.args:
                arg = call.args[iw.arg] if iw.arg < len(call.args) else None
                targets = arg.elts if isinstance(arg, (ast.List, ast.Tuple)) else [arg] if arg is not None else []
                for a in targets:
                    ident = self.identity(a, scope)
                    if ident is not None and ident.framework == fw.name:
                        self._emit(iw.funcs[name], ident, call, a)

    def _routine_call(self, fw: Framework, call: ast.Call, name: str, scope: Scope) -> None:
        """``client.rpc('fn')``: the function's body does the work; resolved from the repository's SQL."""
        fname = self._str1(call.args[0], scope)
        schema = None
        for lname, lcall in _chain(call):
            if lname == "schema" and lcall is not None and lcall.args:
                schema = self._str1(lcall.args[0], scope)
        at = self.pos(call.args[0])
        shown = f"{schema}.{fname}" if schema else (fname or "<expr>")
        self.ops.append(
            Operation(
                "unanalysable",
                f".{name}()",
                at,
                Name(schema, fname or "<expr>", at, shown, fname is None),
                "function",
                detail=f".{name}('{shown}') runs a database function whose body is not in this repository's SQL",
                extra={"routine": "1", "client": fw.name},
            )
        )

    def _emit(self, act: Act, ident: Ident, call: ast.Call, at_node: ast.expr) -> None:
        at = self.pos(at_node)
        placeholder = ident.name is None
        nm = Name(ident.schema, ident.name or "<expr>", at, ident.raw or _raw(ident.schema, ident.name), placeholder)
        self.ops.append(
            Operation(act.action, act.statement, at, nm, privileges=act.privileges, extra={"client": ident.framework})
        )

    def _chain_identity(self, node: ast.expr, scope: Scope, fw: Framework) -> Ident | None:
        """The identity a call chain starts at, or passes to one of its calls (``session.query(User)``)."""
        via = fw.identity.via if fw.identity else frozenset()
        cur: ast.expr = node
        while True:
            if isinstance(cur, ast.Call):
                for a in cur.args[:2]:
                    ident = self.identity(a, scope)
                    if ident is not None and ident.framework == fw.name and not ident.instance:
                        self._where = a
                        return ident
                cur = cur.func
                continue
            if isinstance(cur, ast.Attribute):
                if cur.attr in via or cur.attr in ("__table__", "query", "c", "table"):
                    inner = self.identity(cur.value, scope)
                    if inner is not None and inner.framework == fw.name:
                        return inner
                ident = self.identity(cur, scope)
                if ident is not None and ident.framework == fw.name:
                    return ident
                cur = cur.value
                continue
            ident = self.identity(cur, scope)
            return ident if ident is not None and ident.framework == fw.name else None

    def identity(self, node: ast.expr | None, scope: Scope, d: int = 0) -> Ident | None:
        """The table identity an expression denotes: a model class, a table object, a model instance."""
        if node is None or d > MAX_DEPTH:
            return None
        if isinstance(node, ast.Call):
            direct = self._table_call(node, scope)
            if direct is not None:
                return direct
            looked = self._model_lookup(node, scope)
            if looked is not None:
                return looked
            cls = self.identity(node.func, scope, d + 1)
            if cls is not None and not cls.instance:
                return Ident(cls.schema, cls.name, cls.framework, True, cls.raw)
            # session.get(Model, id), Model.objects.get(...), session.query(Model).first()
            for fw in self.fws:
                if fw.identity is None:
                    continue
                if isinstance(node.func, ast.Attribute) and node.func.attr in (
                    "get",
                    "first",
                    "one",
                    "get_or_404",
                    "first_or_404",
                    "one_or_none",
                    "scalar",
                    "scalar_one",
                    "latest",
                    "last",
                ):
                    inner = self._chain_identity(node.func.value, scope, fw)
                    if inner is None and node.args:
                        inner = self.identity(node.args[0], scope, d + 1)
                    if inner is not None and not inner.instance:
                        return Ident(inner.schema, inner.name, inner.framework, True, inner.raw)
            return None
        if isinstance(node, ast.Attribute) and node.attr == "__table__":
            return self.identity(node.value, scope, d + 1)
        if isinstance(node, ast.Await):  # c = await Company.get(id=1): an instance, as without await
            return self.identity(node.value, scope, d + 1)
        if isinstance(node, ast.Name) or (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)):
            return self._name_identity(node, scope, d)
        return None

    def _name_identity(self, node: ast.Name | ast.Attribute, scope: Scope, d: int) -> Ident | None:
        if isinstance(node, ast.Attribute):
            assert isinstance(node.value, ast.Name)
            for kind, val, _x, _sc in self.lookup(node.value.id, scope):
                if kind in ("import", "from"):
                    mod, name = self._imported(kind, val)
                    if mod is not None and name is None:
                        return mod._name_identity(ast.Name(node.attr), mod.scope, d + 1)
            return None
        for kind, val, extra, sc in self.lookup(node.id, scope):
            if kind == "class":
                got = self.model(val, sc)
                if got is not None:
                    return got
            elif kind == "assign" and not extra:
                got = self.identity(val, sc, d + 1)
                if got is not None:
                    return got
            elif kind == "from":
                mod, name = self._imported(kind, val)
                if mod is not None and name is not None:
                    return mod._name_identity(ast.Name(name), mod.scope, d + 1)
            elif kind == "for":
                elts = self._iterable(val, sc, d)
                if elts:
                    got = self.identity(elts[0][0], elts[0][1], d + 1)
                    if got is not None:
                        return got
        return None

    def _table_call(self, call: ast.Call, scope: Scope) -> Ident | None:
        name = _last(call.func)
        for fw in self.fws:
            for tc in fw.tables:
                if name not in tc.funcs:
                    continue
                tname = self._str1(_arg(call, tc.name_arg, tc.name_kw), scope)
                schema_node = _kw(call, tc.schema_kw) if tc.schema_kw else None
                schema = self._str1(schema_node, scope) if schema_node is not None else None
                if schema_node is not None and schema is None:
                    return Ident(None, None, fw.name, raw=f"<expr>.{tname or '<expr>'}")
                if tname is None:
                    return Ident(schema, None, fw.name)
                s2, t2 = split_dotted(tname) if schema is None and tname.count(".") == 1 else (None, tname)
                return Ident(schema or s2, t2, fw.name)
        return None

    def _str1(self, node: ast.expr | None, scope: Scope) -> str | None:
        """The value of a string expression when it has exactly one and no placeholder."""
        if node is None:
            return None
        if isinstance(node, ast.Constant):
            return node.value if isinstance(node.value, str) else None
        vals = self.strs(node, scope)
        if not vals or len({v.text for v in vals}) != 1 or PLACEHOLDER_PREFIX in vals[0].text:
            return None
        return vals[0].text

    def _strn(self, node: ast.expr | None, scope: Scope) -> list[str] | None:
        """Every possible value of a string expression (None when any is unknown)."""
        if node is None:
            return None
        if isinstance(node, ast.Constant):
            return [node.value] if isinstance(node.value, str) else None
        vals = self.strs(node, scope)
        if not vals or any(PLACEHOLDER_PREFIX in v.text for v in vals):
            return None
        return list(dict.fromkeys(v.text for v in vals))

    def model(self, cls: ast.ClassDef, scope: Scope) -> Ident | None:
        """The table a class declares (memoised per class)."""
        key = id(cls)
        if key in self._models:
            return self._models[key]
        self._models[key] = None
        got = self._model(cls, scope)
        self._models[key] = got
        return got

    def _model(self, cls: ast.ClassDef, scope: Scope) -> Ident | None:
        cs = Scope("class", scope, cls=cls)
        self._bind_body(cls.body, cs)
        for fw in self.fws:
            for mc in fw.models:
                if not self._is_model(cls, mc, scope, fw):
                    continue
                name: str | None = None
                schema: str | None = None
                named = False
                for attr in mc.table_attrs:
                    for k, v, _x in cs.defs.get(attr, []):
                        if k == "assign":
                            named = True
                            if isinstance(v, ast.Tuple) and len(v.elts) == 2:  # Pony _table_ = ("cl", "x")
                                schema, name = self._str1(v.elts[0], cs), self._str1(v.elts[1], cs)
                            else:
                                name = self._str1(v, cs)
                for kw in cls.keywords:  # Piccolo: class X(Table, tablename="x", schema="cl")
                    if kw.arg in mc.class_kw_table:
                        named, name = True, self._str1(kw.value, scope)
                    elif kw.arg in mc.class_kw_schema:
                        schema = self._str1(kw.value, scope)
                for attr in mc.schema_attrs:
                    own = [v for k, v, _x in cs.defs.get(attr, []) if k == "assign"]
                    for v in own:
                        schema = self._schema_of(v, cs)
                    if not own:  # a base class's (or mixin's) __table_args__ applies: Python inheritance
                        got_base = self._inherited(cls, attr, scope)
                        if got_base is not None:
                            schema = got_base[2]._schema_of(got_base[0], got_base[1])
                if mc.meta:
                    meta = next((b for b in cls.body if isinstance(b, ast.ClassDef) and b.name == mc.meta), None)
                    if meta is not None:
                        ms = Scope("class", cs, cls=meta)
                        self._bind_body(meta.body, ms)
                        if any(
                            self._str1(v, ms) is None and isinstance(v, ast.Constant) and v.value is True
                            for k, v, _x in ms.defs.get("abstract", [])
                        ):
                            return None
                        for attr in mc.meta_table:
                            for _k, v, _x in ms.defs.get(attr, []):
                                named = True
                                name = self._str1(v, ms)
                        for attr in mc.meta_schema:
                            for _k, v, _x in ms.defs.get(attr, []):
                                schema = self._str1(v, ms)
                if not named:
                    if not mc.default_name:
                        continue
                    name = self._default_name(cls.name, mc.default_name)
                if name is not None and schema is None and (name.count(".") == 1 or '"."' in name):
                    schema, name = split_dotted(name)
                return Ident(schema, name, fw.name)
        return None

    def _inherited(
        self, cls: ast.ClassDef, attr: str, scope: Scope, depth: int = 0
    ) -> tuple[ast.expr, Scope, Module] | None:
        """The value of class attribute ``attr`` a class inherits from its bases (this module or imported)."""
        if depth > 6:
            return None
        for b in cls.bases:
            if not isinstance(b, ast.Name):
                continue
            for kind, val, _x, sc in self.lookup(b.id, scope):
                mod: Module | None = self
                base: ast.ClassDef | None = val if kind == "class" and val is not cls else None
                bscope = sc
                if kind == "from":
                    mod, name = self._imported(kind, val)
                    if mod is None or name is None:
                        continue
                    found = [(v2, sc2) for k2, v2, _x2, sc2 in mod.lookup(name, mod.scope) if k2 == "class"]
                    if not found:
                        continue
                    base, bscope = found[0]
                if base is None or mod is None:
                    continue
                bs = Scope("class", bscope, cls=base)
                mod._bind_body(base.body, bs)
                vals = [v for k, v, _x in bs.defs.get(attr, []) if k == "assign"]
                if vals:
                    return vals[-1], bs, mod
                deeper = mod._inherited(base, attr, bscope, depth + 1)
                if deeper is not None:
                    return deeper
        return None

    def _is_model(self, cls: ast.ClassDef, mc: ModelClass, scope: Scope, fw: Framework) -> bool:
        if mc.requires_kw and not any(
            k.arg == mc.requires_kw and isinstance(k.value, ast.Constant) and k.value.value is True
            for k in cls.keywords
        ):
            return False
        if not mc.bases:
            return any(
                isinstance(s, (ast.Assign, ast.AnnAssign))
                and any(
                    isinstance(t, ast.Name) and t.id in mc.table_attrs
                    for t in (s.targets if isinstance(s, ast.Assign) else [s.target])
                )
                for s in cls.body
            )
        for b in cls.bases:
            if _last(b) in mc.bases:
                return True
            # a base class of this module (or an imported one) that is itself a model of this framework
            if isinstance(b, ast.Name):
                for kind, val, _x, sc in self.lookup(b.id, scope):
                    if kind == "class" and val is not cls and self._is_model(val, mc, sc, fw):
                        return True
                    if kind == "from":
                        mod, name = self._imported(kind, val)
                        if mod is not None and name is not None:
                            for k2, v2, _x2, sc2 in mod.lookup(name, mod.scope):
                                if k2 == "class" and mod._is_model(v2, mc, sc2, fw):
                                    return True
        return False

    def _default_name(self, cls_name: str, how: str) -> str:
        if how == "snake":
            return re.sub(r"(?<!^)(?=[A-Z])", "_", cls_name).lower()
        if how == "django":
            import os

            app = os.path.basename(os.path.dirname(self.path)) if self.path else "app"
            if app == "models" and self.path:
                app = os.path.basename(os.path.dirname(os.path.dirname(self.path)))
            return f"{app}_{cls_name.lower()}"
        return cls_name.lower()

    def _schema_of(self, v: ast.expr, scope: Scope) -> str | None:
        """``{'schema': 'cl'}`` or ``(Index(...), {'schema': 'cl'})``."""
        if isinstance(v, ast.Tuple) and v.elts:
            v = v.elts[-1]
        if isinstance(v, ast.Dict):
            for k, val in zip(v.keys, v.values, strict=False):
                if isinstance(k, ast.Constant) and k.value == "schema":
                    return self._str1(val, scope)
            return None
        if isinstance(v, ast.Call) and _last(v.func) == "dict":
            return self._str1(_kw(v, "schema"), scope)
        return None

    # -- builders: a chain that names its table by string ---------------------------
    def _builder(self, b: Builder, call: ast.Call, scope: Scope) -> None:
        links = _chain(call)
        table_node: ast.expr | None = None
        schema_node: ast.expr | None = None
        has_schema = False
        tcall: ast.Call | None = None
        for lname, lcall in links:
            if lcall is None:
                continue
            if lname in b.table_methods:
                table_node = _arg(lcall, b.table_arg, b.table_kw)
                tcall = lcall
                if b.schema_kw and _kw(lcall, b.schema_kw) is not None:
                    schema_node, has_schema = _kw(lcall, b.schema_kw), True
            elif lname in b.schema_methods and lcall.args:
                schema_node, has_schema = lcall.args[0], True
        if tcall is None:
            return
        name = _last(call.func)
        act = b.writes[name]
        tvals = self._strn(table_node, scope) if table_node is not None else None
        at = self.pos(table_node) if table_node is not None and tvals else self.end(call.func) - len(name)
        svals: list[str | None] | None = list(self._strn(schema_node, scope) or []) or None if has_schema else [None]
        if tvals is None or svals is None:
            tshown = "<expr>" if tvals is None else "|".join(tvals)
            raw = (
                f"{'<expr>' if svals is None else '|'.join(s or '' for s in svals)}.{tshown}" if has_schema else tshown
            )
            nm = Name(None, tshown, at, raw, True)
            self.ops.append(
                Operation(act.action, act.statement, at, nm, privileges=act.privileges, extra={"client": "builder"})
            )
            return
        for t in tvals:
            for s in svals:
                sch, tn = (s, t)
                if sch is None and b.dotted and t.count(".") == 1:
                    sch, tn = split_dotted(t)
                nm = Name(sch, tn, at, _raw(sch, tn))
                self.ops.append(
                    Operation(act.action, act.statement, at, nm, privileges=act.privileges, extra={"client": "builder"})
                )

    # -- migration DSLs ------------------------------------------------------------
    def _dsl(self, fw: Framework, dsl: DslOp, call: ast.Call, scope: Scope) -> None:
        f = call.func
        if not isinstance(f, ast.Attribute) or not isinstance(f.value, ast.Name):
            return
        recv = f.value.id
        batch = None if recv in dsl.receivers else self._batch_table(recv, scope, fw)
        if recv not in dsl.receivers and batch is None:
            return
        name = f.attr
        if name == dsl.fk_op:
            self._dsl_fk(call, scope, batch)
            return
        act = dsl.ops.get(name)
        if act is None:
            # the batch receiver has the same operations as op, without the table argument
            for other in fw.dsl:
                if name in other.ops:
                    act = other.ops[name]
                    dsl = other
                    break
            if act is None:
                return
        if batch is not None:
            target, at = batch
        else:
            pos, kw = dsl.table_pos.get(name, (0, "table_name"))
            tnode = _arg(call, pos, kw)
            if name == "bulk_insert":
                ident = self.identity(tnode, scope)
                if ident is None:
                    return
                self._emit(act, ident, call, tnode or call)
                return
            schema_node = _kw(call, dsl.schema_kw)
            target = self._name_from(tnode, schema_node, scope, tnode or call)
            at = target.offset
        self.ops.append(
            Operation(
                act.action,
                f"{act.statement} (alembic op.{name})",
                at,
                target,
                privileges=act.privileges,
                extra={"client": fw.name},
            )
        )
        if name in ("create_table", "add_column"):
            self._column_fks(call, target, scope)

    def _batch_table(self, recv: str, scope: Scope, fw: Framework) -> tuple[Name, int] | None:
        for kind, val, _x, _sc in self.lookup(recv, scope):
            if kind == "with" and isinstance(val, ast.Call) and _last(val.func) == "batch_alter_table":
                tnode = _arg(val, 0, "table_name")
                nm = self._name_from(tnode, _kw(val, "schema"), scope, tnode or val)
                return nm, nm.offset
        return None

    def _name_from(self, tnode: ast.expr | None, snode: ast.expr | None, scope: Scope, at_node: ast.expr) -> Name:
        at = self.pos(at_node)
        t = self._str1(tnode, scope)
        s = self._str1(snode, scope) if snode is not None else None
        if t is None or (snode is not None and s is None):
            shown_t = t or "{" + (self.source(tnode) if tnode is not None else "?") + "}"
            shown = f"{s or '{' + self.source(snode) + '}'}.{shown_t}" if snode is not None else shown_t
            return Name(s, shown_t, at, shown, True)
        return Name(s, t, at, _raw(s, t))

    def _column_fks(
        self,
        call: ast.AST,
        child: Name,
        scope: Scope,
        spec: ForeignKeys | None = None,
        label: str = "alembic",
        attr: str | None = None,
    ) -> None:
        """The foreign keys declared inside ``call`` (a ``create_table``, a ``Table(...)``, a model's
        attribute), from table ``child``: each is checked like SQL ``REFERENCES``."""
        if spec is None:
            from ownaudit.lint.frameworks.sqlalchemy import FOREIGN_KEYS

            spec = FOREIGN_KEYS
        for node in ast.walk(call):
            if not isinstance(node, ast.Call) or node is call:
                continue
            fname = _last(node.func)
            if fname in spec.funcs or fname in spec.kw_funcs:
                ref_node = (
                    _kw(node, spec.kw_funcs[fname]) if fname in spec.kw_funcs else _arg(node, spec.ref_arg, spec.ref_kw)
                )
                if ref_node is None:
                    continue
                col = self._enclosing_column(call, node, scope, spec, attr)
                self._fk_decl(spec, ref_node, (col,) if col else (), node, child, scope, label)
            elif fname in spec.constraint_funcs and len(node.args) >= 2:
                local = self._str_list(node.args[0], scope)
                remote = node.args[1]
                first = remote.elts[0] if isinstance(remote, (ast.List, ast.Tuple)) and remote.elts else remote
                self._fk_decl(spec, first, tuple(local), node, child, scope, label)

    def _str_list(self, node: ast.expr, scope: Scope) -> list[str]:
        if isinstance(node, (ast.List, ast.Tuple)):
            return [s for s in (self._str1(e, scope) for e in node.elts) if s]
        one = self._str1(node, scope)
        return [one] if one else []

    def _enclosing_column(
        self, top: ast.AST, fk: ast.Call, scope: Scope, spec: ForeignKeys, attr: str | None
    ) -> str | None:
        kw = _kw(fk, spec.column_kw) if spec.column_kw else None
        if kw is not None:
            return self._str1(kw, scope)
        for node in ast.walk(top):
            if (
                isinstance(node, ast.Call)
                and _last(node.func) in spec.column_funcs
                and node.args
                and fk in ast.walk(node)
                and isinstance(node.args[0], (ast.Constant, ast.Name, ast.Attribute, ast.JoinedStr))
            ):
                got = self._str1(node.args[0], scope)
                if got is not None:
                    return got
        return f"{attr}{spec.column_suffix}" if attr else None

    def _fk_decl(
        self,
        spec: ForeignKeys,
        ref_node: ast.expr,
        cols: tuple[str, ...],
        node: ast.Call,
        child: Name,
        scope: Scope,
        label: str,
    ) -> None:
        at = self.pos(ref_node)
        od_node = _arg(node, spec.on_delete_arg, spec.on_delete_kw)
        if od_node is None:
            ondelete = spec.default_on_delete
        else:
            written = self._str1(od_node, scope) or _last(od_node) or ""
            ondelete = spec.actions.get(written, " ".join(written.lower().replace("_", " ").split()) or "no action")
        parent: Name
        if spec.ref == "model":
            parent = self._model_ref(ref_node, child, scope, at)
        else:
            ref = self._str1(ref_node, scope)
            if ref is None:
                ident = self.identity(ref_node.value if isinstance(ref_node, ast.Attribute) else ref_node, scope)
                if ident is not None and ident.name is not None:
                    parent = Name(ident.schema, ident.name, at, _raw(ident.schema, ident.name))
                else:
                    parent = Name(None, "<expr>", at, "{" + self.source(ref_node) + "}", True)
            else:
                parts = ref.split(".")
                if len(parts) >= 3:
                    parent = Name(parts[-3], parts[-2], at, ".".join(parts[-3:-1]))
                else:
                    parent = Name(None, parts[0], at, parts[0])
        self.ops.append(
            Operation(
                FK,
                f"FOREIGN KEY ({label})",
                at,
                child,
                columns=cols,
                parent=parent,
                on_delete=ondelete,
                extra={"client": label},
            )
        )

    def _model_ref(self, ref_node: ast.expr, child: Name, scope: Scope, at: int) -> Name:
        """The table of a model reference: a class, ``'Model'``, ``'app.Model'``, ``'self'``."""
        ident = None
        if isinstance(ref_node, ast.Constant) and isinstance(ref_node.value, str):
            if ref_node.value == "self":
                return Name(child.schema, child.name, at, str(child), child.placeholder)
            ident = self.identity(ast.Name(ref_node.value.rpartition(".")[2]), scope)
        else:
            ident = self.identity(ref_node, scope)
        if ident is not None and ident.name is not None and not ident.instance:
            return Name(ident.schema, ident.name, at, _raw(ident.schema, ident.name))
        written = ref_node.value if isinstance(ref_node, ast.Constant) and isinstance(ref_node.value, str) else None
        if (
            written is None
            and isinstance(ref_node, ast.Attribute)
            and ref_node.attr == "AUTH_USER_MODEL"
            and self._str1(ref_node, scope) is None
        ):
            written = "auth.User"  # settings.AUTH_USER_MODEL not set in this repository: Django's default
        if written is not None and any(fw.model_ops is not None for fw in self.fws):
            # 'crm.Company' in a migration, 'auth.User': the app's models module, else the default name
            app, _, model = written.rpartition(".")
            sch, tn = self.django_table(app or self._app_label(), model)
            return Name(sch, tn, at, _raw(sch, tn))
        return Name(None, "<expr>", at, "{model " + self.source(ref_node) + "}", True)

    def _table_fks(self, fw: Framework, spec: ForeignKeys, call: ast.Call, scope: Scope) -> None:
        """Foreign keys declared in a table object's columns: ``Table('t', md, Column(..., ForeignKey(...)))``."""
        if not any(isinstance(n, ast.Call) and _last(n.func) in spec.funcs for a in call.args for n in ast.walk(a)):
            return
        ident = self._table_call(call, scope)
        if ident is None or ident.name is None:
            return
        child = Name(ident.schema, ident.name, self.start(call), _raw(ident.schema, ident.name))
        self._column_fks(call, child, scope, spec, fw.name)

    # -- migrations that name a model (Django) ---------------------------------------
    def _model_op(self, fw: Framework, mo: ModelOps, call: ast.Call, scope: Scope) -> None:
        """``migrations.AddField(model_name='company', ...)``: DDL on the model's table, its fields' FKs."""
        assert isinstance(call.func, ast.Attribute)
        name = call.func.attr
        act = mo.ops[name]
        pos, kw = mo.model_pos.get(name, (0, "model_name"))
        mnode = _arg(call, pos, kw)
        model = self._str1(mnode, scope)
        at = self.pos(mnode) if mnode is not None else self.start(call)
        if model is None:
            shown = "{" + (self.source(mnode) if mnode is not None else "?") + "}"
            target = Name(None, shown, at, shown, True)
        else:
            sch, tn = self.django_table(self._app_label(), model)
            target = Name(sch, tn, at, _raw(sch, tn))
        self.ops.append(
            Operation(
                act.action,
                f"{act.statement} (migrations.{name})",
                at,
                target,
                privileges=act.privileges,
                extra={"client": fw.name},
            )
        )
        fpos = mo.field_pos.get(name)
        spec = fw.foreign_keys
        if fpos is None or spec is None or target.placeholder:
            return
        fnode = _arg(call, *fpos)
        if isinstance(fnode, (ast.List, ast.Tuple)):  # CreateModel(fields=[("company", models.ForeignKey(...))])
            for elt in fnode.elts:
                if isinstance(elt, ast.Tuple) and len(elt.elts) == 2:
                    self._column_fks(
                        ast.Expr(elt.elts[1]), target, scope, spec, fw.name, self._str1(elt.elts[0], scope)
                    )
        elif fnode is not None:
            npos = mo.name_pos.get(name)
            fname = self._str1(_arg(call, *npos), scope) if npos else None
            self._column_fks(ast.Expr(fnode), target, scope, spec, fw.name, fname)

    def _app_label(self) -> str:
        """The app a migration belongs to: the folder holding its ``migrations/`` folder."""
        import os

        d = os.path.dirname(os.path.abspath(self.path)) if self.path else ""
        if os.path.basename(d) == "migrations":
            d = os.path.dirname(d)
        return os.path.basename(d) or "app"

    def django_table(self, app: str, model: str) -> tuple[str | None, str]:
        """The table of model ``app.Model`` as Django names it (see ``ModelOps``)."""
        key = model.lower()
        for node in ast.walk(self.tree):
            if not isinstance(node, ast.Call) or _last(node.func) not in ("CreateModel", "AlterModelTable"):
                continue
            nm = self._str1(_arg(node, 0, "name"), self.scope)
            if nm is None or nm.lower() != key:
                continue
            if _last(node.func) == "AlterModelTable":
                table = self._str1(_arg(node, 1, "table"), self.scope)
            else:
                opts = _arg(node, 2, "options")
                table = None
                if isinstance(opts, ast.Dict):
                    for k, v in zip(opts.keys, opts.values, strict=False):
                        if isinstance(k, ast.Constant) and k.value == "db_table":
                            table = self._str1(v, self.scope)
            if table:
                return split_dotted(table) if table.count(".") == 1 or '"."' in table else (None, table)
        models = self._app_models(app)
        if models is not None:
            for cls in models.classes():
                if cls.name.lower() == key:
                    ident = models.model(cls, models.scope)
                    if ident is not None and ident.name is not None:
                        return ident.schema, ident.name
        return None, f"{app}_{key}"

    def classes(self) -> list[ast.ClassDef]:
        """The module's top-level classes."""
        return [v for defs in self.scope.defs.values() for k, v, _x in defs if k == "class"]

    def _app_models(self, app: str) -> Module | None:
        """The models module of ``app``: ``<app>/models.py`` or ``<app>/models/__init__.py`` beside this one."""
        import os

        if self.path is None:
            return None
        d = os.path.dirname(os.path.abspath(self.path))
        if os.path.basename(d) == "migrations":
            d = os.path.dirname(d)
        base = d if os.path.basename(d) == app else os.path.join(os.path.dirname(d), app)
        for cand in (os.path.join(base, "models.py"), os.path.join(base, "models", "__init__.py")):
            if os.path.isfile(cand):
                return self._load(cand)
        return None

    def _load(self, p: str) -> Module | None:
        """The parsed module at ``p``, once per run (imports and Django apps' models share it)."""
        from ownaudit.lint import resolve

        got = resolve.cached(p)
        if got is not None:
            return got if isinstance(got, Module) else None
        resolve.store(p, False)  # a cycle of imports resolves to nothing, not a loop
        text = resolve.read_module(p)
        if text is None:
            return None
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            return None
        m = Module(text, tree, p, _fw.for_text(_fw.PYTHON, text) or self.fws)
        resolve.store(p, m)
        return m

    def _model_lookup(self, call: ast.Call, scope: Scope) -> Ident | None:
        """``apps.get_model('crm', 'Company')`` in a data migration: the model's table."""
        name = _last(call.func)
        for fw in self.fws:
            mo = fw.model_ops
            if mo is None or name not in mo.lookups:
                continue
            args: list[str | None] = [self._str1(a, scope) for a in call.args[:2]]
            first = args[0] if args else None
            if len(args) == 1 and first and "." in first:  # get_model('crm.Company')
                args = [first.split(".", 1)[0], first.split(".", 1)[1]]
            if len(args) < 2 or args[0] is None or args[1] is None:
                return Ident(None, None, fw.name)
            sch, tn = self.django_table(args[0], args[1])
            return Ident(sch, tn, fw.name)
        return None

    def _model_fks(self, cls: ast.ClassDef, scope: Scope) -> None:
        """Foreign keys a model class declares (its attributes and ``__table_args__``)."""
        ident = self.model(cls, scope)
        if ident is None or ident.name is None:
            return
        fw = next((f for f in self.fws if f.name == ident.framework), None)
        spec = fw.foreign_keys if fw is not None else None
        if spec is None:
            return
        child = Name(ident.schema, ident.name, self.start(cls), _raw(ident.schema, ident.name))
        cs = Scope("class", scope, cls=cls)
        self._bind_body(cls.body, cs)
        for stmt in cls.body:
            if isinstance(stmt, ast.Assign):
                value, target = stmt.value, stmt.targets[0]
            elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
                value, target = stmt.value, stmt.target
            else:
                continue
            attr = target.id if isinstance(target, ast.Name) else None
            self._column_fks(ast.Expr(value), child, cs, spec, ident.framework, attr)

    def _dsl_fk(self, call: ast.Call, scope: Scope, batch: tuple[Name, int] | None) -> None:
        # op.create_foreign_key(name, source_table, referent_table, local_cols, remote_cols, ...)
        off = 0 if batch is not None else 1
        if batch is not None:
            child = batch[0]
        else:
            child = self._name_from(
                _arg(call, 1, "source_table"), _kw(call, "source_schema"), scope, _arg(call, 1, "source_table") or call
            )
        ref_node = _arg(call, 1 + off, "referent_table")
        local = _arg(call, 2 + off, "local_cols")
        parent = self._name_from(ref_node, _kw(call, "referent_schema"), scope, ref_node or call)
        at = parent.offset
        ondelete = self._str1(_kw(call, "ondelete"), scope)
        self.ops.append(
            Operation(
                FK,
                "FOREIGN KEY (alembic create_foreign_key)",
                at,
                child,
                columns=tuple(self._str_list(local, scope)) if local is not None else (),
                parent=parent,
                on_delete=" ".join((ondelete or "no action").lower().split()),
                extra={"client": "alembic"},
            )
        )


def _raw(schema: str | None, name: str | None) -> str:
    return f"{schema}.{name}" if schema else (name or "<expr>")


def _chain(call: ast.Call) -> list[tuple[str, ast.Call | None]]:
    """``a.b(x).c(y)`` -> [(a, None), (b, call), (c, call)] (a root call ``knex('t')`` is (knex, call))."""
    out: list[tuple[str, ast.Call | None]] = []
    cur: ast.expr = call
    pending: ast.Call | None = None
    while True:
        if isinstance(cur, ast.Call):
            pending = cur
            cur = cur.func
            continue
        if isinstance(cur, ast.Attribute):
            out.append((cur.attr, pending))
            pending = None
            cur = cur.value
            continue
        if isinstance(cur, ast.Name):
            out.append((cur.id, pending))
        break
    out.reverse()
    return out


def _element(expr: ast.expr, index: tuple[int, ...]) -> ast.expr | None:
    for i in index:
        if isinstance(expr, (ast.Tuple, ast.List)) and i < len(expr.elts):
            expr = expr.elts[i]
        else:
            return None
    return expr


def _product(parts: list[list[SVal]]) -> list[SVal]:
    out = [SVal("", [], False)]
    for alts in parts:
        nxt = []
        for o in out:
            for a in alts:
                nxt.append(SVal(o.text + a.text, o.origin + a.origin, o.own or a.own))
                if len(nxt) > MAX_ALTERNATIVES:
                    break
        out = nxt[:MAX_ALTERNATIVES]
    return out


def _cap(vals: list[SVal]) -> list[SVal]:
    return vals[:MAX_ALTERNATIVES]


def _stringish(node: ast.expr) -> bool:
    """A string expression to evaluate as a whole (not a bare name: its definition is reported itself)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return _has_literal(node)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr == "format":
            return _has_literal(node.func.value) or isinstance(node.func.value, (ast.Name, ast.Attribute))
        if node.func.attr == "join":
            return isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str)
    return False


def _has_literal(node: ast.expr) -> bool:
    if isinstance(node, (ast.Constant, ast.JoinedStr)):
        return isinstance(node, ast.JoinedStr) or isinstance(node.value, str)
    if isinstance(node, ast.BinOp):
        return _has_literal(node.left) or (isinstance(node.op, ast.Add) and _has_literal(node.right))
    if isinstance(node, ast.Call):
        if _last(node.func) in ("SQL", "text") and node.args:
            return _has_literal(node.args[0])
        if isinstance(node.func, ast.Attribute) and node.func.attr in ("format", "strip"):
            return _has_literal(node.func.value)
    return False


def _context(parent: ast.AST | None, node: ast.expr) -> str:
    """Why an expression is SQL by its surroundings: an ``execute(`` argument, a query-named variable."""
    if isinstance(parent, ast.Call):
        name = _last(parent.func)
        if name in SQL_CALLS:
            return f"{name}()"
        for k in parent.keywords:
            if k.value is node and k.arg in _SQL_KW:
                return f"{k.arg}="
        return ""
    if isinstance(parent, (ast.Assign, ast.AnnAssign)):
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        for t in targets:
            if isinstance(t, ast.Name) and _SQL_NAME.search(t.id):
                return f"{t.id} ="
            if isinstance(t, ast.Attribute) and _SQL_NAME.search(t.attr):
                return f"{t.attr} ="
    if isinstance(parent, ast.keyword) and parent.arg in _SQL_KW:
        return f"{parent.arg}="
    return ""


_LITERAL_STOP = {
    (q, f): re.compile("[\\\\" + q + ("{" if f else "") + "]") for q in ("'", '"') for f in (False, True)
}


def _literal_tokens(seg: str) -> Iterator[tuple[int, int]]:
    """The (start, end) of each literal token in the source of an implicitly concatenated string."""
    i, n = 0, len(seg)
    while i < n:
        c = seg[i]
        if c in " \t\r\n\\(":
            i += 1
            continue
        if c == "#":
            j = seg.find("\n", i)
            i = n if j < 0 else j + 1
            continue
        j = i
        while j < n and seg[j] not in "'\"":
            j += 1
        if j >= n:
            return
        prefix = seg[i:j].lower()
        fstr = "f" in prefix
        q = seg[j : j + 3] if seg[j : j + 3] in ('"""', "'''") else seg[j]
        k = j + len(q)
        stop = _LITERAL_STOP[(q[0], fstr)]
        while k < n:
            m = stop.search(seg, k)  # skip to the next escape, brace or quote character
            if m is None:
                k = n
                break
            k = m.start()
            ch = seg[k]
            if ch == "\\":
                k += 2
                continue
            if fstr and ch == "{":
                if k + 1 < n and seg[k + 1] == "{":
                    k += 2
                    continue
                k = match_brace(seg, k, n) + 1
                continue
            if seg.startswith(q, k):
                k += len(q)
                break
            k += 1
        yield i, min(k, n)
        i = k
