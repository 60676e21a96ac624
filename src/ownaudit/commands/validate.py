"""``ownaudit validate``: check a policy file's shape and meaning, reporting every problem."""

from __future__ import annotations

import sys

import click

from ownaudit.errors import EXIT_CLEAN, EXIT_USAGE, PolicyError, UsageError
from ownaudit.policy.locate import resolve_policy_path


@click.command("validate")
@click.argument("policy", required=False, type=click.Path(dir_okay=False))
@click.option("--policy", "policy_opt", type=click.Path(dir_okay=False), help="Policy file (same as POLICY).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing when the policy is valid.")
def validate(policy: str | None, policy_opt: str | None, quiet: bool) -> None:
    """Validate POLICY (default: --policy, $OWNAUDIT_POLICY, [tool.ownaudit] policy, the shipped one).

    Exit 0 when valid (expired exceptions are printed as warnings), 2 when invalid:
    every problem is printed on its own line as file:line:column: key.path: message.
    """
    from ownaudit.policy.loader import validate_policy_text

    path = resolve_policy_path(policy or policy_opt)
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: policy file not found") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory, not a policy file") from None
    except UnicodeDecodeError as exc:
        raise PolicyError([f"{path}:1:1: policy is not valid UTF-8 (byte {exc.start})"]) from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read policy: {exc.strerror or exc}") from None
    result, problems, warnings = validate_policy_text(text, str(path))
    for w in warnings:
        click.echo(f"ownaudit: warning: {w}", err=True)
    if problems or result is None:
        for p in problems:
            click.echo(f"ownaudit: error: {p}", err=True)
        click.echo(f"ownaudit: {path}: invalid ({len(problems)} problem{'s' if len(problems) != 1 else ''})",
                   err=True)
        sys.exit(EXIT_USAGE)
    if not quiet:
        n_tables = len(result.tables())
        click.echo(f"{path}: valid ({len(result.hubs)} hubs, {len(result.roles)} roles, "
                   f"{len(result.schemas)} schemas, {n_tables} tables, {len(result.foreign_keys)} foreign keys, "
                   f"{len(result.exceptions)} exceptions)")
    sys.exit(EXIT_CLEAN)
