"""Helpers for the real-browser tests (Playwright driving Chromium against `streamlit run`)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"
RUNNING = "[data-testid=stApp][data-test-script-state=running]"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_executable() -> str | None:
    """Debian's Chromium when present (or $NNLAB_CHROMIUM); None means Playwright's own browser."""
    for candidate in (os.environ.get("NNLAB_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def wait_idle(page, timeout: float = 60_000) -> None:
    """Wait until a script run that may be starting has finished."""
    try:
        page.wait_for_selector(RUNNING, timeout=500)
    except Exception:  # the run may have finished already, or not been needed
        pass
    page.wait_for_selector(IDLE, timeout=timeout)


def open_page(page, app_url: str, path: str = "") -> None:
    """Go to ``app_url/path`` and wait until the page's script has run."""
    page.goto(f"{app_url}/{path}")
    page.wait_for_selector("[data-testid=stApp]", timeout=60_000)
    wait_idle(page)
    page.wait_for_load_state("networkidle")
    page.locator("[data-testid=stSkeleton]").first.wait_for(state="detached", timeout=90_000)
    if page.get_by_text("Page not found").count():
        raise AssertionError(f"Streamlit says 'Page not found' for /{path}")


def choose_mnist_run(page, images: str, epochs: int) -> None:
    """On the MNIST page: pick the training-images option starting with ``images`` (e.g. "1,000") and type ``epochs``."""
    page.get_by_test_id("stSelectbox").filter(has_text="Training images").locator("input").click()
    page.get_by_role("option", name=images).click()
    wait_idle(page)
    box = page.get_by_label("Epochs (passes over the training images)")
    box.fill(str(epochs))
    box.press("Enter")
    wait_idle(page)


def exceptions_on_page(page) -> list[str]:
    """Texts of any Python exceptions that Streamlit shows on the page (should be none)."""
    return page.locator("[data-testid=stException]").all_inner_texts()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen, log: Path, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"streamlit did not become healthy in {timeout:.0f}s:\n{log.read_text()[-3000:]}")


@contextlib.contextmanager
def streamlit_server(work: Path, port: int | None = None, address: str = "127.0.0.1"):
    """Run `streamlit run app.py` (models saved under ``work/models``, log in ``work/streamlit.log``).

    Yields the base URL once ``/_stcore/health`` answers ``ok``; stops the server on exit.
    ``address="0.0.0.0"`` lets other machines connect (bench/classroom_load.py --serve).
    """
    port = port or free_port()
    log = Path(work) / "streamlit.log"
    env = dict(os.environ, NNLAB_MODELS_DIR=str(Path(work) / "models"), PYTHONUNBUFFERED="1")
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.headless", "true", "--server.address", address, "--server.port", str(port),
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
