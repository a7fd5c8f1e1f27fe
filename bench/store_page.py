"""The page on big tables (issue 22): a real browser on the real server, and AppTest.

    python bench/store_page.py [--rows 250000,1000000,5000000] [--work /tmp/store-bench]

Tables: tests/big_table.py's generated table and its happenings view (bench/store.py's, kept
in --work and reused), asked through DuckDB (EVENTS_TABLE + EVENTS_HAPPENINGS). Beside it, in
the same run, the in-memory page on the same statements at the sizes of --memory-rows (a CSV
copy: a Parquet table of 250,000 statements or more is only opened with its view).

For each store and size, a real Streamlit server started afresh, and headless Chromium:
- first complete render: navigation until the chart's bars and the passage cards are drawn,
  cold (the server's first page) and warm (a second reader, a fresh browser context);
- rerun after a filter change: the text search set to a new word (Enter pressed) until the
  script has finished with a new count and cards drawn; four new words, median and worst;
  then a word asked before (its answers kept);
- server memory: the server process's RSS after its first page and its peak over all of it.
Then, each in a fresh process, the page opened with AppTest (the script run once to its end):
seconds and the process's peak memory (imports included).
Targets at 5M rows: first render under 3 s, rerun under 0.5 s, server memory under 600 MB;
at 1M rows, the page opened with AppTest under 3 s and 600 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import page as page_bench  # noqa: E402
from bench.page import IDLE, Server, Watch  # noqa: E402
from bench.store import ensure_tables, parquet_paths, parse_rows  # noqa: E402
from tests.test_e2e import CHROMIUM, FLAGS  # noqa: E402

READY = ("[data-testid=stVegaLiteChart] svg g.mark-rect path", "div.event")
WORDS = ["appeal", "verdict", "Grodno", "strike"]
# the page has run to its end with a count other than `before` and its cards drawn
RERUN_DONE = """(before) => {
  const app = document.querySelector('[data-testid=stApp]');
  const h = [...document.querySelectorAll('h3')].find(e => e.innerText.includes('statement'));
  return app && app.getAttribute('data-test-script-state') === 'notRunning' && h && h.innerText !== before
    && document.querySelector('div.event') !== null;
}"""


def environment(store: str, work: Path, rows: int) -> dict[str, str]:
    events, happenings = parquet_paths(work, rows)
    if store == "duckdb":
        return {"EVENTS_TABLE": str(events), "EVENTS_HAPPENINGS": str(happenings)}
    return {"EVENTS_TABLE": str(csv_copy(work, rows)), "EVENTS_HAPPENINGS": ""}


def csv_copy(work: Path, rows: int) -> Path:
    """The size's table as CSV, for the in-memory page (written once, kept beside the Parquet)."""
    path = work / f"events-{rows}.csv"
    if not path.exists():
        import pandas as pd

        from explorer.events import write_table

        partial = path.with_suffix(".partial.csv")
        write_table(pd.read_parquet(parquet_paths(work, rows)[0]), partial)
        os.replace(partial, path)
    return path


def _visit(browser, url: str):
    """A reader's page in a fresh context (bench/page.py's), once its script has finished."""
    context, page, wall, _ = page_bench._visit(browser, url, READY)
    page.wait_for_selector(IDLE, state="attached", timeout=300_000)
    return context, page, wall


def _search(page, word: str) -> float:
    before = page.locator("h3", has_text="statement").first.inner_text()
    box = page.get_by_label("Search the passages")
    box.fill(word)
    start = time.perf_counter()
    box.press("Enter")
    page.wait_for_function(RERUN_DONE, arg=before, timeout=300_000, polling=20)
    return time.perf_counter() - start


def browser_run(store: str, work: Path, rows: int) -> dict:
    from playwright.sync_api import sync_playwright

    server = Server(extra=["--server.disconnectedSessionTTL", "10"], env=environment(store, work, rows))
    watch = Watch(server.proc.pid)
    result: dict = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            blank = browser.new_context()  # the browser's own start is paid before the page
            blank.new_page().goto("about:blank")
            blank.close()
            context, page, result["cold_s"] = _visit(browser, server.url)
            result["rss_first_mb"] = watch.sample()[0]
            result["said"] = page.locator("h3", has_text="statement").first.inner_text()
            result["rerun_s"] = [_search(page, word) for word in WORDS]
            result["rerun_again_s"] = _search(page, WORDS[0])
            context.close()
            context, page, result["warm_s"] = _visit(browser, server.url)
            context.close()
            browser.close()
        time.sleep(0.5)
        result["rss_peak_mb"] = watch.server
        result["rss_end_mb"] = watch.sample()[0]
    finally:
        watch.stop()
        server.close()
    return result


def apptest_child(store: str, work: Path, rows: int) -> dict:
    os.environ.update(environment(store, work, rows))
    if not os.environ["EVENTS_HAPPENINGS"]:
        del os.environ["EVENTS_HAPPENINGS"]
    from streamlit.testing.v1 import AppTest

    imported = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=600)
    start = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - start
    assert not at.exception, at.exception
    said = next(h.value for h in at.subheader if "statement" in h.value) if at.subheader else ""
    return {"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "imported_peak_mb": imported, "said": said}


def apptest_run(store: str, work: Path, rows: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--apptest-child", store, "--rows", str(rows), "--work", str(work)],
                         capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        return {"failed": (out.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(rows: int, store: str, b: dict, a: dict) -> None:
    label = "DuckDB" if store == "duckdb" else "memory"
    if "failed" in b:
        print(f"  {label:7} browser FAILED: {b['failed']}")
    else:
        print(f"  {label:7} first render cold {b['cold_s']:.2f} s, warm {b['warm_s']:.2f} s; rerun after a filter change "
              f"median {statistics.median(b['rerun_s']):.2f} s (each {', '.join(f'{s:.2f}' for s in b['rerun_s'])}), "
              f"asked again {b['rerun_again_s']:.2f} s; server RSS {b['rss_first_mb']:.0f} MB after its first page, "
              f"peak {b['rss_peak_mb']:.0f} MB  [{b['said']}]")
    if "failed" in a:
        print(f"  {label:7} AppTest FAILED: {a['failed']}")
    else:
        print(f"  {label:7} AppTest opens the page in {a['seconds']:.2f} s, process peak {a['peak_mb']:.0f} MB "
              f"({a['imported_peak_mb']:.0f} MB before the run)")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=parse_rows, default=[250_000, 1_000_000, 5_000_000])
    parser.add_argument("--memory-rows", type=parse_rows, default=[250_000],
                        help="sizes at which the in-memory page runs beside (default 250000)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/store-bench"))
    parser.add_argument("--json", type=Path)
    parser.add_argument("--apptest-child", choices=["duckdb", "memory"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.apptest_child:
        print(json.dumps(apptest_child(args.apptest_child, args.work, args.rows[0])))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    results = {}
    print(f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}", flush=True)
    for rows in args.rows:
        ensure_tables(args.work, rows)
        print(f"\n{rows:,} rows", flush=True)
        for store in ["duckdb"] + (["memory"] if rows in args.memory_rows else []):
            try:
                b = browser_run(store, args.work, rows)
            except Exception as exc:  # one failure is reported, the rest still runs
                b = {"failed": f"{type(exc).__name__}: {str(exc)[:300]}"}
            a = apptest_run(store, args.work, rows)
            results[f"{store} {rows}"] = {"browser": b, "apptest": a}
            report(rows, store, b, a)
            sys.stdout.flush()
            if args.json:
                args.json.write_text(json.dumps(results, indent=1) + "\n")
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
