"""``ownaudit lint``: report what a hub's SQL may not do under the ownership policy.

Runs as a pre-commit hook, so start-up matters: this module imports only
click and the linter; psycopg and jsonschema are never imported (the policy is
loaded without the JSON Schema layer, and served from a per-user cache while
the file is unchanged; see ``lint.policycache``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ownaudit.cli import run_exit
from ownaudit.report.options import report_options


@click.command("lint")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--hub",
    default=None,
    metavar="HUB",
    help="Hub whose code this is (default: [tool.ownaudit] hub in pyproject.toml, "
    "else the git remote matched against the policy).",
)
@click.option(
    "--policy",
    "policy_path",
    default=None,
    metavar="PATH",
    help="Policy file (default: OWNAUDIT_POLICY, [tool.ownaudit] policy, then the shipped policy).",
)
@click.option(
    "--jobs",
    "-j",
    default=0,
    show_default=True,
    type=click.IntRange(min=0),
    help="Worker processes; 0 = one per CPU for large inputs, 1 = no parallelism.",
)
@click.option(
    "--max-file-size",
    default=8,
    show_default=True,
    type=click.IntRange(min=1),
    metavar="MIB",
    help="Skip (and report) files larger than this many MiB.",
)
@report_options
def lint(
    paths: tuple[str, ...],
    hub: str | None,
    policy_path: str | None,
    jobs: int,
    max_file_size: int,
    **report_opts: Any,
) -> None:
    """Lint SQL in a hub repository: PATHS, or the hub's lint scope from the policy.

    \b
    Finds SQL in .sql files, Python and JavaScript/TypeScript string literals,
    function bodies and DO blocks, supabase/pandas client calls, and reports
    writes, DDL, grants and foreign keys on objects the hub does not own.
    """
    from ownaudit.lint import rules as _rules  # noqa: F401  (register LNT rules for the reports)
    from ownaudit.lint.engine import lint as run_lint
    from ownaudit.lint.hub import repository_root, resolve_hub
    from ownaudit.lint.policycache import load_policy_cached

    policy = load_policy_cached(policy_path)
    root = repository_root(Path.cwd())
    hub_id = resolve_hub(policy, hub, root)
    result = run_lint(policy, hub_id, root, paths, n_jobs=jobs, max_bytes=max_file_size * 1024 * 1024)
    from ownaudit.report.emit import emit

    run_exit(emit(result, **report_opts))
