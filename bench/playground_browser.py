"""The playground as a user gets it: epochs/s and boundary pictures on screen, in Chromium, against
a real server started as `make run` starts it, beside a baseline server in the same run.

For each server (a fresh one each time): open the Playground at 1280x800 on the spiral set, press
Play, wait for the first epoch, then for ``--seconds`` count the epochs the page shows and the new
boundary pictures the browser has loaded (a picture replaced before it loaded does not count), and
the CPU seconds the server process used.

* ``make run``: the project's own settings (.streamlit/config.toml: no file watcher);
* baseline ``watcher on``: the same with Streamlit's default watcher (``--server.fileWatcherType
  auto``), which watches the app's folder recursively, .venv included when it lies there.

Usage: python bench/playground_browser.py [--seconds 5] [--repeat 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.browser import (  # noqa: E402
    CHROMIUM_ARGS,
    COUNT_FRAMES,
    EPOCH_AT_LEAST,
    chromium_executable,
    open_page,
    server_pid,
    streamlit_server,
)

SERVERS = {"make run": (), "watcher on (baseline)": ("--server.fileWatcherType", "auto")}
EPOCH = """() => parseInt([...document.querySelectorAll('[data-testid=stMetric]')]
    .find(m => m.innerText.startsWith('Epoch')).innerText.split('\\n').pop().replace(/,/g, ''))"""

# The redraws per second that the page itself reports under its Speed metric.
CLAIMED_REDRAWS = """() => parseFloat((document.body.innerText.match(/([\\d.]+) redraws\\/s/) || [0, 'NaN'])[1])"""


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` so far (/proc/PID/stat, fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(browser, extra: tuple[str, ...], seconds: float) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as work, streamlit_server(Path(work), extra=extra) as url:
        pid = server_pid(urlsplit(url).port)
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        open_page(page, url, "Playground?data=spiral")
        page.get_by_role("button", name="Play").click()
        page.wait_for_function(EPOCH_AT_LEAST, arg=1, timeout=120_000)
        page.evaluate(COUNT_FRAMES)
        epoch0, cpu0, t0 = page.evaluate(EPOCH), cpu_seconds(pid), time.monotonic()
        page.wait_for_timeout(seconds * 1000)
        epoch1, frames, cpu1, t1 = page.evaluate(EPOCH), page.evaluate("window.__frames"), cpu_seconds(pid), time.monotonic()
        claimed = page.evaluate(CLAIMED_REDRAWS)
        context.close()
    elapsed = t1 - t0
    return {"epochs_per_s": (epoch1 - epoch0) / elapsed, "pictures_per_s": frames / elapsed,
            "server_cores": (cpu1 - cpu0) / elapsed, "page_says_redraws_per_s": claimed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    print(f"load average before: {os.getloadavg()[0]:.2f}")
    results: dict[str, list[dict[str, float]]] = {name: [] for name in SERVERS}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_ARGS)
        for _ in range(args.repeat):  # interleaved, so a noisy moment hits both
            for name, extra in SERVERS.items():
                results[name].append(measure(browser, extra, args.seconds))
                print(name, {k: round(v, 2) for k, v in results[name][-1].items()}, flush=True)
        browser.close()
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    columns = ("epochs_per_s", "pictures_per_s", "page_says_redraws_per_s", "server_cores")
    print(f"{'server':24}" + "".join(f"{c:>26}" for c in columns))
    for name, rows in results.items():
        print(f"{name:24}" + "".join(f"{min(r[c] for r in rows):.1f}-{max(r[c] for r in rows):.1f}".rjust(26)
                                     for c in columns))
    ours, base = (statistics.median(r["epochs_per_s"] for r in results[n]) for n in SERVERS)
    print(f"epochs_per_s_ratio: {ours / base:.2f}")


if __name__ == "__main__":
    main()
