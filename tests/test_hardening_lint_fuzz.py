"""Hostile input for the SQL splitter and analyser: nothing escapes, every notice is one line.

Driven through the linter's public entry points: ``sqlsplit.scan`` (the splitter),
``analyze.analyze_statement`` (one statement), ``engine.lint_file`` (one file, as the
``lint`` run calls it, reading bytes from disk) and ``engine.lint_text``. Inputs are
random and mutated SQL, unterminated quotes and dollar quotes, deep nesting, binary
junk and huge single lines. Bounded and fast: each property runs a few dozen examples.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ownaudit.findings import Finding
from ownaudit.lint.analyze import analyze_statement
from ownaudit.lint.engine import FileJob, FileResult, lint_file, lint_text
from ownaudit.lint.sqlsplit import scan
from ownaudit.policy.loader import load_policy

HUB = "company-lifecycle-cl"
POLICY = load_policy(None)
ROOT = Path(__file__).resolve().parents[1]
CORPUS = "\n".join(
    p.read_text(encoding="utf-8") for p in sorted((ROOT / "src" / "ownaudit" / "demo_data").glob("*.sql"))
)
# The same examples every run, so a CI run is reproducible; OWNAUDIT_FUZZ_RANDOM=1 explores new ones
# (and OWNAUDIT_FUZZ_EXAMPLES=N more of them) when hunting for bugs.
FUZZ = settings(
    max_examples=int(os.environ.get("OWNAUDIT_FUZZ_EXAMPLES", "80")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=os.environ.get("OWNAUDIT_FUZZ_RANDOM") != "1",
)

SQL_BITS = [
    "SELECT",
    "INSERT INTO",
    "UPDATE",
    "DELETE FROM",
    "cl.company_identity",
    "outreach.people",
    " SET ",
    " x = 1",
    "(",
    ")",
    "'",
    "''",
    '"',
    "$$",
    "$tag$",
    "$1",
    "--",
    "/*",
    "*/",
    ";",
    "\n",
    "\\",
    "\\.",
    "\\i f.sql",
    "COPY t FROM stdin;",
    "BEGIN ATOMIC",
    "END",
    "DO $$ BEGIN",
    "CREATE FUNCTION f() RETURNS void AS",
    "E'\\''",
    "GRANT ALL ON",
    "TO",
    "PUBLIC",
    "ALTER TABLE",
    "ENABLE ROW LEVEL SECURITY",
    "REFERENCES",
    "ON DELETE CASCADE",
    "WITH x AS (",
    "MERGE INTO",
    "USING",
    "CREATE POLICY p ON",
    "ALTER DEFAULT PRIVILEGES",
    "\x00",
    "\ufeff",
    "é",
    "𝔘",
    " ",
    "\t",
    "\r\n",
    "ownaudit: ignore[LNT001]",
    "-- ownaudit: ignore[LNT001] why",
]
sql_soup = st.lists(st.sampled_from(SQL_BITS) | st.text(max_size=8), max_size=60).map("".join)


def _one_line(text: str) -> None:
    assert "\n" not in text and "\r" not in text, repr(text)


def _check_result(res: FileResult) -> None:
    assert isinstance(res, FileResult)
    for notice in res.notices:
        _one_line(notice)
        assert "internal error" not in notice, notice
    for f in res.findings:
        assert isinstance(f, Finding)
        _one_line(f.message)
        assert "internal error" not in f.message, f.message


def _lint_file(name: str, data: bytes) -> FileResult:
    with tempfile.TemporaryDirectory(prefix="ownaudit-lintfuzz-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        return lint_file(FileJob(str(path), name), POLICY, HUB)


def _everything(text: str) -> None:
    """The splitter, the analyser on every piece, and whole-file linting as SQL, Python and JS."""
    sc = scan(text)
    for s, e in sc.statements:
        assert 0 <= s <= e <= len(text)
        analyze_statement(text[s:e])
    for span in sc.spans:
        assert 0 <= span.start <= span.end <= len(text)
    data = text.encode("utf-8", "surrogatepass")
    for name in ("f.sql", "f.py", "f.ts"):
        _check_result(_lint_file(name, data))


@FUZZ
@given(sql_soup)
def test_random_sql_soup(text: str) -> None:
    _everything(text)


@FUZZ
@given(
    st.integers(min_value=0, max_value=max(0, len(CORPUS) - 1)),
    st.integers(min_value=0, max_value=60),
    st.sampled_from(SQL_BITS) | st.text(max_size=10),
)
def test_mutated_seed_sql(pos: int, length: int, insert: str) -> None:
    """The seed's real SQL with a slice replaced: quotes opened, statements cut, junk inserted."""
    _everything(CORPUS[:pos] + insert + CORPUS[pos + length :])


