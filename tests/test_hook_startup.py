"""What the pre-commit hook loads: a commit of SQL and Python never pays for what it does not use.

Each case runs ``ownaudit lint`` in a fresh interpreter, the way pre-commit runs the hook (the staged
files as arguments), and reads ``sys.modules`` when the command has finished. The JavaScript/TypeScript
case is the control: the same check sees the tree-sitter grammars the moment a .ts file is staged.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from test_lint_support import write_policy

# Loaded only when a run needs them; a commit of .sql and .py files needs none.
NOT_FOR_SQL_AND_PYTHON = (
    "tree_sitter", "tree_sitter_javascript", "tree_sitter_typescript", "ownaudit.lint.extract_js",
    "ownaudit.lint.templates", "jinja2", "ownaudit.lint.routines", "jsonschema", "psycopg", "rich",
    "yaml", "hashlib", "ownaudit.report.history", "ownaudit.report.jsondoc", "ownaudit.safewrite",
    "ownaudit.lint.bodies",  # the commit below has no function body or DO block
)

PROBE = """
import gc, json, sys
from ownaudit.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted(sys.modules), "gc": gc.isenabled()}))
"""


@pytest.fixture()
def hub(tmp_path: Path) -> Path:
    r = tmp_path / "hub"
    (r / "db").mkdir(parents=True)
    (r / "app").mkdir()
    (r / "db" / "001.sql").write_text("INSERT INTO outreach.people VALUES (1);\n"
                                      "UPDATE cl.company_identity SET a = 1;\n")
    (r / "app" / "q.py").write_text('def f(cur):\n    cur.execute("DELETE FROM outreach.people WHERE id = %s", (1,))\n')
    (r / "app" / "q.ts").write_text("export const q = (db) => db.query('UPDATE cl.company_identity SET a = 1');\n")
    (r / "pyproject.toml").write_text('[tool.ownaudit]\nhub = "hub-out"\npolicy = "ownership.yaml"\n')
    write_policy(r)
    return r


def probe(hub: Path, *files: str) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k != "OWNAUDIT_POLICY"}
    env["OWNAUDIT_CACHE_DIR"] = str(hub.parent / "cache")
    p = subprocess.run([sys.executable, "-c", PROBE, "lint", "-q", *files], cwd=hub, env=env,
                       capture_output=True, text=True, timeout=120)
    out: dict[str, object] = json.loads(p.stdout.strip().splitlines()[-1])
    return out


def test_a_commit_of_sql_and_python_loads_no_js_parser_templates_or_database_driver(hub: Path) -> None:
    # the first run reads the YAML policy (and hashes it) into the cache; every later commit is served from it
    for run, allowed in ((1, {"yaml", "hashlib"}), (2, set())):
        got = probe(hub, "db/001.sql", "app/q.py")
        assert got["code"] == 1  # the cross-hub UPDATE: the hook really linted the files
        loaded = set(got["modules"])  # type: ignore[call-overload]
        assert "ownaudit.lint.extract_python" in loaded and "sqlglot" in loaded
        assert sorted(m for m in NOT_FOR_SQL_AND_PYTHON if m in loaded and m not in allowed) == [], run
        assert ("yaml" in loaded) is (run == 1)  # the cache really served the second run


def test_the_js_parser_is_loaded_as_soon_as_a_typescript_file_is_staged(hub: Path) -> None:
    got = probe(hub, "db/001.sql", "app/q.ts")
    assert got["code"] == 1
    loaded = set(got["modules"])  # type: ignore[call-overload]
    assert {"ownaudit.lint.extract_js", "tree_sitter", "tree_sitter_typescript"} <= loaded


def test_the_collector_is_off_for_a_commit_and_back_on_for_a_whole_scope(hub: Path) -> None:
    """A commit's few files run without the cyclic collector; a lint of the whole scope turns it back on."""
    code = ("import gc\nfrom ownaudit.commands import lint as L\n"
            "L.resume_collector = lambda: print('RESUMED', flush=True)\n"
            "from ownaudit.cli import main\n"
            "import sys\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n")
    env = {k: v for k, v in os.environ.items() if k != "OWNAUDIT_POLICY"}
    env["OWNAUDIT_CACHE_DIR"] = str(hub.parent / "cache")
    commit = subprocess.run([sys.executable, "-c", code, "lint", "-q", "db/001.sql"], cwd=hub, env=env,
                            capture_output=True, text=True, timeout=120)
    scope = subprocess.run([sys.executable, "-c", code, "lint", "-q"], cwd=hub, env=env,
                           capture_output=True, text=True, timeout=120)
    assert commit.returncode == 0 and "DIRTY" in commit.stdout and "RESUMED" not in commit.stdout
    assert "RESUMED" in scope.stdout and "DIRTY" in scope.stdout


def test_main_gives_an_in_process_caller_its_collector_back(hub: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from ownaudit.cli import main

    monkeypatch.chdir(hub)
    monkeypatch.setenv("OWNAUDIT_CACHE_DIR", str(hub.parent / "cache"))
    monkeypatch.delenv("OWNAUDIT_POLICY", raising=False)
    for args in (["lint", "-q"], ["lint", "-q", "db/001.sql"], ["rules"]):
        with pytest.raises(SystemExit):
            main(args)
        assert gc.isenabled()
        assert gc.get_freeze_count() == 0


def test_a_lazy_pattern_answers_as_the_compiled_one_and_compiles_only_when_used() -> None:
    import re

    from ownaudit.lazyre import LazyPattern

    lazy = LazyPattern(r"(?P<k>pass\w*)\s*=\s*(?P<v>\w+)", re.IGNORECASE)
    assert lazy._compiled is None  # importing a module that defines it compiles nothing
    rx = re.compile(lazy.pattern, re.IGNORECASE)
    text = "host=x PASSWORD = s3cret password=two"
    assert lazy.search(text).group("v") == rx.search(text).group("v") == "s3cret"  # type: ignore[union-attr]
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in rx.finditer(text)]
    assert lazy.sub(r"\g<k>=****", text) == rx.sub(r"\g<k>=****", text) == "host=x PASSWORD=**** password=****"
    assert lazy.match(text) is None and lazy.fullmatch("pass=1") is not None and lazy.flags == rx.flags
    assert lazy.findall(text) == rx.findall(text) and lazy.split(text) == rx.split(text)
