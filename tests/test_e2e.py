"""End to end: the real Streamlit server, driven in Debian's Chromium by Playwright."""

import csv
import io
import json
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


def serve(extra_env: dict | None = None, log_name: str = "e2e-server.log"):
    """The real Streamlit server on a free port, for as long as the generator is held."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", **(extra_env or {})}
    OUTPUT.mkdir(exist_ok=True)
    log = open(OUTPUT / log_name, "wb")  # a pipe nobody reads would stall the server when full
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
def server():
    yield from serve()


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


def open_page(browser, url, ready="h3:has-text('statement')"):
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page.goto(url)
    page.wait_for_selector(ready, timeout=60000)
    page.wait_for_selector("[data-testid=stVegaLiteChart] svg g.mark-rule line", state="attached", timeout=30000)
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


def test_a_link_longer_than_the_server_reads_is_named_not_silently_dropped(server, browser):
    # 1,001 parameters: Streamlit hands the script no query string at all, so only the browser knows
    long_link = "actor=Ihar+Kenyukh&" + "&".join(f"x{i}=1" for i in range(1000))
    page = open_page(browser, f"{server}/?{long_link}")
    expect(page.locator("#dropped-link")).to_be_visible(timeout=30000)
    assert "all of them were ignored" in page.locator("#dropped-link").inner_text()
    expect(page.locator("h3", has_text="statement")).to_have_text("25 dated statements", timeout=30000)
    page.close()
    for url in (f"{server}/", f"{server}/?{'&'.join(f'x{i}=1' for i in range(999))}"):  # at or under the limit
        page = open_page(browser, url)
        settle(page)
        assert not page.locator("#dropped-link").is_visible()
        if url.endswith("/"):  # hidden, its box takes no room either (no gap under the summary line)
            assert page.locator("#dropped-link").evaluate(
                "e => getComputedStyle(e.closest('[data-testid=stElementContainer]')).display") == "none"
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
    expect(page.locator("div.notice:visible")).to_have_count(1, timeout=30000)
    assert "https://evil.example/login" in page.locator("div.notice:visible").inner_text()
    assert page.locator("a[href*='evil.example']").count() == 0
    page.close()


def svg_texts(locator) -> list[str]:
    return locator.evaluate_all("els => els.map(e => e.textContent)")


def legend_colours(page) -> dict[str, str]:
    """Precision -> the colour its legend symbol is drawn in."""
    chart = page.locator("[data-testid=stVegaLiteChart] svg").first
    labels = svg_texts(chart.locator("g.role-legend-label text"))
    fills = chart.locator("g.role-legend-symbol path").evaluate_all("els => els.map(e => e.getAttribute('fill'))")
    return dict(zip(labels, fills))


def test_a_precision_has_one_colour_in_every_view(server, browser):
    everything = legend_colours(open_page(browser, server))
    one_actor = legend_colours(open_page(browser, f"{server}/?actor=Ihar%20Kenyukh"))
    assert {"day", "month", "year"} <= set(everything) and {"day", "month"} <= set(one_actor)
    assert all(everything[p] == colour for p, colour in one_actor.items())
    assert len(set(everything.values())) == len(everything)  # and no two share one


def test_on_a_phone_the_chart_comes_first_and_keeps_its_width(server, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                            has_touch=True)
    page.goto(server)
    page.wait_for_selector("[data-testid=stVegaLiteChart] svg g.mark-rule", timeout=60000)
    settle(page)
    # the plot, not the lane names, has most of the width (the x axis's ticks are few on a phone,
    # so the plot is the chart less its lane names)
    whole = page.locator("[data-testid=stVegaLiteChart] svg").first.bounding_box()
    names = page.locator("[data-testid=stVegaLiteChart] svg g[aria-roledescription=axis][aria-label^='Y-axis']")
    assert whole["width"] - names.first.bounding_box()["width"] >= 0.5 * 390, (whole, names.first.bounding_box())
    chart_top = page.locator("[data-testid=stVegaLiteChart]").first.bounding_box()["y"]
    assert chart_top < 844 and chart_top < page.locator("div.event").first.bounding_box()["y"]  # first on screen
    lanes = svg_texts(page.locator("[data-testid=stVegaLiteChart] svg g[aria-label^='Y-axis'] text"))
    assert "Ihar Kenyukh" in lanes and all(len(lane) >= 12 for lane in lanes if lane.endswith("…"))  # cut, still read
    legend = page.locator("[data-testid=stVegaLiteChart] svg g.role-legend").first.bounding_box()
    assert legend["x"] + legend["width"] <= 390  # the legend wraps instead of running off the screen
    page.screenshot(path=str(OUTPUT / "e2e-phone.png"), full_page=True)
    # the filters are one tap away, and a filter in force is said above the chart
    page.locator("[data-testid=stExpandSidebarButton], [data-testid=stSidebarCollapsedControl] button").first.click()
    actor = page.locator("[data-testid=stSidebar] [data-testid=stMultiSelect]").first
    expect(actor).to_be_visible(timeout=10000)
    page.goto(f"{server}/?actor=Ihar%20Kenyukh")
    expect(page.get_by_text("Filtered to", exact=False).first).to_be_visible(timeout=60000)
    page.close()


def test_the_table_view_sorts_pages_and_reads_selected_rows_and_keeps_it_all_in_the_link(server, browser):
    page = open_page(browser, f"{server}/?view=Table&rows=dated+statement", ready="[data-testid=stDataFrame]")
    grid = page.locator("[data-testid=stDataFrame]")
    expect(grid).to_have_count(1, timeout=30000)
    settle(page)
    page.get_by_text("Descending", exact=True).click()
    page.wait_for_url(re.compile(r"desc=true", re.I), timeout=30000)
    assert "view=Table" in page.url and "rows=dated" in page.url
    settle(page)
    # select the first row by its checkbox column: its passage is read below the table
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 12, box["y"] + 52)
    expect(page.locator("h3", has_text="of the selected rows")).to_have_count(1, timeout=30000)
    assert page.locator("div.event").count() == 1
    page.screenshot(path=str(OUTPUT / "e2e-table.png"), full_page=True)
    page.close()


def test_a_card_opens_its_whole_article_with_each_date_linked_to_its_card(server, browser):
    page = open_page(browser, f"{server}/?source=Amnesty%20International")
    page.locator("div.event a", has_text="the whole article").first.click()
    expect(page.locator("div.article")).to_have_count(1, timeout=60000)
    assert "view=Article" in page.url and "doc=" in page.url
    dates = page.locator("div.article a.date")
    assert dates.count() >= 3
    target = dates.nth(1).get_attribute("href")
    dates.nth(1).click()
    assert page.locator(f"div.event{target}").count() == 1  # the card the date links to is on the page
    page.wait_for_timeout(500)
    assert page.locator(f"div.event{target}").is_visible() and page.url.endswith(target)
    page.screenshot(path=str(OUTPUT / "e2e-article.png"), full_page=True)
    page.close()


def test_a_link_to_one_statement_opens_on_it(server, browser):
    rows = list(csv.DictReader(io.StringIO((ROOT / "data" / "events.csv").read_text(encoding="utf-8"))))
    december = next(r for r in rows if r["mention"] == "December 10")
    page = open_page(browser, f"{server}/?event={december['event_id']}")
    expect(page.locator("div.event")).to_have_count(1, timeout=30000)
    assert december["event_id"] in page.locator("div.event").get_attribute("id")
    assert page.locator("h3", has_text="The linked dated statement").count() == 1
    page.close()


TIMELINEJS = ROOT / "tests" / "vendor" / "timelinejs"


def download(page, label: str) -> bytes:
    settle(page)
    for _ in range(3):  # the file is made on click; a click during a rerun can be lost
        try:
            with page.expect_download(timeout=20000) as done:
                page.get_by_role("button", name=label).click()
            return Path(done.value.path()).read_bytes()
        except Exception:
            settle(page)
    raise AssertionError(f"no {label} download after three clicks")


def test_the_timelinejs_download_reads_well_in_timelinejs(server, browser, tmp_path):
    page = open_page(browser, server)
    story = json.loads(download(page, "TimelineJS (JSON)"))
    page.close()
    viewer = tmp_path / "timeline.html"
    viewer.write_text(
        f'<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="{TIMELINEJS.as_uri()}/css/timeline.css">'
        f'<script src="{TIMELINEJS.as_uri()}/js/timeline.js"></script></head><body>'
        '<div id="timeline" style="width: 1200px; height: 700px"></div>'
        f'<script>window.story = new TL.Timeline("timeline", {json.dumps(story)});</script></body></html>',
        encoding="utf-8")
    page = browser.new_page(viewport={"width": 1300, "height": 800})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(viewer.as_uri())
    page.wait_for_selector(".tl-slide-content", state="attached", timeout=30000)
    page.wait_for_timeout(1500)
    assert not errors
    slides = page.locator(".tl-slide")
    assert slides.count() == len(story["events"]) + 1  # the title, then one slide a happening
    images = page.locator("img").evaluate_all("els => els.map(e => [e.src, e.complete && e.naturalWidth > 0])")
    assert all(loaded for _, loaded in images), images  # no broken image
    assert page.locator(".tl-media-loaderror, .tl-media-item.tl-media-loaderror").count() == 0
    dates = [d.strip() for d in page.locator(".tl-headline-date").all_text_contents() if d.strip()]
    assert len(dates) == len(story["events"])
    # at the precision of the words: "2024", "August 2020", not "January 1, 2024 — December 31, 2024"
    assert "2024" in dates and any(re.fullmatch(r"(?i)august 2020", d) for d in dates), dates
    assert not any(re.search(r"(?i)january 1, \d{4}", d) for d in dates)
    headlines = [h.strip() for h in page.locator(".tl-slide-content .tl-headline").all_text_contents()]
    headlines = [h for h in headlines if h and h != story["title"]["text"]["headline"]]
    assert len(headlines) == len(story["events"])
    assert all(len(h.split()) >= 3 for h in headlines), headlines  # what happened, not "last year"
    page.screenshot(path=str(OUTPUT / "e2e-timelinejs.png"))
    page.close()


def test_readers_get_no_developer_menu_and_keep_their_own_theme(server, browser):
    backgrounds = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, color_scheme=scheme)
        page = context.new_page()
        page.goto(server)
        page.wait_for_selector("[data-testid=stVegaLiteChart] svg g.mark-rule", timeout=60000)
        backgrounds[scheme] = page.locator("[data-testid=stApp]").evaluate("e => getComputedStyle(e).backgroundColor")
        assert page.get_by_role("button", name="Deploy").count() == 0
        page.locator("[data-testid=stMainMenu]").first.click()
        menu = page.locator("[data-testid=stMainMenuPopover], [data-testid=stMainMenuList]").first
        expect(menu).to_be_visible(timeout=10000)
        assert "Clear cache" not in menu.inner_text() and "Rerun" not in menu.inner_text()
        context.close()
    def brightness(rgb):
        return sum(int(v) for v in re.findall(r"\d+", rgb)[:3])
    assert brightness(backgrounds["light"]) > 600 and brightness(backgrounds["dark"]) < 200, backgrounds


HOSTILE_LABELS = {  # outlet, title and actor values that Markdown would turn into requests, links or colour
    # short enough to be shown whole on a facet button (longer ones are cut to fit)
    "source": {"Belsat": "![p](http://203.0.113.9/p)", "Pozirk": ":red[**Verify evil.x**]"},
    "title": "[Open](http://203.0.113.9/title) ![t](http://203.0.113.9/title.png)",
    "actor": "![a](http://203.0.113.9/a)",
}


@pytest.fixture(scope="module")
def hostile_server(seed_table, tmp_path_factory):
    """A server whose shared table names outlets, titles and an actor in Markdown and HTML."""
    table = seed_table.copy()
    table["source"] = table["source"].replace(HOSTILE_LABELS["source"])
    table["title"] = HOSTILE_LABELS["title"]
    table["actors"] = table["actors"].str.replace("Alyaksandr Lukashenka", HOSTILE_LABELS["actor"], regex=False)
    path = tmp_path_factory.mktemp("hostile") / "events.csv"
    table.to_csv(path, index=False)
    yield from serve({"EVENTS_TABLE": str(path)}, "e2e-hostile-server.log")


def test_no_label_made_from_documents_sends_the_browser_anywhere(hostile_server, browser):
    """Every facet button, list and title shows these values as written; the browser asks
    nothing of any address but the page's own."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(hostile_server)
    page.wait_for_selector("h3:has-text('statement')", timeout=60000)
    settle(page)
    # open every list that shows documents' values: the article picker and the happening list
    page.get_by_text("Article", exact=True).first.click()
    settle(page)
    for box in page.locator("[data-testid=stSelectbox]").all():
        if not box.is_visible():
            continue  # inside a closed expander
        box.click()
        page.wait_for_timeout(300)
        page.keyboard.press("Escape")
    settle(page)
    body = page.locator("body").inner_text()
    for value in (*HOSTILE_LABELS["source"].values(), HOSTILE_LABELS["actor"]):
        assert value in body, value  # shown as written
    foreign = [url for url in asked if not url.startswith(hostile_server) and not url.startswith(("data:", "blob:"))]
    assert foreign == []
    assert page.locator("img[src*='203.0.113.9'], a[href*='203.0.113.9']").count() == 0
    page.screenshot(path=str(OUTPUT / "e2e-hostile-labels.png"), full_page=True)
    page.close()


