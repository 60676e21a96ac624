"""Rules reported by policy validation (POL###)."""

from __future__ import annotations

from ownaudit.findings import Severity
from ownaudit.rules import Rule, register

POLICY_INVALID = register(Rule(
    id="POL001",
    name="policy-invalid",
    severity=Severity.HIGH,
    title="The policy file is invalid",
    detects="A YAML syntax error, duplicate key, JSON Schema violation or semantic error (unknown hub, role "
            "or table; a role mapped to two hubs; a table owned twice; a foreign key whose ends are not in "
            "the matrix) in the ownership policy.",
    why="Every audit and lint decision reads the policy; a policy that does not say what its authors meant "
        "makes every other result untrustworthy, so ownaudit refuses to run on it (exit 2).",
    example="schemas:\n  cl:\n    owner: company-lifecyle-cl   # typo: unknown hub",
    fix="Correct the entry named by the error (file:line:column and key path) and run `ownaudit validate`.",
    source="policy",
))

EXCEPTION_EXPIRED = register(Rule(
    id="POL002",
    name="exception-expired",
    severity=Severity.MEDIUM,
    title="A policy exception has expired",
    detects="An entry under `exceptions:` whose `expires` date has passed.",
    why="Exceptions are time-boxed promises. Once expired the waiver no longer applies, so the finding it "
        "covered is reported again; the stale entry itself is reported so someone renews or removes it. "
        "It is a warning, not a policy error: a nightly job must not break the day an exception expires.",
    example="exceptions:\n  - rule: AUD001\n    object: outreach.people\n    reason: backfill\n"
            "    expires: 2025-01-31",
    fix="Fix the underlying finding and delete the exception, or extend `expires` with a new reason/ticket.",
    source="policy",
))

WRITER_WITHOUT_WRITER_ROLE = register(Rule(
    id="POL003",
    name="writers-entry-without-writer-role",
    severity=Severity.MEDIUM,
    title="A writers entry names a hub that has no writer role",
    detects="An entry under a table's `writers:` for a hub whose roles are all readers (or that has none).",
    why="The entry lets the hub's code write the table (the linter accepts it and `diff` reports the new "
        "write path), but the policy gives database write privileges only to writer roles, so no role of "
        "the hub may hold the grant: the audit still reports one, as an excess privilege. The entry says "
        "more than the database side can honour.",
    example="tables:\n  people:\n    writers: [{hub: site-scout-pro, operations: [INSERT, UPDATE]}]   "
            "# site-scout-pro has only ui_reader (kind: reader)",
    fix="Give the hub a role of kind writer for these writes, or remove the entry.",
    source="policy",
))

COLUMN_GRANT_WITHOUT_WRITER_ROLE = register(Rule(
    id="POL004",
    name="column-grant-without-writer-role",
    severity=Severity.MEDIUM,
    title="A column_grants entry names a hub that has no writer role",
    detects="An entry under a table's `column_grants:` for a hub whose roles are all readers (or that has none).",
    why="Column exceptions are held by writer roles only; for a hub without one the entry has no effect on "
        "what the database may grant, only on what the linter accepts.",
    example="tables:\n  people:\n    column_grants: [{hub: site-scout-pro, operations: [UPDATE], "
            "columns: [email]}]",
    fix="Give the hub a role of kind writer, or remove the entry.",
    source="policy",
))
