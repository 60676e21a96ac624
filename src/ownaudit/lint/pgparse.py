"""Statements read with PostgreSQL's own parser (pglast, libpg_query).

Used where sqlglot is not exact: CREATE TABLE / VIEW / MATERIALIZED VIEW / TABLE AS
(options such as ``WITH (security_barrier)``, ``WITH NO DATA``, syntax errors
sqlglot accepts such as ``(id int,, name text)``), policy expressions
(``CREATE POLICY ... USING (... FROM cl.x)`` reads ``cl.x``), and any statement
sqlglot cannot parse or returns as ``exp.Command``. The parse tree is the
server's, so a statement it rejects is a syntax error and one it accepts is
typed exactly; sqlglot keeps the statements it types well (DML).
"""

from __future__ import annotations

import json
import re
from typing import Any

from ownaudit.lint.names import is_placeholder
from ownaudit.lint.operations import DDL, FK, READ, TEMP_TABLE, UNANALYSABLE, WRITE, Name, Operation
from ownaudit.privileges import Privilege

_DRIVER_PARAMS = re.compile(r"%s|%\(\w+\)s|\?")
_FK_ACTIONS = {"a": "no action", "r": "restrict", "c": "cascade", "n": "set null", "d": "set default"}
_parser: Any = None


def _parse(text: str) -> Any:
    global _parser
    if _parser is None:
        from pglast import parser

        _parser = parser
    return json.loads(_parser.parse_sql_json(text))


def operations(text: str, plpgsql: bool = False) -> list[Operation] | None:
    """Operations of one statement from the PostgreSQL parse tree; None to leave it to sqlglot."""
    try:
        tree = _parse(text)
    except ImportError:
        return None
    except Exception as exc:  # pglast.parser.ParseError and anything else libpg_query raises
        if _DRIVER_PARAMS.search(text):
            return None  # a driver's %s / ? parameter is not PostgreSQL syntax: not an error of the SQL
        loc = exc.args[1] if len(exc.args) > 1 else getattr(exc, "location", None)
        msg = " ".join(str(exc.args[0] if exc.args else "syntax error").split())[:200]
        if isinstance(loc, int) and loc >= 0:
            msg += f" (character {_char_offset(text, loc) + 1} of the statement)"
        return [Operation(UNANALYSABLE, _first_word(text), 0, detail=f"PostgreSQL parser: {msg}")]
    stmts = tree.get("stmts") or []
    if not stmts:
        return []
    walker = _Walker(text, plpgsql)
    for st in stmts:
        walker.statement(st.get("stmt") or {})
    return walker.ops


def _first_word(text: str) -> str:
    m = re.match(r"\s*\(*\s*([A-Za-z]+)", text)
    return m.group(1).upper() if m else "?"


def _char_offset(text: str, byte: int) -> int:
    if text.isascii():
        return byte
    return len(text.encode("utf-8")[:byte].decode("utf-8", "replace"))