def plot_height(page) -> float:
    """The plot's own height: from the top of the chart's marks area to its time axis."""
    svg = page.locator("[data-testid=stVegaLiteChart] svg").first.bounding_box()
    axis = page.locator("[data-testid=stVegaLiteChart] svg g[aria-roledescription=axis][aria-label^='X-axis']").first
    return axis.bounding_box()["y"] - svg["y"]


def boxes_overlap(boxes) -> list:
    boxes = sorted(boxes, key=lambda b: b["y"])
    return [(a, b) for a, b in zip(boxes, boxes[1:]) if a["y"] + a["height"] > b["y"] + 1]


@pytest.mark.parametrize("query", ["q=Referendum", "actor=Marie+Struthers", "lanes=Outlet", "lanes=None"])
def test_every_filter_state_draws_its_marks_in_a_plot_with_room(server, browser, query):
    page = open_page(browser, f"{server}/?{query}")
    settle(page)
    assert plot_height(page) >= 40
    names = page.locator("[data-testid=stVegaLiteChart] svg g[aria-label^='Y-axis'] text")
    shown = [box for box, text in zip([n.bounding_box() for n in names.all()], svg_texts(names)) if text]
    assert boxes_overlap(shown) == []  # no lane name printed over another
    ticks = [t for t in svg_texts(page.locator("[data-testid=stVegaLiteChart] svg g[aria-label^='X-axis'] text")) if t]
    assert ticks and all(re.search(r"\b(?:19|20)\d\d$", t) for t in ticks), ticks  # every tick says its year
    page.screenshot(path=str(OUTPUT / f"e2e-lanes-{query.replace('=', '-').replace('+', '-')}.png"), full_page=True)
    page.close()


