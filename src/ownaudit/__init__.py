"""ownaudit: policy-as-code ownership auditor and linter for a shared PostgreSQL database."""

__version__ = "0.1.0"
TOOL_NAME = "ownaudit"
