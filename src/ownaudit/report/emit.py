"""Write every requested report of one run and return the command's exit code.

``emit(result, **opts)`` takes exactly the keywords that
``ownaudit.report.options.report_options`` collects (all optional):

==============  ======================  =================================================
keyword         type                    meaning
==============  ======================  =================================================
``formats``     tuple[str, ...]         console/json/sarif/junit/markdown/html, in order
``outputs``     tuple[str, ...]         paired with ``formats`` in order; ``-`` = stdout;
                                        a missing format is guessed from the extension
``report_dir``  str | None              write every format to DIR/<UTC date-time>/,
                                        update DIR/latest, compare with the previous run
``fail_on``     str | Severity          threshold, default ``"high"``
``no_color``    bool                    plain console text even on a terminal
``quiet``       bool                    console: headline only
``group_by``    str                     ``"hub"`` (default) or ``"rule"``
==============  ======================  =================================================

Test hooks (not command-line options): ``stdout`` (a text stream, default
``sys.stdout``) and ``now`` (a ``datetime`` naming the report-dir run).

With no format, output or report dir, the console report goes to stdout; with
only ``report_dir`` the console report also goes to stdout. Exit code: 0 clean,
1 an unsuppressed finding at or above ``fail_on``, 3 the run was incomplete
(never "clean"). Unwritable outputs raise ``UsageError`` (exit 2).
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from ownaudit.errors import UsageError
from ownaudit.findings import RunResult, Severity
from ownaudit.report import summary
from ownaudit.report.options import pair_outputs
from ownaudit.report.scrub import scrub_result, scrub_text
from ownaudit.report.settings import ReportSettings

OPTION_NAMES = frozenset({"formats", "outputs", "report_dir", "fail_on", "no_color", "quiet", "group_by",
                          "stdout", "now"})

# format -> module exposing ``render(result, settings) -> str``
WRITERS = {
    "console": "ownaudit.report.console",
    "json": "ownaudit.report.jsondoc",
    "sarif": "ownaudit.report.sarif",
    "junit": "ownaudit.report.junit",
    "markdown": "ownaudit.report.markdown",
    "html": "ownaudit.report.html",
}


def emit(result: RunResult, **opts: Any) -> int:
    """Write the reports ``opts`` ask for (see module docstring) and return the exit code."""
    unknown = set(opts) - OPTION_NAMES
    if unknown:
        raise TypeError(f"emit() got unknown option(s): {', '.join(sorted(unknown))}")
    threshold = _threshold(opts.get("fail_on") or "high")
    group_by = str(opts.get("group_by") or "hub").lower()
    if group_by not in ("hub", "rule"):
        raise UsageError(f"--group-by: expected hub or rule, got {group_by!r}")
    stdout: TextIO = opts.get("stdout") or sys.stdout
    targets = pair_outputs(tuple(opts.get("formats") or ()), tuple(opts.get("outputs") or ()))
    report_dir = opts.get("report_dir")

    result = scrub_result(result)
    settings = ReportSettings(fail_on=threshold, group_by=group_by, quiet=bool(opts.get("quiet")))

    if report_dir:
        from ownaudit.report import history
        from ownaudit.safewrite import write_text

        root = Path(report_dir)
        try:
            if result.complete:
                result = replace(result, comparison=history.compare_with_previous(root, result.findings))
            # An incomplete run is compared with nothing: it would call every earlier finding "resolved".
            run_dir = history.new_run_dir(root, opts.get("now"))
            if not result.complete:
                history.mark_incomplete(run_dir)
            full = replace(settings, quiet=False)  # -q shortens the terminal, never the archive
            for fmt, name in history.run_file_names(result.complete).items():
                write_text(run_dir / name, chunks(fmt, result, full))
            if result.complete:
                history.point_latest(root, run_dir)
            history.write_index(root)
        except OSError as exc:
            raise UsageError(f"--report-dir {report_dir}: cannot write ({exc.strerror or exc})") from None
        if not result.complete and not settings.quiet:
            # latest keeps naming the last complete run: what CI uploads never says "nothing found"
            kept = history.latest_complete(root)
            print(f"ownaudit: INCOMPLETE run written to {run_dir}{os.sep}; {history.LATEST_LINK} "
                  + (f"still points at the last complete run {kept}" if kept else "was not created"),
                  file=sys.stderr)
        elif not settings.quiet:
            print(f"ownaudit: reports written to {run_dir}{os.sep}", file=sys.stderr)

    if not targets:
        targets = [("console", "-")]
    for fmt, dest in targets:
        if dest == "-":
            _write_stdout(fmt, result, settings, stdout, no_color=bool(opts.get("no_color")))
        else:
            from ownaudit.safewrite import write_text

            try:
                write_text(dest, chunks(fmt, result, settings), mkdir=True)
            except OSError as exc:
                raise UsageError(f"--output {dest}: cannot write ({exc.strerror or exc})") from None
    return summary.exit_code(result, threshold)


def render(fmt: str, result: RunResult, settings: ReportSettings) -> str:
    """One format as text, scrubbed once more as a last line of defence."""
    return "".join(chunks(fmt, result, settings))


def chunks(fmt: str, result: RunResult, settings: ReportSettings) -> Iterator[str]:
    """One format as text chunks. JSON streams record by record: every string in it went through
    ``scrub_result`` already, so it needs no pass over the whole text; the other formats get one."""
    module = importlib.import_module(WRITERS[fmt])
    if fmt == "json":
        yield from module.iter_render(result, settings)
        return
    text: str = module.render(result, settings)
    yield scrub_text(text)


def _threshold(value: str | Severity) -> Severity:
    if isinstance(value, Severity):
        return value
    try:
        return Severity.parse(value)
    except ValueError as exc:
        raise UsageError(f"--fail-on: {exc}") from None


def _use_color(stream: TextIO, no_color: bool) -> bool:
    if no_color or os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _write_stdout(fmt: str, result: RunResult, settings: ReportSettings, stream: TextIO,
                  no_color: bool) -> None:
    if fmt == "console" and _use_color(stream, no_color):
        from ownaudit.report import console

        console.write(scrub_result(result), replace(settings, color=True), stream)
    else:
        stream.write(render(fmt, result, settings))
    stream.flush()


