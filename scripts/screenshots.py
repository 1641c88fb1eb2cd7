"""Take a screenshot of each page with Playwright (for the README and for looking at the pages).

Usage: python scripts/screenshots.py [page-path ...]   e.g. python scripts/screenshots.py "" Build Playground
Writes docs/screenshots/<name>.png. Some pages are first used the way a student would (``BEFORE``):
the playground plays to epoch 1,000, the MNIST page trains two epochs on 5,000 images, a 7 is drawn.
Each picture is taken once the page has settled and every plotly chart on it has been drawn.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.browser import (  # noqa: E402
    CHROMIUM_ARGS,
    EPOCH_AT_LEAST,
    choose_mnist_run,
    chromium_executable,
    draw,
    open_page,
    rerun,
    streamlit_server,
    wait_idle,
)

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
PLAYED_EPOCHS = 1000
# Every plotly chart on the page has been drawn (plotly sets _fullLayout when it has plotted).
CHARTS_DRAWN = "() => [...document.querySelectorAll('.js-plotly-plot')].every(plot => plot._fullLayout)"


def play_a_while(page) -> None:
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(EPOCH_AT_LEAST, arg=PLAYED_EPOCHS, timeout=300_000)
    page.get_by_role("button", name="Pause").click()
    wait_idle(page)


def train_one_epoch(page) -> None:
    choose_mnist_run(page, "5,000 (a quick demo)", epochs=2)
    page.get_by_role("button", name="Start").click()
    page.get_by_text("Test accuracy").wait_for(timeout=300_000)
    page.mouse.move(0, 0)  # no tooltip of the Start button in the picture
    wait_idle(page)


def draw_a_seven(page) -> None:
    with rerun(page):
        draw(page, [(70, 60), (150, 60), (215, 62), (190, 110), (160, 160), (135, 215), (120, 245)])


BEFORE = {"Playground": play_a_while, "MNIST": train_one_epoch, "Draw": draw_a_seven}


def main(paths: list[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work, streamlit_server(Path(work)) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        for path in paths:
            open_page(page, url, path)
            if path in BEFORE:
                BEFORE[path](page)
            wait_idle(page)
            page.wait_for_function(CHARTS_DRAWN)
            target = OUT / f"{path or 'home'}.png"
            page.screenshot(path=str(target), full_page=True)
            print(target)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1:] or ["", "Build"])
