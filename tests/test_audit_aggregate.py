"""Findings at the scale of a catalog: one cause over many tables is one finding with its objects.

A wide grant (``GRANT INSERT ON ALL TABLES IN SCHEMA``) to a reader shows up on
every table of the schema; the audit reports it once, with the list and count of
tables, in every format, and keeps each table's own record (and identity key) in
the JSON so run-to-run comparison still works table by table.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import psycopg
import pytest

from ownaudit.audit.aggregate import MIN_OBJECTS, aggregate
from ownaudit.findings import Finding, Location, RunResult, Severity
from ownaudit.report import console, html, junit, markdown, sarif
from ownaudit.report.emit import emit
from ownaudit.report.history import compare
from ownaudit.report.jsondoc import load_findings, render
from ownaudit.report.settings import ReportSettings
from test_audit_helpers import World, build_world

EXTRA = 14  # unlisted tables added to outreach: with the listed ones, well past MIN_OBJECTS


@pytest.fixture
def wide(fresh_db: Any) -> World:
    world = build_world(fresh_db.dsn)
    world.as_owner("".join(f"CREATE TABLE outreach.extra_{i:02d} (id int);" for i in range(EXTRA)))
    world.sql("GRANT INSERT ON ALL TABLES IN SCHEMA outreach TO ui_reader")
    return world


def _outreach_tables(world: World) -> set[str]:
    rows = world.query("SELECT schemaname || '.' || tablename FROM pg_tables WHERE schemaname = 'outreach'")
    return {r[0] for r in rows}


@pytest.mark.catalog
def test_one_cause_over_a_schema_is_one_finding_with_every_table(wide: World, tmp_path: Path) -> None:
    result = wide.audit()
    reader = wide.r("ui_reader")
    mine = [f for f in result.findings if f.rule_id == "AUD001" and f.role == reader]
    assert len(mine) == 1, [f.object for f in mine]
    agg = mine[0]
    tables = _outreach_tables(wide)
    assert agg.aggregated and agg.object == "outreach.*" and agg.count == len(tables) >= MIN_OBJECTS + 4
    assert set(agg.objects) == tables
    assert agg.message.startswith(f"{reader} (site-scout-pro) can INSERT {len(tables)} relations of schema outreach")
    assert all(f"REVOKE INSERT ON {t} FROM {reader};" in (agg.fix_sql or "") for t in tables)
    # The path is real: the reader's login really inserts into one of the tables.
    with psycopg.connect(wide.dsn, autocommit=True) as conn:
        conn.execute(f'SET ROLE "{reader}"')
        conn.execute("INSERT INTO outreach.extra_03 (id) VALUES (1)")

    # JSON: one record with count, objects and each table's own detail and identity.
    doc = json.loads(render(result, ReportSettings()))
    rec = next(r for r in doc["findings"] if r["rule_id"] == "AUD001" and r["role"] == reader)
    assert rec["count"] == len(tables) and set(rec["objects"]) == tables
    detail = next(d for d in rec["details"] if d["object"] == "outreach.extra_03")
    assert detail["key"] == f"AUD001|outreach.extra_03|barton-outreach-core|{reader}"
    # What the object says is the template's, rendered for it (the record keeps only what differs).
    back = next(d for f in load_findings(json.dumps(doc)) if f.rule_id == "AUD001" and f.role == reader
                for d in f.details if d.object == "outreach.extra_03")
    assert back.evidence == (f"{reader} -[grant]-> INSERT on outreach.extra_03",)
    assert back.fix_sql == f"REVOKE INSERT ON outreach.extra_03 FROM {reader};"
    assert doc["summary"]["objects"] >= doc["summary"]["total"] + len(tables) - 1

    # Every format names the count; the console headline says how many objects the findings cover.
    settings = ReportSettings()
    text = console.render(result, settings)
    assert f"AUD001 outreach.* ({len(tables)} objects)" in text
    assert f"covering {result.object_count()} objects" in text.splitlines()[0]
    assert f"({len(tables)} objects" in markdown.render(result, settings)
    assert f"{len(tables)} objects</summary>" in html.render(result, settings)
    assert f"outreach.* ({len(tables)} objects)" in junit.render(result, settings)
    res = next(r for r in sarif.document(result, settings)["runs"][0]["results"]
               if r["ruleId"] == "AUD001" and r["properties"].get("role") == reader)
    assert res["properties"]["count"] == len(tables) and set(res["properties"]["objects"]) == tables


@pytest.mark.catalog
def test_history_compares_table_by_table_across_aggregation(wide: World, tmp_path: Path) -> None:
    first = wide.audit()
    reports = tmp_path / "reports"
    emit(first, report_dir=str(reports), quiet=True, formats=("json",), outputs=(str(tmp_path / "a.json"),))
    # The previous run's record round-trips with every table's key.
    previous = load_findings((tmp_path / "a.json").read_text(encoding="utf-8"))
    agg = next(f for f in previous if f.aggregated)
    assert sorted(agg.member_keys()) == sorted(m.key for m in agg.members())

    wide.sql("REVOKE INSERT ON outreach.extra_05 FROM ui_reader")
    second = wide.audit()
    cmp_ = compare(first.findings, second.findings, "r1")
    assert [r["object"] for r in cmp_["resolved"]] == ["outreach.extra_05"]
    assert cmp_["counts"]["new"] == 0
    # A run that did not aggregate (one finding per table) compares exactly the same way.
    flat = [m for f in first.findings for m in f.members()]
    assert compare(flat, second.findings, "r1")["counts"] == cmp_["counts"]


def _finding(i: int, rule: str = "AUD002", schema: str = "s") -> Finding:
    obj = f"{schema}.t{i:05d}"
    return Finding(rule_id=rule, severity=Severity.HIGH, title="t", message=f"r holds SELECT on {obj}",
                   object=obj, hub="h", role="r", evidence=[f"r -[grant]-> SELECT on {obj}"],
                   location=Location("policy.yaml", 3, 1), fix_sql=f"REVOKE SELECT ON {obj} FROM r;")


def test_small_groups_and_different_causes_stay_apart() -> None:
    few = [_finding(i) for i in range(MIN_OBJECTS - 1)]
    assert aggregate(few) == few
    many = [_finding(i) for i in range(MIN_OBJECTS)]
    other = [_finding(i, schema="u") for i in range(MIN_OBJECTS)]
    out = aggregate([*many, *other])
    assert [(f.object, f.count) for f in out] == [("s.*", MIN_OBJECTS), ("u.*", MIN_OBJECTS)]
    assert out[0].evidence == [f"r -[grant]-> SELECT on s.<each of the {MIN_OBJECTS}>"]


def test_sarif_stays_within_code_scanning_limits_and_drops_nothing() -> None:
    n = sarif.MAX_RESULTS + 7
    # Distinct causes (a different role each), so nothing aggregates: only the SARIF limit applies.
    findings = [Finding(rule_id="AUD002" if i % 2 else "AUD001", severity=Severity.HIGH, title="t",
                        message=f"m{i}", object=f"s.t{i}", hub="h", role=f"r{i}") for i in range(n)]
    result = RunResult(command="audit", findings=findings)
    run = sarif.document(result, ReportSettings())["runs"][0]
    assert len(run["results"]) == sarif.MAX_RESULTS
    overflow = [r for r in run["results"] if "keys" in r["properties"]]
    assert [r["ruleId"] for r in overflow] == ["AUD002"]  # the tail of the sorted results
    listed = {r["properties"]["key"] for r in run["results"] if "keys" not in r["properties"]}
    folded = {k for r in overflow for k in r["properties"]["keys"]}
    assert listed | folded == {f.key for f in findings} and not listed & folded
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert any("exceed code scanning's limit of 25000" in x["message"]["text"] for x in notes)
