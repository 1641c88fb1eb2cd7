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
# The Epoch metric of the playground has reached n.
EPOCH_AT_LEAST = """n => [...document.querySelectorAll('[data-testid=stMetric]')]
    .some(m => m.innerText.startsWith('Epoch') && parseInt(m.innerText.split('\\n').pop().replace(/,/g, '')) >= n)"""
# While playing, the decision boundary is a live picture (nnlab.ui.playground.live_picture).
BOUNDARY_SOURCE = "() => document.querySelector('img[data-nnlab-live=boundary]')?.src ?? ''"
# Counts into window.__frames the new decision-boundary pictures that the browser has actually
# loaded and shows (checked every 40 ms): a picture replaced before it loaded does not count.
COUNT_FRAMES = f"""() => {{
    clearInterval(window.__frameTimer); window.__frames = 0; let last = ({BOUNDARY_SOURCE})();
    window.__frameTimer = setInterval(() => {{
        const img = document.querySelector('img[data-nnlab-live=boundary]');
        if (img && img.src !== last && img.complete && img.naturalWidth > 0) {{ last = img.src; window.__frames++; }}
    }}, 40);
}}"""
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


def serve_command(port: int, address: str = "127.0.0.1") -> list[str]:
    """The command `make run` runs, headless on ``address:port``: every other setting comes from
    .streamlit/config.toml, so tests and benchmarks measure what a user gets."""
    return [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
            "--server.headless", "true", "--server.address", address]


def server_pid(port: int) -> int:
    """The pid of the `streamlit run` listening on ``port`` (found by its command line)."""
    wanted = f"--server.port\0{port}\0".encode()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                command = (entry / "cmdline").read_bytes()
                if b"streamlit" in command and wanted in command:
                    return int(entry.name)
    raise RuntimeError(f"no streamlit process found for port {port}")


@contextlib.contextmanager
def streamlit_server(work: Path, port: int | None = None, address: str = "127.0.0.1", extra: tuple[str, ...] = ()):
    """Run `streamlit run app.py` (models saved under ``work/models``, log in ``work/streamlit.log``).

    Yields the base URL once ``/_stcore/health`` answers ``ok``; stops the server on exit.
    ``address="0.0.0.0"`` lets other machines connect (bench/classroom_load.py --serve); ``extra``
    options change the server from what `make run` starts (benchmarks' baselines only).
    """
    port = port or free_port()
    log = Path(work) / "streamlit.log"
    env = dict(os.environ, NNLAB_MODELS_DIR=str(Path(work) / "models"), PYTHONUNBUFFERED="1")
    env.pop("NNLAB_PRELOAD_TENSORFLOW", None)  # the server preloads TensorFlow as `make run`'s does
    command = [*serve_command(port, address), *extra]
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