@FUZZ
@given(st.binary(max_size=400))
def test_binary_junk(data: bytes) -> None:
    for name in ("junk.sql", "junk.py", "junk.js"):
        _check_result(_lint_file(name, data))


@FUZZ
@given(st.text(max_size=200))
def test_random_text_through_lint_text(text: str) -> None:
    for kind in ("sql", "python", "js"):
        try:
            res = lint_text(text, "t", kind, POLICY, HUB)
        except RecursionError:  # lint_file turns this into a one-line "nested too deeply" finding
            continue
        _check_result(res)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT 'unterminated",
        "SELECT $$ never closed; INSERT INTO cl.company_identity VALUES (1);",
        "SELECT $a$ wrong tag $b$; DELETE FROM outreach.people;",
        'SELECT "unterminated identifier FROM x;',
        "/* unterminated /* nested comment */ DELETE FROM outreach.people;",
        "COPY outreach.people FROM stdin;\n1\t2\n",  # data block without \.
        "CREATE FUNCTION f() RETURNS int BEGIN ATOMIC SELECT 1;",
        "E'\\",
        "\\",
        ";;;;;;",
        "DO $$ BEGIN EXECUTE 'INSERT INTO outreach.people VALUES (' || $x$; END $$;",
    ],
)
def test_unterminated_constructs(text: str) -> None:
    _everything(text)


@pytest.mark.parametrize("depth", [200, 5000])
def test_deep_nesting(depth: int) -> None:
    """Thousands of nested parentheses: analysed, or one line saying it is too deep; never a crash."""
    began = time.monotonic()
    for text in (
        "SELECT " + "(" * depth + "1" + ")" * depth + ";",
        "INSERT INTO outreach.people SELECT " + "(" * depth + "1" + ")" * depth + ";",
        "SELECT " + "(" * depth + ";",
    ):  # and unbalanced
        _everything(text)
    assert time.monotonic() - began < 60


def test_deep_nesting_in_a_write_is_never_clean() -> None:
    """A cross-hub write the analyser cannot descend into must still be reported (finding, not silence)."""
    depth = 5000
    res = _lint_file(
        "deep.sql", ("INSERT INTO outreach.people SELECT " + "(" * depth + "1" + ")" * depth + ";\n").encode()
    )
    _check_result(res)
    assert res.findings, "a write the linter could not fully analyse came back clean"


def test_huge_single_line() -> None:
    """A long line of many statements, then one 2 MB literal: every write found, nothing escapes.

    How long such input takes is measured by ``bench/bench_lint_extremes.py``, not here.
    """
    many = "INSERT INTO outreach.people (a) VALUES (1);" * 4_000
    res = _lint_file("huge.sql", many.encode())
    _check_result(res)
    assert sum(f.rule_id == "LNT001" for f in res.findings) == 4_000
    giant = "SELECT '" + "x" * 2_000_000 + "';"
    _check_result(_lint_file("giant.sql", giant.encode()))
    _check_result(_lint_file("giant.py", f"Q = {giant!r}\n".encode()))
