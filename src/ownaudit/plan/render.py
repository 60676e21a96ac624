"""Write a plan as one reviewable SQL script.

The script says what it was generated from (database host and name, policy and
digest, time; never a password), runs in one transaction, and lists what needs
a human as comments at the end. ownaudit never executes it.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from ownaudit import __version__
from ownaudit.plan.model import Plan

_SECTION = {
    "owner": "Ownership",
    "membership": "Role memberships",
    "revoke": "Revoke excess privileges",
    "grant": "Grant missing privileges",
    "function": "SECURITY DEFINER functions (who may run them, search_path)",
    "view": "Views over other hubs' tables",
    "default-privileges": "Default privileges for future objects",
    "rls-policy": "Row-level security policies",
    "rls": "Row-level security switches",
    "role-attribute": "Role attributes",
    "foreign-key": "Foreign keys re-created with the declared actions",
}


@dataclass
class PlanHeader:
    """Where the plan came from, for the script's first lines."""

    database: str  # e.g. "host=ep-... dbname=Marketing DB" or "snapshot FILE (taken ...)"
    policy_path: str
    policy_digest: str
    generated_at: str = ""

    def lines(self) -> list[str]:
        when = self.generated_at or _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        return [
            f"-- ownaudit plan (ownaudit {__version__}), generated {when}",
            f"-- database: {self.database}",
            f"-- policy:   {self.policy_path} (digest {self.policy_digest})",
            "-- Review before applying. ownaudit never executes this script. Apply it as a superuser",
            "-- (or the owner of every object), e.g.: psql -v ON_ERROR_STOP=1 -f plan.sql",
            "-- The script is idempotent: running it twice changes nothing the second time.",
        ]


def _comment(text: str) -> str:
    return " ".join(text.split())


def render_sql(plan: Plan, header: PlanHeader) -> str:
    """The whole script: header, BEGIN, steps by section, COMMIT, needs-a-human notes."""
    out = header.lines()
    out.append("")
    steps = plan.ordered()
    if not steps:
        out.append(
            "-- Nothing to change: the database already matches the policy for everything SQL can fix."
        )
    else:
        out.append("BEGIN;")
        section = None
        for step in steps:
            if step.kind != section:
                section = step.kind
                out += ["", f"-- == {_SECTION.get(section, section)} =="]
            rules = f" [{', '.join(step.fixes)}]" if step.fixes else ""
            out.append(f"-- {_comment(step.why)}{rules}")
            out.append(step.sql)
        out += ["", "COMMIT;"]
    if plan.manual:
        out += ["", "-- == Needs a human (this script does not change these) =="]
        out += [f"-- * {_comment(note)}" for note in plan.manual]
    return "\n".join(out) + "\n"
