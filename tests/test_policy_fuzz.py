"""Hostile policy input never escapes as an exception; every problem is one line."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ownaudit.policy.loader import validate_policy_text
from ownaudit.policy.locate import shipped_policy_path

SHIPPED = shipped_policy_path().read_text(encoding="utf-8")

yaml_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True),
    st.text(max_size=20),
)
yaml_values = st.recursive(
    yaml_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=30,
)


def _check(text: str) -> None:
    policy, problems, warnings = validate_policy_text(text, "fuzz.yaml")
    assert (policy is None) == bool(problems)
    for line in [*problems, *warnings]:
        assert "\n" not in line and line.startswith("fuzz.yaml:")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_random_text(text: str) -> None:
    _check(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(yaml_values)
def test_random_yaml_structures(value: object) -> None:
    import yaml

    _check(yaml.safe_dump({"version": 1, "database": {"name": "x"}, "hubs": value, "schemas": value}))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(min_value=0, max_value=len(SHIPPED) - 1), st.integers(min_value=1, max_value=40), st.text(max_size=12)
)
def test_mutated_shipped_policy(pos: int, length: int, insert: str) -> None:
    _check(SHIPPED[:pos] + insert + SHIPPED[pos + length :])


def test_deep_nesting_is_one_line_error() -> None:
    text = "a: " + "[" * 2000 + "]" * 2000 + "\n"
    _check(text)
    _, problems, _ = validate_policy_text(text, "fuzz.yaml")
    assert problems


def test_huge_numbers_and_duplicate_keys() -> None:
    text = SHIPPED.replace("version: 1", "version: 1" + "0" * 400)
    _check(text)
    _check(SHIPPED + "\nversion: 1\n")
    _, problems, _ = validate_policy_text(SHIPPED + "\nversion: 1\n", "fuzz.yaml")
    assert any("duplicate key 'version'" in p for p in problems)
