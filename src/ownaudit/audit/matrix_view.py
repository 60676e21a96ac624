"""The role x table picture of an audit (``RunResult.matrix``), built per class of identical access.

The same dict ``report.matrix.build_matrix`` makes from two matrices, without
walking every (role, table) pair: a cell is computed once per (role, class)
(``ownaudit.audit.classes``) from the compiled expected state and the effective
matrix, and repeated for the class's other members with their own name at the
end of each path. Cells a finding names carry its rule ids.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ownaudit.audit.classes import table_classes
from ownaudit.audit.context import AuditContext
from ownaudit.findings import Finding
from ownaudit.policy.model import TableRef
from ownaudit.privileges import Privilege
from ownaudit.report.matrix import MAX_PATHS, cell_view, path_lines

_NONE: frozenset[Privilege] = frozenset()


def matrix_view(ctx: AuditContext, findings: Iterable[Finding]) -> dict[str, Any]:
    """Roles the audit judges x governed and listed tables: policy side, database side, violations."""
    governed = [g for g in ctx.governed("rpf") if not g.rel.is_partition]
    tables = sorted({g.name for g in governed} | {str(t.ref) for t in ctx.policy.tables()})
    table_set = set(tables)
    roles = ctx.subject_roles()
    flagged: dict[tuple[str, str], set[str]] = {}
    for f in findings:
        if f.suppressed or not f.role:
            continue
        for obj in f.objects or [f.object]:
            if obj in table_set:
                flagged.setdefault((f.role, obj), set()).add(f.rule_id)
    position = {t: i for i, t in enumerate(tables)}
    in_catalog = {g.name for g in governed}
    # Classes of catalog tables, then every listed table the catalog lacks on its own.
    groups: list[tuple[TableRef, list[str]]] = [(c.first.ref, [g.name for g in c.members])
                                                for c in table_classes(ctx, governed)]
    groups += [(TableRef(*t.split(".", 1)), [t]) for t in tables if t not in in_catalog]
    expected = ctx.expected
    policy_roles = ctx.policy.roles
    flagged_names: dict[str, set[str]] = {}
    for role, name in flagged:
        flagged_names.setdefault(role, set()).add(name)
    cells: dict[str, dict[str, Any]] = {}
    for role in roles:
        row: list[tuple[int, str, dict[str, Any]]] = []
        mine_flagged = flagged_names.get(role, set())
        for ref, names in groups:
            first = names[0]
            if role in policy_roles:
                got = expected.access(role, ref)
                exp = got.table | frozenset(got.columns) if got else _NONE
            else:
                exp = _NONE
            act = ctx.matrix.privileges(role, first)
            if not exp and not act:  # only the cells a finding names
                names = [n for n in names if n in mine_flagged] if mine_flagged else []
                if not names:
                    continue
            paths = path_lines(ctx.matrix.cell(role, first)) if act else []
            tails = [p[: -len(first)] for p in paths if p.endswith(first)]
            uniform = len(tails) == len(paths)  # every path ends in the relation's name
            # The displayed paths (the first MAX_PATHS, then "... N more"), as tails to add a name to.
            shown: list[str | None] = [*tails[:MAX_PATHS], *([None] if len(paths) > MAX_PATHS else [])]
            shared: dict[str, Any] | None = None  # the class's cell, paths and flags aside
            for name in names:
                hit = flagged.get((role, name))
                if not exp and not act and hit is None:
                    continue
                if name == first or not uniform:
                    mine = paths if name == first else path_lines(ctx.matrix.cell(role, name))
                    cell = cell_view(exp, act, mine, hit)
                    if shared is None:
                        shared = cell
                else:
                    if shared is None:
                        shared = cell_view(exp, act, paths, None)
                    cell = dict(shared)
                    cell["paths"] = [t + name if t is not None else p
                                     for t, p in zip(shown, shared["paths"], strict=True)]
                    cell["violation"] = hit is not None
                    cell["rules"] = sorted(hit or ())
                row.append((position[name], name, cell))
        if row:
            row.sort(key=lambda x: x[0])
            cells[role] = {name: cell for _, name, cell in row}
    return {
        "roles": roles,
        "tables": tables,
        "role_hubs": {r: ctx.hub_of(r) for r in roles} if roles else {},
        "table_hubs": {t: ctx.policy.owner_hub(TableRef(*t.split(".", 1))) for t in tables} if tables else {},
        "cells": cells,
    }
