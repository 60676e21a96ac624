"""Passwords never reach a report, whatever field they hide in."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from ownaudit.findings import Finding, Severity
from ownaudit.report.emit import WRITERS, emit
from ownaudit.report.sample import sample_result
from ownaudit.report.scrub import scrub_target, scrub_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("postgresql://user:secret@host/db", "postgresql://user:***@host/db"),
        ("postgres://u:p%40ss@h:5432/d?sslmode=require", "postgres://u:***@h:5432/d?sslmode=require"),
        ("host=h password=secret dbname=d", "host=h password=*** dbname=d"),
        ("host=h password='s e c' dbname=d", "host=h password=*** dbname=d"),
        ("?sslmode=require&password=secret&x=1", "?sslmode=require&password=***&x=1"),
        ("ALTER ROLE x PASSWORD 'secret'", "ALTER ROLE x PASSWORD '***'"),
        ("postgresql://user@host/db", "postgresql://user@host/db"),
        ("cl.company_identity owned by hub cl", "cl.company_identity owned by hub cl"),
    ],
)
def test_scrub_text(text: str, expected: str) -> None:
    assert scrub_text(text) == expected


def test_scrub_target_drops_secret_keys_and_masks_dsns() -> None:
    assert scrub_target({"host": "h", "password": "x", "PGPASSWORD": "y", "dsn": "postgresql://a:b@h/d"}) == {
        "host": "h",
        "dsn": "postgresql://a:***@h/d",
    }


def test_no_format_leaks_a_password(tmp_path: Path) -> None:
    secret = "Tr0ub4dor-s3cret"
    result = sample_result(complete=False)
    result.target = {"host": "h", "database": "d", "password": secret, "dsn": f"postgresql://u:{secret}@h/d"}
    result.notices = [f"connection to postgresql://u:{secret}@h/d failed"]
    result.findings.append(
        Finding(
            "AUD050",
            Severity.HIGH,
            f"password={secret}",
            f"dsn postgresql://u:{secret}@h/d",
            object="role x",
            evidence=[f"host=h password={secret}"],
            fix_sql=f"ALTER ROLE x PASSWORD '{secret}';",
            properties={"password": secret},
        )
    )
    out = io.StringIO()
    formats = tuple(WRITERS)
    outputs = tuple(str(tmp_path / f"out.{f}") for f in formats)
    emit(result, formats=formats, outputs=outputs, report_dir=str(tmp_path / "r"), stdout=out)
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) >= 12
    assert secret not in out.getvalue()
    for p in files:
        assert secret not in p.read_text(encoding="utf-8"), p


def test_scrubbing_serialised_json_keeps_it_valid() -> None:
    """Regression: the bare-value pattern ate the backslash of an escaped quote, breaking JSON."""
    import json

    from ownaudit.report.scrub import scrub_text

    for raw in ['conn = "host=h password=s3cret"', 'x password="s3cret" y', "password='s3cret'"]:
        doc = json.dumps({"evidence": [raw]})
        out = scrub_text(doc)
        assert json.loads(out)["evidence"][0].count("s3cret") == 0, out


def test_large_documents_are_scrubbed_only_when_a_string_could_hold_a_secret() -> None:
    from ownaudit.report.scrub import scrub_document

    clean = {"roles": ["cl_writer"], "tables": ["cl.tokens"], "cells": {"cl_writer|cl.tokens": "rw"}}
    assert scrub_document(clean) is clean  # names only: no walk, no copy, and no name masked
    leaky = {"notes": ["postgresql://u:hunter2@db/x"], "cells": {}}
    assert "hunter2" not in str(scrub_document(leaky))
