"""The Draw page as a student gets it: from releasing the mouse to the new probabilities on screen, in Chromium.

Against a real server started as `make run` starts it (tests/browser.py's ``streamlit_server``),
with the canvas that sends as soon as the stroke ends (nnlab/ui/compat/fast_canvas.py), beside a
baseline server in the same run with the stock streamlit-drawable-canvas component (its 200 ms
debounce; ``NNLAB_STOCK_CANVAS=1``). For each: open the Draw page, then ``--digits`` times clear
the canvas, draw a 1 or a 0 (alternately) with the mouse and release it; the time is from the
``mouseup`` event to the first change of the probability bars' labels, both taken in the page
(``performance.now()``, a MutationObserver), then the page settles before the next digit. The inside
view (every layer, the closer look, "Why it says ...") is timed from the same release to the frame
where both "why" pictures, drawn last, are loaded and shown (checked every animation frame).

Usage: python bench/draw_latency_browser.py [--digits 10] [--no-baseline]
Lines: inside_p50_ms: <median ms to the inside view, patched canvas>; last line: p50_ms: <median ms, patched canvas>
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nnlab.ui.compat.fast_canvas import STOCK_ENV  # noqa: E402
from tests.browser import (  # noqa: E402
    ANSWER,
    CANVAS,
    CHROMIUM_ARGS,
    chromium_executable,
    closed_loop,
    draw,
    open_page,
    rerun,
    streamlit_server,
    vertical_stroke,
    wait_idle,
)

SERVERS = {"fast canvas (make run)": {}, "stock canvas (baseline)": {STOCK_ENV: "1"}}
BARS = ".st-key-draw_bars text.bartext"
WHY = ".st-key-draw_why img"  # the saliency and occlusion pictures, the inside view's last
# Notes the time of the next mouse release and of the first change of the bars after it.
WATCH = f"""() => {{
    const bars = () => Array.from(document.querySelectorAll('{BARS}')).map(t => t.textContent).join('|');
    window.__arm = () => {{ window.__released = null; window.__shown = null; window.__inside = null;
                             window.__before = bars(); }};
    window.__arm();
    const inside = () => {{
        const why = Array.from(document.querySelectorAll('{WHY}'));
        if (why.length === 2 && why.every(img => img.complete && img.naturalWidth > 0)) {{
            window.__inside = performance.now();
        }} else {{ requestAnimationFrame(inside); }}
    }};
    document.addEventListener('mouseup', () => {{ window.__released = performance.now(); requestAnimationFrame(inside); }},
                              true);
    new MutationObserver(() => {{
        if (window.__released === null || window.__shown !== null) return;
        const now = bars();
        if (now !== window.__before && now.includes('%')) window.__shown = performance.now();
    }}).observe(document.body, {{subtree: true, childList: true, characterData: true}});
}}"""


def latencies(browser, env: dict[str, str], count: int) -> tuple[list[float], list[float]]:
    """Milliseconds from mouse release to new probabilities, and to the inside view, for ``count`` digits
    on a fresh server."""
    with tempfile.TemporaryDirectory() as work, streamlit_server(Path(work), env=env) as url:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        open_page(page, url, "Draw")
        page.locator(ANSWER).wait_for()
        wait_idle(page)
        page.evaluate(WATCH)
        found, inside = [], []
        for i in range(count):
            page.locator(CANVAS).hover()
            with rerun(page):
                page.get_by_role("button", name="Reset canvas & history").click()
            draw(page, vertical_stroke() if i % 2 else closed_loop(), release=False)
            page.evaluate("window.__arm()")
            with rerun(page):
                page.mouse.up()
            page.wait_for_function("window.__shown !== null && window.__inside !== null")
            found.append(page.evaluate("window.__shown - window.__released"))
            inside.append(page.evaluate("window.__inside - window.__released"))
        context.close()
    return found, inside


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--digits", type=int, default=10)
    parser.add_argument("--no-baseline", action="store_true", help="measure the fast canvas only")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    servers = dict(list(SERVERS.items())[:1]) if args.no_baseline else SERVERS
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    medians, inside_medians = {}, {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_ARGS)
        for name, env in servers.items():
            found, inside = latencies(browser, env, args.digits)
            medians[name], inside_medians[name] = statistics.median(found), statistics.median(inside)
            print(f"{name}: median {medians[name]:.0f} ms, min {min(found):.0f}, max {max(found):.0f} "
                  f"(each: {', '.join(f'{ms:.0f}' for ms in found)})", flush=True)
            print(f"{name}, inside view: median {inside_medians[name]:.0f} ms, min {min(inside):.0f}, "
                  f"max {max(inside):.0f} (each: {', '.join(f'{ms:.0f}' for ms in inside)})", flush=True)
        browser.close()
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print(f"inside_p50_ms: {inside_medians[next(iter(servers))]:.0f}")
    print(f"p50_ms: {medians[next(iter(servers))]:.0f}")


if __name__ == "__main__":
    main()
