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
    help="Files larger than this many MiB are not analysed and fail the gate (LNT017).",
)
@click.option(
    "--allow-empty",
    is_flag=True,
    help="Exit 0 when the paths or the lint scope match no file (default: a usage error, exit 2).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Central-check mode: ignore the repository's [tool.ownaudit] policy, hub and exclude and report "
    "each as a finding (LNT021); the hub comes from --hub or the git remote.",
)
@report_options
def lint(
    paths: tuple[str, ...],
    hub: str | None,
    policy_path: str | None,
    jobs: int,
    max_file_size: int,
    allow_empty: bool,
    strict: bool,
    **report_opts: Any,
) -> None:
    """Lint SQL in a hub repository: PATHS, or the hub's lint scope from the policy.

    \b
    Finds SQL in .sql files, Python and JavaScript/TypeScript string literals,
    function bodies and DO blocks, supabase/pandas client calls, and reports
    writes, DDL, grants and foreign keys on objects the hub does not own.
    """
    from ownaudit.findings import sort_findings
    from ownaudit.lint import rules as _rules  # noqa: F401  (register LNT rules for the reports)
    from ownaudit.lint.engine import lint as run_lint
    from ownaudit.lint.hub import hub_overrides, local_excludes, repository_root, resolve_hub
    from ownaudit.lint.policycache import load_policy_cached
    from ownaudit.policy.locate import policy_source, shipped_policy_path

    chosen, source = policy_source(policy_path)
    if strict and source == "pyproject.toml":
        chosen, source = shipped_policy_path(), "shipped"
    policy = load_policy_cached(str(chosen))
    root = repository_root(Path.cwd())
    hub_id = resolve_hub(policy, hub, root, strict=strict)
    overrides, notices = hub_overrides(policy, hub_id, root, strict)
    result = run_lint(
        policy,
        hub_id,
        root,
        paths,
        n_jobs=jobs,
        max_bytes=max_file_size * 1024 * 1024,
        allow_empty=allow_empty,
        extra_exclude=() if strict else local_excludes(root),
    )
    result.findings = sort_findings(result.findings + overrides)
    result.notices[:0] = notices
    result.target["policy_source"] = source
    result.target["strict"] = strict
    from ownaudit.report.emit import emit

    run_exit(emit(result, **report_opts))
