"""Hostile input: the splitter, the analyser and the extractors never raise, whatever they are fed."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ownaudit.lint import extract_js, extract_python
from ownaudit.lint.analyze import analyze_statement
from ownaudit.lint.engine import lint_text
from ownaudit.lint.operations import Operation
from ownaudit.lint.sqlsplit import mask, scan, split_statements
from ownaudit.policy.model import Policy
from test_lint_analyze_table import CASES
from test_lint_support import make_policy

SQLISH = st.text(
    alphabet=st.sampled_from(list("abcSELECTINSERTUPDATEFROMINTO \n\t;'\"$-/*\\E(),.:=`{}#%?1_é")),
    max_size=300,
)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def policy(tmp_path_factory: pytest.TempPathFactory) -> Policy:
    return make_policy(tmp_path_factory.mktemp("policy"))


@FAST
@given(SQLISH)
def test_splitter_never_raises_and_spans_are_sane(text: str) -> None:
    sc = scan(text)
    last = 0
    for s, e in sc.statements:
        assert last <= s < e <= len(text)
        assert not text[s].isspace()
        last = e
    assert len(mask(text)) == len(text)


@FAST
@given(
    st.lists(
        st.from_regex(r"[A-Za-z_][A-Za-z0-9_ (),.=]{0,30}", fullmatch=True).map(str.strip).filter(bool),
        min_size=1,
        max_size=8,
    )
)
def test_splitter_recovers_plain_statements(parts: list[str]) -> None:
    text = ";\n".join(parts) + ";"
    assert [text[s:e] for s, e in split_statements(text)] == parts


def _mutate(data: st.DataObject, sql: str) -> str:
    ops = data.draw(
        st.lists(
            st.tuples(
                st.integers(0, max(0, len(sql))),
                st.sampled_from(
                    [
                        "",
                        "'",
                        '"',
                        "$$",
                        "(",
                        ")",
                        ";",
                        "--",
                        "/*",
                        "E'",
                        "\\",
                        "$1",
                        "{x}",
                        " ",
                        "END",
                        "BEGIN",
                    ]
                ),
            ),
            max_size=4,
        )
    )
    for pos, ins in ops:
        cut = data.draw(st.integers(0, 3))
        sql = sql[:pos] + ins + sql[pos + cut :]
    return sql


@FAST
@given(st.data())
def test_analyser_survives_mutated_statements(data: st.DataObject) -> None:
    sql = data.draw(st.sampled_from([c[0] for c in CASES]))
    ops = analyze_statement(_mutate(data, sql))
    assert isinstance(ops, list) and all(isinstance(o, Operation) for o in ops)


@FAST
@given(SQLISH)
def test_analyser_survives_random_text(text: str) -> None:
    assert isinstance(analyze_statement(text), list)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT " + "(" * 3000 + "1" + ")" * 3000,
        "SELECT " + "(" * 3000,
        "DO $$ BEGIN " + "IF true THEN " * 500 + "DELETE FROM cl.t;" + " END IF;" * 500 + " END $$",
        "CREATE FUNCTION f() RETURNS int AS $a$ " + "EXECUTE 'DO $b$ BEGIN EXECUTE ''x''; END $b$'; " * 50 + "$a$",
        "INSERT INTO " + "a." * 2000 + "t VALUES (1)",
        "'unterminated",
        "$$unterminated",
        "/* unterminated",
        "E'\\",
        "\\",
        "",
        ";;;;",
    ],
)
def test_analyser_and_splitter_on_pathological_input(text: str, policy: Policy) -> None:
    for s, e in split_statements(text):
        assert isinstance(analyze_statement(text[s:e]), list)
    assert isinstance(lint_text(text, "x.sql", "sql", policy, "hub-out").findings, list)


@FAST
@given(st.text(alphabet=st.sampled_from(list("abcf'\"\\{}()+=\n #:rbuSELECT INSERT INTO cl.x")), max_size=300))
def test_python_extractor_never_raises(text: str) -> None:
    frags, _toks = extract_python.extract(text)
    for f in frags:
        assert f.origin is None or len(f.origin) == len(f.text)


@FAST
@given(st.text(alphabet=st.sampled_from(list("abc`'\"\\${}()/*+=\n #sql.query(SELECT FROM cl.x)")), max_size=300))
def test_js_extractor_never_raises(text: str) -> None:
    frags, _toks = extract_js.extract(text)
    for f in frags:
        assert f.origin is None or len(f.origin) == len(f.text)


@FAST
@given(text=SQLISH, kind=st.sampled_from(["sql", "python", "js"]))
def test_whole_file_lint_never_raises(policy: Policy, text: str, kind: str) -> None:
    res = lint_text(text, "x", kind, policy, "hub-out")
    for f in res.findings:
        assert f.location is not None and f.location.line >= 1 and f.location.column >= 1
