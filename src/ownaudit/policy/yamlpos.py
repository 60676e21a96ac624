"""Safe YAML loading that remembers where every key came from.

PyYAML keeps the last of duplicate keys silently and forgets positions; the
policy's errors must name file, line, column and key path, so we compose the
node tree ourselves (SafeLoader: no arbitrary objects) and convert it, recording
each key path's position, rejecting duplicates and bounding alias expansion
(a "billion laughs" file cannot blow up memory).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

import yaml

from ownaudit.findings import Location

MAX_NODES = 200_000  # values produced after alias expansion
MAX_DEPTH = 64
MAX_BYTES = 5 * 1024 * 1024


@dataclass
class Loaded:
    data: Any
    locations: dict[str, Location] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


class _Budget:
    def __init__(self) -> None:
        self.nodes = 0


def keypath_join(base: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{base}[{key}]" if base else f"[{key}]"
    return f"{base}.{key}" if base else str(key)


def load_yaml(text: str, path: str) -> Loaded:
    """Parse ``text``; syntax errors, duplicates and bombs become problems, never exceptions."""
    out = Loaded(data=None)
    if len(text.encode("utf-8", errors="replace")) > MAX_BYTES:
        out.problems.append(f"{path}:1:1: file is larger than {MAX_BYTES // (1024 * 1024)} MiB")
        return out
    try:
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            constructor = loader  # SafeLoader is its own constructor for scalars
            if node is None:
                out.problems.append(f"{path}:1:1: the file is empty")
                return out
            out.data = _convert(node, "", path, out, constructor, _Budget(), 0)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else f"{path}:1:1"
        problem = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        opened = _unclosed_bracket(text, mark.line, mark.column) if mark else None
        if opened is not None:
            char, line, col = opened
            problem += f" (the {char!r} opened at line {line}, column {col} is not closed)"
        elif exc.context and exc.context_mark and exc.problem_mark and exc.context_mark != exc.problem_mark:
            cm = exc.context_mark
            problem += f" ({' '.join(str(exc.context).split())} started at line {cm.line + 1}, column {cm.column + 1})"
        out.problems.append(f"{where}: invalid YAML: {problem}")
        out.data = None
    except yaml.YAMLError as exc:
        out.problems.append(f"{path}:1:1: invalid YAML: {' '.join(str(exc).split())}")
        out.data = None
    except _TooBig as exc:
        out.problems.append(f"{exc.where}: {exc.reason}")
        out.data = None
    except RecursionError:
        out.problems.append(f"{path}:1:1: YAML nesting is too deep")
        out.data = None
    return out


def _unclosed_bracket(text: str, line: int, column: int) -> tuple[str, int, int] | None:
    """The innermost ``[`` or ``{`` still open at (0-based) ``line``:``column``, with its 1-based position.

    The parser notices a missing ``]`` where the next key starts, often many
    lines later; naming where the bracket was opened is what the reader needs.
    """
    stack: list[tuple[str, int, int]] = []
    quote = ""
    lines = text.split("\n")
    for ln, src in enumerate(lines[: line + 1]):
        end = column if ln == line else len(src)
        i = 0
        while i < end:
            c = src[i]
            if quote:
                if quote == '"' and c == "\\":
                    i += 2
                    continue
                if c == quote:
                    if quote == "'" and i + 1 < len(src) and src[i + 1] == "'":
                        i += 2
                        continue
                    quote = ""
            elif c == "#" and (i == 0 or src[i - 1] in " \t"):
                break
            elif c in "'\"" and (stack or i == 0 or src[i - 1] in " \t:[{,"):
                quote = c
            elif c in "[{":
                stack.append((c, ln + 1, i + 1))
            elif c in "]}" and stack:
                stack.pop()
            i += 1
        if quote and not stack:
            quote = ""  # a plain scalar containing a quote character: not our business here
    return stack[-1] if stack else None


class _TooBig(Exception):
    def __init__(self, where: str, reason: str) -> None:
        super().__init__(reason)
        self.where = where
        self.reason = reason


_PLAIN_TAGS = frozenset({"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:omap"})


def _loc(node: yaml.Node, path: str) -> Location:
    m = node.start_mark
    return Location(path, m.line + 1, m.column + 1)


def _convert(node: yaml.Node, keypath: str, path: str, out: Loaded, ctor: Any, budget: _Budget,
             depth: int) -> Any:
    budget.nodes += 1
    if budget.nodes > MAX_NODES:
        raise _TooBig(str(_loc(node, path)), f"YAML expands to more than {MAX_NODES} values (alias bomb?)")
    if depth > MAX_DEPTH:
        raise _TooBig(str(_loc(node, path)), f"YAML is nested deeper than {MAX_DEPTH} levels")
    if keypath not in out.locations:
        out.locations[keypath] = _loc(node, path)
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _PLAIN_TAGS:
        raise _TooBig(str(_loc(node, path)), f"unsupported YAML tag {node.tag!r}")
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        seen: dict[str, Location] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                merged = _convert(value_node, keypath, path, out, ctor, budget, depth + 1)
                sources = merged if isinstance(merged, list) else [merged]
                for src in sources:
                    if isinstance(src, dict):
                        for k, v in src.items():
                            result.setdefault(k, v)
                continue
            key = _scalar_key(key_node, ctor)
            kloc = _loc(key_node, path)
            sub = keypath_join(keypath, key)
            if key in seen:
                first = seen[key]
                out.problems.append(f"{kloc}: {sub}: duplicate key {key!r} (first defined at line {first.line})")
                continue
            seen[key] = kloc
            out.locations[sub] = kloc
            result[key] = _convert(value_node, sub, path, out, ctor, budget, depth + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            sub = keypath_join(keypath, i)
            out.locations.setdefault(sub, _loc(item, path))
            items.append(_convert(item, sub, path, out, ctor, budget, depth + 1))
        return items
    value = ctor.construct_object(node, deep=True)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10] if not isinstance(value, _dt.datetime) else value.isoformat()
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return value


def _scalar_key(node: yaml.Node, ctor: Any) -> str:
    if not isinstance(node, yaml.ScalarNode):
        return "<complex key>"
    value = ctor.construct_object(node, deep=True)
    return str(value)
