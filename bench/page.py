"""Page benchmarks: first render of the seed page, rerun cost on a 100,000-event table.

    python bench/page.py [--events 100000] [--rounds 30]

1. First complete render: the real Streamlit server on the seeds; headless
   Chromium (Playwright) opens the page; the time from navigation until the
   chart's marks and the passage list are drawn. Median of five fresh pages.
2. Rerun after a filter change, server time: the real Streamlit server on a
   synthetic table of --events rows (EVENTS_TABLE); a client speaks the page's
   own websocket protocol, sends the rerun a changed precision filter causes
   (its widget state, as the browser sends it) and times it until the server's
   `script_finished` message, a pause between rounds as between a person's
   clicks. Beside it, in the same run and the same way: an empty Streamlit
   script, and an empty script that also calls gc.freeze() as the page does
   (Streamlit collects garbage after every rerun; in an empty script's process
   that collection is most of the rerun). Median and ratios (target: at most 3x).
   Then the same reruns in AppTest, which times the script alone (no garbage
   collection, no transport; the script compiled once, as the server does).
3. The browser on that table: the real server with EVENTS_TABLE, time to first
   render and after a filter change in the URL, and the size of the chart spec
   the browser receives (aggregated counts, not 100,000 marks).
4. A second reader while a first uploads (`--upload-only` runs just this): the real
   server on the seeds; reader B's page load (fresh browser context, until the
   chart and passages are drawn), idle and then while reader A's upload of the
   slowest file under the limits (a 10 MB sentence of month names,
   tests/hostile_shapes.py) is being read; then A's browser context closes and,
   once its session has expired (the server runs with
   server.disconnectedSessionTTL=10 here; the default is 120 s) and another
   reader's visit has let Streamlit drop it, the server process's memory against
   its memory before A came. Twice: the first upload also pays one-time imports.
Needs the synthetic corpus of bench/speed.py (built if missing) and Debian's chromium.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(__file__).resolve().parent / "out"
sys.path.insert(0, str(ROOT))


from tests.test_e2e import CHROMIUM, FLAGS, free_port, wait_healthy  # noqa: E402


def big_table(events: int) -> Path:
    path = OUT / f"events-{events}.parquet"
    if path.exists():
        return path
    import pandas as pd

    corpus = OUT / "corpus-3000x5000-1"
    if not (corpus / "manifest.csv").exists():
        subprocess.run([sys.executable, str(ROOT / "bench" / "speed.py"), "--docs", "3000"], check=True)
    full = OUT / "events-full.parquet"
    subprocess.run([sys.executable, "-m", "explorer", "build", str(corpus), "--out", str(full)], cwd=ROOT, check=True)
    table = pd.read_parquet(full)
    while len(table) < events:
        table = pd.concat([table, table], ignore_index=True)
    table.head(events).to_parquet(path, index=False)
    return path


class Server:
    def __init__(self, table: Path | None = None, script: Path = ROOT / "streamlit_app.py", extra=()):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
        env.pop("EVENTS_TABLE", None)  # the seeds unless a table is given (AppTest's runs set it in this process)
        if table:
            env["EVENTS_TABLE"] = str(table)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.port",
             str(self.port), "--server.address", "127.0.0.1", "--server.headless", "true", *extra],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_healthy(self.url)

    def close(self):
        self.proc.terminate()
        self.proc.wait(timeout=20)


async def _server_reruns(url: str, rounds: int, widget_key: str | None, values: list[list[str]]) -> list[float]:
    """Seconds from a rerun request to `script_finished`, over the page's websocket."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.proto.WidgetStates_pb2 import WidgetStates

    async with websockets.connect(url.replace("http", "ws", 1) + "/_stcore/stream", subprotocols=["streamlit"],
                                  max_size=None) as ws:
        async def rerun(states: WidgetStates | None) -> tuple[float, list[ForwardMsg]]:
            msg = BackMsg()
            msg.rerun_script.query_string = ""
            if states is not None:
                msg.rerun_script.widget_states.CopyFrom(states)
            start = time.perf_counter()
            await ws.send(msg.SerializeToString())
            received = []
            while True:
                forward = ForwardMsg()
                forward.ParseFromString(await ws.recv())
                received.append(forward)
                if forward.WhichOneof("type") == "script_finished":
                    assert forward.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY, forward
                    return time.perf_counter() - start, received

        _, first = await rerun(None)
        widget_id = None
        if widget_key:
            widget_id = next(m.delta.new_element.multiselect.id for m in first
                             if m.WhichOneof("type") == "delta" and m.delta.WhichOneof("type") == "new_element"
                             and m.delta.new_element.WhichOneof("type") == "multiselect"
                             and m.delta.new_element.multiselect.id.endswith("-" + widget_key))
        times = []
        for i in range(rounds):
            states = None
            if widget_id:
                states = WidgetStates()
                widget = states.widgets.add()
                widget.id = widget_id
                widget.string_array_value.data.extend(values[i % len(values)])
            await asyncio.sleep(0.05)
            seconds, _ = await rerun(states)
            times.append(seconds)
        return times


