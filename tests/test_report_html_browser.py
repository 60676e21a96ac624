"""The HTML report of the demo database, opened in a real browser (Debian's chromium via selenium).

What a reader relies on: the page never scrolls sideways (390, 1280 and 1920 px),
the access matrix is on the first screen, the filters and the matrix links work,
and the membership behind eight cross-hub writes is shown once with its one fix.
Screenshots go to ``$OWNAUDIT_SCREENSHOTS`` when set (else the test's temp dir).
Skips, with the reason, where chromium, chromedriver or selenium is missing.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("OWNAUDIT_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("OWNAUDIT_CHROMEDRIVER", "/usr/bin/chromedriver")
WIDTHS = (390, 1280, 1920)
HEIGHT = 900

# Flags for a closed network: nothing phones home, nothing is updated, a fresh profile.
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not (Path(CHROMIUM).is_file() and Path(CHROMEDRIVER).is_file()):
        pytest.skip(f"needs chromium and chromedriver ({CHROMIUM}, {CHROMEDRIVER}: apt-get install chromium "
                    "chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="needs selenium (pip install 'ownaudit[test]')")
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="ownaudit-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def demo_report(fresh_db: Any, tmp_path: Path) -> Path:
    """The audit of the demo database (seed + drifts) as the HTML report, like ``ownaudit demo``."""
    from ownaudit.audit.engine import run_audit
    from ownaudit.catalog.reader import read_catalog
    from ownaudit.demo.run import drifts_sql
    from ownaudit.policy.loader import load_policy
    from ownaudit.policy.locate import shipped_policy_path
    from ownaudit.report.emit import emit

    fresh_db.apply_seed()
    fresh_db.execute(drifts_sql())
    auditor = fresh_db.create_role(f"aud_{fresh_db.name[-6:]}")
    result = run_audit(load_policy(shipped_policy_path()), read_catalog(fresh_db.role_dsn(auditor)))
    page = tmp_path / "audit.html"
    with open(os.devnull, "w") as devnull:
        emit(result, formats=("html",), outputs=(str(page),), stdout=devnull)
    return page


def _shots(tmp_path: Path) -> Path:
    out = Path(os.environ.get("OWNAUDIT_SCREENSHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    return out


def _visible_rows(driver: Any) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = driver.execute_script(
        "return Array.from(document.querySelectorAll('#findings tr.finding'))"
        ".filter(r => !r.hidden && r.offsetParent !== null)"
        ".map(r => ({role: r.dataset.role, object: r.dataset.object, rank: r.dataset.rank,"
        " text: r.textContent}))")
    return rows


def test_report_fits_every_window_with_the_matrix_on_the_first_screen(
        browser: Any, demo_report: Path, tmp_path: Path) -> None:
    shots = _shots(tmp_path)
    for width in WIDTHS:
        browser.set_window_size(width, HEIGHT)
        browser.get(demo_report.as_uri())
        m = browser.execute_script(
            "var d=document.documentElement, r=document.getElementById('matrix').getBoundingClientRect(),"
            " f=document.getElementById('findings').getBoundingClientRect();"
            "return {client:d.clientWidth, scroll:d.scrollWidth, body:document.body.scrollWidth,"
            " inner:window.innerHeight, top:r.top, findingsRight:f.right};")
        assert browser.save_screenshot(str(shots / f"audit-{width}.png"))
        assert m["scroll"] <= m["client"] and m["body"] <= m["client"], f"page scrolls sideways at {width} px: {m}"
        assert 0 < m["top"] < m["inner"] - 100, f"matrix not on the first screen at {width} px: {m}"
        assert m["findingsRight"] <= m["client"], f"findings table wider than the window at {width} px: {m}"
        # evidence and fix are collapsed until asked for, and open on a click
        shown = "return document.querySelector('#findings tr.finding details pre').checkVisibility()"
        assert not browser.execute_script(shown)
        browser.execute_script("document.querySelector('#findings tr.finding details summary').click()")
        assert browser.execute_script(shown)


def test_matrix_cells_are_coloured_by_meaning_and_link_to_their_findings(browser: Any, demo_report: Path) -> None:
    from selenium.webdriver.common.by import By

    browser.set_window_size(1280, HEIGHT)
    browser.get(demo_report.as_uri())
    cell = browser.find_element(By.CSS_SELECTOR, 'td[data-role="cl_writer"][data-table="outreach.people"]')
    assert "c-fw" in cell.get_attribute("class")  # a cross-hub write through a membership
    assert "c-miss" in browser.find_element(
        By.CSS_SELECTOR, 'td[data-role="cl_writer"][data-table="cl.company_identity"]').get_attribute("class")
    assert "c-ok" in browser.find_element(
        By.CSS_SELECTOR, 'td[data-role="outreach_writer"][data-table="outreach.people"]').get_attribute("class")
    colours = {browser.execute_script("return getComputedStyle(arguments[0]).backgroundColor", el)
               for el in browser.find_elements(By.CSS_SELECTOR, "#legend .sw")}
    assert len(colours) >= 5  # forbidden write, forbidden read, missing, allowed, not applicable differ
    cell.find_element(By.TAG_NAME, "a").click()
    rows = _visible_rows(browser)
    assert rows and all(r["role"] == "cl_writer" and r["object"] == "outreach.people" for r in rows)
    assert browser.find_element(By.ID, "cellfilter").is_displayed()
    browser.find_element(By.ID, "cellclear").click()
    assert len(_visible_rows(browser)) == len(browser.find_elements(By.CSS_SELECTOR, "#findings tr.finding"))


def test_text_and_severity_filters_hide_the_other_findings(browser: Any, demo_report: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.set_window_size(1280, HEIGHT)
    browser.get(demo_report.as_uri())
    total = len(_visible_rows(browser))
    browser.find_element(By.ID, "filter").send_keys("blog_signals")
    rows = _visible_rows(browser)
    assert 0 < len(rows) < total and all("blog_signals" in r["text"] for r in rows)
    browser.find_element(By.ID, "filter").clear()
    browser.execute_script("document.getElementById('filter').dispatchEvent(new Event('input'))")
    Select(browser.find_element(By.ID, "sevfilter")).select_by_value("4")
    rows = _visible_rows(browser)
    assert 0 < len(rows) < total and {r["rank"] for r in rows} == {"4"}
    assert browser.find_element(By.ID, "shown").text == str(len(rows))


def test_one_membership_is_one_root_cause_with_one_fix(browser: Any, demo_report: Path) -> None:
    from selenium.webdriver.common.by import By

    browser.set_window_size(1280, HEIGHT)
    browser.get(demo_report.as_uri())
    group = browser.find_element(By.CSS_SELECTOR, 'tbody[data-cause="cl_writer -[member]-> outreach_writer"]')
    head = group.find_element(By.CSS_SELECTOR, "tr.cause-head").text
    assert "cl_writer is a member of outreach_writer" in head and "8 findings, one fix" in head
    assert head.count("REVOKE outreach_writer FROM cl_writer;") == 1
    assert len(group.find_elements(By.CSS_SELECTOR, "tr.finding")) == 8
