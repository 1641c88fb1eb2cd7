"""The classroom load on one process, then through nginx on N workers (`make serve-class`), one right after the other.

1. **One process**: ``bench/classroom_load.py`` as it is (it starts its own `streamlit run`).
2. **N workers behind nginx**: ``scripts/serve_class.py --workers N`` (tests/class_server.py), each worker warmed
   by a short classroom_load run of its own (TensorFlow, the MNIST arrays, the bundled model: once per process),
   then ``bench/classroom_load.py --url <nginx>`` with the same students. Its websocket students keep nginx's
   sticky cookie (bench/streamlit_client.py), so each stays on its worker.

classroom_load measures one server process; through the proxy it cannot see the workers, so this script
samples them itself (every 0.5 s): the CPU time of every worker, of nginx and of the machine, how long the
workers' threads waited for a CPU (``/proc/<pid>/task/*/schedstat``), and the sum of the workers' RSS. The
load window is read off classroom_load's output, from "class 1: ..." to "students gone" (or its report).
Worker logs are read for errors afterwards. Then both runs' figures side by side.

    python bench/classroom_proxy.py                                     # 30 ws students, 120 s, 2 workers
    python bench/classroom_proxy.py --sessions 6 --seconds 30 --session-ttl 15        # a quick check
    python bench/classroom_proxy.py --only proxy --workers 2 -- --classes 2          # after --: classroom_load's

Last line: ``errors: <count>`` (both runs' classroom_load errors plus the workers' log errors).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.classroom_load import SERVER_ERROR, TTL_ENV, machine_busy_seconds, memory_mb  # noqa: E402
from tests.class_server import class_server  # noqa: E402

LOAD = [sys.executable, "-u", str(ROOT / "bench" / "classroom_load.py")]
TICK = os.sysconf("SC_CLK_TCK")
# Lines of classroom_load's report shown side by side: (label, pattern, which figure of "min / median / p90 / max").
FIGURES = [
    ("students who finished every step", r"^sessions started: \d+, finished: (\d+ of \d+)", None),
    ("playground epochs/s per student, median", r"epochs/s per session while playing: (.*?)(;|$)", 1),
    ("boundary pictures/s on screen, median", r"boundary redraws/s on screen per session: (.*?)(;|$)", 1),
    ("MNIST runs finished", r"^MNIST runs finished: (\d+ of \d+)", None),
    ("MNIST Start → accuracy, median s", r"Start → test accuracy on screen, s: (.*?)(;|$)", 1),
    ("new session, median s", r"^  new session\s+(.*?)(;|$)", 1),
    ("Play → next epoch, median s", r"^  play → next epoch\s+(.*?)(;|$)", 1),
    ("pen up → answer, median s", r"^  pen up → answer\s+(.*?)(;|$)", 1),
    ("page switch, median s", r"^median page response under load: ([\d.]+ s)", None),
    ("isolation violations", r"^isolation: (\d+) violations", None),
    ("classroom_load errors", r"^errors: (\d+)", None),
]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def cpu_wait_seconds(pid: int) -> float:
    total = 0.0
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError, ValueError, IndexError):
            total += int((task / "schedstat").read_text().split()[1]) / 1e9
    return total


def children(pid: int) -> list[int]:
    with contextlib.suppress(OSError):
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return []


class WorkerSampler:
    """Every 0.5 s: the class's processes (workers from state.json, nginx and its workers) and their figures."""

    def __init__(self, run: Path):
        self.run = run
        self.samples: list[dict] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._last: dict[tuple[str, int], float] = {}
        self.marks: dict[str, float] = {}

    def processes(self) -> dict[str, list[int]]:
        state = json.loads((self.run / "state.json").read_text())
        workers = [w["pid"] for w in state["workers"] if w["pid"]]
        proxy = [state["nginx_pid"], *children(state["nginx_pid"])] if state["nginx_pid"] else []
        return {"workers": workers, "nginx": proxy}

    def sample(self) -> dict:
        out = {"t": time.monotonic(), "machine": machine_busy_seconds(), "workers": 0.0, "nginx": 0.0, "wait": 0.0,
               "rss": 0.0}
        for role, pids in self.processes().items():
            for pid in pids:
                with contextlib.suppress(OSError, ValueError, IndexError, KeyError):
                    out[role] += cpu_seconds(pid)
                    if role == "workers":
                        out["wait"] += cpu_wait_seconds(pid)
                        out["rss"] += memory_mb(pid)["VmRSS"]
        return out

    def _loop(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(OSError, ValueError):
                self.samples.append(self.sample())
            self._stop.wait(0.5)

    def mark(self, name: str) -> None:
        self.marks.setdefault(name, time.monotonic())

    def __enter__(self) -> WorkerSampler:
        self._thread.start()
        return self

    def __exit__(self, *_) -> None:
        self._stop.set()
        self._thread.join()

    def window(self, start: str, end: str) -> dict[str, float]:
        """Cores used (workers, nginx, machine), CPU wait per second, RSS idle / peak / last, between two marks."""
        t0, t1 = self.marks.get(start), self.marks.get(end, time.monotonic())
        inside = [s for s in self.samples if t0 is not None and t0 <= s["t"] <= t1]
        before = [s for s in self.samples if t0 is not None and s["t"] < t0]
        if len(inside) < 2:
            return {}
        first, last = inside[0], inside[-1]
        span = last["t"] - first["t"]
        return {"workers": (last["workers"] - first["workers"]) / span, "nginx": (last["nginx"] - first["nginx"]) / span,
                "machine": (last["machine"] - first["machine"]) / span, "wait": (last["wait"] - first["wait"]) / span,
                "idle_rss": before[-1]["rss"] if before else first["rss"], "peak_rss": max(s["rss"] for s in inside),
                "last_rss": self.rss_at("report")}

    def rss_at(self, mark: str) -> float:
        """The workers' RSS at the last sample before ``mark`` (the last sample if it was not reached)."""
        t = self.marks.get(mark, math.inf)
        return [s["rss"] for s in self.samples if s["t"] <= t][-1]


def run_load(args: list[str], title: str, on_line=None) -> str:
    """Run classroom_load with ``args``, echoing its output (prefixed), and return it."""
    print(f"\n===== {title}: classroom_load {' '.join(args)}", flush=True)
    process = subprocess.Popen([*LOAD, *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               bufsize=1)
    lines = []
    for line in process.stdout:
        lines.append(line)
        print(f"  | {line}", end="", flush=True)
        if on_line:
            on_line(line)
    process.wait()
    return "".join(lines)


def figures(text: str) -> dict[str, str]:
    out = {}
    for label, pattern, index in FIGURES:
        match = re.search(pattern, text, re.MULTILINE)
        if match:
            value = match.group(1).strip()
            out[label] = value.split(" / ")[index] if index is not None and " / " in value else value
    cpu = re.search(r"server ([\d.]+), browsers.*machine ([\d.]+); the server's threads waited for a CPU ([\d.]+) s",
                    text)
    if cpu:
        out["server cores used (all its processes)"] = cpu.group(1)
        out["machine cores used"] = cpu.group(2)
        out["server threads waited for a CPU, s/s"] = cpu.group(3)
    memory = re.search(r"idle after warm-up ([\d,]+) MB, peak under load ([\d,]+) MB", text)
    if memory:
        out["server RSS idle → peak, MB"] = f"{memory.group(1)} → {memory.group(2)}"
    released = re.search(r"released ([\d,]+) MB of the ([\d,]+) MB the load added \((\d+%)\)", text)
    if released:
        out["memory released after expiry"] = released.group(3)
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[:argv.index("--")] if "--" in argv else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2, help="workers behind nginx (default 2)")
    parser.add_argument("--sessions", type=int, default=30, help="students (default 30)")
    parser.add_argument("--seconds", type=float, default=120.0, help="each student's active time (default 120)")
    parser.add_argument("--session-ttl", type=int, default=15, help="server.disconnectedSessionTTL (default 15)")
    parser.add_argument("--clients", choices=("ws", "browser"), default="ws", help="classroom_load's --clients (ws)")
    parser.add_argument("--only", choices=("process", "proxy"), help="run only one of the two")
    parser.add_argument("--no-warm-workers", action="store_true", help="do not warm each worker before the load")
    args = parser.parse_args(argv)
    common = ["--clients", args.clients, "--sessions", str(args.sessions), "--seconds", f"{args.seconds:g}",
              "--session-ttl", str(args.session_ttl), *extra]
    print(f"classroom_proxy: {args.sessions} {args.clients} students for {args.seconds:.0f} s; 1 process, then "
          f"{args.workers} workers behind nginx; machine {os.cpu_count()} cores, load average "
          f"{' '.join(Path('/proc/loadavg').read_text().split()[:3])}", flush=True)
    results: dict[str, dict[str, str]] = {}
    errors = 0
    if args.only != "proxy":
        text = run_load(common, "1 process")
        results["1 process"] = figures(text)
        errors += int(results["1 process"].get("classroom_load errors", 1))
    if args.only != "process":
        title = f"{args.workers} workers behind nginx"
        with tempfile.TemporaryDirectory(prefix="nnlab-class-") as work:
            os.environ[TTL_ENV] = str(args.session_ttl)  # the workers inherit it from the supervisor
            with class_server(Path(work), args.workers) as server, WorkerSampler(server.run) as sampler:
                print(f"\nclass server {server.url}: " + ", ".join(f"{w['name']} pid {w['pid']} on {w['address']}"
                                                                  for w in server.state()["workers"]), flush=True)
                if not args.no_warm_workers:
                    for worker in server.state()["workers"]:
                        run_load(["--clients", "ws", "--url", f"http://{worker['address']}", "--sessions", "1",
                                  "--seconds", "10", "--no-release", "--no-warm-up"], f"warming {worker['name']}")

                def on_line(line: str) -> None:
                    if line.startswith("class 1:"):
                        sampler.mark("load")
                    elif line.startswith(("students gone", "\n", "sessions started")):
                        sampler.mark("end")
                    if line.startswith(("\n", "sessions started")):
                        sampler.mark("report")  # after the sessions expired (unless --no-release)

                text = run_load([*common, "--url", server.url], title, on_line)
                sampler.mark("end")
                window = sampler.window("load", "end")
                log_errors = []
                for log in sorted(server.run.glob("worker-*.log")):
                    log_errors += [f"{log.name}: {line.strip()}" for line in log.read_text(errors="replace").splitlines()
                                   if SERVER_ERROR.search(line)]
            results[title] = figures(text)
            if window:
                results[title]["server cores used (all its processes)"] = (
                    f"{window['workers'] + window['nginx']:.2f} (workers {window['workers']:.2f}, "
                    f"nginx {window['nginx']:.2f})")
                results[title]["machine cores used"] = f"{window['machine']:.2f}"
                results[title]["server threads waited for a CPU, s/s"] = f"{window['wait']:.2f}"
                results[title]["server RSS idle → peak, MB"] = (f"{window['idle_rss']:,.0f} → {window['peak_rss']:,.0f} "
                                                               f"(all workers; after expiry {window['last_rss']:,.0f})")
                added = window["peak_rss"] - window["idle_rss"]
                if added > 0 and "--no-release" not in extra:
                    released = (window["peak_rss"] - window["last_rss"]) / added
                    results[title]["memory released after expiry"] = f"{released:.0%}"
            results[title]["worker log error lines"] = str(len(log_errors))
            for line in log_errors[:20]:
                print(f"  {line[:200]}")
            errors += int(results[title].get("classroom_load errors", 1)) + len(log_errors)
    labels = [label for label, _, _ in FIGURES] + [
        "server cores used (all its processes)", "machine cores used", "server threads waited for a CPU, s/s",
        "server RSS idle → peak, MB", "memory released after expiry", "worker log error lines"]
    names = list(results)
    width = max(len(label) for label in labels) + 2
    print(f"\n===== side by side ({os.cpu_count()} cores; load average now "
          f"{' '.join(Path('/proc/loadavg').read_text().split()[:3])})")
    print(" " * width + "".join(f"{name:<36}" for name in names))
    for label in labels:
        values = [results[name].get(label, "–") for name in names]
        if any(v != "–" for v in values):
            print(f"{label:<{width}}" + "".join(f"{v:<36}" for v in values))
    print("(medians: the second figure of classroom_load's min / median / p90 / max; behind nginx, cores and memory "
          "are sampled here over every worker, from 'class 1' to 'students gone')")
    print(f"errors: {errors}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
