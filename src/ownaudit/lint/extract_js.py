"""Database access in JavaScript / TypeScript, read with the tree-sitter grammars.

The parser is tree-sitter (``tree-sitter-javascript`` for .js/.jsx/.mjs/.cjs,
``tree-sitter-typescript`` for .ts/.mts/.cts and .tsx): small wheels with
compiled grammars, about 30 ms to import, imported only for a JS/TS file that
may hold SQL (a regular-expression pre-filter runs first). What comes out:

* SQL fragments: string and template literals that are SQL, one file offset
  per character; ``+`` concatenation, ``[...].join(' ')``, ``${CONST}`` and
  loop variables over literal arrays resolved; tagged templates (``sql```,
  ``Prisma.sql```, ``$executeRaw```) with identifier helpers
  (``sql('cl.x')``, ``sql.identifier([...])``, a Drizzle table object)
  substituted; what stays unknown becomes a placeholder.
* Operations without SQL text, from the framework descriptions in
  ``lint.frameworks`` (knex, Kysely, Drizzle, Prisma, TypeORM/MikroORM,
  Sequelize, supabase-js), with models and tables declared in other files
  of the repository followed through relative imports.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any

from ownaudit.lint import frameworks as _fw
from ownaudit.lint.fragment import Fragment, looks_like_sql, strongly_sql
from ownaudit.lint.names import PLACEHOLDER_PREFIX
from ownaudit.lint.operations import DDL, FK, UNANALYSABLE, Name, Operation
from ownaudit.lint.values import Ident, SVal

if TYPE_CHECKING:
    from ownaudit.lint.frameworks.base import Builder, ForeignKeys, Framework, TableCall

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
        "queryArray",
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
        "transaction",
        "copyFrom",
        "from",  # pg-copy-streams from('COPY ... FROM STDIN')
    }
)
SQL_TAGS = frozenset({"sql", "SQL", "$queryRaw", "$executeRaw", "raw", "unsafe", "query", "typedSql"})
_SQL_NAME = re.compile(r"(sql|query|stmt|statement|ddl|dml|migration)", re.IGNORECASE)
_SQL_KEYS = frozenset({"text", "sql", "query", "statement"})
_MAYBE = re.compile(
    r"""['"`]\s*\(?\s*(?:--|/\*|SELECT|INSERT|UPDATE|DELETE|WITH|CREATE|ALTER|DROP|GRANT|REVOKE|TRUNCATE|MERGE|COPY|"""
    r"""DO|SET|COMMENT|REFRESH|LOCK|CALL|EXPLAIN|PREPARE|EXECUTE|BEGIN|VACUUM)\b""",
    re.IGNORECASE,
)
_ESC = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
MAX_ALTERNATIVES = 64
MAX_DEPTH = 10
_JS_EXT = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")

_PARSERS: dict[str, Any] = {}
_QUERY_SRC = """
(string) @s
(template_string) @s
(call_expression) @c
(variable_declarator name: (identifier) @n value: (_) @v)
(variable_declarator name: (array_pattern) @n value: (_) @v)
(for_in_statement) @f
(class_declaration) @k
(import_statement) @i
"""


def _parser(path: str | None) -> tuple[Any, Any]:
    """(parser, query) for a file's language; grammars load on first use."""
    ext = os.path.splitext(path or "")[1].lower()
    lang = "tsx" if ext == ".tsx" else "typescript" if ext in (".ts", ".mts", ".cts") else "javascript"
    got = _PARSERS.get(lang)
    if got is None:
        import tree_sitter as ts

        if lang == "javascript":
            import tree_sitter_javascript as g

            language = ts.Language(g.language())
        else:
            import tree_sitter_typescript as tsg

            language = ts.Language(tsg.language_tsx() if lang == "tsx" else tsg.language_typescript())
        got = (ts.Parser(language), ts.Query(language, _QUERY_SRC), ts.QueryCursor)
        _PARSERS[lang] = got
    parser, query, cursor = got
    return parser, (query, cursor)


def extract(text: str, path: str | None = None) -> tuple[list[Fragment], list[Operation]]:
    """SQL fragments and framework operations (offsets into ``text``) of JS/TS source."""
    fws = _fw.for_text(_fw.JS, text)
    if not fws and _MAYBE.search(text) is None:
        return [], []
    mod = JsModule(text, path, fws)
    mod.run()
    return mod.frags, _dedupe(mod.ops)


def _dedupe(ops: list[Operation]) -> list[Operation]:
    seen: set[tuple[Any, ...]] = set()
    out: list[Operation] = []
    for op in ops:
        key = (op.action, op.offset, str(op.target), op.privileges)
        if key not in seen:
            seen.add(key)
            out.append(op)
    return out


def _product(parts: list[list[SVal]]) -> list[SVal]:
    out = [SVal("", [], False)]
    for alts in parts:
        out = [SVal(o.text + a.text, o.origin + a.origin, o.own or a.own) for o in out for a in alts][:MAX_ALTERNATIVES]
    return out


def split_dotted(value: str) -> tuple[str | None, str]:
    v = value.strip()
    if '"."' in v:
        a, _, b = v.partition('"."')
        return a.strip('"') or None, b.strip('"')
    if "." in v:
        a, _, b = v.rpartition(".")
        return a.strip('"') or None, b.strip('"')
    return None, v.strip('"')


