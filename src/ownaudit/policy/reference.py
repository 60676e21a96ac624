"""Generate docs/policy.md from the JSON Schema, with the shipped policy as the worked example.

Generating the reference from the schema keeps the two from drifting; a test
checks the committed file equals this output.
"""

from __future__ import annotations

import json
from typing import Any

from ownaudit.policy.locate import shipped_policy_path, shipped_schema_path


def _type_of(node: dict[str, Any], defs: dict[str, Any]) -> str:
    if "$ref" in node:
        return _type_of(defs[node["$ref"].split("/")[-1]], defs)
    if "const" in node:
        return f"`{json.dumps(node['const'])}`"
    if "enum" in node:
        values = [v for v in node["enum"] if not (isinstance(v, str) and v.islower() and v.upper() in node["enum"])]
        return " \\| ".join(f"`{v}`" for v in values)
    if "oneOf" in node:
        return " or ".join(_type_of(n, defs) for n in node["oneOf"])
    t = node.get("type")
    if t == "array":
        return f"list of {_type_of(node.get('items', {}), defs)}"
    if isinstance(t, list):
        return " or ".join(t)
    if t == "object" and "additionalProperties" in node and isinstance(node["additionalProperties"], dict):
        return "mapping"
    return str(t or "any")


def _rows(node: dict[str, Any], defs: dict[str, Any], prefix: str, out: list[tuple[str, str, str, str]],
          seen: set[str]) -> None:
    if "$ref" in node:
        name = node["$ref"].split("/")[-1]
        if name in seen:
            return
        node = defs[name]
        seen = seen | {name}
    if "oneOf" in node:
        for branch in node["oneOf"]:
            if "$ref" in branch or branch.get("type") == "object":
                _rows(branch, defs, prefix, out, seen)
        return
    required = set(node.get("required", []))
    for key, sub in node.get("properties", {}).items():
        path = f"{prefix}.{key}" if prefix else key
        resolved = defs[sub["$ref"].split("/")[-1]] if "$ref" in sub else sub
        desc = resolved.get("description", sub.get("description", ""))
        out.append((path, _type_of(sub, defs), "yes" if key in required else "", desc))
        _rows(sub, defs, path, out, seen)
        if resolved.get("type") == "array" and isinstance(resolved.get("items"), dict):
            _rows(resolved["items"], defs, f"{path}[]", out, seen)
    extra = node.get("additionalProperties")
    if isinstance(extra, dict):
        _rows(extra, defs, f"{prefix}.<name>" if prefix else "<name>", out, seen)


def policy_reference_markdown() -> str:
    schema = json.loads(shipped_schema_path().read_text(encoding="utf-8"))
    defs = schema.get("$defs", {})
    rows: list[tuple[str, str, str, str]] = []
    _rows(schema, defs, "", rows, set())
    example = shipped_policy_path().read_text(encoding="utf-8")
    lines = [
        "# Policy reference: `policy/ownership.yaml`",
        "",
        "<!-- Generated from policy/ownership.schema.json by `ownaudit policy reference`; do not edit. -->",
        "",
        "The policy states which hub owns, writes and reads every schema and table of the shared database. "
        "`ownaudit validate` checks it against the JSON Schema (`policy/ownership.schema.json`, usable by "
        "editors through the `# yaml-language-server: $schema=` line) and then checks its meaning: unknown hubs, "
        "roles or tables, a role mapped to two hubs, a table listed twice, foreign keys whose ends are not in the "
        "matrix, duplicate YAML keys. Every problem is reported at once, one line each, as "
        "`file:line:column: key.path: message` (exit code 2).",
        "",
        "## Semantics",
        "",
        "- A table belongs to its schema's owning hub unless it names another `owner`. Tables in a governed "
        "schema that the file does not list still belong to the schema's owner (and the audit reports them as "
        "unlisted).",
        "- Writer roles (`kind: writer`) of the owning hub may use the schema's `writer_privileges` "
        "(default SELECT, INSERT, UPDATE, DELETE). Reader roles only read, whatever their hub owns.",
        "- `readers` (`all` or hub ids) may SELECT. Extra `writers` get exactly their `operations`; "
        "`column_grants` let a non-owner hub use an operation (usually UPDATE) on named columns only.",
        "- Schema `writers` let hubs (`all`, minus `except`, or a list) use `operations` on every table of the "
        "schema, listed or not (an error-log schema every hub appends to); `create: true` also lets them CREATE "
        "tables there (lint: no LNT002 for CREATE TABLE; audit: their CREATE on the schema is no AUD060).",
        "- A `frozen` table has no owning hub and no writer: nobody writes it until its migration is done "
        "except the migration, in `frozen.migration_paths` of `frozen.migration_hub` (default: the "
        "migration's `target_owner`). `migration.current_owner: legacy` names the legacy system, not a hub. "
        "Lint: LNT050; audit: every write path is AUD001.",
        "- A column exception with a `condition` (`outreach_id IS NULL`) is allowed only when the statement's "
        "WHERE requires it (top-level AND), and a write-once column (`<col> IS NULL`) may not be set back to "
        "NULL (LNT051). A grant cannot express the condition: the audit reports it as only enforceable by a "
        "trigger (AUD160, with a trigger as the fix).",
        "- A sub-hub (`part_of` + `paths`) lives in its parent's repository; lint checks files under its "
        "`paths` as the sub-hub (connecting as the parent's roles when it has none).",
        "- `lint.overrides` set, per path glob, a severity cap (`archive/**` at low: reported, not hidden), a "
        "`search_path`, or the `database` the files' SQL goes to.",
        "- A hub's `databases` are databases other than the shared one (provider, host/database, Supabase "
        "project, D1 bindings, env variables, paths, migration folders). The linter decides per statement "
        "where it goes (a D1 binding call, a client or connection whose DSN, env variable or URL names a "
        "database, the file's path or wrangler.toml migrations_dir, SQLite-only syntax) and leaves SQL for "
        "another database out of scope; a password in its DSN is still a leak. When in doubt the statement "
        "is checked. `env` lists the variables that hold the shared database's DSN. The situations in real hub "
        "repositories behind these keys, and what lint and audit do with each: docs/hubs.md.",
        "- `foreign_keys` lists the declared edges. An FK that crosses hub ownership must be declared, with the "
        "same ON DELETE action.",
        "- `exceptions` waive one rule on one object until `expires`. An expired exception is a warning from "
        "`validate` and a finding from audit and lint; it never breaks the policy.",
        "- Policy resolution: `--policy PATH`, then `$OWNAUDIT_POLICY`, then `[tool.ownaudit] policy = ...` in "
        "the nearest `pyproject.toml`, then the policy shipped inside the package.",
        "",
        "## Keys",
        "",
        "| Key | Type | Required | Meaning |",
        "| --- | --- | --- | --- |",
    ]
    for path, typ, req, desc in rows:
        safe = desc.replace("|", "\\|")
        lines.append(f"| `{path}` | {typ} | {req} | {safe} |")
    lines += [
        "",
        "## Worked example: the shipped policy",
        "",
        "This is the seed document's ownership matrix as code. Comments marked `CHOICE:` record how each "
        "ambiguity of the prose was resolved.",
        "",
        "```yaml",
        example.rstrip("\n"),
        "```",
        "",
    ]
    return "\n".join(lines)
