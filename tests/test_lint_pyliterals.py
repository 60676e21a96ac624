"""Python string literals decode to Python's own value, each character keeping its source offset.

The linter reports a finding inside a Python string at the line and column of the SQL in the
source file, so every decoded character must map back to the source text it came from, and
the decoded value must be exactly what Python itself makes of the literal.
"""

from __future__ import annotations

import ast
import warnings

from hypothesis import given, settings
from hypothesis import strategies as st

from ownaudit.lint.pyliterals import decode_literal

BITS = ["a", "Z", " ", "SELECT ", "{{", "}}", "\\n", "\\t", "\\\\", "\\'", '\\"', "\\x41", "\\u00e9", "\\101"]
BITS += ["\\N{BULLET}", "\\\n", "\\q", "%s", "é", "\n"]


@settings(max_examples=300, deadline=None)
@given(
    prefix=st.sampled_from(["", "r", "R", "u", "f", "rf", "Fr"]),
    quote=st.sampled_from(["'", '"', "'''", '"""']),
    parts=st.lists(st.sampled_from(BITS), max_size=14),
)
def test_value_is_pythons_and_offsets_point_into_source(prefix: str, quote: str, parts: list[str]) -> None:
    body = "".join(parts)
    if "\n" in body.replace("\\\n", "") and len(quote) == 1:
        body = body.replace("\n", "")
    src = prefix + quote + body + quote
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = ast.literal_eval(src) if "f" not in prefix.lower() else eval(src, {}, {})
    except (SyntaxError, ValueError, NameError):
        return  # not a literal Python accepts, or an f-string with an expression in it
    base = 100
    got = decode_literal(src, base, {}, [0])
    assert got is not None
    value, origin = got
    assert value == expected
    assert len(origin) == len(value)
    assert origin == sorted(origin)
    for ch, off in zip(value, origin, strict=True):
        at = src[off - base]
        assert at == ch or at in "\\{}", (src, ch, at)


def test_f_string_expressions_become_placeholders_with_their_text_kept() -> None:
    placeholders: dict[str, str] = {}
    src = "f\"UPDATE {SCHEMA}.people SET a = {{1}} WHERE id = {row['id']}\""
    got = decode_literal(src, 0, placeholders, [0])
    assert got is not None
    value, origin = got
    assert sorted(placeholders.values()) == ["{SCHEMA}", "{row['id']}"]
    marker = next(k for k, v in placeholders.items() if v == "{SCHEMA}")
    assert value.startswith(f"UPDATE {marker}.people SET a = {{1}} WHERE id = ")
    assert src[origin[value.index(marker)]] == "{"
    assert src[origin[value.index(".people")]] == "."


def test_a_two_megabyte_literal_decodes_whole() -> None:
    body = "x" * 2_000_000
    got = decode_literal(f"'SELECT {body}'", 5, {}, [0])
    assert got is not None
    value, origin = got
    assert value == "SELECT " + body
    assert origin[0] == 6 and origin[-1] == 5 + len(value)


def test_bytes_literals_are_not_sql() -> None:
    assert decode_literal("b'DELETE FROM cl.x'", 0, {}, [0]) is None
    assert decode_literal("rb'DELETE FROM cl.x'", 0, {}, [0]) is None
