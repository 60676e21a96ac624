"""The rule catalogue: every rule id, its severity, title and documentation.

Checks register their rule here (``register``) so ``ownaudit rules``,
``ownaudit explain``, SARIF rule metadata and docs/rules.md share one text.
Rule id prefixes: ``POL`` policy validation, ``AUD`` audit, ``LNT`` lint.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from ownaudit.findings import Severity


@dataclass(frozen=True)
class Rule:
    """Metadata for one rule; ``detects``/``why``/``example``/``fix`` feed ``explain``."""

    id: str
    name: str  # kebab-case slug, e.g. "cross-hub-write"
    severity: Severity  # default severity
    title: str
    detects: str
    why: str
    example: str
    fix: str
    source: str  # "policy" | "audit" | "lint"


_REGISTRY: dict[str, Rule] = {}

# Modules that register rules when imported; ``all_rules`` imports them so the
# catalogue is complete without paying their import cost on every command.
RULE_MODULES = (
    "ownaudit.policy.rules",
    "ownaudit.audit.rules",
    "ownaudit.lint.rules",
)


def register(rule: Rule) -> Rule:
    existing = _REGISTRY.get(rule.id)
    if existing is not None and existing != rule:
        raise RuntimeError(f"rule id {rule.id} registered twice with different metadata")
    _REGISTRY[rule.id] = rule
    return rule


def _load_all() -> None:
    for mod in RULE_MODULES:
        try:
            importlib.import_module(mod)
        except ModuleNotFoundError as exc:  # a capability not built yet
            if exc.name != mod:
                raise


def all_rules() -> list[Rule]:
    _load_all()
    return sorted(_REGISTRY.values(), key=lambda r: r.id)


def get_rule(rule_id: str) -> Rule | None:
    if rule_id not in _REGISTRY:
        _load_all()
    return _REGISTRY.get(rule_id.upper())
