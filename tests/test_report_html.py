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


def test_matrix_cells_show_policy_and_database_access_with_violations_highlighted() -> None:
    page = parse(render(sample_result(), ReportSettings()))
    cells = page.cells
    assert len(cells) == 3 * 4  # every role x table, even the empty ones
    cross = cells[("outreach_writer", "cl.company_identity")]
    assert show(cross) == ("r", "rw", "true")
    assert "viol" in cross["class"] and cross["text"] == "r / rw"
    assert "INSERT on cl.company_identity" in cross["title"] and "AUD001" in cross["title"]
    missing = cells[("cl_writer", "cl.lifecycle_state")]
    assert show(missing) == ("rw", "rw", "true")  # UPDATE missing: still "rw", flagged by AUD010
    assert missing["text"] == "rw / rw*" and "database: SELECT, INSERT, DELETE" in missing["title"]
    ok = cells[("cl_writer", "cl.company_identity")]
    assert (*show(ok), ok["class"]) == ("rw", "rw", "false", "")
    hidden = cells[("ui_reader", "outreach.people")]  # suppressed finding: shown as a difference only
    assert show(hidden) == ("r", "-", "false")
    assert hidden["class"] == "differs"
    assert cells[("cl_writer", "outreach.people")]["text"] == ""


def test_one_self_contained_file_with_summary_and_findings_table() -> None:
    text = render(sample_result(), ReportSettings())
    page = parse(text)
    assert page.external == []  # no stylesheet, script or image fetched from anywhere
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
    assert page.external == []
    assert evil in "".join(page.text)