class _Walker:
    def __init__(self, text: str, plpgsql: bool) -> None:
        self.text = text
        self.plpgsql = plpgsql
        self.ops: list[Operation] = []
        self.ctes: set[str] = set()

    def name(self, rv: dict[str, Any]) -> Name:
        schema = rv.get("schemaname")
        rel = rv.get("relname", "")
        off = _char_offset(self.text, int(rv.get("location", 0) or 0))
        raw = f"{schema}.{rel}" if schema else rel
        return Name(schema, rel, off, raw, is_placeholder(raw))

    def add(self, action: str, stmt: str, rv: dict[str, Any], **kw: Any) -> Name:
        nm = self.name(rv)
        self.ops.append(Operation(action, stmt, nm.offset, nm, plpgsql=self.plpgsql, **kw))
        return nm

    def statement(self, node: dict[str, Any]) -> None:
        ((kind, body),) = node.items() if len(node) == 1 else (("", {}),)
        handled: set[int] = set()
        if kind == "CreateStmt":
            rv = body.get("relation", {})
            handled.add(id(rv))
            temp = rv.get("relpersistence") == "t"
            nm = self.add(TEMP_TABLE if temp else DDL, "CREATE TEMP TABLE" if temp else "CREATE TABLE", rv)
            if not temp:
                self._fks(body, nm, handled)
        elif kind == "CreateTableAsStmt":
            into = body.get("into", {})
            rv = into.get("rel", {})
            handled.add(id(rv))
            matview = body.get("objtype") == "OBJECT_MATVIEW"
            temp = rv.get("relpersistence") == "t"
            what = "MATERIALIZED VIEW" if matview else "TABLE AS"
            self.add(TEMP_TABLE if temp else DDL, f"CREATE {'TEMP ' if temp else ''}{what}", rv)
        elif kind == "ViewStmt":
            rv = body.get("view", {})
            handled.add(id(rv))
            temp = rv.get("relpersistence") == "t"
            self.add(TEMP_TABLE if temp else DDL, "CREATE VIEW", rv)
        elif kind in ("CreatePolicyStmt", "AlterPolicyStmt"):
            rv = body.get("table", {})
            handled.add(id(rv))
            roles = [r.get("RoleSpec", {}).get("rolename", "") for r in body.get("roles") or []]
            verb = "CREATE" if kind.startswith("Create") else "ALTER"
            self.add(DDL, f"{verb} POLICY", rv, detail=", ".join(r for r in roles if r))
        elif kind == "InsertStmt":
            rv = body.get("relation", {})
            handled.add(id(rv))
            privs = [Privilege.INSERT]
            occ = body.get("onConflictClause") or {}
            if occ.get("action") == "ONCONFLICT_UPDATE":
                privs.append(Privilege.UPDATE)
            cols = tuple(c.get("ResTarget", {}).get("name", "") for c in body.get("cols") or [])
            self.add(WRITE, "INSERT", rv, privileges=tuple(privs), columns=tuple(c for c in cols if c))
        elif kind == "UpdateStmt":
            rv = body.get("relation", {})
            handled.add(id(rv))
            cols = tuple(c.get("ResTarget", {}).get("name", "") for c in body.get("targetList") or [])
            self.add(WRITE, "UPDATE", rv, privileges=(Privilege.UPDATE,), columns=tuple(c for c in cols if c))
        elif kind == "DeleteStmt":
            rv = body.get("relation", {})
            handled.add(id(rv))
            self.add(WRITE, "DELETE", rv, privileges=(Privilege.DELETE,))
        elif kind == "MergeStmt":
            rv = body.get("relation", {})
            handled.add(id(rv))
            self.add(WRITE, "MERGE", rv, privileges=(Privilege.INSERT, Privilege.UPDATE, Privilege.DELETE))
        elif kind == "TruncateStmt":
            for r in body.get("relations") or []:
                rv = r.get("RangeVar", {})
                handled.add(id(rv))
                self.add(WRITE, "TRUNCATE", rv, privileges=(Privilege.TRUNCATE,))
        elif kind == "CopyStmt" and body.get("is_from") and body.get("relation"):
            rv = body["relation"]
            handled.add(id(rv))
            self.add(WRITE, "COPY FROM", rv, privileges=(Privilege.INSERT,))
        elif kind in ("SelectStmt", "ExplainStmt"):
            pass
        else:
            self.ops.append(
                Operation(
                    UNANALYSABLE,
                    _first_word(self.text),
                    0,
                    detail=f"no rule reads a {kind or 'statement'} yet",
                    plpgsql=self.plpgsql,
                )
            )
            return
        self._ctes(body)
        stmt = _first_word(self.text)
        for rv in _range_vars(body):
            if id(rv) in handled:
                continue
            if not rv.get("schemaname") and rv.get("relname") in self.ctes:
                continue
            self.add(READ, "SELECT" if stmt == "SELECT" else stmt, rv, privileges=(Privilege.SELECT,))

    def _ctes(self, body: Any) -> None:
        stack = [body]
        while stack:
            n = stack.pop()
            if isinstance(n, dict):
                cte = n.get("CommonTableExpr")
                if isinstance(cte, dict) and cte.get("ctename"):
                    self.ctes.add(cte["ctename"])
                stack.extend(n.values())
            elif isinstance(n, list):
                stack.extend(n)

    def _fks(self, body: dict[str, Any], child: Name, handled: set[int]) -> None:
        for elt in body.get("tableElts") or []:
            col = elt.get("ColumnDef")
            if col is not None:
                for c in col.get("constraints") or []:
                    self._fk(c.get("Constraint", {}), child, (col.get("colname", ""),), handled)
            con = elt.get("Constraint")
            if con is not None:
                cols = tuple(a.get("String", {}).get("sval", "") for a in con.get("fk_attrs") or [])
                self._fk(con, child, cols, handled)

    def _fk(self, con: dict[str, Any], child: Name, cols: tuple[str, ...], handled: set[int]) -> None:
        if con.get("contype") != "CONSTR_FOREIGN":
            return
        rv = con.get("pktable", {})
        handled.add(id(rv))
        parent = self.name(rv)
        pcols = tuple(a.get("String", {}).get("sval", "") for a in con.get("pk_attrs") or [])
        self.ops.append(
            Operation(
                FK,
                "FOREIGN KEY",
                parent.offset,
                child,
                columns=cols,
                parent=parent,
                parent_columns=pcols,
                on_delete=_FK_ACTIONS.get(str(con.get("fk_del_action", "a")), "no action"),
                plpgsql=self.plpgsql,
            )
        )


def _range_vars(node: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, dict):
            rv = n.get("RangeVar")
            if isinstance(rv, dict):
                out.append(rv)
                continue
            if "relname" in n and "relpersistence" in n:  # a RangeVar held directly in a field
                out.append(n)
                continue
            stack.extend(n.values())
        elif isinstance(n, list):
            stack.extend(n)
    out.sort(key=lambda r: int(r.get("location", 0) or 0))
    return out
