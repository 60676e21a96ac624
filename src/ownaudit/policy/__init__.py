"""The ownership policy: model, loader, JSON Schema and semantic validation."""

from ownaudit.policy.model import (
    ColumnGrant,
    Database,
    ExceptionSpec,
    ForeignKeySpec,
    Hub,
    LintScope,
    Migration,
    Policy,
    RlsPolicySpec,
    RlsSpec,
    RoleSpec,
    SchemaSpec,
    TableRef,
    TableSpec,
    WriterSpec,
)

__all__ = [
    "ColumnGrant",
    "Database",
    "ExceptionSpec",
    "ForeignKeySpec",
    "Hub",
    "LintScope",
    "Migration",
    "Policy",
    "RlsPolicySpec",
    "RlsSpec",
    "RoleSpec",
    "SchemaSpec",
    "TableRef",
    "TableSpec",
    "WriterSpec",
]
