"""Where an imported Python module lives in the repository, and its parsed form, once per process.

``from app.settings import SCHEMA`` or ``from .models import Company`` is
followed to the file that defines the name, so constants and model
declarations of other modules resolve. Only files inside the repository are
read (the nearest ancestor holding ``.git`` or ``pyproject.toml`` bounds the
search), each at most once per process.
"""

from __future__ import annotations

import os
import stat
from typing import Any

MAX_MODULE_BYTES = 2 * 1024 * 1024
_ROOTS: dict[str, str] = {}
_MODULES: dict[str, Any] = {}


def repo_root(path: str) -> str:
    """The repository a file belongs to: nearest ancestor with ``.git`` or ``pyproject.toml``, else its folder."""
    d = os.path.dirname(os.path.abspath(path))
    if d in _ROOTS:
        return _ROOTS[d]
    cur = d
    found = d
    while True:
        if os.path.exists(os.path.join(cur, ".git")) or os.path.exists(os.path.join(cur, "pyproject.toml")):
            found = cur
            break
        parent = os.path.dirname(cur)
        if parent == cur:
            break
        cur = parent
    _ROOTS[d] = found
    return found


def _candidates(base: str, parts: list[str]) -> list[str]:
    p = os.path.join(base, *parts)
    return [p + ".py", os.path.join(p, "__init__.py")]


def find_module(from_file: str, module: str | None, level: int) -> str | None:
    """The file of ``module`` imported from ``from_file`` (``level`` dots of a relative import)."""
    parts = [p for p in (module or "").split(".") if p]
    if level > 0:
        base = os.path.dirname(os.path.abspath(from_file))
        for _ in range(level - 1):
            base = os.path.dirname(base)
        if not parts:
            return None
        for c in _candidates(base, parts):
            if os.path.isfile(c):
                return c
        return None
    if not parts:
        return None
    root = repo_root(from_file)
    d = os.path.dirname(os.path.abspath(from_file))
    # the file's own folder and each ancestor up to the repository root, then src/ layouts
    while True:
        for c in _candidates(d, parts):
            if os.path.isfile(c):
                return c
        if d == root or os.path.dirname(d) == d:
            break
        d = os.path.dirname(d)
    for c in _candidates(os.path.join(root, "src"), parts):
        if os.path.isfile(c):
            return c
    return None


def cached(path: str) -> Any | None:
    return _MODULES.get(path)


def store(path: str, module: Any) -> None:
    _MODULES[path] = module


def read_module(path: str) -> str | None:
    """The text of a module to follow, or None (too large, unreadable, not UTF-8)."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_MODULE_BYTES:  # a FIFO would block
            return None
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except (OSError, UnicodeDecodeError):
        return None


# -- JS/TS import specifiers that are not relative: tsconfig paths/baseUrl, package.json "imports" -----------
_JS_CONFIGS: dict[str, Any] = {}


def _jsonc(text: str) -> Any:
    """JSON with comments and trailing commas (tsconfig.json), or None."""
    import json
    import re

    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        else:
            out.append(c)
            i += 1
    try:
        return json.loads(re.sub(r",(\s*[}\]])", r"\1", "".join(out)))
    except ValueError:
        return None


def _tsconfig(path: str, depth: int = 0) -> tuple[str, dict[str, list[str]]] | None:
    """(base directory, paths) of a tsconfig/jsconfig, following ``extends`` (relative) a few levels."""
    text = read_module(path)
    data = _jsonc(text) if text is not None else None
    if not isinstance(data, dict):
        return None
    here = os.path.dirname(path)
    inherited: tuple[str, dict[str, list[str]]] | None = None
    ext = data.get("extends")
    if isinstance(ext, str) and ext.startswith(".") and depth < 4:
        target = os.path.normpath(os.path.join(here, ext if ext.endswith(".json") else ext + ".json"))
        inherited = _tsconfig(target, depth + 1) if os.path.isfile(target) else None
    raw_opts = data.get("compilerOptions")
    opts: dict[str, Any] = raw_opts if isinstance(raw_opts, dict) else {}
    base_url = opts.get("baseUrl")
    paths = opts.get("paths")
    base = os.path.normpath(os.path.join(here, base_url)) if isinstance(base_url, str) else None
    if isinstance(paths, dict):
        clean = {k: [v for v in vs if isinstance(v, str)] for k, vs in paths.items() if isinstance(vs, list)}
        return base or here, clean
    if inherited is not None:
        return (base or inherited[0]), inherited[1]
    return (base, {}) if base else None


def _package_imports(path: str) -> dict[str, list[str]]:
    """package.json ``imports`` (``"#db/*": "./src/db/*.ts"``, conditions flattened in order)."""
    text = read_module(path)
    data = _jsonc(text) if text is not None else None
    imports = data.get("imports") if isinstance(data, dict) else None
    out: dict[str, list[str]] = {}
    if not isinstance(imports, dict):
        return out

    def flat(v: Any) -> list[str]:
        if isinstance(v, str):
            return [v]
        if isinstance(v, dict):
            return [x for k in ("types", "import", "node", "require", "default") if k in v for x in flat(v[k])]
        if isinstance(v, list):
            return [x for e in v for x in flat(e)]
        return []

    for k, v in imports.items():
        if isinstance(k, str) and k.startswith("#"):
            out[k] = flat(v)
    return out


def js_alias_targets(from_file: str, spec: str) -> list[str]:
    """The paths (without extension resolution) a non-relative import may denote in this repository:
    tsconfig.json/jsconfig.json ``paths`` (``"@/*": ["src/*"]``) and ``baseUrl``, package.json
    ``imports`` (``"#db/*"``). The nearest config above the file applies, up to the repository root."""
    root = repo_root(from_file)
    d = os.path.dirname(os.path.abspath(from_file))
    ts: tuple[str, dict[str, list[str]]] | None = None
    pkg: tuple[str, dict[str, list[str]]] | None = None
    while True:
        for name in ("tsconfig.json", "jsconfig.json"):
            p = os.path.join(d, name)
            if ts is None and os.path.isfile(p):
                key = "ts\0" + p
                if key not in _JS_CONFIGS:
                    _JS_CONFIGS[key] = _tsconfig(p)
                ts = _JS_CONFIGS[key] or ("", {})
        p = os.path.join(d, "package.json")
        if pkg is None and spec.startswith("#") and os.path.isfile(p):
            key = "pkg\0" + p
            if key not in _JS_CONFIGS:
                _JS_CONFIGS[key] = _package_imports(p)
            pkg = (d, _JS_CONFIGS[key])
        if d == root or os.path.dirname(d) == d or (ts is not None and (pkg is not None or not spec.startswith("#"))):
            break
        d = os.path.dirname(d)
    out: list[str] = []
    for base, table in ((pkg or ("", {})), (ts or ("", {}))):
        if not base:
            continue
        for pattern, targets in table.items():
            if "*" in pattern:
                pre, _, post = pattern.partition("*")
                if spec.startswith(pre) and spec.endswith(post) and len(spec) >= len(pre) + len(post):
                    star = spec[len(pre) : len(spec) - len(post)]
                    out.extend(os.path.normpath(os.path.join(base, t.replace("*", star))) for t in targets)
            elif pattern == spec:
                out.extend(os.path.normpath(os.path.join(base, t)) for t in targets)
    if ts is not None and ts[0] and not spec.startswith("#"):
        out.append(os.path.normpath(os.path.join(ts[0], spec)))  # baseUrl: "db/schema" is <baseUrl>/db/schema
    root_abs = os.path.abspath(root)
    return [p for p in out if os.path.abspath(p).startswith(root_abs + os.sep)]
