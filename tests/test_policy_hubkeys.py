"""The keys real hub repositories need: validation at file:line and what the Policy answers."""

from __future__ import annotations

import re

import pytest

from hubkeys_support import HUBS_POLICY, hubs_policy, problems
from ownaudit.policy.model import TableRef
from ownaudit.privileges import Privilege

LINE = re.compile(r"^ownership\.yaml:(\d+):\d+: (\S+): (.+)$")


def test_the_hub_policy_is_valid() -> None:
    assert problems(HUBS_POLICY) == []


def test_schema_level_writers_cover_every_table_listed_or_not_except_the_excluded_hub() -> None:
    p = hubs_policy()
    for table in ("error_master", "audit_log", "brand_new_table"):
        ref = TableRef("shq", table)
        assert p.writers_of(ref, Privilege.INSERT) == {"system", "company-lifecycle-cl", "barton-outreach-core",
                                                        "people-hub"}
        assert p.writers_of(ref, Privilege.UPDATE) == {"system"}
    assert p.allowed_privileges("outreach_writer", TableRef("shq", "error_master")) == {Privilege.SELECT,
                                                                                        Privilege.INSERT}
    assert Privilege.INSERT not in p.allowed_privileges("ui_reader", TableRef("shq", "error_master"))
    assert p.hub_may_create("barton-outreach-core", "shq") and not p.hub_may_create("company-lifecycle-cl", "shq")
    assert p.hub_may_create("system", "shq")


def test_a_frozen_table_has_no_writer_not_even_its_migration_target() -> None:
    p = hubs_policy()
    ref = TableRef("marketing", "company_master")
    assert p.owner_hub(ref) is None and p.frozen(ref) is not None
    for priv in (Privilege.INSERT, Privilege.UPDATE, Privilege.DELETE, Privilege.TRUNCATE):
        assert p.writers_of(ref, priv) == set()
    assert p.allowed_privileges("cl_writer", ref) == {Privilege.SELECT}
    assert p.migration_may_write("company-lifecycle-cl", ref, "migrations/legacy/004_copy.sql")
    assert not p.migration_may_write("company-lifecycle-cl", ref, "src/app.py")
    assert not p.migration_may_write("barton-outreach-core", ref, "migrations/legacy/004_copy.sql")


def test_conditional_column_exception_is_allowed_and_exposes_its_condition() -> None:
    p = hubs_policy()
    ref = TableRef("cl", "company_identity")
    assert p.writers_of(ref, Privilege.UPDATE, "outreach_id") == {"company-lifecycle-cl", "barton-outreach-core"}
    assert p.writers_of(ref, Privilege.UPDATE, "legal_name") == {"company-lifecycle-cl"}
    cg = p.column_grant("barton-outreach-core", Privilege.UPDATE, ref, "outreach_id")
    assert cg is not None and cg.condition == "outreach_id IS NULL" and cg.write_once == "outreach_id"
    assert p.conditional_column_grants(ref) == [cg]
    assert p.allowed_column_privileges("outreach_writer", ref) == {Privilege.UPDATE: frozenset({"outreach_id"})}


def test_sub_hub_and_path_overrides() -> None:
    p = hubs_policy()
    assert p.hub_for_path("barton-outreach-core", "hubs/people-intelligence/imo/slot.py") == "people-hub"
    assert p.hub_for_path("barton-outreach-core", "hubs/company-target/x.py") == "barton-outreach-core"
    assert p.search_path_for("people-hub", "hubs/people-intelligence/a.sql") == ["people", "marketing", "public"]
    assert p.path_override("barton-outreach-core", "archive/scripts-oneoff/a.py").severity == "low"
    assert p.path_override("barton-outreach-core", "src/a.py").severity is None
    assert p.search_path_for("company-lifecycle-cl", "src/data/integrations/supabase/lcs-client.ts") == ["lcs"]


