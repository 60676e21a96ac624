"""The role x table access matrix the HTML report draws (``RunResult.matrix``).

The audit builds it once with ``build_matrix``; reports only read the dict, so
the JSON document carries the same picture. Shape::

    {
      "roles":  ["cl_writer", ...],                 # rows, in display order
      "tables": ["cl.company_identity", ...],       # columns, in display order
      "role_hubs":  {"cl_writer": "cl", ...},       # optional labels (may be empty)
      "table_hubs": {"cl.company_identity": "cl"},
      "cells": {                                    # only cells with something to show
        "<role>": {
          "<table>": {
            "expected": "rw",        # policy:   "r", "w", "rw" or "-" (None: no policy side)
            "actual": "r",           # database: same alphabet (None: no database side)
            "expected_privileges": ["SELECT", "INSERT", ...],
            "actual_privileges": ["SELECT"],
            "paths": ["SELECT: cl_writer -[grant]-> cl.company_identity", ...],
            "differs": true,         # policy and database disagree on a read/write privilege
                                     # (SELECT/INSERT/UPDATE/DELETE/TRUNCATE), even if both say "rw"
            "violation": true,       # a finding names this role and table
            "rules": ["AUD001"]      # rule ids of those findings
          }
        }
      }
    }
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ownaudit.access import AccessMatrix, Cell
from ownaudit.findings import Finding
from ownaudit.privileges import READ, WRITE, Privilege, sort_privileges, summarize

MAX_PATHS = 8
_RW = READ | WRITE


def path_lines(cell: Cell) -> list[str]:
    """Every path of a database cell, privilege by privilege (``"SELECT: a -[grant]-> ..."``)."""
    paths: list[str] = []
    for p in sort_privileges(set(cell.paths)):
        paths += [f"{p.value}: {x}" for x in cell.paths[p]]
    return paths


def cell_view(exp: frozenset[Privilege] | None, act: frozenset[Privilege] | None, paths: list[str],
              hit: set[str] | None) -> dict[str, Any]:
    """One cell of the display dict: policy side, database side, the first paths, the rules that flag it."""
    return {
        "expected": summarize(exp) if exp is not None else None,
        "actual": summarize(act) if act is not None else None,
        "expected_privileges": [p.value for p in sort_privileges(exp)] if exp else [],
        "actual_privileges": [p.value for p in sort_privileges(act)] if act else [],
        "paths": paths[:MAX_PATHS] + ([f"... {len(paths) - MAX_PATHS} more"] if len(paths) > MAX_PATHS else []),
        "differs": exp is not None and act is not None and (exp & _RW) != (act & _RW),
        "violation": hit is not None,
        "rules": sorted(hit or ()),
    }


def build_matrix(
    expected: AccessMatrix | None,
    actual: AccessMatrix | None,
    roles: Iterable[str] | None = None,
    tables: Iterable[str] | None = None,
    violations: Iterable[Finding | tuple[str, str]] = (),
    *,
    role_hubs: dict[str, str | None] | None = None,
    table_hubs: dict[str, str | None] | None = None,
) -> dict[str, Any]:
    """Combine the policy's and the database's matrices into the display dict above.

    ``roles``/``tables`` default to every role/table either side mentions;
    ``violations`` are findings (their ``role`` and ``object``) or (role, table) pairs.
    """
    sides = [m for m in (expected, actual) if m is not None]
    role_list = list(roles) if roles is not None else sorted({r for m in sides for r in m.roles()})
    table_list = list(tables) if tables is not None else sorted({t for m in sides for t in m.tables()})
    flagged: dict[tuple[str, str], set[str]] = {}
    for v in violations:
        if isinstance(v, Finding):
            if v.role and v.object and not v.suppressed:
                flagged.setdefault((v.role, v.object), set()).add(v.rule_id)
        else:
            flagged.setdefault((v[0], v[1]), set())
    cells: dict[str, dict[str, Any]] = {}
    for role in role_list:
        for table in table_list:
            exp = expected.privileges(role, table) if expected is not None else None
            act = actual.privileges(role, table) if actual is not None else None
            hit = flagged.get((role, table))
            if not exp and not act and hit is None:
                continue
            paths: list[str] = []
            if actual is not None and act:
                paths = path_lines(actual.cell(role, table))
            cells.setdefault(role, {})[table] = cell_view(exp, act, paths, hit)
    return {
        "roles": role_list,
        "tables": table_list,
        "role_hubs": {r: (role_hubs or {}).get(r) for r in role_list} if role_hubs else {},
        "table_hubs": {t: (table_hubs or {}).get(t) for t in table_list} if table_hubs else {},
        "cells": cells,
    }