def server_rerun_times(table: Path | None, script: Path, rounds: int, widget_key: str | None = None,
                       values: list[list[str]] = ()) -> list[float]:
    server = Server(table, script)
    try:
        return asyncio.run(_server_reruns(server.url, rounds, widget_key, list(values)))
    finally:
        server.close()


def render_times(url: str, rounds: int, ready: str) -> list[float]:
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for _ in range(rounds):
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            start = time.perf_counter()
            page.goto(url)
            page.wait_for_selector(ready, timeout=120000)
            page.wait_for_selector("h3:has-text('statement')", timeout=120000)
            times.append(time.perf_counter() - start)
            page.close()
        browser.close()
    return times


def rerun_times(script: str, env_table: Path | None, rounds: int, change) -> list[float]:
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import AppTest, local_script_runner

    # AppTest compiles the script on every run; the server compiles it once (one
    # ScriptCache for the runtime). Give AppTest one cache too, as the server does.
    shared = ScriptCache()
    local_script_runner.ScriptCache = lambda: shared

    if env_table:
        os.environ["EVENTS_TABLE"] = str(env_table)
    at = AppTest.from_file(script, default_timeout=300) if script.endswith(".py") else AppTest.from_string(script)
    at.run()
    times = []
    for i in range(rounds):
        change(at, i)
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    assert not at.exception, at.exception
    os.environ.pop("EVENTS_TABLE", None)
    return times


def worst_upload() -> tuple[str, bytes]:
    from explorer.corpus import MAX_DOCUMENT_BYTES
    from tests.hostile_shapes import SHAPES

    shape = SHAPES["month names in one sentence"]
    k = MAX_DOCUMENT_BYTES // len(shape(1)[1])
    while len(shape(k)[1]) > MAX_DOCUMENT_BYTES:
        k -= 1
    return shape(k)


