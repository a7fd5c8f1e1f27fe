"""End to end: the real Streamlit server, driven in Debian's Chromium by Playwright."""

import csv
import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--no-first-run", "--disable-dev-shm-usage"]
OUTPUT = ROOT / "tests" / "output"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer at {url} within {seconds}s")


@pytest.fixture(scope="module")
def server():
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    OUTPUT.mkdir(exist_ok=True)
    log = open(OUTPUT / "e2e-server.log", "wb")  # a pipe nobody reads would stall the server when full
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_healthy(url)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (bash scripts/test.sh does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def open_page(browser, url):
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page.goto(url)
    page.wait_for_selector("h3:has-text('statement')", timeout=60000)
    page.wait_for_selector("[data-testid=stVegaLiteChart] svg g.mark-rule", timeout=30000)
    return page


def settle(page):
    """Wait until the script is not running (no status widget) for a moment."""
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=60000)
    page.wait_for_timeout(500)


def headings(page):
    return page.locator("h3").all_inner_texts()


def test_a_link_filtered_to_one_actor_shows_only_that_actor_and_a_click_narrows_it(server, browser):
    page = open_page(browser, f"{server}/?actor=Ihar%20Kenyukh")
    OUTPUT.mkdir(exist_ok=True)
    expect(page.locator("h3", has_text="statement")).to_have_text("2 dated statements", timeout=30000)
    cards = page.locator("div.event")
    expect(cards).to_have_count(2, timeout=30000)
    for text in cards.all_inner_texts():
        assert "Ihar Kenyukh" in text
    marks = page.locator("[data-testid=stVegaLiteChart] svg g.mark-rule path, "
                         "[data-testid=stVegaLiteChart] svg g.mark-rule line")
    assert marks.count() >= 2
    # the lanes are the four actors the two statements name, and nothing else
    lanes = page.locator("[data-testid=stVegaLiteChart] svg text").evaluate_all("els => els.map(e => e.textContent)")
    assert {"Alyaksandr Lukashenka", "Ihar Kenyukh", "U.S. State Department", "Yauheni Shapetska"} <= set(lanes)
    assert "undefined" not in lanes
    page.screenshot(path=str(OUTPUT / "e2e-actor.png"), full_page=True)

    marks.first.click(force=True)
    expect(page.locator("h3", has_text="from every source")).to_have_text(
        re.compile(r"\d+ passages? from every source on the selected happening"), timeout=30000)
    assert "happening=h" in page.url  # the selection is in the link
    assert page.locator("div.event").count() >= 1
    page.screenshot(path=str(OUTPUT / "e2e-selected.png"), full_page=True)
    page.close()


def test_the_csv_download_holds_the_filtered_events(server, browser):
    page = open_page(browser, f"{server}/?source=Belsat")
    expect(page.locator("div.event")).to_have_count(6, timeout=30000)
    settle(page)
    path = None
    for _ in range(3):  # the file is made on click; a click during a rerun can be lost
        try:
            with page.expect_download(timeout=20000) as download:
                page.get_by_role("button", name="Events (CSV)").click()
            path = download.value.path()
            break
        except Exception:
            settle(page)
    assert path, "no download after three clicks"
    rows = list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8"))))
    assert len(rows) == 6 and {r["source"] for r in rows} == {"Belsat"}
    page.close()


def test_malformed_link_shows_a_notice_not_an_error(server, browser):
    page = open_page(browser, f"{server}/?year=abc&actor=Nobody")
    expect(page.locator("text=Unknown actor")).to_have_count(1, timeout=30000)
    expect(page.locator("h3", has_text="statement")).to_have_text("25 dated statements", timeout=30000)
    assert page.locator("[data-testid=stException]").count() == 0
    # "in power since 1994", "since August 2020, sanctions": each runs on, dashed, to an arrow
    arrows = page.locator("[data-testid=stVegaLiteChart] svg g.mark-symbol.role-mark path")
    assert arrows.count() >= 4
    assert page.locator("[data-testid=stVegaLiteChart] svg g.mark-rule.role-mark line[stroke-dasharray]").count() >= 4
    page.close()


def upload_in(page, name: str, data: bytes) -> None:
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(
        files=[{"name": name, "mimeType": "text/plain", "buffer": data}])


def test_two_readers_uploading_the_same_name_each_see_only_their_own(server, browser):
    """Two browser contexts are two readers; their files share a name and date offsets."""
    texts = {"A": b"Notes\nPolice came on 28 October 2020 to the flat, said PRIVATE-A.",
             "B": b"Notes\nPolice came on 28 October 2020 to the flat, said PRIVATE-B."}
    contexts = {who: browser.new_context(viewport={"width": 1400, "height": 1000}) for who in texts}
    pages = {}
    for who, context in contexts.items():
        page = context.new_page()
        page.goto(f"{server}/?q=to+the+flat")  # no seed matches: only the upload will
        page.wait_for_selector("[data-testid=stFileUploaderDropzoneInput]", state="attached", timeout=60000)
        upload_in(page, "notes.txt", texts[who])
        pages[who] = page
    for who, page in pages.items():
        other = "B" if who == "A" else "A"
        expect(page.locator("div.event")).to_have_count(1, timeout=60000)
        card = page.locator("div.event").inner_text()
        assert f"PRIVATE-{who}" in card and f"PRIVATE-{other}" not in page.content()
    pages["A"].screenshot(path=str(OUTPUT / "e2e-isolation-A.png"), full_page=True)
    for context in contexts.values():
        context.close()


def test_notices_in_the_browser_hold_no_links(server, browser):
    page = open_page(browser, f"{server}/?source=Log%20in%20again%20at%20https://evil.example/login")
    expect(page.locator("div.notice")).to_have_count(1, timeout=30000)
    assert "https://evil.example/login" in page.locator("div.notice").inner_text()
    assert page.locator("a[href*='evil.example']").count() == 0
    page.close()
