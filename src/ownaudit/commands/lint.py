"""``ownaudit lint``: report what a hub's SQL may not do under the ownership policy.

Runs as a pre-commit hook, so start-up matters: this module imports only
click and the linter; psycopg and jsonschema are never imported (the policy is
loaded without the JSON Schema layer, and served from a per-user cache while
the file is unchanged; see ``lint.policycache``). The extractor of a language
(the JS/TS tree-sitter grammars, templates, routine lookup) is imported only
when a file of that kind is linted; docs/precommit.md has the measurement.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import click

from ownaudit.cli import resume_collector, run_exit
from ownaudit.report.options import report_options

# Up to this much named input the run stays without the cyclic garbage collector (see ``cli.main``):
# what a commit's parse trees leave behind is a few megabytes at most, freed when the hook exits.
COMMIT_SIZED_BYTES = 1024 * 1024


def _commit_sized(paths: tuple[str, ...]) -> bool:
    """Whether ``paths`` are a few regular files, as pre-commit passes them (never a directory or scope)."""
    if not paths:
        return False
    total = 0
    for p in paths:
        try:
            st = os.stat(p)
        except OSError:
            return False  # the engine reports it; nothing to decide here
        if not stat.S_ISREG(st.st_mode):
            return False
        total += st.st_size
        if total > COMMIT_SIZED_BYTES:
            return False
    return True


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
    # Cheapest first: the configuration, the policy (a cached pickle while its file is unchanged) and
    # the hub fail with one line before the analyser (sqlglot and the extractors) is imported at all.
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

    from ownaudit.findings import sort_findings
    from ownaudit.lint import rules as _rules  # noqa: F401  (register LNT rules for the reports)
    from ownaudit.lint.engine import lint as run_lint

    if not _commit_sized(paths):
        resume_collector()  # a whole scope or a large input: collect cyclic garbage (parse trees) as usual
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
