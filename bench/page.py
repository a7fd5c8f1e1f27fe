"""Page benchmarks: first render of the seed page, rerun cost on a 100,000-event table.

    python bench/page.py [--events 100000] [--rounds 10]

1. First complete render: the real Streamlit server on the seeds; headless
   Chromium (Playwright) opens the page; the time from navigation until the
   chart's marks and the passage list are drawn. Median of five fresh pages.
2. Rerun after a filter change, server side: AppTest runs streamlit_app.py on a
   synthetic table of --events rows (EVENTS_TABLE), changing the precision
   filter each round; beside it, in the same run, the rerun of an empty
   Streamlit script. Median seconds and the ratio (target: at most 3x).
3. The browser on that table: the real server with EVENTS_TABLE, time to first
   render and after a filter change in the URL, and the size of the chart spec
   the browser receives (aggregated counts, not 100,000 marks).
Needs the synthetic corpus of bench/speed.py (built if missing) and Debian's chromium.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
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
    def __init__(self, table: Path | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
        if table:
            env["EVENTS_TABLE"] = str(table)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"), "--server.port",
             str(self.port), "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_healthy(self.url)

    def close(self):
        self.proc.terminate()
        self.proc.wait(timeout=20)


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
    from streamlit.testing.v1 import AppTest

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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args(argv)

    server = Server()
    try:
        first = render_times(server.url, 5, "[data-testid=stVegaLiteChart] svg g.mark-rule")
    finally:
        server.close()
    print(f"seed page, first complete render after the server is up: median {statistics.median(first):.2f} s "
          f"(min {min(first):.2f}, max {max(first):.2f}, 5 fresh pages)")

    table = big_table(args.events)

    def change(at, i):
        at.multiselect(key="precision").set_value([["day"], ["month"], ["year"]][i % 3])

    def touch(at, i):
        at.session_state["n"] = i

    ours = rerun_times(str(ROOT / "streamlit_app.py"), table, args.rounds, change)
    empty = rerun_times("import streamlit as st\n", None, args.rounds, touch)
    m_ours, m_empty = statistics.median(ours), statistics.median(empty)
    print(f"rerun after a filter change on {args.events:,} events: median {m_ours * 1000:.0f} ms; "
          f"empty Streamlit script rerun: median {m_empty * 1000:.0f} ms; ratio {m_ours / m_empty:.1f}x")

    server = Server(table)
    try:
        loads = render_times(server.url, 3, "[data-testid=stVegaLiteChart] svg g.mark-rect")
        filtered = render_times(server.url + "/?precision=day", 3, "[data-testid=stVegaLiteChart] svg g.mark-rect")
        from streamlit.testing.v1 import AppTest

        os.environ["EVENTS_TABLE"] = str(table)
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=300)
        at.run()
        spec_bytes = len(at.get("vega_lite_chart")[0].proto.spec.encode()) + sum(
            len(d.data.data) for d in at.get("vega_lite_chart")[0].proto.datasets)
    finally:
        server.close()
    print(f"browser on {args.events:,} events: first render median {statistics.median(loads):.2f} s, "
          f"filtered link median {statistics.median(filtered):.2f} s; chart sent as aggregated counts "
          f"({spec_bytes / 1024:.0f} KiB of spec and data)")


if __name__ == "__main__":
    main()
