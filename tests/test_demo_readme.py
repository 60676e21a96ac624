"""The README a newcomer reads first stays true: its two commands, its links, its exit codes."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _bash_blocks_after(heading: str) -> list[str]:
    section = README.split(heading, 1)[1].split("\n## ", 1)[0]
    return [b.strip() for b in re.findall(r"```bash\n(.*?)```", section, flags=re.S)]


def test_readme_has_the_two_commands_and_ci_runs_the_same_test_command() -> None:
    install, tests = _bash_blocks_after("## The two commands")[:2]
    assert install == "python3 -m venv .venv && . .venv/bin/activate && pip install -e '.[embedded]' && ownaudit demo"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert f"#   {tests}\n" in ci, ".ci/run's header must quote the README's test command"
    install_cmd, first, second = tests.split(" && ", 2)
    assert "pip install --quiet -e '.[test]'" in ci and install_cmd == "pip install -e '.[test]'"
    assert f"\n{first}\n" in ci
    assert f"\n{second} || status=$?\n" in ci


def test_readme_links_point_at_files_that_exist() -> None:
    links = re.findall(r"\]\(([^)#]+)\)", README)
    assert links
    for link in links:
        if "://" not in link:
            assert (ROOT / link).exists(), f"README links to missing {link}"


def test_readme_documents_every_exit_code_and_environment_variable() -> None:
    for code in ("| 0 |", "| 1 |", "| 2 |", "| 3 |"):
        assert code in README
    for name in (
        "OWNAUDIT_POLICY",
        "OWNAUDIT_DSN",
        "DATABASE_URL",
        "PGHOST",
        "NO_COLOR",
        "OWNAUDIT_DEBUG",
        "OWNAUDIT_TEST_DSN",
        "OWNAUDIT_TEST_PG",
    ):
        assert name in README, name


def test_readme_mentions_every_command() -> None:
    from ownaudit.cli import COMMANDS

    for name in COMMANDS:
        assert f"ownaudit {name}" in README, name
