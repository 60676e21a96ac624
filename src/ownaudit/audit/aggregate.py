"""One finding for a cause, not one per table: the audit's findings at the scale of a catalog.

A grant gone wide (a group role reading a whole schema, a membership handing
one role another hub's writer) shows up on every table of a schema with the same
rule, role, hub, severity and the same words once the table's name is taken out.
Thousands of those become one finding naming the schema, with the list of
objects (``Finding.objects``) and what each says on its own (``Finding.details``),
so a reviewer reads the headline of a 10,000-table audit in one screen and the
JSON still carries every object. Smaller groups stay one finding per object.

Run after the checks, exceptions and their suppressions (a suppression is per
object, so suppressed and active objects never share an aggregate). Identity keys
of the objects are unchanged (``Finding.member_keys``): run-to-run comparison
and exceptions keep working object by object.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from ownaudit.findings import Finding, ObjectDetail

MIN_OBJECTS = 10  # a group smaller than this reads fine one finding per object
_OBJ = "\x00obj\x00"  # the finding's own object
_REL = "\x00rel\x00"  # another relation of the same schema named with it (a sequence's table)
_NAME_TAIL = r"\.(?:\"(?:[^\"]|\"\")+\"|[A-Za-z0-9_$]+)"


def _schema_of(obj: str) -> str | None:
    schema, dot, name = obj.partition(".")
    return schema if dot and schema and name else None


def _template(text: str, obj: str, others: re.Pattern[str]) -> str:
    return others.sub(_REL, text.replace(obj, _OBJ))


_patterns: dict[str, re.Pattern[str]] = {}


def _others(schema: str) -> re.Pattern[str]:
    got = _patterns.get(schema)
    if got is None:
        got = _patterns[schema] = re.compile(r"(?<![\w.\"])" + re.escape(schema) + _NAME_TAIL)
    return got


def _cause(f: Finding, schema: str) -> tuple[object, ...] | None:
    """What every object of one aggregate shares; None when ``f`` never aggregates.

    The object's name, and names of other relations of its schema (a sequence's table),
    are what differs from table to table; the rest of the words must be the same.
    """
    if f.aggregated or f.properties or f.object not in f.message:
        return None
    obj, others = f.object, _others(schema)
    return (f.rule_id, f.severity, f.hub or "", f.role or "", schema, f.suppressed, f.suppression or "",
            f.kind or "", f.title, f.fix or "", _template(f.message, obj, others),
            tuple(_template(e, obj, others) for e in f.evidence))


def aggregate(findings: Iterable[Finding], min_objects: int = MIN_OBJECTS) -> list[Finding]:
    """``findings`` with every group of at least ``min_objects`` sharing a cause made one finding.

    Order is kept: an aggregate takes the place of its first object.
    """
    order: list[Finding | tuple[object, ...]] = []
    groups: dict[tuple[object, ...], list[Finding]] = {}
    for f in findings:
        schema = _schema_of(f.object)
        cause = _cause(f, schema) if schema else None
        if cause is None:
            order.append(f)
            continue
        members = groups.get(cause)
        if members is None:
            groups[cause] = members = []
            order.append(cause)
        members.append(f)
    out: list[Finding] = []
    for item in order:
        if isinstance(item, Finding):
            out.append(item)
            continue
        members = groups.pop(item)
        if len(members) < min_objects:
            out.extend(members)
        else:
            out.append(_merge(item, members))
    return out


def _merge(cause: tuple[object, ...], members: list[Finding]) -> Finding:
    first = members[0]
    schema = str(cause[4])
    n = len(members)
    plural = f"{n} relations of schema {schema}"
    each = f"{schema}.<each of the {n}>"
    other = f"{schema}.<its relation>"
    location = first.location
    digest = hashlib.sha256(repr(cause).encode("utf-8")).hexdigest()[:12]
    # One script: every object's statements, each statement once (a membership revoke is shared).
    fixes = list(dict.fromkeys(line for m in members if m.fix_sql for line in m.fix_sql.splitlines()))
    return Finding(
        rule_id=first.rule_id,
        severity=first.severity,
        title=first.title,
        message=str(cause[10]).replace(_OBJ, plural).replace(_REL, other),
        object=f"{schema}.*",
        hub=first.hub,
        role=first.role,
        evidence=[e.replace(_OBJ, each).replace(_REL, other) for e in cause[11]],  # type: ignore[attr-defined]
        location=location,
        fix_sql="\n".join(fixes) if fixes else None,
        fix=first.fix,
        suppressed=first.suppressed,
        suppression=first.suppression,
        kind=first.kind,
        properties={"identity": f"aggregate:{digest}"},
        objects=[m.object for m in members],
        details=[ObjectDetail(object=m.object, message=m.message, evidence=tuple(m.evidence),
                              fix_sql=m.fix_sql, location=None if m.location == location else m.location)
                 for m in members],
    )
