"""Generated documentation stays equal to its source (rules registry, JSON Schema)."""

from __future__ import annotations

from pathlib import Path

from ownaudit.policy.reference import policy_reference_markdown
from ownaudit.rulesdoc import rules_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_docs_rules_md_matches_ownaudit_rules() -> None:
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == rules_markdown(), "docs/rules.md is stale: run `ownaudit rules --markdown > docs/rules.md`"


def test_docs_policy_md_matches_the_schema() -> None:
    committed = (ROOT / "docs" / "policy.md").read_text(encoding="utf-8")
    assert committed == policy_reference_markdown(), (
        "docs/policy.md is stale: run `ownaudit policy reference > docs/policy.md`"
    )


def test_every_rule_is_documented_with_all_sections() -> None:
    from ownaudit.rules import all_rules

    rules = all_rules()
    assert {r.source for r in rules} >= {"policy"}
    for r in rules:
        assert r.title and r.detects and r.why and r.example and r.fix, r.id
        assert r.id[:3] in ("POL", "AUD", "LNT"), r.id