class JsModule:
    """One parsed JS/TS file: bindings, and (for the linted file) fragments and operations."""

    def __init__(self, text: str, path: str | None, fws: tuple[Framework, ...]) -> None:
        self.text = text
        self.path = path
        self.fws = fws
        self.frags: list[Fragment] = []
        self.ops: list[Operation] = []
        self.placeholders: dict[str, str] = {}
        self.counter = 0
        self.data = text.encode("utf-8", "surrogatepass")
        self.ascii = len(self.data) == len(text)
        parser, (query, cursor) = _parser(path)
        self.tree = parser.parse(self.data)
        caps: dict[str, list[Any]] = {}
        pairs: list[tuple[Any, Any]] = []
        for _i, match in cursor(query).matches(self.tree.root_node):
            if "n" in match:
                pairs.append((match["n"][0], match["v"][0]))
                continue
            for k, nodes in match.items():
                caps.setdefault(k, []).extend(nodes)
        self.caps = caps
        self.binds: dict[str, list[tuple[Any, tuple[int, ...]]]] = {}
        for n, v in pairs:
            if n.type == "identifier":
                self.binds.setdefault(self.t(n), []).append((v, ()))
            else:
                for i, e in enumerate(n.named_children):
                    if e.type == "identifier":
                        self.binds.setdefault(self.t(e), []).append((v, (i,)))
        self.loops: dict[str, list[tuple[Any, Any, tuple[int, ...]]]] = {}
        for f in caps.get("f", []):
            left, right, op = (
                f.child_by_field_name("left"),
                f.child_by_field_name("right"),
                f.child_by_field_name("operator"),
            )
            if left is None or right is None or op is None or self.t(op) != "of":
                continue
            if left.type == "identifier":
                self.loops.setdefault(self.t(left), []).append((f, right, ()))
            elif left.type == "array_pattern":
                for i, e in enumerate(left.named_children):
                    if e.type == "identifier":
                        self.loops.setdefault(self.t(e), []).append((f, right, (i,)))
        self.classes: dict[str, Any] = {}
        for k in caps.get("k", []):
            nm = k.child_by_field_name("name")
            if nm is not None:
                self.classes[self.t(nm)] = k
        self.imports: dict[str, tuple[str, str]] = {}
        for imp in caps.get("i", []):
            src = imp.child_by_field_name("source")
            if src is None:
                continue
            spec = self.t(src).strip("'\"`")
            for sp in _walk_type(imp, "import_specifier"):
                name = sp.child_by_field_name("name")
                alias = sp.child_by_field_name("alias")
                if name is not None:
                    self.imports[self.t(alias or name)] = (spec, self.t(name))
            for ns in _walk_type(imp, "namespace_import"):
                for c in ns.named_children:
                    if c.type == "identifier":
                        self.imports[self.t(c)] = (spec, "*")
        self._busy: set[tuple[int, int]] = set()
        self._prisma: dict[str, tuple[str | None, str]] | None = None

    # -- text and positions ----------------------------------------------------------
    def t(self, node: Any) -> str:
        return str(node.text.decode("utf-8", "replace"))

    def off(self, byte: int) -> int:
        if self.ascii:
            return byte
        return len(self.data[:byte].decode("utf-8", "replace"))

    def start(self, node: Any) -> int:
        return self.off(node.start_byte)

    # -- other files -------------------------------------------------------------------
    def _other(self, spec: str) -> JsModule | None:
        """The module a relative import, a tsconfig ``paths``/``baseUrl`` alias or a package.json
        ``#imports`` subpath names, when it is a file of this repository."""
        if self.path is None or not spec:
            return None
        from ownaudit.lint import resolve

        here = os.path.dirname(os.path.abspath(self.path))
        memo = f"\0js-import\0{here}\0{spec}"
        known = resolve.cached(memo)
        if known is not None:  # where this folder's import of ``spec`` went ("" for nowhere)
            bases = [known] if known else []
        elif spec.startswith("."):
            bases = [os.path.normpath(os.path.join(here, spec))]
        else:
            bases = resolve.js_alias_targets(self.path, spec)
        cands: list[str] = []
        for base in bases:
            stem = base[: -len(os.path.splitext(base)[1])] if base.endswith((".js", ".mjs", ".cjs", ".jsx")) else base
            cands += [base] + [stem + e for e in _JS_EXT] + [os.path.join(base, "index" + e) for e in _JS_EXT]
        hit = next((c for c in cands if os.path.isfile(c)), None)
        resolve.store(memo, hit or "")
        for c in [hit] if hit else []:
            got = resolve.cached(c)
            if got is not None:
                return got if isinstance(got, JsModule) else None
            resolve.store(c, False)
            text = resolve.read_module(c)
            if text is None:
                return None
            m = JsModule(text, c, _fw.for_text(_fw.JS, text) or self.fws)
            resolve.store(c, m)
            return m
        return None

    # -- strings ---------------------------------------------------------------------
    def marker(self, shown: str, at: int) -> SVal:
        self.counter += 1
        m = f"{PLACEHOLDER_PREFIX}{self.counter}__"
        self.placeholders[m] = shown
        return SVal(m, [at] * len(m), False)

    def strs(self, node: Any, depth: int = 0, tagged: bool = False) -> list[SVal] | None:
        if node is None or depth > MAX_DEPTH:
            return None
        key = (node.start_byte, node.end_byte)
        if key in self._busy:
            return None
        self._busy.add(key)
        try:
            return self._strs(node, depth + 1, tagged)
        finally:
            self._busy.discard(key)

    def _strs(self, node: Any, d: int, tagged: bool) -> list[SVal] | None:
        ty = node.type
        if ty == "string":
            return [self._literal(node)]
        if ty == "template_string":
            return self._template(node, d, tagged)
        if ty == "number":
            return [SVal(self.t(node), [self.start(node)] * len(self.t(node)), True)]
        if ty == "binary_expression":
            op = node.child_by_field_name("operator")
            if op is None or self.t(op) != "+":
                return None
            left = self.strs(node.child_by_field_name("left"), d)
            right = self.strs(node.child_by_field_name("right"), d)
            if left is None and right is None:
                return None
            ln, rn = node.child_by_field_name("left"), node.child_by_field_name("right")
            left = left or [self.marker("${" + self.t(ln) + "}", self.start(ln))]
            right = right or [self.marker("${" + self.t(rn) + "}", self.start(rn))]
            return _product([left, right])
        if ty in ("parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression"):
            inner = node.named_children[0] if node.named_children else None
            return self.strs(inner, d, tagged)
        if ty == "ternary_expression":
            a = self.strs(node.child_by_field_name("consequence"), d)
            b = self.strs(node.child_by_field_name("alternative"), d)
            if a is None and b is None:
                return None
            return ((a or []) + (b or []))[:MAX_ALTERNATIVES] or None
        if ty == "call_expression":
            return self._call_str(node, d)
        if ty in ("identifier", "member_expression", "subscript_expression"):
            vals = self._name_strs(node, d)
            if vals is None:
                return None
            at = self.start(node)
            return [SVal(v.text, [at] * len(v.text), False) for v in vals]
        return None

    def _literal(self, node: Any) -> SVal:
        text: list[str] = []
        origin: list[int] = []
        for c in node.children:
            if c.type == "string_fragment":
                s = self.t(c)
                o = self.start(c)
                text.append(s)
                origin.extend(range(o, o + len(s)))
            elif c.type == "escape_sequence":
                s = self.t(c)
                text.append(_unescape(s))
                origin.append(self.start(c))
        return SVal("".join(text), origin, True)

    def _template(self, node: Any, d: int, tagged: bool) -> list[SVal]:
        parts: list[list[SVal]] = []
        for c in node.children:
            if c.type == "string_fragment":
                s = self.t(c)
                o = self.start(c)
                parts.append([SVal(s, list(range(o, o + len(s))), True)])
            elif c.type == "escape_sequence":
                parts.append([SVal(_unescape(self.t(c)), [self.start(c)], True)])
            elif c.type == "template_substitution":
                expr = c.named_children[0] if c.named_children else None
                at = self.start(c)
                vals = self._substitution(expr, d, tagged) if expr is not None else None
                if vals is None:
                    vals = [self.marker(self.t(c), at)]
                else:
                    vals = [SVal(v.text, [at] * len(v.text), False) for v in vals]
                parts.append(vals)
        out = _product(parts)
        for v in out:
            v.own = True
        return out

    def _substitution(self, expr: Any, d: int, tagged: bool) -> list[SVal] | None:
        """The text a ``${...}`` puts into SQL: a constant, an identifier helper, a table object."""
        if expr.type == "call_expression":
            fn = expr.child_by_field_name("function")
            args = _args(expr)
            name = _last_name(self, fn)
            if name in ("identifier", "ident") and args:  # slonik sql.identifier(['cl', 'x'])
                arr = args[0]
                items = arr.named_children if arr.type == "array" else [arr]
                vals = [self.strs(i, d) for i in items]
                if any(v is None for v in vals):
                    return None
                joined = ".".join('"' + (v[0].text if v else "") + '"' for v in vals)
                return [SVal(joined, [0] * len(joined))]
            if args and (name in ("sql", "raw", "unsafe") or (tagged and fn is not None and fn.type == "identifier")):
                got = self.strs(args[0], d)
                if got is not None:
                    return got
        ident = self.identity(expr, d)
        if ident is not None and ident.name is not None:
            q = f'"{ident.schema}"."{ident.name}"' if ident.schema else f'"{ident.name}"'
            return [SVal(q, [0] * len(q))]
        return self.strs(expr, d)

    def _call_str(self, node: Any, d: int) -> list[SVal] | None:
        fn = node.child_by_field_name("function")
        if fn is None or fn.type != "member_expression":
            return None
        prop = fn.child_by_field_name("property")
        obj = fn.child_by_field_name("object")
        if prop is None or obj is None:
            return None
        pname = self.t(prop)
        args = _args(node)
        if pname == "join":
            sep = self.strs(args[0], d) if args else [SVal(",", [0])]
            elts = self._array(obj, d)
            if sep is None or elts is None:
                return None
            parts: list[list[SVal]] = []
            for i, e in enumerate(elts):
                if i:
                    parts.append(sep)
                parts.append(self.strs(e, d) or [self.marker("${" + self.t(e) + "}", self.start(e))])
            return _product(parts)
        if pname in ("trim", "toUpperCase", "toLowerCase") and not args:
            got = self.strs(obj, d)
            if got is None:
                return None
            if pname == "trim":
                return got
            return [SVal(g.text.upper() if pname == "toUpperCase" else g.text.lower(), g.origin, g.own) for g in got]
        return None

    def _array(self, node: Any, d: int) -> list[Any] | None:
        if node.type == "array":
            return list(node.named_children)
        if node.type in ("as_expression", "satisfies_expression", "parenthesized_expression") and node.named_children:
            return self._array(node.named_children[0], d)
        if node.type == "identifier" and d <= MAX_DEPTH:
            for v, idx in self.binds.get(self.t(node), []):
                if not idx:
                    got = self._array(v, d + 1)
                    if got is not None:
                        return got
        return None

    def _name_strs(self, node: Any, d: int) -> list[SVal] | None:
        if node.type == "identifier":
            name = self.t(node)
            loops = [lp for lp in self.loops.get(name, []) if lp[0].start_byte <= node.start_byte < lp[0].end_byte]
            if loops:
                _f, right, idx = max(loops, key=lambda lp: lp[0].start_byte)
                elts = self._array(right, d)
                if elts is None:
                    return None
                out: list[SVal] = []
                for e in elts:
                    e2 = _index(e, idx)
                    got = self.strs(e2, d) if e2 is not None else None
                    if got is None:
                        return None
                    out.extend(got)
                return out[:MAX_ALTERNATIVES] or None
            binds = self.binds.get(name)
            if binds:
                out = []
                for v, idx in binds:
                    v2 = _index(v, idx)
                    got = self.strs(v2, d) if v2 is not None else None
                    if got is None:
                        return None
                    out.extend(got)
                return out[:MAX_ALTERNATIVES] or None
            imp = self.imports.get(name)
            if imp is not None and imp[1] != "*":
                other = self._other(imp[0])
                if other is not None:
                    return other._name_strs(_FakeIdent(imp[1]), d + 1)
            return None
        if node.type == "member_expression":
            obj, prop = node.child_by_field_name("object"), node.child_by_field_name("property")
            if obj is None or prop is None:
                return None
            key = self.t(prop)
            if obj.type == "identifier" and obj.text != b"this":
                imp = self.imports.get(self.t(obj))
                if imp is not None and imp[1] == "*":
                    other = self._other(imp[0])
                    return other._name_strs(_FakeIdent(key), d + 1) if other is not None else None
                for v, idx in self.binds.get(self.t(obj), []):
                    v2 = _index(v, idx)
                    if v2 is not None and v2.type in ("object", "as_expression", "satisfies_expression"):
                        val = _pair(self, v2, key)
                        if val is not None:
                            return self.strs(val, d)
            return None
        return None

    # -- the run --------------------------------------------------------------------
    def run(self) -> None:
        roots: dict[tuple[int, int], Any] = {}
        for s in self.caps.get("s", []):
            r = s
            while r.parent is not None and (
                (
                    r.parent.type == "binary_expression"
                    and r.parent.child_by_field_name("operator") is not None
                    and self.t(r.parent.child_by_field_name("operator")) == "+"
                )
                or r.parent.type == "parenthesized_expression"
            ):
                r = r.parent
            roots[(r.start_byte, r.end_byte)] = r
        for r in roots.values():
            self._root(r)
        if self.fws:
            for c in self.caps.get("c", []):
                self._call(c)
            for fw in self.fws:
                if fw.foreign_keys is not None and fw.foreign_keys.decorators:
                    for k in self.caps.get("k", []):
                        self._entity_fks(k, fw.foreign_keys)

    def _root(self, node: Any) -> None:
        ctx, tagged = self._context(node)
        if node.parent is not None and node.parent.type in ("import_statement", "export_statement"):
            return
        vals = self.strs(node, 0, tagged)
        if not vals:
            return
        multiline = node.type == "template_string"
        for v in vals:
            if not v.own or not v.text or not looks_like_sql(v.text):
                continue
            sql_context = bool(ctx) or (multiline and "\n" in v.text and strongly_sql(v.text))
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

    def _context(self, node: Any) -> tuple[str, bool]:
        p = node.parent
        if p is None:
            return "", False
        if p.type == "call_expression" and p.child_by_field_name("arguments") == node:  # tagged template
            fn = p.child_by_field_name("function")
            name = _last_name(self, fn)
            if name in SQL_TAGS:
                return f"{name}`...`", True
            return "", False
        if p.type == "arguments" and p.parent is not None and p.parent.type == "call_expression":
            name = _last_name(self, p.parent.child_by_field_name("function"))
            if name in SQL_CALLS:
                return f"{name}()", False
            return "", False
        if p.type == "variable_declarator":
            nm = p.child_by_field_name("name")
            if nm is not None and _SQL_NAME.search(self.t(nm)):
                return f"{self.t(nm)} =", False
        if p.type == "pair":
            key = p.child_by_field_name("key")
            if key is not None and self.t(key).strip("'\"") in _SQL_KEYS:
                return f"{{ {self.t(key)}: ... }}", False
        return "", False

    # -- chains ------------------------------------------------------------------------
    def chain(self, node: Any, depth: int = 0) -> tuple[list[tuple[str, Any, Any]], Any]:
        """``a.b(x).c(y)`` -> ([(a, None), (b, args), (c, args)], root node); a root bound to a chain
        (``const cl = supabase.schema('cl')``) is expanded into that chain."""
        out: list[tuple[str, Any, Any]] = []
        cur = node
        pending = None
        while cur is not None:
            ty = cur.type
            if ty == "call_expression":
                pending = cur
                cur = cur.child_by_field_name("function")
                continue
            if ty == "member_expression":
                prop = cur.child_by_field_name("property")
                out.append((self.t(prop) if prop is not None else "", pending, prop))
                pending = None
                cur = cur.child_by_field_name("object")
                continue
            if ty in ("await_expression", "parenthesized_expression", "non_null_expression", "as_expression"):
                cur = cur.named_children[0] if cur.named_children else None
                continue
            break
        root = cur
        if root is not None and root.type in ("identifier", "this"):
            out.append((self.t(root), pending, root))
            if pending is None and root.type == "identifier" and depth < 4:
                for v, idx in self.binds.get(self.t(root), []):
                    if not idx and v.type in ("call_expression", "member_expression", "await_expression"):
                        inner, iroot = self.chain(v, depth + 1)
                        out.reverse()
                        return inner + out[1:], iroot
        out.reverse()
        return out, root

    def _call(self, call: Any) -> None:
        fn = call.child_by_field_name("function")
        if fn is None:
            return
        name = _last_name(self, fn)
        if not name:
            return
        links: list[tuple[str, Any, Any]] | None = None
        chain_end = call.parent is None or call.parent.type != "member_expression"
        for fw in self.fws:
            if chain_end and fw.builders:
                links = links if links is not None else self.chain(call)[0]
                for b in fw.builders:
                    for i, (lname, lcall, _n) in enumerate(links):
                        if lname in b.writes and lcall is not None and (i > 0 or b.root_call):
                            self._builder(b, lcall, links, lname)
            if name in fw.routine_calls and fn.type == "member_expression":
                self._routine_call(fw, call, name)
            fk = fw.foreign_keys
            if fk is not None and name in fk.funcs:
                self._chain_fk(fw, fk, call)
            if fk is not None and name in fk.attr_calls:
                self._attr_fks(fw, fk, call, name)
            if fk is not None and name in fk.constraint_methods:
                self._constraint_fk(fw, fk, call, name)
            cm = fw.client_models
            if cm is not None and name in cm.methods and fn.type == "member_expression":
                links = self.chain(call)[0]
                self._client_model(fw, call, links, name)
            iw = fw.identity
            if iw is None:
                continue
            if name in iw.methods and fn.type == "member_expression":
                links, root = self.chain(call)
                got = self._chain_identity(links[:-1], fw)
                if got is None and root is not None and root.type == "new_expression":  # new Company({...}).save()
                    rident = self.identity(root)
                    got = (rident, root) if rident is not None and rident.framework == fw.name else None
                if got is not None:
                    ident, at_node = got
                    if not (call.start_byte <= at_node.start_byte < call.end_byte):
                        at_node = call  # the identity came from a definition elsewhere: report the use
                    self._emit(iw.methods[name], ident, at_node)
                    continue
            if name in iw.funcs:
                args = _args(call)
                if len(args) > iw.arg:
                    fident = self.identity(args[iw.arg])
                    if fident is not None and fident.framework == fw.name:
                        self._emit(iw.funcs[name], fident, args[iw.arg])

    def _routine_call(self, fw: Framework, call: Any, name: str) -> None:
        """``supabase.rpc('fn')``: the function's body does the work; resolved from the repository's SQL."""
        args = _args(call)
        fname = self._str1(args[0]) if args else None
        at = self.start(args[0]) + 1 if args and args[0].type == "string" else self.start(call)
        links = self.chain(call)[0]
        schema = None
        for lname, lcall, _n in links:
            if lname == "schema" and lcall is not None and _args(lcall):
                schema = self._str1(_args(lcall)[0])
        shown = f"{schema}.{fname}" if schema else (fname or "<expr>")
        self.ops.append(
            Operation(
                UNANALYSABLE,
                f".{name}()",
                at,
                Name(schema, fname or "<expr>", at, shown, fname is None),
                "function",
                detail=f".{name}('{shown}') runs a database function whose body is not in this repository's SQL",
                extra={"routine": "1", "client": fw.name},
            )
        )

    def _emit(self, act: Any, ident: Ident, at_node: Any) -> None:
        at = self.start(at_node)
        raw = ident.raw or (f"{ident.schema}.{ident.name}" if ident.schema else (ident.name or "<expr>"))
        nm = Name(ident.schema, ident.name or "<expr>", at, raw, ident.name is None)
        self.ops.append(
            Operation(act.action, act.statement, at, nm, privileges=act.privileges, extra={"client": ident.framework})
        )

    def _chain_identity(self, links: list[tuple[str, Any, Any]], fw: Framework) -> tuple[Ident, Any] | None:
        for lname, call, node in links:
            if call is not None:
                ident = self._table_call(call, 0)
                if ident is not None and ident.framework == fw.name:
                    return ident, node if node is not None else call
                for a in _args(call)[:1]:
                    ident = self.identity(a)
                    if ident is not None and ident.framework == fw.name:
                        return ident, a
            if node is not None and node.type == "identifier":
                ident = self.identity(node)
                if ident is not None and ident.framework == fw.name:
                    return ident, node
            del lname
        return None

    def identity(self, node: Any, d: int = 0) -> Ident | None:
        """The table a JS expression denotes: a Drizzle/Sequelize table object or an entity class."""
        if node is None or d > MAX_DEPTH:
            return None
        ty = node.type
        if ty in ("identifier", "type_identifier"):
            name = self.t(node)
            k = self.classes.get(name)
            if k is not None:
                return self._entity(k) or self._static_init(name)
            for v, idx in self.binds.get(name, []):
                if not idx:
                    got = self.identity(v, d + 1)
                    if got is not None:
                        return got
            imp = self.imports.get(name)
            if imp is not None and imp[1] != "*":
                other = self._other(imp[0])
                if other is not None:
                    return other.identity(_FakeIdent(imp[1]), d + 1)
            return None
        if ty == "member_expression":
            obj, prop = node.child_by_field_name("object"), node.child_by_field_name("property")
            if obj is not None and prop is not None and obj.type == "identifier":
                imp = self.imports.get(self.t(obj))
                if imp is not None and imp[1] == "*":
                    other = self._other(imp[0])
                    return other.identity(_FakeIdent(self.t(prop)), d + 1) if other is not None else None
            return None
        if ty == "call_expression":
            return self._table_call(node, d) or self._instance_call(node, d)
        if ty == "new_expression":  # new Company(): an instance of the entity
            ctor = self.identity(node.child_by_field_name("constructor"), d + 1)
            if ctor is not None and not ctor.instance:
                return Ident(ctor.schema, ctor.name, ctor.framework, True, ctor.raw)
            return None
        if ty in ("await_expression", "as_expression", "parenthesized_expression") and node.named_children:
            return self.identity(node.named_children[0], d + 1)
        return None

    def _table_call(self, call: Any, d: int) -> Ident | None:
        fn = call.child_by_field_name("function")
        name = _last_name(self, fn)
        args = _args(call)
        for fw in self.fws:
            for tc in fw.tables:
                if name not in tc.funcs:
                    continue
                schema: str | None = None
                if tc.schema_receivers:
                    if fn is None or fn.type != "member_expression":
                        continue
                    recv = fn.child_by_field_name("object")
                    sch = self._schema_receiver(recv, tc, d)
                    if sch is None:
                        continue
                    schema = sch or None
                tname = self._str1(args[tc.name_arg]) if 0 <= tc.name_arg < len(args) else None
                if tc.options_arg >= 0 and len(args) > tc.options_arg:
                    opts = args[tc.options_arg]
                    for k in tc.name_keys:
                        v = _pair(self, opts, k)
                        if v is not None:
                            tname = self._str1(v)
                    for k in tc.schema_keys:
                        v = _pair(self, opts, k)
                        if v is not None:
                            schema = self._str1(v)
                if tname is not None and schema is None and tname.count(".") == 1:
                    schema, tname = split_dotted(tname)
                if tname is None and tc.requires_name:
                    continue
                return Ident(schema, tname, fw.name)
            # a Drizzle schema object's table: `cl.table(...)` where cl = pgSchema('cl')
        return None

    def _instance_call(self, call: Any, d: int) -> Ident | None:
        """A call that returns an instance of an entity: ``em.findOneOrFail(Company, 1)``,
        ``repo.findOneBy(...)`` on a repository of it."""
        name = _last_name(self, call.child_by_field_name("function"))
        for fw in self.fws:
            iw = fw.identity
            if iw is None or name not in iw.returns_instance:
                continue
            args = _args(call)
            got = self.identity(args[0], d + 1) if args else None
            if got is None:
                found = self._chain_identity(self.chain(call)[0][:-1], fw)
                got = found[0] if found is not None else None
            if got is not None and got.framework == fw.name and not got.instance:
                return Ident(got.schema, got.name, got.framework, True, got.raw)
        return None

    def _static_init(self, cls_name: str) -> Ident | None:
        """A class given its table by a static call: Sequelize ``Company.init(attrs, { tableName, schema })``."""
        funcs = {f for fw in self.fws for tc in fw.tables if tc.static for f in tc.funcs}
        if not funcs:
            return None
        for c in self.caps.get("c", []):
            fn = c.child_by_field_name("function")
            if fn is None or fn.type != "member_expression":
                continue
            obj, prop = fn.child_by_field_name("object"), fn.child_by_field_name("property")
            if obj is not None and prop is not None and self.t(prop) in funcs and self.t(obj) == cls_name:
                return self._table_call(c, 0)
        return None

    def _schema_receiver(self, recv: Any, tc: TableCall, d: int) -> str | None:
        """The schema a receiver like ``pgSchema('cl')`` (or a name bound to one) stands for; '' unknown."""
        if recv is None or d > MAX_DEPTH:
            return None
        if (
            recv.type == "call_expression"
            and _last_name(self, recv.child_by_field_name("function")) in tc.schema_receivers
        ):
            args = _args(recv)
            return (self._str1(args[0]) if args else None) or ""
        if recv.type == "identifier":
            for v, idx in self.binds.get(self.t(recv), []):
                if not idx:
                    got = self._schema_receiver(v, tc, d + 1)
                    if got is not None:
                        return got
            imp = self.imports.get(self.t(recv))
            if imp is not None and imp[1] != "*":
                other = self._other(imp[0])
                if other is not None:
                    return other._schema_receiver(_FakeIdent(imp[1]), tc, d + 1)
        return None

    def _entity(self, cls: Any) -> Ident | None:
        decorators = [c for c in cls.children if c.type == "decorator"]
        p = cls.parent
        if p is not None and p.type == "export_statement":
            decorators += [c for c in p.children if c.type == "decorator"]
        for fw in self.fws:
            for mc in fw.models:
                for dec in decorators:
                    expr = dec.named_children[0] if dec.named_children else None
                    if expr is None:
                        continue
                    fn = expr.child_by_field_name("function") if expr.type == "call_expression" else expr
                    if _last_name(self, fn) not in mc.decorators:
                        continue
                    args = _args(expr) if expr.type == "call_expression" else []
                    name: str | None = None
                    schema: str | None = None
                    named = False
                    if args and args[0].type == "string":
                        name, named = self._str1(args[0]), True
                        opts = args[1] if len(args) > 1 else None
                    else:
                        opts = args[0] if args else None
                    if opts is not None and opts.type == "object":
                        for k in mc.name_keys:
                            v = _pair(self, opts, k)
                            if v is not None:
                                name, named = self._str1(v), True
                        for k in mc.schema_keys:
                            v = _pair(self, opts, k)
                            if v is not None:
                                schema = self._str1(v)
                    if not named:
                        cname = cls.child_by_field_name("name")
                        raw = self.t(cname) if cname is not None else ""
                        name = re.sub(r"(?<!^)(?=[A-Z])", "_", raw).lower() if mc.default_name == "snake" else raw
                    return Ident(schema, name, fw.name)
        return self._static_model(cls)

    def _static_model(self, cls: Any, depth: int = 0) -> Ident | None:
        """A class whose static member names its table: Objection ``static tableName = 'cl.x'`` or
        ``static get tableName() { return 'cl.x' }``, on a class that extends one of the ``bases``."""
        body = cls.child_by_field_name("body")
        if body is None or depth > 4:
            return None
        for fw in self.fws:
            for mc in fw.models:
                if not mc.static_attrs or not self._extends(cls, mc.bases, depth):
                    continue
                for member in body.named_children:
                    if not any(c.type == "static" for c in member.children):
                        continue
                    nm = member.child_by_field_name("name") or member.child_by_field_name("property")
                    if nm is None or self.t(nm) not in mc.static_attrs:
                        continue
                    value = member.child_by_field_name("value")
                    if value is None and member.type == "method_definition":
                        block = member.child_by_field_name("body")
                        ret = next((c for c in _walk_type(block, "return_statement")), None) if block else None
                        value = ret.named_children[0] if ret is not None and ret.named_children else None
                    tname = self._str1(value) if value is not None else None
                    schema = None
                    if tname is not None and tname.count(".") == 1:
                        schema, tname = split_dotted(tname)
                    return Ident(schema, tname, fw.name)
        return None

    def _extends(self, cls: Any, bases: frozenset[str], depth: int) -> bool:
        """Whether a class extends one of ``bases``, directly or through a class of this module."""
        for h in cls.children:
            if h.type != "class_heritage":
                continue
            for node in _walk_type(h, "identifier") + _walk_type(h, "member_expression"):
                name = _last_name(self, node) if node.type == "member_expression" else self.t(node)
                if name in bases:
                    return True
                k = self.classes.get(name)
                if k is not None and k is not cls and depth < 4 and self._extends(k, bases, depth + 1):
                    return True
        return False

    def _str1(self, node: Any) -> str | None:
        vals = self.strs(node) if node is not None else None
        if not vals or len({v.text for v in vals}) != 1 or PLACEHOLDER_PREFIX in vals[0].text:
            return None
        return vals[0].text

    def _strn(self, node: Any) -> list[str] | None:
        vals = self.strs(node) if node is not None else None
        if not vals or any(PLACEHOLDER_PREFIX in v.text for v in vals):
            return None
        return list(dict.fromkeys(v.text for v in vals))

    # -- foreign keys declared in table declarations -------------------------------------
    def _chain_fk(self, fw: Framework, spec: ForeignKeys, call: Any) -> None:
        """``t.integer('x').references('id').inTable('cl.t').onDelete('CASCADE')``, Drizzle
        ``integer('x').references(() => t.id, { onDelete })``, Kysely ``col.references('cl.t.id')``:
        an FK from the enclosing table declaration, checked like SQL ``REFERENCES``."""
        after: dict[str, Any] = {}
        cur = call
        while (
            cur.parent is not None
            and cur.parent.type == "member_expression"
            and cur.parent.parent is not None
            and cur.parent.parent.type == "call_expression"
        ):
            prop = cur.parent.child_by_field_name("property")
            if prop is not None:
                after.setdefault(self.t(prop), cur.parent.parent)
            cur = cur.parent.parent
        child = self._fk_child(call)
        if child is None:
            return
        args = _args(call)
        ref = args[0] if args else None
        cols: tuple[str, ...] = ()
        opts_ref = _pair(self, ref, spec.ref_key) if spec.ref_key and ref is not None else None
        if opts_ref is not None:  # Drizzle foreignKey({ columns: [t.x], foreignColumns: [other.id] })
            local = _pair(self, ref, "columns")
            cols = tuple(self._member_names(local))
            ref = opts_ref.named_children[0] if opts_ref.type == "array" and opts_ref.named_children else opts_ref
        else:
            cols = self._fk_column(call, spec)
        if ref is None:
            return
        on_delete = None
        for m in spec.on_delete_methods:
            if m in after and _args(after[m]):
                on_delete = self._str1(_args(after[m])[0])
        if on_delete is None:
            for a in args:
                for k in spec.on_delete_keys:
                    v = _pair(self, a, k)
                    if v is not None:
                        on_delete = self._str1(v) or self.t(v).rpartition(".")[2]
        at = self.start(ref) + (1 if ref.type == "string" else 0)
        parent = self._fk_parent(ref, after, spec, at)
        if parent.placeholder and self._own_table_param(ref, call):  # (t) => [foreignKey({ foreignColumns: [t.id] })]
            parent = Name(child.schema, child.name, at, str(child))
        self._emit_fk(fw, child, parent, cols, on_delete, at)

    def _own_table_param(self, ref: Any, call: Any) -> bool:
        """Whether ``ref`` (``t.id``) is a column of the parameter of the arrow function around ``call``:
        Drizzle's extra-config callback receives the table being declared."""
        obj = ref.child_by_field_name("object") if ref.type == "member_expression" else ref
        if obj is None or obj.type != "identifier":
            return False
        node = call.parent
        while node is not None:
            if node.type == "arrow_function":
                params = node.child_by_field_name("parameters") or node.child_by_field_name("parameter")
                names = [self.t(p) for p in _walk_type(params, "identifier")] if params is not None else []
                return self.t(obj) in names
            node = node.parent
        return False

    def _emit_fk(
        self, fw: Framework, child: Name, parent: Name, cols: tuple[str, ...], on_delete: str | None, at: int
    ) -> None:
        action = " ".join((on_delete or "no action").replace("_", " ").lower().split())
        action = {"setnull": "set null", "setdefault": "set default", "noaction": "no action"}.get(action, action)
        self.ops.append(
            Operation(
                FK,
                f"FOREIGN KEY ({fw.name})",
                at,
                child,
                columns=cols,
                parent=parent,
                on_delete=action,
                extra={"client": fw.name},
            )
        )

    def _member_names(self, node: Any) -> list[str]:
        items = node.named_children if node is not None and node.type == "array" else [node] if node else []
        out = []
        for i in items:
            if i.type == "member_expression":
                prop = i.child_by_field_name("property")
                if prop is not None:
                    out.append(self.t(prop))
            else:
                v = self._str1(i)
                if v is not None:
                    out.append(v)
        return out

    def _fk_parent(self, ref: Any, after: dict[str, Any], spec: ForeignKeys, at: int) -> Name:
        if ref.type == "arrow_function":
            body = ref.child_by_field_name("body")
            ref = body if body is not None else ref
        if ref.type in ("member_expression", "identifier", "call_expression"):
            obj = ref.child_by_field_name("object") if ref.type == "member_expression" else ref
            ident = self.identity(obj)
            if ident is not None and ident.name is not None:
                return Name(ident.schema, ident.name, at, _qualified(ident.schema, ident.name))
        value = self._str1(ref)
        table: str | None = None
        for m in spec.table_methods:
            if m in after and _args(after[m]):
                table = self._str1(_args(after[m])[0])
                if table is None:
                    return Name(None, "<expr>", at, "{" + self.t(_args(after[m])[0]) + "}", True)
        if table is not None:
            sch, tn = split_dotted(table)
            return Name(sch, tn, at, f"{sch}.{tn}" if sch else tn)
        if value is not None and value.count(".") >= 1:
            parts = value.split(".")
            if len(parts) >= 3:
                return Name(parts[-3], parts[-2], at, f"{parts[-3]}.{parts[-2]}")
            return Name(None, parts[0], at, parts[0])
        return Name(None, "<expr>", at, "{" + self.t(ref) + "}", True)

    def _fk_child(self, call: Any, itself: bool = False) -> Name | None:
        """The table whose declaration encloses a column's FK (or is ``call`` itself): a table object or a
        schema builder call."""
        node = call if itself else call.parent
        while node is not None:
            if node.type == "call_expression":
                ident = self._table_call(node, 0)
                if ident is not None and ident.name is not None:
                    raw = f"{ident.schema}.{ident.name}" if ident.schema else ident.name
                    return Name(ident.schema, ident.name, self.start(node), raw)
                links = self.chain(node)[0]
                for fw in self.fws:
                    for b in fw.builders:
                        for lname, lcall, _n in links:
                            if lcall is not None and lname in b.writes and b.writes[lname].action == DDL:
                                saved, self.ops = self.ops, []
                                try:
                                    self._builder(b, lcall, links, lname)
                                    got = [op.target for op in self.ops if op.target is not None]
                                finally:
                                    self.ops = saved
                                if got:
                                    return got[0]
            node = node.parent
        return None

    def _constraint_fk(self, fw: Framework, spec: ForeignKeys, call: Any, name: str) -> None:
        """``addForeignKeyConstraint('fk', ['company_id'], 'cl.company_identity', ['id'], (cb) =>
        cb.onDelete('cascade'))`` on a table builder chain."""
        cols_at, table_at = spec.constraint_methods[name]
        args = _args(call)
        if len(args) <= table_at:
            return
        child = self._fk_child(call, itself=True)
        if child is None:
            return
        ref = args[table_at]
        at = self.start(ref) + (1 if ref.type == "string" else 0)
        value = self._str1(ref)
        if value is None:
            parent = Name(None, "<expr>", at, "{" + self.t(ref) + "}", True)
        else:
            sch, tn = split_dotted(value)
            parent = Name(sch, tn, at, _qualified(sch, tn))
        on_delete = None
        for a in args[table_at + 1 :]:
            for inner in _walk_type(a, "call_expression"):
                if _last_name(self, inner.child_by_field_name("function")) in spec.on_delete_methods and _args(inner):
                    on_delete = self._str1(_args(inner)[0])
        cols = tuple(self._member_names(args[cols_at])) if len(args) > cols_at else ()
        self._emit_fk(fw, child, parent, cols, on_delete, at)

    def _attr_fks(self, fw: Framework, spec: ForeignKeys, call: Any, name: str) -> None:
        """Sequelize column attributes ``{ company_id: { references: { model, key }, onDelete } }`` of a
        ``define``/``init``/``queryInterface.createTable``/``addColumn``/``addConstraint`` call."""
        attrs_at, col_at = spec.attr_calls[name]
        args = _args(call)
        attrs = args[attrs_at] if len(args) > attrs_at else None
        if attrs is None or attrs.type != "object" or spec.attr_key not in self.t(attrs):
            return
        child = self._fk_child(call, itself=True)
        if child is None:
            return
        items: list[tuple[tuple[str, ...], Any]] = []
        if col_at == -2:
            items.append((tuple(self._member_names(_pair(self, attrs, "fields"))), attrs))
        elif col_at >= 0:
            col = self._str1(args[col_at]) if len(args) > col_at else None
            items.append(((col,) if col else (), attrs))
        else:
            for p in attrs.named_children:
                if p.type == "pair":
                    key = p.child_by_field_name("key")
                    val = p.child_by_field_name("value")
                    if key is not None and val is not None and val.type == "object":
                        field_ = _pair(self, val, "field")
                        col = (self._str1(field_) if field_ is not None else None) or self.t(key).strip("'\"`")
                        items.append(((col,), val))
        for cols, obj in items:
            ref = _pair(self, obj, spec.attr_key)
            if ref is None:
                continue
            model = next((v for k in spec.attr_model_keys if (v := _pair(self, ref, k)) is not None), None)
            if model is None:
                model = ref if ref.type == "string" else None
            if model is None:
                continue
            at = self.start(model) + (1 if model.type == "string" else 0)
            if model.type == "object":
                t, sch = _pair(self, model, "tableName"), _pair(self, model, "schema")
                tn = self._str1(t) if t is not None else None
                sn = self._str1(sch) if sch is not None else None
                if tn is None or (sch is not None and sn is None):
                    parent = Name(None, "<expr>", at, "{" + self.t(model) + "}", True)
                else:
                    parent = Name(sn, tn, at, _qualified(sn, tn))
            elif model.type in ("string", "template_string"):
                v = self._str1(model)
                sn, tn = split_dotted(v) if v else (None, "<expr>")
                parent = Name(sn, tn, at, _qualified(sn, tn) if v else "{" + self.t(model) + "}", v is None)
            else:
                parent = self._fk_parent(model, {}, spec, at)
            ondel = _pair(self, obj, "onDelete")
            self._emit_fk(fw, child, parent, cols, self._str1(ondel) if ondel is not None else None, at)

    def _fk_column(self, call: Any, spec: ForeignKeys) -> tuple[str, ...]:
        """The FK's column: the first call of its column chain (``t.integer('x')``), an enclosing
        ``addColumn('x', ...)``, or the property key (``x: integer().references(...)``)."""
        fn = call.child_by_field_name("function")
        cur = fn.child_by_field_name("object") if fn is not None and fn.type == "member_expression" else None
        first = None
        while cur is not None and cur.type in ("call_expression", "member_expression"):
            if cur.type == "call_expression":
                first = cur
                cur = cur.child_by_field_name("function")
            else:
                cur = cur.child_by_field_name("object")
        if first is not None and _args(first):
            a = _args(first)[0]
            got = self._member_names(a) if a.type == "array" else [v for v in [self._str1(a)] if v]
            if got:
                return tuple(got)
        column_methods = set(spec.column_methods)
        for fw in self.fws:  # another active framework's builder may hold the column (knex words in Kysely)
            if fw.foreign_keys is not None:
                column_methods |= fw.foreign_keys.column_methods
        node = call.parent
        while node is not None:
            if node.type == "call_expression" and _last_name(self, node.child_by_field_name("function")) in (
                column_methods
            ):
                a = _args(node)
                v = self._str1(a[0]) if a else None
                return (v,) if v else ()
            if node.type == "pair":
                key = node.child_by_field_name("key")
                return (self.t(key).strip("'\"`"),) if key is not None else ()
            if node.type in ("statement_block", "program"):
                break
            node = node.parent
        return ()

    def _entity_fks(self, cls: Any, spec: ForeignKeys) -> None:
        """``@ManyToOne(() => Company, { onDelete }) @JoinColumn({ name }) company``: an FK of the entity."""
        ident = self._entity(cls)
        body = cls.child_by_field_name("body")
        if ident is None or ident.name is None or body is None:
            return
        fw = next((f for f in self.fws if f.name == ident.framework), None)
        if fw is None:
            return
        child = Name(ident.schema, ident.name, self.start(cls), _qualified(ident.schema, ident.name))
        for member in body.named_children:
            decs = [c for c in member.children if c.type == "decorator"]
            rel = join = None
            for dec in decs:
                expr = dec.named_children[0] if dec.named_children else None
                if expr is None:
                    continue
                fn = expr.child_by_field_name("function") if expr.type == "call_expression" else expr
                dname = _last_name(self, fn)
                if dname in spec.decorators or dname in spec.owning_decorators:
                    rel = (dname, expr)
                elif dname in spec.join_decorators:
                    join = expr
            if rel is None or (rel[0] in spec.owning_decorators and join is None):
                continue
            expr = rel[1]
            args = _args(expr) if expr.type == "call_expression" else []
            if not args:
                continue
            prop = member.child_by_field_name("name") or member.child_by_field_name("property")
            pname = self.t(prop) if prop is not None else ""
            col = None
            jargs = _args(join) if join is not None and join.type == "call_expression" else []
            if jargs:
                v = _pair(self, jargs[0], "name")
                col = self._str1(v) if v is not None else None
            cols = (col or f"{pname}{spec.column_suffix}",) if (col or pname) else ()
            on_delete = None
            for a in args[1:]:
                for k in spec.on_delete_keys:
                    v = _pair(self, a, k)
                    if v is not None:
                        on_delete = self._str1(v)
            ref = args[0]
            if ref.type == "string":
                nm = self._str1(ref)
                ref_ident = self.identity(_FakeIdent(nm)) if nm else None
                at = self.start(ref) + 1
                parent = (
                    Name(ref_ident.schema, ref_ident.name, at, _qualified(ref_ident.schema, ref_ident.name))
                    if ref_ident is not None and ref_ident.name is not None
                    else Name(None, "<expr>", at, "{entity " + (nm or "?") + "}", True)
                )
            else:
                at = self.start(ref)
                parent = self._fk_parent(ref, {}, spec, at)
            self._emit_fk(fw, child, parent, cols, on_delete, at)

    # -- builders ------------------------------------------------------------------------
    def _builder(self, b: Builder, call: Any, links: list[tuple[str, Any, Any]], name: str) -> None:
        if not links:
            return
        names = {ln for ln, _c, _n in links}
        if (b.needs and b.needs not in names) or (b.forbids and b.forbids in names):
            return
        root, root_call, _root_node = links[0]
        if "*" not in b.roots and root not in b.roots:
            return
        table_node = None
        schema_node = None
        has_schema = False
        found = False
        if b.root_call and root_call is not None and len(links) > 1:
            args = _args(root_call)
            table_node = args[0] if args else None
            found = True
        default_schema = self._factory_schema(links, b)
        for lname, lcall, _n in links[1:]:
            if lcall is None:
                continue
            if lname in b.table_methods:
                args = _args(lcall)
                if not args and lname in b.writes:
                    continue  # update() naming nothing: the table is named elsewhere in the chain (or not here)
                table_node = args[b.table_arg] if len(args) > b.table_arg else None
                found = True
                if table_node is not None and table_node.type == "object":  # { tableName, schema }
                    sch = _pair(self, table_node, "schema")
                    if sch is not None:
                        schema_node, has_schema = sch, True
                    table_node = _pair(self, table_node, "tableName")
                elif b.schema_kw:  # an options object: createTable('t', attrs, { schema: 'cl' })
                    for a in args[b.table_arg + 1 :]:
                        sch = _pair(self, a, b.schema_kw)
                        if sch is not None:
                            schema_node, has_schema = sch, True
            elif lname in b.schema_methods:
                args = _args(lcall)
                schema_node, has_schema = (args[0] if args else None), True
        if not found:
            return
        # the write must come after the table or in the same builder chain (it always does: one chain)
        act = b.writes[name]
        tvals = self._strn(table_node) if table_node is not None else None
        if tvals is None and table_node is not None and table_node.type in ("identifier", "member_expression"):
            ident = self.identity(table_node)  # .into(Company), .from(companies): an entity or a table object
            if ident is not None and ident.name is not None and not ident.instance:
                tvals = [ident.name]
                if ident.schema and not has_schema:
                    default_schema = ident.schema
        at_node = table_node if table_node is not None and tvals else links[-1][2] or call
        at = self.start(at_node) + (
            1 if at_node is table_node and table_node.type in ("string", "template_string") else 0
        )
        svals: list[str | None] | None
        if has_schema:
            got = self._strn(schema_node) if schema_node is not None else None
            svals = list(got) if got is not None else None
        else:
            svals = [default_schema]
        if tvals is None or svals is None:
            tshown = "<expr>" if tvals is None else "|".join(tvals)
            sshown = "<expr>" if svals is None else "|".join(s or "" for s in svals)
            raw = f"{sshown}.{tshown}" if has_schema or default_schema else tshown
            self.ops.append(
                Operation(
                    act.action,
                    act.statement,
                    at,
                    Name(None, tshown, at, raw, True),
                    privileges=act.privileges,
                    extra={"client": "builder"},
                )
            )
            return
        for tv in tvals:
            for sv in svals:
                sch, tn = sv, tv
                if b.dotted and tv.count(".") == 1 and not has_schema:
                    sch, tn = split_dotted(tv)
                self.ops.append(
                    Operation(
                        act.action,
                        act.statement,
                        at,
                        Name(sch, tn, at, f"{sch}.{tn}" if sch else tn),
                        privileges=act.privileges,
                        extra={"client": "builder"},
                    )
                )

    def _factory_schema(self, links: list[tuple[str, Any, Any]], b: Builder) -> str | None:
        """The default schema of a client: ``createClient(url, key, { db: { schema: 'cl' } })``."""
        root, root_call, _root_node = links[0]
        if root_call is not None and root in ("createClient", "createServerClient", "createBrowserClient"):
            args = _args(root_call)
            opts = args[2] if len(args) > 2 else None
            db = _pair(self, opts, "db") if opts is not None else None
            sch = _pair(self, db, "schema") if db is not None else None
            return self._str1(sch) if sch is not None else None
        return None

    # -- Prisma-style model clients ------------------------------------------------------
    def _client_model(self, fw: Framework, call: Any, links: list[tuple[str, Any, Any]], name: str) -> None:
        if len(links) < 3 or links[-2][1] is not None:
            return
        accessor = links[-2][0]
        root = links[0][0]
        models = self._prisma_models(fw)
        act = fw.client_models.methods[name] if fw.client_models else None
        if act is None:
            return
        at_node = links[-2][2]
        at = self.start(at_node)
        if accessor in models:
            schema, table = models[accessor]
            nm = Name(schema, table, at, f"{schema}.{table}" if schema else table)
        elif root.lower() in ("prisma", "tx", "db", "client") and not models:
            nm = Name(None, accessor, at, f"<prisma model {accessor}>", True)
        else:
            return
        self.ops.append(
            Operation(act.action, act.statement, at, nm, privileges=act.privileges, extra={"client": fw.name})
        )

    def _prisma_models(self, fw: Framework) -> dict[str, tuple[str | None, str]]:
        if self._prisma is not None:
            return self._prisma
        self._prisma = {}
        if self.path is None or fw.client_models is None:
            return self._prisma
        from ownaudit.lint import resolve

        root = resolve.repo_root(self.path)
        key = os.path.join(root, "\0prisma")
        got = resolve.cached(key)
        if isinstance(got, dict):
            self._prisma = got
            return got
        texts: list[str] = []
        d = os.path.dirname(os.path.abspath(self.path))
        dirs = []
        while True:
            dirs.append(d)
            if d == root or os.path.dirname(d) == d:
                break
            d = os.path.dirname(d)
        for base in dirs:
            for rel in fw.client_models.schema_files:
                p = os.path.join(base, rel)
                files = (
                    [os.path.join(p, f) for f in sorted(os.listdir(p)) if f.endswith(".prisma")]
                    if os.path.isdir(p)
                    else [p]
                    if os.path.isfile(p)
                    else []
                )
                for f in files:
                    t = resolve.read_module(f)
                    if t is not None:
                        texts.append(t)
            if texts:
                break
        self._prisma = prisma_models("\n".join(texts))
        resolve.store(key, self._prisma)
        return self._prisma


