"""Take a screenshot of each page with Playwright (for the README and for looking at the pages).

Usage: python scripts/screenshots.py [page-path ...]   e.g. python scripts/screenshots.py "" Build Playground
Writes docs/screenshots/<name>.png.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.browser import CHROMIUM_ARGS, chromium_executable, open_page, streamlit_server  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def main(paths: list[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work, streamlit_server(Path(work)) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        for path in paths:
            open_page(page, url, path)
            page.wait_for_timeout(1500)  # let plotly finish drawing
            target = OUT / f"{path or 'home'}.png"
            page.screenshot(path=str(target), full_page=True)
            print(target)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1:] or ["", "Build"])
