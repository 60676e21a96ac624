"""The diff's three formats carry the same changes; the console keeps path brackets intact."""

from __future__ import annotations

import io
import json

from ownaudit.diff.compare import Change
from ownaudit.diff.render import DiffResult, print_console, render
from ownaudit.findings import Severity

PATH = "ui_reader -[member, SET]-> outreach_writer -[grant]-> INSERT on outreach.people"
RESULT = DiffResult(
    "policy a.yaml",
    "database x",
    [
        Change(
            "write-gained",
            Severity.CRITICAL,
            "outreach.people",
            "ui_reader",
            "site-scout-pro",
            "-",
            "INSERT",
            PATH,
        ),
        Change("table-added", Severity.LOW, "cl.tmp | x", None, "company-lifecycle-cl", "-", "present", "cl.tmp"),
    ],
)


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_console_on_a_terminal_and_piped_show_the_path_verbatim() -> None:
    tty, pipe = Tty(), io.StringIO()
    print_console(RESULT, tty)
    print_console(RESULT, pipe)
    assert "-[grant]->" in tty.getvalue() and "-[member," in tty.getvalue()  # not eaten as markup
    assert PATH in pipe.getvalue() and "\x1b[" not in pipe.getvalue()
    assert "[CRITICAL] New write access: outreach.people (role ui_reader, hub site-scout-pro)" in pipe.getvalue()
    assert pipe.getvalue().rstrip().endswith("B grants new write access")


def test_markdown_escapes_table_cells_and_json_is_complete() -> None:
    md = render(RESULT, "markdown")
    assert "`cl.tmp \\| x`" in md and "security review" in md
    doc = json.loads(render(RESULT, "json"))
    assert doc["format"] == "ownaudit.diff" and doc["summary"]["by_severity"]["critical"] == 1
    assert doc["changes"][0]["path"] == PATH and doc["changes"][0]["title"] == "New write access"
    empty = DiffResult("a", "b", [])
    assert "No access changes." in render(empty, "markdown")
    assert "no access changes from a to b" in render(empty, "console")
