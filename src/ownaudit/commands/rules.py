"""``ownaudit rules`` and ``ownaudit explain RULE-ID``: the rule catalogue for humans."""

from __future__ import annotations

import sys

import click

from ownaudit.errors import EXIT_CLEAN, UsageError


@click.command("rules")
@click.option("--markdown", is_flag=True, help="Print docs/rules.md (the generated rule reference).")
@click.option("--source", type=click.Choice(["policy", "audit", "lint"]), help="Only rules of one kind.")
def rules(markdown: bool, source: str | None) -> None:
    """List every rule: id, severity, name and title."""
    from ownaudit.rules import all_rules
    from ownaudit.rulesdoc import rules_markdown

    if markdown:
        click.echo(rules_markdown(), nl=False)
        sys.exit(EXIT_CLEAN)
    for r in all_rules():
        if source and r.source != source:
            continue
        click.echo(f"{r.id:<8} {r.severity.value:<9} {r.name:<34} {r.title}")
    sys.exit(EXIT_CLEAN)


@click.command("explain")
@click.argument("rule_id")
def explain(rule_id: str) -> None:
    """Explain RULE_ID: what it detects, why it matters, an example and the fix."""
    from ownaudit.rules import all_rules, get_rule
    from ownaudit.rulesdoc import explain_text

    rule = get_rule(rule_id.strip())
    if rule is None:
        known = ", ".join(r.id for r in all_rules()[:6])
        raise UsageError(f"unknown rule id {rule_id!r} (see `ownaudit rules`; e.g. {known})")
    click.echo(explain_text(rule), nl=False)
    sys.exit(EXIT_CLEAN)