_MODEL = re.compile(r"^\s*model\s+(\w+)\s*\{(.*?)^\s*\}", re.MULTILINE | re.DOTALL)
_MAP = re.compile(r"@@map\(\s*(?:name\s*:\s*)?\"([^\"]+)\"")
_SCHEMA = re.compile(r"@@schema\(\s*\"([^\"]+)\"")


def prisma_models(text: str) -> dict[str, tuple[str | None, str]]:
    """``model Company { ... @@map("company_identity") @@schema("cl") }`` -> {"company": ("cl", "company_identity")}."""
    out: dict[str, tuple[str | None, str]] = {}
    for m in _MODEL.finditer(text):
        name, body = m.group(1), m.group(2)
        mp = _MAP.search(body)
        sc = _SCHEMA.search(body)
        out[name[:1].lower() + name[1:]] = (sc.group(1) if sc else None, mp.group(1) if mp else name)
    return out


def _qualified(schema: str | None, name: str) -> str:
    return f"{schema}.{name}" if schema else name


class _FakeIdent:
    """A name to look up in another module (what an import statement names)."""

    type = "identifier"

    def __init__(self, name: str) -> None:
        self.text = name.encode()
        self.start_byte = -1
        self.end_byte = -1
        self.parent = None


def _walk_type(node: Any, ty: str) -> list[Any]:
    out = []
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type == ty:
            out.append(n)
        stack.extend(n.named_children)
    return out