def test_the_seed_page_labels_its_happenings_and_marks_the_1994_start(server, browser):
    page = open_page(browser, f"{server}/?lanes=None")
    settle(page)
    words = [t for t in svg_texts(page.locator("[data-testid=stVegaLiteChart] svg g.mark-text text")) if len(t) > 3]
    assert len(words) >= 10 and any(t.startswith("◀ since 1994") for t in words), words
    labels = page.locator("[data-testid=stVegaLiteChart] svg g.mark-text text").all()
    boxes = [b for b in (label.bounding_box() for label in labels) if b and b["width"] > 0]
    for i, a in enumerate(boxes):  # no label printed over another
        for b in boxes[i + 1:]:
            assert (a["x"] + a["width"] <= b["x"] + 1 or b["x"] + b["width"] <= a["x"] + 1
                    or a["y"] + a["height"] <= b["y"] + 1 or b["y"] + b["height"] <= a["y"] + 1), (a, b)
    page.close()


def test_the_uploads_table_shows_every_fact_without_sideways_scrolling(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(server)
    page.wait_for_selector("[data-testid=stFileUploaderDropzoneInput]", state="attached", timeout=60000)
    page.locator("[data-testid=stSidebarUserContent] [data-testid=stFileUploaderDropzoneInput]").set_input_files(files=[
        {"name": "raid.txt", "mimeType": "text/plain", "buffer": b"Raid\nPolice came on 28 October 2020 to the flat."}])
    table = page.locator("[data-testid=stMain] [data-testid=stDataFrame], [data-testid=stMain] [data-testid=stDataFrameResizable]")
    expect(table.first).to_be_visible(timeout=60000)
    # in the main column, not the 260 px sidebar: six columns of about 120 px each are all in view
    assert table.first.bounding_box()["width"] >= 700
    page.screenshot(path=str(OUTPUT / "e2e-uploads-table.png"))
    page.close()


@pytest.fixture(scope="module")
def duckdb_server(tmp_path_factory):
    """A server on a generated table of 300,000 statements and its happenings view, asked
    through DuckDB (tests/big_table.py)."""
    from . import big_table

    events, happenings = big_table.write(tmp_path_factory.mktemp("duckdb"), 300_000)
    yield from serve({"EVENTS_TABLE": str(events), "EVENTS_HAPPENINGS": str(happenings)}, "e2e-duckdb-server.log")


def test_a_table_asked_through_duckdb_reads_as_any_other(duckdb_server, browser):
    """Counts, the per-month chart, a bar clicked, pages of cards and the text search, on the
    real server with the DuckDB store."""
    page = open_page(browser, f"{duckdb_server}/?q=appeal")
    expect(page.locator("h3", has_text="statement")).to_have_text(re.compile(r"^[\d,]+ dated statements$"),
                                                                  timeout=60000)
    assert "of 300,000 dated statements" in page.locator("[data-testid=stMain] [data-testid=stMarkdown]").first.inner_text()
    cards = page.locator("div.event")
    expect(cards).to_have_count(50, timeout=30000)
    first_page = cards.evaluate_all("els => els.map(e => e.dataset.eventId)")
    assert all("appeal" in text.lower() for text in cards.all_inner_texts())
    page.screenshot(path=str(OUTPUT / "e2e-duckdb.png"), full_page=True)
    bars = page.locator("[data-testid=stVegaLiteChart] svg g.mark-rect path")
    assert bars.count() > 10  # counts per year (30 years of dates)
    settle(page)
    bars.nth(bars.count() // 2).click(force=True)
    expect(page.locator("h3", has_text="selected on the chart")).to_have_text(
        re.compile(r"^[\d,]+ dated statements? selected on the chart$"), timeout=30000)
    assert cards.count() >= 1 and all("appeal" in t.lower() for t in cards.all_inner_texts())
    page.close()
    second = open_page(browser, f"{duckdb_server}/?q=appeal&page=2")
    expect(second.locator("div.event")).to_have_count(50, timeout=30000)
    ids = second.locator("div.event").evaluate_all("els => els.map(e => e.dataset.eventId)")
    assert not set(ids) & set(first_page)
    second.close()
