"""Table privileges and their groupings: the vocabulary of the access model."""

from __future__ import annotations

from enum import Enum


class Privilege(str, Enum):
    """A PostgreSQL table privilege. MAINTAIN exists from PostgreSQL 17."""

    SELECT = "SELECT"
    INSERT = "INSERT"
    UPDATE = "UPDATE"
    DELETE = "DELETE"
    TRUNCATE = "TRUNCATE"
    REFERENCES = "REFERENCES"
    TRIGGER = "TRIGGER"
    MAINTAIN = "MAINTAIN"

    @classmethod
    def parse(cls, text: str) -> Privilege:
        return cls(text.strip().upper())


READ = frozenset({Privilege.SELECT})
WRITE = frozenset({Privilege.INSERT, Privilege.UPDATE, Privilege.DELETE, Privilege.TRUNCATE})
DML_WRITE = frozenset({Privilege.INSERT, Privilege.UPDATE, Privilege.DELETE})
STRUCTURAL = frozenset({Privilege.REFERENCES, Privilege.TRIGGER, Privilege.MAINTAIN})
ALL_TABLE = frozenset(Privilege)

# ACL letters used by PostgreSQL in aclitem text (for snapshots and display).
ACL_LETTER = {
    "r": Privilege.SELECT,
    "a": Privilege.INSERT,
    "w": Privilege.UPDATE,
    "d": Privilege.DELETE,
    "D": Privilege.TRUNCATE,
    "x": Privilege.REFERENCES,
    "t": Privilege.TRIGGER,
    "m": Privilege.MAINTAIN,
}

PRIVILEGE_ORDER = list(Privilege)


def sort_privileges(privs: set[Privilege] | frozenset[Privilege]) -> list[Privilege]:
    return [p for p in PRIVILEGE_ORDER if p in privs]


def summarize(privs: set[Privilege] | frozenset[Privilege]) -> str:
    """'rw' style summary: r = read, w = any write, '-' = none."""
    out = ""
    if Privilege.SELECT in privs:
        out += "r"
    if privs & WRITE:
        out += "w"
    return out or "-"