def upload_interference(rounds: int = 5) -> None:
    import psutil
    from playwright.sync_api import sync_playwright

    name, data = worst_upload()
    server = Server(extra=["--server.disconnectedSessionTTL", "10"])
    process = psutil.Process(server.proc.pid)
    ready = "[data-testid=stVegaLiteChart] svg g.mark-rule"

    def load(browser) -> float:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        start = time.perf_counter()
        page.goto(server.url)
        page.wait_for_selector(ready, timeout=120000)
        page.wait_for_selector("h3:has-text('statement')", timeout=120000)
        seconds = time.perf_counter() - start
        context.close()
        return seconds

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            load(browser)  # the server's first page: imports and the seed table
            idle = [load(browser) for _ in range(rounds)]
            time.sleep(15)  # the idle readers' sessions expire
            memory = []  # per upload: (before, peak, after); the first also pays one-time imports and warm-up
            waits = []  # per upload: (B's page loads meanwhile, seconds A's upload took, whether it was read)
            for _ in range(2):
                start_rss = process.memory_info().rss / 2**20
                reader_a = browser.new_context(viewport={"width": 1400, "height": 1000})
                page_a = reader_a.new_page()
                page_a.goto(server.url)
                articles = "[data-testid=stSidebarUserContent] [data-testid=stFileUploaderDropzoneInput]"  # not corrections'
                page_a.wait_for_selector(articles, state="attached", timeout=60000)
                started = time.perf_counter()
                page_a.locator(articles).set_input_files(
                    files=[{"name": name, "mimeType": "text/plain", "buffer": data}])
                busy = []
                peak = start_rss
                outcome = page_a.locator("[data-testid=stDataFrame], [data-testid=stDataFrameResizable]")
                while outcome.count() == 0 and time.perf_counter() - started < 180:
                    busy.append(load(browser))
                    peak = max(peak, process.memory_info().rss / 2**20)
                read_a = time.perf_counter() - started
                page_a.wait_for_timeout(1000)
                status = "read" if page_a.locator("text=5000 dated").count() else "not read in time"
                reader_a.close()
                # Streamlit keeps a disconnected session for its TTL in case the reader comes
                # back, and drops expired ones at its next session event: a reader's visit.
                time.sleep(15)
                load(browser)
                time.sleep(15)
                memory.append((start_rss, peak, process.memory_info().rss / 2**20))
                waits.append((busy, read_a, status))
            busy, read_a, status = waits[0]
            browser.close()
    finally:
        server.close()
    m_idle, m_busy = statistics.median(idle), statistics.median(busy)
    print(f"second reader's page load: idle median {m_idle:.2f} s ({rounds} loads); while the first reader's "
          f"{len(data) / 2**20:.1f} MB upload was read ({read_a:.1f} s, {status}): median {m_busy:.2f} s over {len(busy)} loads "
          f"(max {max(busy):.2f} s); ratio {m_busy / m_idle:.2f}x (target <= 2x)")
    for n, (start_rss, peak, after) in enumerate(memory, 1):
        print(f"server process memory, upload {n}: {start_rss:.0f} MB before, {peak:.0f} MB at most while it was "
              f"read, {after:.0f} MB after its session closed ({after - start_rss:+.0f} MB; target within 50 MB)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--upload-only", action="store_true", help="only the upload interference measurement")
    args = parser.parse_args(argv)
    if args.upload_only:
        upload_interference()
        return

    server = Server()
    try:
        first = render_times(server.url, 5, "[data-testid=stVegaLiteChart] svg g.mark-rule")
    finally:
        server.close()
    print(f"seed page, first complete render after the server is up: median {statistics.median(first):.2f} s "
          f"(min {min(first):.2f}, max {max(first):.2f}, 5 fresh pages)")

    table = big_table(args.events)
    precisions = [["day"], ["month"], ["year"]]
    with tempfile.TemporaryDirectory() as tmp:
        empty, frozen = Path(tmp) / "empty.py", Path(tmp) / "empty_frozen.py"
        empty.write_text("import streamlit as st\n")
        frozen.write_text("import gc\n\nimport streamlit as st\n\ngc.freeze()\n")
        rounds = args.rounds
        ours = server_rerun_times(table, ROOT / "streamlit_app.py", rounds, "precision", precisions)
        bare = server_rerun_times(None, empty, rounds)
        bare_frozen = server_rerun_times(None, frozen, rounds)
    m_ours, m_bare, m_frozen = (statistics.median(t) * 1000 for t in (ours, bare, bare_frozen))
    print(f"rerun after a filter change on {args.events:,} events, real server: median {m_ours:.1f} ms; "
          f"empty script: median {m_bare:.1f} ms (ratio {m_ours / m_bare:.2f}x); empty script with "
          f"gc.freeze(): median {m_frozen:.1f} ms (ratio {m_ours / m_frozen:.2f}x); {rounds} rounds each; "
          f"the first visit of each filter value: {', '.join(f'{t * 1000:.1f}' for t in ours[:3])} ms")

    def change(at, i):
        at.multiselect(key="precision").set_value(precisions[i % 3])

    def touch(at, i):
        at.session_state["n"] = i

    ours = rerun_times(str(ROOT / "streamlit_app.py"), table, args.rounds, change)
    empty = rerun_times("import streamlit as st\n", None, args.rounds, touch)
    m_ours, m_empty = statistics.median(ours), statistics.median(empty)
    print(f"the same in AppTest (the script alone): median {m_ours * 1000:.1f} ms; "
          f"empty script: median {m_empty * 1000:.1f} ms; ratio {m_ours / m_empty:.1f}x")

    server = Server(table)
    try:
        loads = render_times(server.url, 3, "[data-testid=stVegaLiteChart] svg g.mark-rect")
        filtered = render_times(server.url + "/?precision=day", 3, "[data-testid=stVegaLiteChart] svg g.mark-rect")
        from streamlit.testing.v1 import AppTest

        os.environ["EVENTS_TABLE"] = str(table)
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=300)
        at.run()
        proto = at.get("vega_lite_chart")[0].proto
        spec_bytes = len(proto.spec.encode()) + len(proto.data.data) + sum(len(d.data.data) for d in proto.datasets)
    finally:
        server.close()
    print(f"browser on {args.events:,} events: first render median {statistics.median(loads):.2f} s, "
          f"filtered link median {statistics.median(filtered):.2f} s; chart sent as aggregated counts "
          f"({spec_bytes / 1024:.0f} KiB of spec and data)")
    upload_interference()


if __name__ == "__main__":
    main()
