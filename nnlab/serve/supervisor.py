"""The class server: N `streamlit run` workers, nginx in front, and a watch that keeps every worker up.

``make serve-class WORKERS=2`` (scripts/serve_class.py) runs :func:`main`:

1. start the workers (:mod:`nnlab.serve.workers`), each on its own port on 127.0.0.1, all with the same
   models folder (``NNLAB_MODELS_DIR``) and data folder (``NNLAB_DATA_DIR``: the SQLite file of
   :mod:`nnlab.store.database`, where model ownership lives), and wait until each answers its health check;
2. write nginx's configuration from deploy/nginx.conf.template (:mod:`nnlab.serve.nginx`) into the run
   folder, check it (``nginx -t``) and run nginx in the foreground with that folder as its prefix;
3. watch: a thread per worker waits on its process and polls ``/_stcore/health`` every
   ``health_interval`` seconds. A worker that exits, or that has not answered for ``hang_after``
   seconds, is started again; once it answers, nginx is reloaded (SIGHUP) so that it takes the worker
   back at once (passive health would wait out ``fail_timeout``), and the line
   ``worker w1 rejoined ...`` is printed. A worker that keeps failing is retried with a growing pause
   (2, 4, ... 30 s). nginx itself is restarted if it exits.

Every event is one line on stdout starting with ``serve-class:``; ``run/state.json`` holds the
current pids (the benchmark sums their CPU and memory). Ctrl-C or SIGTERM stops nginx and the workers.
Workers on other machines join with ``--upstream host:port`` (started there with ``--no-proxy``):
nginx balances and fails over to them; their own machine's supervisor restarts them.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from nnlab.serve import nginx
from nnlab.serve.workers import ROOT, Worker, healthy

PREFIX = "serve-class:"
DEFAULT_RUN = ROOT / "run" / "class"
COOKIE_SECRET_ENV = "STREAMLIT_SERVER_COOKIE_SECRET"


def say(text: str) -> None:
    print(f"{PREFIX} {text}", flush=True)


class ClassServer:
    """The workers, nginx and their watch; :meth:`start`, then :meth:`wait` until :meth:`stop`."""

    def __init__(self, workers: int, port: int, run: Path, listen_address: str = "0.0.0.0",
                 worker_ports: list[int] | None = None, worker_address: str = "127.0.0.1",
                 remote: list[str] | None = None, proxy: bool = True, health_interval: float = 2.0,
                 hang_after: float = 60.0, startup_timeout: float = 180.0) -> None:
        from nnlab.library.store import models_dir
        from nnlab.store.database import data_dir

        ports = worker_ports or [port + 100 + i for i in range(workers)]
        if len(ports) != workers:
            raise ValueError(f"{workers} workers need {workers} ports, not {len(ports)}")
        self.run, self.port, self.listen_address, self.proxy = run.resolve(), port, listen_address, proxy
        self.models, self.data = models_dir().resolve(), data_dir().resolve()
        # One cookie secret for every worker (Streamlit makes a random one per process otherwise), so that a
        # cookie one worker signed (st.login's) is valid on the others. XSRF needs none: its token is the browser's.
        secret = os.environ.get(COOKIE_SECRET_ENV) or secrets.token_hex(32)
        shared = {"NNLAB_MODELS_DIR": str(self.models), "NNLAB_DATA_DIR": str(self.data), COOKIE_SECRET_ENV: secret}
        self.workers = [Worker(f"w{i + 1}", p, worker_address, self.run / f"worker-w{i + 1}.log", shared)
                        for i, p in enumerate(ports)]
        self.remote = [nginx.Upstream(f"r{i + 1}", address) for i, address in enumerate(remote or [])]
        self.health_interval, self.hang_after, self.startup_timeout = health_interval, hang_after, startup_timeout
        self.nginx: subprocess.Popen | None = None
        self.config: Path | None = None
        self._stopping = threading.Event()
        self._state_lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.listen_address in ("0.0.0.0", "") else self.listen_address
        return f"http://{host}:{self.port}"

    # ---- start -------------------------------------------------------------------------------------------

    def start(self) -> None:
        self.run.mkdir(parents=True, exist_ok=True)
        if self.proxy:
            nginx.command(self.run / "nginx.conf")  # nginx missing: say so before starting anything
        say(f"models folder {self.models}, data folder {self.data}, run folder {self.run}")
        for worker in self.workers:
            worker.start()
            say(f"worker {worker.name} starting on {worker.upstream_address} (pid {worker.pid}, log {worker.log})")
        for worker in self.workers:
            if not self._wait_healthy(worker):
                raise RuntimeError(f"worker {worker.name} did not start: see {worker.log}")
            say(f"worker {worker.name} ready on {worker.upstream_address} (pid {worker.pid})")
        if self.proxy:
            upstreams = [nginx.Upstream(w.name, w.upstream_address) for w in self.workers] + self.remote
            self.config = nginx.write(upstreams, f"{self.listen_address}:{self.port}", self.run)
            check = subprocess.run(nginx.command(self.config, "-t"), capture_output=True, text=True)
            if check.returncode != 0:
                raise RuntimeError(f"nginx refused {self.config}:\n{check.stderr}")
            self._start_nginx()
            if not self._wait(lambda: healthy(f"127.0.0.1:{self.port}") or not self._nginx_alive()):
                raise RuntimeError(f"nginx did not answer on port {self.port}: see {self.run / 'nginx-error.log'}")
            if not self._nginx_alive():
                raise RuntimeError(f"nginx exited: see {self.run / 'nginx-output.log'} and nginx-error.log")
        self._write_state()
        for worker in self.workers:
            self._threads.append(threading.Thread(target=self._watch, args=(worker,), name=f"watch-{worker.name}",
                                                  daemon=True))
        if self.proxy:
            self._threads.append(threading.Thread(target=self._watch_nginx, name="watch-nginx", daemon=True))
        for thread in self._threads:
            thread.start()
        where = self.url if self.proxy else ", ".join(w.upstream_address for w in self.workers)
        say(f"class ready: {where} ({len(self.workers)} workers"
            + (f" here, {len(self.remote)} on other machines" if self.remote else "") + ")")
        if self.proxy and self.listen_address in ("0.0.0.0", ""):
            say(f"students open http://{socket.gethostname()}:{self.port}")

    def _start_nginx(self) -> None:
        with (self.run / "nginx-output.log").open("a") as out:
            self.nginx = subprocess.Popen(nginx.command(self.config), stdout=out, stderr=subprocess.STDOUT,
                                          start_new_session=True)
        say(f"nginx on {self.listen_address}:{self.port} (pid {self.nginx.pid}, config {self.config})")

    def _nginx_alive(self) -> bool:
        return self.nginx is not None and self.nginx.poll() is None

    def _wait(self, done, timeout: float | None = None, step: float = 0.25) -> bool:
        """Poll ``done()`` every ``step`` s until it is true (True), or until ``timeout`` or a stop (False)."""
        deadline = time.monotonic() + (timeout or self.startup_timeout)
        while not done():
            if time.monotonic() > deadline or self._stopping.wait(step):
                return False
        return True

    def _wait_healthy(self, worker: Worker) -> bool:
        return self._wait(lambda: not worker.alive() or healthy(worker.upstream_address, timeout=2)) and worker.alive()

    # ---- watch -------------------------------------------------------------------------------------------

    def _watch(self, worker: Worker) -> None:
        last_answer, failures = time.monotonic(), 0
        while not self._stopping.is_set():
            try:
                worker.process.wait(timeout=self.health_interval)  # returns at once when it dies
            except subprocess.TimeoutExpired:
                if healthy(worker.upstream_address, timeout=min(10.0, self.hang_after)):
                    last_answer = time.monotonic()
                elif time.monotonic() - last_answer > self.hang_after:
                    say(f"worker {worker.name} has not answered its health check for {self.hang_after:.0f} s: "
                        "stopping it")
                    worker.process.kill()
                continue
            if self._stopping.is_set():
                return
            say(f"worker {worker.name} exited (code {worker.process.returncode}); starting it again")
            self._write_state()
            if failures:
                self._stopping.wait(min(30.0, 2.0 ** failures))
            worker.restarts += 1
            worker.start()
            if self._wait_healthy(worker):
                failures, last_answer = 0, time.monotonic()
                if self._nginx_alive():
                    self.nginx.send_signal(signal.SIGHUP)  # forget its failures now: it is back
                self._write_state()
                say(f"worker {worker.name} rejoined on {worker.upstream_address} (pid {worker.pid}, "
                    f"restart {worker.restarts})")
            else:
                failures += 1
                worker.stop()

    def _watch_nginx(self) -> None:
        while not self._stopping.is_set():
            self.nginx.wait()
            if self._stopping.is_set():
                return
            say(f"nginx exited (code {self.nginx.returncode}); starting it again")
            self._stopping.wait(1.0)
            self._start_nginx()
            self._write_state()

    def _write_state(self) -> None:
        state = {"url": self.url if self.proxy else None, "nginx_pid": self.nginx.pid if self._nginx_alive() else None,
                 "models": str(self.models), "data": str(self.data),
                 "workers": [{"name": w.name, "address": w.upstream_address, "pid": w.pid if w.alive() else None,
                              "restarts": w.restarts, "log": str(w.log)} for w in self.workers],
                 "remote": [{"name": u.name, "address": u.address} for u in self.remote]}
        with self._state_lock:
            temp = self.run / ".state.json.tmp"
            temp.write_text(json.dumps(state, indent=1))
            os.replace(temp, self.run / "state.json")

    # ---- stop --------------------------------------------------------------------------------------------

    def wait(self) -> None:
        self._stopping.wait()

    def stop(self) -> None:
        self._stopping.set()
        if self._nginx_alive():
            self.nginx.send_signal(signal.SIGQUIT)  # graceful: finish what it is sending
            try:
                self.nginx.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.nginx.kill()
                self.nginx.wait()
        for worker in self.workers:
            worker.stop()
        say("stopped")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve nnlab to a class: N streamlit workers behind nginx.")
    parser.add_argument("--workers", type=int, default=2, help="streamlit workers on this machine (default 2)")
    parser.add_argument("--port", type=int, default=8501, help="the port students open (default 8501)")
    parser.add_argument("--address", default="0.0.0.0", help="the interface nginx listens on (default all)")
    parser.add_argument("--worker-ports", help="the workers' ports, comma-separated (default: port+100, +101, ...)")
    parser.add_argument("--worker-address", default="127.0.0.1",
                        help="the interface workers listen on (default 127.0.0.1: only nginx reaches them; "
                             "0.0.0.0 when nginx runs on another machine)")
    parser.add_argument("--upstream", action="append", default=[], metavar="HOST:PORT",
                        help="a worker on another machine (repeat for each)")
    parser.add_argument("--no-proxy", action="store_true", help="workers and their watch only, no nginx "
                                                                "(a machine whose workers another machine's nginx fronts)")
    parser.add_argument("--run", type=Path, default=DEFAULT_RUN,
                        help=f"logs, nginx.conf, state.json (default {DEFAULT_RUN})")
    parser.add_argument("--health-interval", type=float, default=2.0, help="seconds between health checks (default 2)")
    parser.add_argument("--hang-after", type=float, default=60.0,
                        help="restart a worker that has not answered its health check for this long (default 60 s)")
    args = parser.parse_args(argv)
    ports = [int(p) for p in args.worker_ports.split(",")] if args.worker_ports else None
    try:
        server = ClassServer(args.workers, args.port, args.run, args.address, ports, args.worker_address,
                             args.upstream, not args.no_proxy, args.health_interval, args.hang_after)
    except ValueError as error:
        parser.error(str(error))
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        server.start()
        stop.wait()
    except (RuntimeError, FileNotFoundError) as error:
        say(f"cannot serve the class: {error}")
        return 1
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
