"""``ownaudit policy show``: the matrix as the readable tables security reviewers know."""

from __future__ import annotations

import sys

import click

from ownaudit.errors import EXIT_CLEAN


@click.group("policy")
def policy() -> None:
    """Inspect the ownership policy."""


@policy.command("show")
@click.option("--policy", "policy_path", type=click.Path(dir_okay=False), help="Policy file.")
@click.option("--tables", "show_tables", is_flag=True, help="Also list every table with owner and readers.")
def show(policy_path: str | None, show_tables: bool) -> None:
    """Print hubs x schemas (read/write) and roles x operations, like the seed's summary."""
    from rich.console import Console
    from rich.table import Table

    from ownaudit.policy.loader import load_policy
    from ownaudit.policy.matrix_view import hub_schema_access, role_operation_access
    from ownaudit.privileges import Privilege

    pol = load_policy(policy_path)
    console = Console(highlight=False, soft_wrap=False)
    mark = {"full": "yes (full)", "partial": "partial", "none": "no"}

    hubs = Table(title=f"Access by hub ({pol.path})")
    hubs.add_column("Hub")
    hubs.add_column("Repository")
    hubs.add_column("Schema")
    hubs.add_column("Write")
    hubs.add_column("Read")
    for hub in pol.hubs.values():
        if not hub.roles and not hub.repository:
            continue
        for schema in pol.schemas:
            acc = hub_schema_access(pol, hub.id, schema)
            hubs.add_row(hub.id, (hub.repository or "-").removeprefix("https://github.com/"), schema,
                         mark[acc.write], mark[acc.read])
    console.print(hubs)

    ops = Table(title="Access by operation (every table of the schema, listed or not)")
    ops.add_column("Operation")
    for role in pol.roles:
        ops.add_column(f"{role}\n({pol.roles[role].hub})")
    for privilege in (Privilege.INSERT, Privilege.UPDATE, Privilege.DELETE, Privilege.SELECT):
        for schema in pol.schemas:
            cells = ["yes" if role_operation_access(pol, r, schema, privilege) else "no" for r in pol.roles]
            ops.add_row(f"{privilege.value} {schema}.*", *cells)
    console.print(ops)

    if show_tables:
        t = Table(title="Tables")
        for col in ("Table", "Owner hub", "Writers", "Readers", "RLS", "Purpose"):
            t.add_column(col)
        for spec in pol.tables():
            writers = ", ".join(f"{h} ({'/'.join(sorted(p.value for p in ps))})"
                                for h, ps in sorted(pol.writer_hubs(spec.ref).items()))
            readers = ", ".join(sorted(pol.reader_hubs(spec.ref)))
            rls = "-" if spec.rls is None else ("forced" if spec.rls.forced else
                                                 "enabled" if spec.rls.enabled else "disabled")
            t.add_row(str(spec.ref), spec.owner or "-", writers or "-", readers, rls, spec.purpose or "")
        console.print(t)
    sys.exit(EXIT_CLEAN)


@policy.command("reference")
def reference() -> None:
    """Print docs/policy.md, the policy reference generated from the JSON Schema."""
    from ownaudit.policy.reference import policy_reference_markdown

    click.echo(policy_reference_markdown(), nl=False)
    sys.exit(EXIT_CLEAN)
