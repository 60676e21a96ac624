"""Packaging and first run: version flags, licence and metadata, installs that never compile.

The two install tests (a wheel on the lowest and the highest advertised Python with
``--only-binary :all:``, and real pre-commit against a tagged local clone) each take
a minute or more of pip work, so they run when ``OWNAUDIT_INSTALL_TEST=1``.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from packaging.markers import Marker
from packaging.requirements import Requirement

from ownaudit import __version__

ROOT = Path(__file__).resolve().parents[1]
if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
ADVERTISED = [c.rsplit(":: ", 1)[1] for c in PYPROJECT["project"]["classifiers"]
              if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)]
INSTALL_TEST = os.environ.get("OWNAUDIT_INSTALL_TEST") == "1"


def test_version_flags_and_python_dash_m() -> None:
    expected = f"ownaudit {__version__}"
    for cmd in ([sys.executable, "-m", "ownaudit", "-V"], [sys.executable, "-m", "ownaudit", "--version"],
                [str(Path(sys.executable).parent / "ownaudit"), "-V"]):
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        assert (r.returncode, r.stdout.strip()) == (0, expected), cmd
    assert importlib.metadata.version("ownaudit") == __version__


def test_licence_classifiers_and_urls_match_the_package() -> None:
    project = PYPROJECT["project"]
    assert project["license"] == "MIT"
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")
    assert "License :: OSI Approved :: MIT License" not in project["classifiers"]  # PEP 639: the expression says it
    low = project["requires-python"].removeprefix(">=")
    assert ADVERTISED[0] == low and len(ADVERTISED) >= 4
    assert {"Homepage", "Source", "Issues"} <= set(project["urls"])
    assert (ROOT / "src" / "ownaudit" / "py.typed").is_file()


# (python_version, sys_platform, platform_machine) -> does sqlglotc 30.30.0 ship a wheel there
WHEELS = [
    (("3.10", "linux", "x86_64"), False),
    (("3.11", "linux", "x86_64"), True),
    (("3.13", "linux", "aarch64"), True),
    (("3.12", "darwin", "arm64"), True),
    (("3.12", "win32", "AMD64"), True),
    (("3.12", "win32", "x86"), False),
    (("3.12", "linux", "armv7l"), False),
]


@pytest.mark.parametrize(("where", "has_wheel"), WHEELS)
def test_compiled_parser_only_where_its_wheel_exists_and_pure_sqlglot_of_the_same_version(
        where: tuple[str, str, str], has_wheel: bool) -> None:
    reqs = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]
    pure = next(r for r in reqs if r.name == "sqlglot")
    compiled = next(r for r in reqs if r.name == "sqlglotc")
    assert str(pure.specifier) == str(compiled.specifier) == "==30.30.0" and pure.marker is None
    py, plat, machine = where
    env = {"python_version": py, "python_full_version": f"{py}.0", "sys_platform": plat,
           "platform_machine": machine, "platform_python_implementation": "CPython",
           "implementation_name": "cpython"}
    assert isinstance(compiled.marker, Marker) and compiled.marker.evaluate(env) is has_wheel
    assert compiled.marker.evaluate(env | {"platform_python_implementation": "PyPy"}) is False


def test_pre_commit_snippets_pin_the_release_tag_of_this_version() -> None:
    tag = f"v{__version__}"
    for doc in (ROOT / "README.md", ROOT / "docs" / "precommit.md"):
        revs = re.findall(r"^\s+rev: (\S+)", doc.read_text(encoding="utf-8"), flags=re.M)
        assert revs and set(revs) == {tag}, doc
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "ownaudit-lint" and hook["language"] == "python"


def _interpreters() -> list[str]:
    """The lowest and the highest advertised Python found on this machine (pyenv or PATH), or missing:X."""
    found = []
    for version in (ADVERTISED[0], ADVERTISED[-1]):
        pyenv = sorted(Path(os.path.expanduser("~/.pyenv/versions")).glob(f"{version}.*/bin/python{version}"))
        candidates = [str(p) for p in reversed(pyenv)] + [x for x in [shutil.which(f"python{version}")] if x]
        usable = [c for c in candidates
                  if subprocess.run([c, "-c", "import venv"], capture_output=True, timeout=60).returncode == 0]
        found.append(usable[0] if usable else f"missing:{version}")
    return found


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True, timeout=600)
    (whl,) = out.glob("ownaudit-*.whl")
    return whl


@pytest.mark.slow
@pytest.mark.skipif(not INSTALL_TEST, reason="a minute of pip per Python: set OWNAUDIT_INSTALL_TEST=1")
@pytest.mark.parametrize("python", _interpreters() if INSTALL_TEST else ["lowest", "highest"])
def test_installs_on_the_lowest_and_highest_advertised_python_without_compiling(
        python: str, wheel: Path, tmp_path: Path) -> None:
    if python.startswith("missing:"):
        pytest.skip(f"Python {python.split(':')[1]} is not installed here")
    venv = tmp_path / "venv"
    subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=120)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    r = subprocess.run([*pip, "--only-binary", ":all:", str(wheel)], capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr  # --only-binary: pip fails instead of compiling anything
    out = subprocess.run([str(venv / "bin" / "ownaudit"), "-V"], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == f"ownaudit {__version__}"
    lint = subprocess.run([str(venv / "bin" / "ownaudit"), "lint", "--hub", "barton-outreach-core", "-q",
                           str(ROOT / "examples" / "hub-outreach")], capture_output=True, text=True, timeout=120,
                          cwd=ROOT / "examples" / "hub-outreach")
    assert lint.returncode == 1 and "DIRTY: 1 of 2 findings" in lint.stdout, lint.stdout + lint.stderr  # SQL parsed


@pytest.mark.slow
@pytest.mark.skipif(not INSTALL_TEST, reason="pre-commit installs the hook with pip: set OWNAUDIT_INSTALL_TEST=1")
def test_readme_pre_commit_snippet_works_against_a_tagged_clone(tmp_path: Path) -> None:
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
    if pre_commit is None:
        pytest.skip("pre-commit is not installed (pip install 'ownaudit[test]')")
    git_env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.test",
               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.test"}

    def git(cwd: Path, *args: str) -> None:
        subprocess.run(["git", *args], cwd=cwd, env=git_env, check=True, capture_output=True, timeout=120)

    clone = tmp_path / "ownaudit"
    git(tmp_path, "clone", "-q", str(ROOT), str(clone))
    git(clone, "tag", "-a", f"v{__version__}", "-m", f"ownaudit {__version__}")  # what a release does
    snippet = re.search(r"```yaml\n(repos:\n.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    assert snippet
    config = yaml.safe_load(snippet.group(1))
    config["repos"][0]["repo"] = str(clone)
    hub = tmp_path / "hub"
    (hub / "db").mkdir(parents=True)
    (hub / "pyproject.toml").write_text('[tool.ownaudit]\nhub = "barton-outreach-core"\n', encoding="utf-8")
    (hub / "db" / "bad.sql").write_text("UPDATE cl.company_identity SET last_contacted_at = now();\n")
    (hub / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    git(hub, "init", "-q")
    git(hub, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pc-home"), "NO_COLOR": "1"}
    env.pop("OWNAUDIT_POLICY", None)
    r = subprocess.run([pre_commit, "run"], cwd=hub, env=env, capture_output=True, text=True, timeout=900)
    assert r.returncode == 1 and "LNT001" in r.stdout and "db/bad.sql:1:8" in r.stdout, r.stdout + r.stderr
