"""Audit pieces that need no server: the rule catalogue, fix SQL from paths, function-body writes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ownaudit.access import AccessPath
from ownaudit.audit.funcwrites import written_names, written_tables
from ownaudit.audit.paths import chain, revoke_sql
from ownaudit.catalog.model import FunctionInfo
from ownaudit.findings import Severity
from ownaudit.rules import all_rules

TESTS = Path(__file__).resolve().parent
CHECKS = TESTS.parent / "src" / "ownaudit" / "audit"


def _audit_rules() -> list[str]:
    return [r.id for r in all_rules() if r.source == "audit"]


def test_every_audit_rule_is_documented_raised_and_tested_on_a_server() -> None:
    ids = _audit_rules()
    assert len(ids) >= 30 and all(re.fullmatch(r"AUD\d{3}", i) for i in ids)
    source = "\n".join(p.read_text(encoding="utf-8") for p in CHECKS.rglob("*.py") if p.name != "rules.py")
    tests = "\n".join(
        p.read_text(encoding="utf-8") for p in TESTS.glob("test_audit_*.py") if p.name not in ("test_audit_units.py",)
    )
    for rule in all_rules():
        if rule.source != "audit":
            continue
        assert rule.title and rule.detects and rule.why and rule.example and rule.fix, rule.id
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name), rule.name
        assert f'"{rule.id}"' in source, f"{rule.id} is never raised"
        assert f'"{rule.id}"' in tests, f"{rule.id} has no test"


def test_severity_guide_is_followed() -> None:
    sev = {r.id: r.severity for r in all_rules() if r.source == "audit"}
    assert sev["AUD001"] == Severity.CRITICAL  # writes outside the hub now
    assert sev["AUD092"] == Severity.CRITICAL and sev["AUD100"] == Severity.CRITICAL
    assert sev["AUD042"] == Severity.HIGH  # silent data loss
    assert sev["AUD021"] == Severity.HIGH and sev["AUD022"] == Severity.HIGH  # privilege-management power
    assert sev["AUD070"] == Severity.MEDIUM and sev["AUD110"] == Severity.LOW


@pytest.mark.parametrize(
    ("hops", "via", "expected"),
    [
        (
            ("ui_reader -[grant]->", "INSERT on outreach.people"),
            "grant",
            "REVOKE INSERT ON outreach.people FROM ui_reader;",
        ),
        (
            ("ui_reader -[member, SET]->", "outreach_writer -[grant]->", "INSERT on outreach.people"),
            "membership",
            "REVOKE outreach_writer FROM ui_reader;",
        ),
        (
            ("ui_reader -[public]->", "PUBLIC -[grant]->", "DELETE on outreach.people"),
            "public",
            "REVOKE DELETE ON outreach.people FROM PUBLIC;",
        ),
        (
            ("cl_writer -[member]->", "Marketing DB_owner -[owner]->", "INSERT on outreach.people"),
            "owner",
            'REVOKE "Marketing DB_owner" FROM cl_writer;',
        ),
        (
            ("x -[member]->", "pg_write_all_data -[predefined]->", "INSERT on outreach.people"),
            "predefined",
            "REVOKE pg_write_all_data FROM x;",
        ),
        (("Ops Admin -[superuser]->", "INSERT on outreach.people"), "superuser", 'ALTER ROLE "Ops Admin" NOSUPERUSER;'),
    ],
)
def test_revoke_sql_cuts_the_first_hop(hops: tuple[str, ...], via: str, expected: str) -> None:
    path = AccessPath(hops, via)
    assert revoke_sql(path, hops[-1].split()[0], "outreach.people") == expected


def test_chain_parses_role_names_with_spaces() -> None:
    path = AccessPath(("a b -[member, SET]->", "Marketing DB_owner -[owner]->", "UPDATE on cl.x"), "owner")
    assert chain(path) == [
        ("a b", "member, SET", "Marketing DB_owner"),
        ("Marketing DB_owner", "owner", "UPDATE on cl.x"),
    ]


def test_column_grant_revoke_names_the_columns() -> None:
    path = AccessPath(
        ("r -[column grant]->", "UPDATE (legal_name) on cl.company_identity"), "column-grant", columns=("legal_name",)
    )
    sql = revoke_sql(path, "UPDATE", "cl.company_identity")
    assert sql == "REVOKE UPDATE (legal_name) ON cl.company_identity FROM r;"


class _G:
    def __init__(self, name: str) -> None:
        self.name = name


GOVERNED = [_G("cl.company_identity"), _G("cl.lifecycle_state"), _G("outreach.people")]


def _fn(body: str, lang: str = "plpgsql") -> FunctionInfo:
    return FunctionInfo("public", "f", 1, "", "owner", True, lang, "f", body=body)


@pytest.mark.parametrize(
    ("body", "lang", "expected"),
    [
        ("BEGIN DELETE FROM company_identity WHERE id = x; END", "plpgsql", ["cl.company_identity"]),
        ("UPDATE cl.lifecycle_state SET cl_stage = 'SALES'", "sql", ["cl.lifecycle_state"]),
        ("SELECT count(*) FROM outreach.people", "sql", []),
        ('BEGIN INSERT INTO "outreach"."people" (person_id) VALUES (1); END', "plpgsql", ["outreach.people"]),
        ("BEGIN EXECUTE 'TRUNCATE cl.lifecycle_state'; END", "plpgsql", ["cl.lifecycle_state"]),
        ("return plpy.execute('delete from outreach.people')", "plpython3u", ["outreach.people"]),
    ],
)
def test_function_body_writes(body: str, lang: str, expected: list[str]) -> None:
    assert written_tables(_fn(body, lang), GOVERNED) == expected


def test_dynamic_sql_is_recognised() -> None:
    from ownaudit.audit.funcwrites import dynamic_sql

    assert dynamic_sql(_fn("BEGIN EXECUTE format('DELETE FROM %I', t); END"))
    assert dynamic_sql(_fn("BEGIN EXECUTE 'DELETE FROM ' || quote_ident(t); END"))
    assert not dynamic_sql(_fn("BEGIN EXECUTE 'TRUNCATE cl.lifecycle_state'; END"))
    assert not dynamic_sql(_fn("UPDATE cl.x SET a = 1", "sql"))


def test_regex_fallback_is_conservative_about_unqualified_names() -> None:
    assert written_names("merge into people p using x on true when matched then delete") == {(None, "people")}
    assert (None, "company_identity") in written_names("UPDATE company_identity SET a = 1")