def _args(call: Any) -> list[Any]:
    a = call.child_by_field_name("arguments") if call is not None else None
    if a is None or a.type != "arguments":
        return []
    return [c for c in a.named_children if c.type != "comment"]


def _last_name(mod: JsModule, fn: Any) -> str:
    if fn is None:
        return ""
    if fn.type in ("identifier", "property_identifier"):
        return mod.t(fn)
    if fn.type == "member_expression":
        prop = fn.child_by_field_name("property")
        return mod.t(prop) if prop is not None else ""
    return ""


def _pair(mod: JsModule, obj: Any, key: str) -> Any:
    if obj is None:
        return None
    if obj.type in ("as_expression", "satisfies_expression") and obj.named_children:
        obj = obj.named_children[0]
    if obj.type != "object":
        return None
    for p in obj.named_children:
        if p.type == "pair":
            k = p.child_by_field_name("key")
            if k is not None and mod.t(k).strip("'\"") == key:
                return p.child_by_field_name("value")
        elif p.type == "shorthand_property_identifier" and mod.t(p) == key:
            return p
    return None


def _index(node: Any, idx: tuple[int, ...]) -> Any:
    for i in idx:
        if node is None or node.type != "array":
            return None
        kids = node.named_children
        node = kids[i] if i < len(kids) else None
    return node


def _unescape(s: str) -> str:
    if len(s) >= 2 and s[1] in _ESC:
        return _ESC[s[1]]
    if s.startswith("\\u{"):
        try:
            return chr(int(s[3:-1], 16))
        except ValueError:
            return s
    if s.startswith(("\\u", "\\x")) and len(s) > 2:
        try:
            return chr(int(s[2:], 16))
        except ValueError:
            return s
    if s.startswith("\\\n") or s.startswith("\\\r"):
        return ""
    return s[1:] if len(s) > 1 else s
