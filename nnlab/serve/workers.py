"""One class worker: `streamlit run app.py` started as `make run` starts it, on its own port, with the
class's shared folders, and whether it answers ``/_stcore/health``."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from nnlab.serve.launch import LAUNCH_MODULE

ROOT = Path(__file__).resolve().parents[2]
WORKER_ENV = "NNLAB_WORKER"  # the worker's name, shown on the home page (nnlab.serve.identity)


def streamlit_command(port: int, address: str = "127.0.0.1", script: str = "app.py",
                      launched: bool | None = None) -> list[str]:
    """What `make run` runs (through :mod:`nnlab.serve.launch`, which warms the server once it serves),
    headless on ``address:port``: every other setting comes from .streamlit/config.toml. ``launched``:
    through that launcher (default: for nnlab's app.py only; a test's own page or another folder's
    app runs with plain `streamlit run`)."""
    launcher = ["-m", LAUNCH_MODULE] if (script == "app.py" if launched is None else launched) else []
    return [sys.executable, *launcher, "-m", "streamlit", "run", script, "--server.port", str(port),
            "--server.headless", "true", "--server.address", address]


def healthy(address: str, timeout: float = 5.0) -> bool:
    """True when the Streamlit server at ``host:port`` answers ``ok`` on ``/_stcore/health``."""
    try:
        with urllib.request.urlopen(f"http://{address}/_stcore/health", timeout=timeout) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except (OSError, urllib.error.URLError, ValueError):
        return False


@dataclass
class Worker:
    """A worker process the supervisor owns; :attr:`restarts` counts its restarts."""

    name: str
    port: int
    address: str  # the interface it listens on (127.0.0.1: only nginx reaches it)
    log: Path
    env: dict[str, str]
    process: subprocess.Popen | None = None
    restarts: int = 0

    @property
    def upstream_address(self) -> str:
        host = "127.0.0.1" if self.address in ("0.0.0.0", "") else self.address
        return f"{host}:{self.port}"

    def start(self) -> None:
        env = dict(os.environ, **self.env, **{WORKER_ENV: self.name}, PYTHONUNBUFFERED="1")
        with self.log.open("a") as out:  # the child keeps its own descriptor
            self.process = subprocess.Popen(streamlit_command(self.port, self.address), cwd=ROOT, env=env,
                                            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 15.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
