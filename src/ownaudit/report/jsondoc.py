"""JSON findings document: the machine-readable record of one run.

Its shape is published as ``schemas/findings.schema.json`` (a copy ships in this
package); ``FORMAT_VERSION`` changes when a consumer would need to change.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ownaudit import TOOL_NAME, __version__
from ownaudit.findings import Finding, RunResult, sort_findings
from ownaudit.report import summary
from ownaudit.report.scrub import scrub_target
from ownaudit.report.settings import ReportSettings

FORMAT_VERSION = "1.0"


def _head(result: RunResult, settings: ReportSettings) -> dict[str, Any]:
    counts = result.counts()
    return {
        "format_version": FORMAT_VERSION,
        "tool": {"name": TOOL_NAME, "version": __version__},
        "command": result.command,
        "status": summary.status(result, settings.fail_on),
        "complete": result.complete,
        "fail_on": settings.fail_on.value,
        "policy": {"path": result.policy_path, "digest": result.policy_digest},
        "target": scrub_target(result.target),
        "timing": {"started_at": result.started_at, "duration_seconds": round(result.duration_seconds, 3)},
        "summary": {
            "total": sum(counts.values()),
            "failing": len(result.failing(settings.fail_on)),
            "suppressed": len(summary.suppressed(result)),
            "objects": result.object_count(),
            "by_severity": counts,
        },
        "comparison": result.comparison,
        "notices": list(result.notices),
    }


def document(result: RunResult, settings: ReportSettings) -> dict[str, Any]:
    """The findings document as a dict (what ``render`` writes)."""
    doc = _head(result, settings)
    doc["findings"] = [f.to_dict() for f in sort_findings(result.findings)]
    doc["checked_objects"] = {k: list(v) for k, v in sorted(result.checked_objects.items())}
    doc["matrix"] = result.matrix
    return doc


def iter_render(result: RunResult, settings: ReportSettings) -> Iterator[str]:
    """The document as text chunks, one finding record at a time (a file never waits for the whole).

    Each finding is one line, so memory holds one record, not the document, and the
    file diffs line by line.
    """
    head = _head(result, settings)
    yield "{\n"
    for name, value in head.items():
        yield f"  {json.dumps(name)}: {_indented(value)},\n"
    yield '  "findings": ['
    for i, f in enumerate(sort_findings(result.findings)):
        yield ("\n    " if i == 0 else ",\n    ") + json.dumps(f.to_dict(), default=str)
    yield "\n  ],\n" if result.findings else "],\n"
    checked = {k: list(v) for k, v in sorted(result.checked_objects.items())}
    yield f'  "checked_objects": {json.dumps(checked)},\n'
    yield f'  "matrix": {json.dumps(result.matrix, default=str)}\n}}\n'


def _indented(value: Any) -> str:
    return json.dumps(value, indent=2, default=str).replace("\n", "\n  ")


def render(result: RunResult, settings: ReportSettings) -> str:
    return "".join(iter_render(result, settings))


def schema() -> dict[str, Any]:
    """The published JSON Schema of this document (shipped inside the package)."""
    from importlib.resources import files

    text = files("ownaudit.report").joinpath("findings.schema.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def load_findings(text: str) -> list[Finding]:
    """Findings back from a document written by ``render`` (used by run-to-run comparison)."""
    data = json.loads(text)
    return [Finding.from_dict(d) for d in data.get("findings") or []]
