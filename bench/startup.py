"""How soon a student sees something: `make run`'s server to the home page drawn, and each page's
first visit, in Chromium; beside a one-line Streamlit app started the same way (the framework's floor).

For each of ``--repeat`` fresh servers: the time from starting the process to the home page drawn
(health answered, the page's script finished, the title on screen); then, in the same server, the
first visit of each page in the order of the sidebar (a new browser tab each, the page's own URL),
until its script has finished and its first heading is on screen. The first page that needs
TensorFlow pays its import (about 2 s on this machine), unless the server's own warm-up (`make run`
starts it through nnlab/serve/launch.py, once it serves) or the home page's background import
(nnlab.environment.preload_tensorflow) has done it: the last column is the same server without either
(``NNLAB_PRELOAD_TENSORFLOW=0``). The pages are visited at once, so they share the CPU with that warm-up.

Targets (the new-user issue): home page within 2 s of `streamlit run`, any page's first visit within 3 s.
Usage: python bench/startup.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nnlab.environment import PRELOAD_ENV  # noqa: E402
from nnlab.serve.workers import streamlit_command  # noqa: E402
from tests.browser import (  # noqa: E402
    CHROMIUM_ARGS,
    IDLE,
    ROOT,
    chromium_executable,
    free_port,
)

PAGES = ("Build", "Playground", "MNIST", "Draw", "Under_the_hood")
HOME_TARGET_S, PAGE_TARGET_S = 2.0, 3.0
FLOOR_APP = 'import streamlit as st\nst.title("Hello")\n'


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
            return response.read().strip() == b"ok"
    except OSError:
        return False


def drawn(page, url: str) -> None:
    """Open ``url`` and wait until the script has finished and a title or heading is on screen."""
    page.goto(url)
    page.wait_for_selector(IDLE, timeout=120_000)
    page.locator("h1, h2").first.wait_for(timeout=120_000)


def start(cwd: Path, port: int, work: Path, preload: bool) -> subprocess.Popen:
    """`make run`'s server in ``cwd`` (the one-line app's folder: plain `streamlit run`, it has no nnlab)."""
    env = dict(os.environ, NNLAB_MODELS_DIR=str(work / "models"))
    env[PRELOAD_ENV] = "1" if preload else "0"
    return subprocess.Popen(streamlit_command(port, launched=cwd == ROOT), cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)


def measure(browser, cwd: Path, pages: tuple[str, ...], preload: bool = True) -> dict[str, float]:
    """Seconds from the process start to the home page drawn, then each page's first visit."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as work:
        began = time.perf_counter()
        process = start(cwd, port, Path(work), preload)
        try:
            while not _healthy(url):
                if process.poll() is not None:
                    raise RuntimeError(f"the server exited with {process.returncode}")
                time.sleep(0.05)
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            drawn(context.new_page(), url)
            figures["home"] = time.perf_counter() - began
            for name in pages:
                tab = context.new_page()
                t0 = time.perf_counter()
                drawn(tab, f"{url}/{name}")
                figures[name] = time.perf_counter() - t0
                tab.close()
            context.close()
        finally:
            process.terminate()
            process.wait(timeout=20)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    print(f"load average before: {os.getloadavg()[0]:.2f}")
    ours: list[dict[str, float]] = []
    cold: list[dict[str, float]] = []  # the same without the background TensorFlow import
    floor: list[float] = []
    with tempfile.TemporaryDirectory() as floor_dir, sync_playwright() as playwright:
        floor_root = Path(floor_dir)
        (floor_root / "app.py").write_text(FLOOR_APP)
        shutil.copytree(ROOT / ".streamlit", floor_root / ".streamlit")
        browser = playwright.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_ARGS)
        for _ in range(args.repeat):  # interleaved, so a noisy moment hits both
            floor.append(measure(browser, floor_root, ())["home"])
            ours.append(measure(browser, ROOT, PAGES))
            cold.append(measure(browser, ROOT, PAGES, preload=False))
            print({k: round(v, 2) for k, v in ours[-1].items()}, f"floor home {floor[-1]:.2f}", flush=True)
        browser.close()
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print(f"{'seconds':28}{'median':>8}{'min':>8}{'max':>8}{'target':>8}{'no warm-up':>12}")
    print(f"{'one-line app, home':28}{statistics.median(floor):8.2f}{min(floor):8.2f}{max(floor):8.2f}")
    for name in ("home", *PAGES):
        values = [row[name] for row in ours]
        target = HOME_TARGET_S if name == "home" else PAGE_TARGET_S
        label = "nnlab, home" if name == "home" else f"first visit: {name}"
        print(f"{label:28}{statistics.median(values):8.2f}{min(values):8.2f}{max(values):8.2f}{target:8.1f}"
              f"{statistics.median(row[name] for row in cold):12.2f}")


if __name__ == "__main__":
    main()
