"""HTML report: one self-contained file with the findings table and the access matrix."""

from __future__ import annotations

from html.parser import HTMLParser

from ownaudit.findings import Finding, Severity
from ownaudit.report.html import render
from ownaudit.report.sample import sample_result
from ownaudit.report.settings import ReportSettings


class Collector(HTMLParser):
    """Collects matrix cells, findings rows, external references and visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: dict[tuple[str, str], dict[str, str]] = {}
        self.finding_keys: list[str] = []
        self.external: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []
        self._cell: tuple[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append(tag)
        for ref in ("src", "href"):
            if ref in a:
                self.external.append(a[ref])
        if tag == "link":
            self.external.append(a.get("href", "link"))
        if tag == "td" and "data-role" in a:
            self._cell = (a["data-role"], a["data-table"])
            self.cells[self._cell] = dict(a, text="")
        if tag == "tr" and "data-key" in a:
            self.finding_keys.append(a["data-key"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._cell = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self.cells[self._cell]["text"] += data


def show(cell: dict[str, str]) -> tuple[str, str, str]:
    return cell["data-expected"], cell["data-actual"], cell["data-violation"]


def parse(text: str) -> Collector:
    c = Collector()
    c.feed(text)
    c.close()
    return c


def test_matrix_cells_are_classified_by_meaning_and_link_to_their_findings() -> None:
    page = parse(render(sample_result(), ReportSettings()))
    cells = page.cells
    assert len(cells) == 3 * 4  # every role x table, even the empty ones
    cross = cells[("outreach_writer", "cl.company_identity")]
    assert show(cross) == ("r", "rw", "true")
    assert "c-fw" in cross["class"] and cross["text"] == "✗w"  # a forbidden write
    assert "INSERT on cl.company_identity" in cross["title"] and "AUD001" in cross["title"]
    assert cross["data-findings"] == "1"
    missing = cells[("cl_writer", "cl.lifecycle_state")]
    assert show(missing) == ("rw", "rw", "true")  # UPDATE missing: still "rw", flagged by AUD010
    assert "c-miss" in missing["class"] and missing["text"] == "+w"
    assert "database: SELECT, INSERT, DELETE" in missing["title"]
    ok = cells[("cl_writer", "cl.company_identity")]
    assert (*show(ok), ok["class"], ok["text"]) == ("rw", "rw", "false", "c-ok", "rw")
    hidden = cells[("ui_reader", "outreach.people")]  # a suppressed finding: the cell still shows the gap
    assert show(hidden) == ("r", "-", "false") and "c-miss" in hidden["class"]
    empty = cells[("cl_writer", "outreach.people")]
    assert (empty["class"], empty["text"]) == ("c-na", "")
    assert "#cell=outreach_writer%7Ccl.company_identity" in page.external  # in-page link, not a fetch


def test_matrix_comes_before_the_findings_and_has_a_legend_of_every_meaning() -> None:
    text = render(sample_result(), ReportSettings())
    assert text.index('id="matrix"') < text.index('id="findings"')
    for meaning in ("forbidden write", "forbidden read", "missing required access", "allowed", "not applicable"):
        assert meaning in text


def test_findings_sharing_a_membership_are_one_root_cause_with_one_fix() -> None:
    result = sample_result()
    result.findings += [
        Finding("AUD001", Severity.CRITICAL, "Role can write a table its hub does not own", f"cl_writer can write {t}",
                object=t, hub="cl", role="cl_writer",
                evidence=[f"cl_writer -[member]-> outreach_writer -[grant]-> {p} on {t}" for p in ("INSERT", "DELETE")],
                fix_sql="REVOKE outreach_writer FROM cl_writer;")
        for t in ("outreach.people", "outreach.campaigns", "outreach.sequences")
    ]
    text = render(result, ReportSettings())
    assert text.count("REVOKE outreach_writer FROM cl_writer;") == 1
    assert "cl_writer is a member of outreach_writer" in text and "3 findings, one fix" in text
    assert "1 cause produces more than one finding" in text


def test_one_self_contained_file_with_summary_and_findings_table() -> None:
    text = render(sample_result(), ReportSettings())
    page = parse(text)
    assert all(x.startswith("#") for x in page.external)  # no stylesheet, script or image fetched
    assert "script" in page.tags and "style" in page.tags
    assert "http://" not in text and "https://" not in text
    assert len(page.finding_keys) == 4
    visible = "".join(page.text)
    assert "DIRTY: 2 of 3 findings at or above high" in visible
    assert 'id="filter"' in text  # filterable without external scripts


def test_everything_is_escaped() -> None:
    result = sample_result()
    evil = "<img src=x onerror=alert(1)>"
    result.findings = [Finding("AUD001", Severity.HIGH, evil, evil, object=evil, role=evil, evidence=[evil])]
    result.matrix = {
        "roles": [evil],
        "tables": [evil],
        "cells": {
            evil: {evil: {"expected": "r", "actual": "rw", "violation": True, "paths": [evil], "rules": ["AUD001"]}}
        },
    }
    result.notices = [evil]
    page = parse(render(result, ReportSettings()))
    assert "img" not in page.tags
    assert all(x.startswith("#") for x in page.external)
    assert evil in "".join(page.text)
