"""What a statement does, as the analyser sees it: a list of ``Operation``.

The analyser knows SQL, not the policy; the rule checks (``check``) know the
policy, not SQL. ``Operation`` is the contract between them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ownaudit.privileges import Privilege

# Operation.action values
WRITE = "write"  # INSERT/UPDATE/DELETE/TRUNCATE/MERGE/COPY FROM/SELECT INTO on ``target``
READ = "read"
DDL = "ddl"  # CREATE/ALTER/DROP/COMMENT on a table-like ``target`` or a schema-level object
GRANT = "grant"  # GRANT/REVOKE/ALTER DEFAULT PRIVILEGES
ROLE = "role"  # CREATE/ALTER ROLE with attributes, GRANT role TO role
FK = "fk"  # a foreign key from ``target`` (child) to ``parent``
SEARCH_PATH = "search_path"
TRANSACTION_END = "transaction_end"  # COMMIT/ROLLBACK/END: a SET LOCAL search_path stops applying
TEMP_TABLE = "temp_table"  # CREATE TEMP TABLE: later unqualified uses of the name are pg_temp's, not governed
UNANALYSABLE = "unanalysable"


@dataclass(frozen=True)
class Name:
    """A relation name as written, folded: ``schema`` None when unqualified.

    ``placeholder`` is set when a part is an f-string/template placeholder, so the
    real table cannot be known from the source.
    """

    schema: str | None
    name: str
    offset: int  # offset of the name's first character in the analysed text
    raw: str = ""
    placeholder: bool = False

    def __str__(self) -> str:
        return self.raw or (f"{self.schema}.{self.name}" if self.schema else self.name)


@dataclass
class Operation:
    """One thing a statement does to one object."""

    action: str
    statement: str  # statement kind shown to the user, e.g. "INSERT", "ALTER TABLE ... OWNER TO"
    offset: int  # offset in the analysed text (start of the object name where possible)
    target: Name | None = None
    object_kind: str = "table"  # table | schema | function | sequence | type | role | database
    privileges: tuple[Privilege, ...] = ()
    columns: tuple[str, ...] = ()
    parent: Name | None = None  # FK parent
    parent_columns: tuple[str, ...] = ()
    on_delete: str = "no action"
    grantees: tuple[str, ...] = ()
    grant_kind: str = ""  # "grant" | "revoke" | "default" | "membership"
    detail: str = ""  # role attributes, reason a statement is unanalysable, ...
    values: tuple[str, ...] = ()  # search_path entries
    plpgsql: bool = False
    extra: dict[str, str] = field(default_factory=dict)
