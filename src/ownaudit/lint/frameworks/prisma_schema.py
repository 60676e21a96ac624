"""Foreign keys declared in a Prisma schema (``@relation(fields:, references:, onDelete:)``).

``schema.prisma`` is where a Prisma hub declares its tables' keys (``prisma migrate`` turns each
relation into a ``FOREIGN KEY ... ON DELETE``): each relation field that holds ``fields:`` is an
FK from its model's table to the related model's, checked like SQL ``REFERENCES``. Without
``onDelete`` Prisma's default applies: ``Restrict`` for a required relation, ``SetNull`` for an
optional one. Models come from every ``.prisma`` file given (a ``prisma/schema`` folder is one schema).
"""

from __future__ import annotations

import re

from ownaudit.lint.operations import FK, Name, Operation

_MODEL = re.compile(r"^[ \t]*model[ \t]+(\w+)[ \t]*\{(.*?)^[ \t]*\}", re.MULTILINE | re.DOTALL)
_MAP = re.compile(r"@@map\(\s*(?:name\s*:\s*)?\"([^\"]+)\"")
_SCHEMA = re.compile(r"@@schema\(\s*\"([^\"]+)\"")
_FIELD = re.compile(r"^[ \t]*(\w+)[ \t]+(\w+)(\??)(\[\])?[^\n]*$", re.MULTILINE)
_RELATION = re.compile(r"@relation\(([^)]*)\)")
_FIELD_MAP = re.compile(r"@map\(\s*(?:name\s*:\s*)?\"([^\"]+)\"")
_ACTIONS = {
    "cascade": "cascade",
    "restrict": "restrict",
    "noaction": "no action",
    "setnull": "set null",
    "setdefault": "set default",
}


def models(text: str) -> dict[str, tuple[str | None, str]]:
    """``model Company { ... @@map("company_identity") @@schema("cl") }`` -> {"Company": ("cl", "company_identity")}."""
    out: dict[str, tuple[str | None, str]] = {}
    for m in _MODEL.finditer(text):
        name, body = m.group(1), m.group(2)
        mp = _MAP.search(body)
        sc = _SCHEMA.search(body)
        out[name] = (sc.group(1) if sc else None, mp.group(1) if mp else name)
    return out


def foreign_keys(text: str, others: str = "") -> list[Operation]:
    """The FK operations of a schema file's relations (offsets into ``text``); ``others`` holds the
    rest of a multi-file schema, for models declared elsewhere."""
    known = models(others + "\n" + text)
    ops: list[Operation] = []
    for m in _MODEL.finditer(text):
        child_schema, child_table = known[m.group(1)]
        body, base = m.group(2), m.start(2)
        columns: dict[str, str] = {}
        for f in _FIELD.finditer(body):
            fm = _FIELD_MAP.search(f.group(0))
            columns[f.group(1)] = fm.group(1) if fm else f.group(1)
        for f in _FIELD.finditer(body):
            rel = _RELATION.search(f.group(0))
            if rel is None or "fields" not in rel.group(1) or f.group(4):
                continue
            args = rel.group(1)
            local = re.search(r"fields\s*:\s*\[([^\]]*)\]", args)
            ondel = re.search(r"onDelete\s*:\s*(\w+)", args)
            cols = tuple(
                columns.get(c.strip(), c.strip()) for c in (local.group(1).split(",") if local else []) if c.strip()
            )
            action = _ACTIONS.get(
                (ondel.group(1) if ondel else ("SetNull" if f.group(3) else "Restrict")).lower(), "no action"
            )
            at = base + f.start(2)
            target = known.get(f.group(2))
            if target is None:
                parent = Name(None, "<expr>", at, "{model " + f.group(2) + "}", True)
            else:
                parent = Name(target[0], target[1], at, f"{target[0]}.{target[1]}" if target[0] else target[1])
            child = Name(
                child_schema, child_table, base, f"{child_schema}.{child_table}" if child_schema else child_table
            )
            ops.append(
                Operation(
                    FK,
                    "FOREIGN KEY (prisma @relation)",
                    at,
                    child,
                    columns=cols,
                    parent=parent,
                    on_delete=action,
                    extra={"client": "prisma"},
                )
            )
    return ops


def schema_operations(text: str, path: str | None) -> list[Operation]:
    """FKs of one ``.prisma`` file, with the models of the other ``.prisma`` files of its folder."""
    import os

    others: list[str] = []
    if path is not None:
        from ownaudit.lint import resolve

        d = os.path.dirname(os.path.abspath(path))
        try:
            names = sorted(n for n in os.listdir(d) if n.endswith(".prisma"))
        except OSError:
            names = []
        for n in names:
            p = os.path.join(d, n)
            if os.path.abspath(p) != os.path.abspath(path):
                t = resolve.read_module(p)
                if t is not None:
                    others.append(t)
    return foreign_keys(text, "\n".join(others))