BROKEN = [
    # (replace, with, key that must be named, message part)
    ("        except: [site-scout-pro]\n", "        except: [site-scout]\n", "schemas.shq.writers[0].except[0]",
     "unknown hub 'site-scout'"),
    ("      - hubs: [barton-outreach-core]\n", "      - hubs: [system]\n", "schemas.shq.writers[1].hubs[0]",
     "owns the schema"),
    ("        purpose: Legacy company records\n",
     "        purpose: Legacy company records\n        owner: barton-outreach-core\n",
     "schemas.marketing.tables.company_master.owner", "frozen table has no owning hub"),
    ("          current_owner: legacy\n", "          current_owner: legacy-system\n",
     "schemas.marketing.tables.company_master.migration.current_owner", "unknown hub"),
    ("            condition: outreach_id IS NULL\n", "            condition: outreach_id IS NULL AND (\n",
     "schemas.cl.tables.company_identity.column_grants[0].condition", "not a SQL condition"),
    ("            operations: [UPDATE]\n            columns: [outreach_id]\n",
     "            operations: [INSERT]\n            columns: [outreach_id]\n",
     "schemas.cl.tables.company_identity.column_grants[0].condition", "UPDATE or DELETE only"),
    ("    part_of: barton-outreach-core\n", "    part_of: barton-outreach\n", "hubs.people-hub.part_of",
     "unknown hub"),
    ("    paths: [\"hubs/people-intelligence/**\"]\n", "", "hubs.people-hub.paths", "needs the paths"),
    ("        - {paths: [\"tests/**\"], severity: low, reason: test fixtures}\n",
     "        - {paths: [\"tests/**\"], database: d1-edge}\n", "hubs.barton-outreach-core.lint.overrides[1].database",
     "unknown database 'd1-edge'"),
    ("        bindings: [D1_OUTREACH]\n", "        bindings: [D1]\n",
     "hubs.barton-outreach-core.databases.d1-outreach.bindings[0]", "also database 'd1-spine'"),
    ("        project: vxjidpggoemouqrjtkpt\n", "", "", ""),  # still recognisable by env and paths: valid
    ("        host: ep-rapid-dream-aelbcqxw\n        database: neondb\n",
     "        host: ep-ancient-waterfall-a42vy0du\n",
     "hubs.site-scout-pro.databases.ui-neon.host", "the shared database's host"),
]


@pytest.mark.parametrize("old,new,key,message", BROKEN)
def test_each_mistake_is_reported_at_its_line(old: str, new: str, key: str, message: str) -> None:
    assert old in HUBS_POLICY
    text = HUBS_POLICY.replace(old, new, 1)
    got = problems(text)
    if not key:
        assert got == []
        return
    assert got, "expected a problem"
    hits = [LINE.match(g) for g in got]
    match = [m for m in hits if m and m.group(2) == key]
    assert match, got
    assert message in match[0].group(3), got
    # the reported line holds the offending key (or, for an item of a list, the list's key)
    last = re.sub(r"\[\d+\]$", "", key.rsplit(".", 1)[-1])
    reported = text.splitlines()[int(match[0].group(1)) - 1]
    parent = key.rsplit(".", 2)[-2]  # a missing key is reported at its parent
    assert last in reported or parent in reported, (reported, key)


def test_schema_shape_errors_name_the_key() -> None:
    text = HUBS_POLICY.replace("        create: true\n", "        create: yes please\n", 1)
    got = problems(text)
    assert any("schemas.shq.writers[1].create" in g for g in got), got
    text = HUBS_POLICY.replace("severity: low, reason: test", "severity: lowest, reason: test", 1)
    got = problems(text)
    assert any("hubs.barton-outreach-core.lint.overrides[1].severity" in g for g in got), got
    text = HUBS_POLICY.replace("        provider: d1\n        bindings: [D1_OUTREACH]",
                               "        bindings: [D1_OUTREACH]")
    got = problems(text)
    assert any("databases.d1-outreach" in g and "provider" in g for g in got), got


def test_the_readme_multi_database_example_is_valid_policy() -> None:
    """The README's example, merged into the shipped policy, validates (the docs cannot drift from the schema)."""
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    block = next(b.split("```", 1)[0] for b in readme.split("```yaml\n")[1:] if "databases:" in b)
    example = yaml.safe_load(block)
    policy = yaml.safe_load((root / "policy" / "ownership.yaml").read_text(encoding="utf-8"))

    def merge(into: dict, extra: dict) -> None:  # type: ignore[type-arg]
        for k, v in extra.items():
            if isinstance(v, dict) and isinstance(into.get(k), dict):
                merge(into[k], v)
            else:
                into[k] = v

    merge(policy, example)
    assert problems(yaml.safe_dump(policy, sort_keys=False)) == []
