"""Rules judge a class of alike tables once: the objects they report are exactly the tables where the
condition really holds, table by table, as the server itself answers (``has_table_privilege``, a login).

The schema ``outreach`` gets many unlisted tables with the same drifted grant, some of them then made
different one by one (a grant revoked, an extra privilege, RLS on, a column grant): each difference
must move exactly that table in or out of the findings, never its whole class.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import psycopg
import pytest

from ownaudit.findings import Finding
from ownaudit.report.jsondoc import load_findings, render
from ownaudit.report.settings import ReportSettings
from test_audit_helpers import World, build_world

EXTRA = 24
_PRIVS = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
_COLUMN_PRIVS = {"SELECT", "INSERT", "UPDATE", "REFERENCES"}


@pytest.fixture(scope="module")
def world(pg_server: Any) -> Any:
    # One database for the module's read-only tests (built once: the seed plus 24 tables).
    name = "classes_property"
    with psycopg.connect(pg_server.admin_dsn, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    w = build_world(pg_server.dsn(name))
    w.as_owner("".join(f"CREATE TABLE outreach.extra_{i:02d} (id int, note text);"
                       f"INSERT INTO outreach.extra_{i:02d} VALUES (1, 'x');" for i in range(EXTRA))
               + 'CREATE TABLE outreach."Mixed_Case" (id int, note text);')
    w.sql("GRANT INSERT, SELECT ON ALL TABLES IN SCHEMA outreach TO ui_reader")
    w.as_owner("REVOKE INSERT ON outreach.extra_00, outreach.extra_03, outreach.extra_17 FROM ui_reader;"
               "GRANT UPDATE ON outreach.extra_05 TO ui_reader;"
               "GRANT TRIGGER ON outreach.extra_06 TO ui_reader;"
               "GRANT UPDATE (note) ON outreach.extra_07 TO ui_reader;"
               "ALTER TABLE outreach.extra_08 ENABLE ROW LEVEL SECURITY;"
               "ALTER TABLE outreach.extra_09 ENABLE ROW LEVEL SECURITY;"
               "ALTER TABLE outreach.extra_10 ENABLE ROW LEVEL SECURITY;"
               "CREATE POLICY p ON outreach.extra_10 FOR SELECT TO ui_reader USING (true);")
    yield w
    with psycopg.connect(pg_server.admin_dsn, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    for role in (w.auditor, *(w.r(r) for r in ("cl_writer", "outreach_writer", "ui_reader")), w.owner):
        with psycopg.connect(pg_server.admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP ROLE IF EXISTS "{role}"')


def _members(findings: list[Finding], rule: str, role: str) -> dict[str, str]:
    """object -> its own message, over aggregated and single findings of ``rule`` for ``role``."""
    out: dict[str, str] = {}
    for f in findings:
        if f.rule_id != rule or f.role != role:
            continue
        if f.details:
            out.update({d.object: d.message for d in f.details})
        else:
            out[f.object] = f.message
    return out


def _held(w: World, role: str, table: str) -> set[str]:
    """What the server says ``role`` holds on ``table`` (on the table or on any of its columns)."""
    fn = {p: "has_any_column_privilege" if p in _COLUMN_PRIVS else "has_table_privilege" for p in _PRIVS}
    rows = w.query("SELECT " + ", ".join(f"{fn[p]}('{role}', '{_sql(table)}', '{p}')" for p in _PRIVS))
    return {p for p, ok in zip(_PRIVS, rows[0], strict=True) if ok}


def _sql(table: str) -> str:
    schema, name = table.split(".", 1)
    return f'"{schema}"."{name}"'


def _outreach(w: World) -> list[str]:
    return sorted(r[0] for r in w.query(
        "SELECT schemaname || '.' || tablename FROM pg_tables WHERE schemaname = 'outreach'"))


@pytest.mark.catalog
def test_write_findings_name_exactly_the_tables_the_reader_can_write(world: World) -> None:
    result = world.audit()
    reader = world.r("ui_reader")
    writes = _members(result.findings, "AUD001", reader)
    tables = _outreach(world)
    held = {t: _held(world, reader, t) for t in tables}
    expected = {t for t in tables if held[t] & {"INSERT", "UPDATE", "DELETE"}}
    assert set(writes) == expected, (sorted(set(writes) ^ expected))
    assert not {"outreach.extra_00", "outreach.extra_03", "outreach.extra_17"} & set(writes)
    assert len(expected) >= 20  # the class is large enough to aggregate
    for t in expected:  # each object's own text names exactly the privileges the server reports
        named = writes[t].split(" can ", 1)[1].split(f" {t}", 1)[0].split(", ")
        assert set(named) == held[t] & {"INSERT", "UPDATE", "DELETE"}, (t, writes[t])
    # The column grant alone (UPDATE (note)) is a write path of its own table only.
    assert "outreach.extra_07" in writes
    # Logging in proves it: the reader inserts where a finding says so, and cannot where none does.
    with psycopg.connect(world.dsn, autocommit=True) as conn:
        conn.execute(f'SET ROLE "{reader}"')
        conn.execute("INSERT INTO outreach.extra_04 (id) VALUES (2)")
        conn.execute("UPDATE outreach.extra_05 SET id = id")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO outreach.extra_03 (id) VALUES (2)")


@pytest.mark.catalog
def test_structural_and_silent_empty_findings_follow_each_table(world: World) -> None:
    result = world.audit()
    reader = world.r("ui_reader")
    tables = _outreach(world)
    structural = _members(result.findings, "AUD020", reader)
    assert set(structural) == {t for t in tables if "TRIGGER" in _held(world, reader, t)
                               or "REFERENCES" in _held(world, reader, t)}
    # RLS on, SELECT held, no policy for the reader: it sees zero rows, as a login shows.
    silent = _members(result.findings, "AUD042", reader)
    blind = set()
    for t in tables:
        if "SELECT" not in _held(world, reader, t):
            continue
        total = world.query(f"SELECT count(*) FROM {_sql(t)}")[0][0]
        seen = world.query(f"SELECT count(*) FROM {_sql(t)}", role="ui_reader")[0][0]
        if total and not seen:
            blind.add(t)
    assert {"outreach.extra_08", "outreach.extra_09"} <= blind
    assert "outreach.extra_10" not in blind
    assert {t for t in silent if t.startswith("outreach.extra_")} == {
        t for t in blind if t.startswith("outreach.extra_")}


@pytest.mark.catalog
def test_matrix_view_cells_are_each_tables_own(world: World) -> None:
    result = world.audit()
    reader = world.r("ui_reader")
    assert result.matrix is not None
    row = result.matrix["cells"][reader]
    flagged = {(f.role, o) for f in result.findings if not f.suppressed for o in (f.objects or [f.object])}
    for t in _outreach(world):
        cell = row[t]
        assert set(cell["actual_privileges"]) == _held(world, reader, t), t
        assert cell["paths"] and all(p.endswith(f" on {t}") for p in cell["paths"] if not p.startswith("..."))
        assert cell["violation"] == ((reader, t) in flagged)


@pytest.mark.catalog
def test_json_details_are_compact_and_read_back_object_by_object(world: World) -> None:
    result = world.audit()
    doc = json.loads(render(result, ReportSettings()))
    schema = json.loads((Path(__file__).resolve().parents[1] / "schemas" / "findings.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(doc)
    # Read back, every object says exactly what the audit said of it (message, evidence, fix, location).
    def members(findings: list[Finding]) -> list[tuple[object, ...]]:
        return [(m.rule_id, m.object, m.role, m.hub, m.message, tuple(m.evidence), m.fix_sql, m.location, m.key)
                for f in findings for m in f.members()]
    assert members(load_findings(json.dumps(doc))) == members(result.findings)
    reader = world.r("ui_reader")
    rec = next(r for r in doc["findings"] if r["rule_id"] == "AUD001" and r["role"] == reader and r.get("count"))
    assert "{object}" in rec["detail_template"]["message"] and "outreach.Mixed_Case" in rec["objects"]
    # Only what the template does not reproduce is kept: the quoted name in Mixed_Case's fix.
    kept = {d["object"]: set(d) - {"object", "key", "fingerprint"} for d in rec["details"]}
    assert kept.pop("outreach.Mixed_Case") == {"fix_sql"}
    # Unlisted tables share the template and the finding's location; listed ones keep their own location.
    assert not any(v for t, v in kept.items() if t.startswith("outreach.extra_")), kept
    assert all(v <= {"location"} for v in kept.values()), kept
