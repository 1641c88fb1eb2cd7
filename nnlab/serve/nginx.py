"""nginx's configuration for a class: deploy/nginx.conf.template with its ``{{fields}}`` filled.

The template holds every nginx decision (stickiness, websocket upgrade, health, the restart page) and
says why; this module only writes the per-worker lines: each worker once in the balanced upstream, one
upstream per worker with the others as backups, the cookie routes and the map from the address that
answered to the worker's name.
"""

from __future__ import annotations

import getpass
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
TEMPLATE = DEPLOY / "nginx.conf.template"
RESTART_PAGE = DEPLOY / "restarting.html"
RESTART_NAME = "nnlab-restarting.html"  # the name nginx serves it under (error_page in the template)
COOKIE = "nnlab_worker"
HEADER = "X-Nnlab-Worker"
MAX_FAILS, FAIL_TIMEOUT = 1, "10s"  # passive health: one refused connection, then 10 s without new requests
CONNECT_TIMEOUT = "3s"
_NAME = re.compile(r"^[a-z][a-z0-9]{0,15}$")


@dataclass(frozen=True)
class Upstream:
    """One worker as nginx sees it: a short name (the cookie's value) and ``host:port``."""

    name: str
    address: str

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValueError(f"worker name {self.name!r}: lower-case letters and digits, starting with a letter")
        if not re.match(r"^[A-Za-z0-9.\-\[\]:]+:\d+$", self.address):
            raise ValueError(f"worker address {self.address!r}: host:port")


def nginx_binary() -> str | None:
    """Debian's nginx (``apt-get install nginx``), or one on the PATH; None when there is none."""
    for candidate in (os.environ.get("NNLAB_NGINX"), shutil.which("nginx"), "/usr/sbin/nginx"):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def render(upstreams: list[Upstream], listen: str, run: Path, max_body_mb: int = 10) -> str:
    """The configuration text for ``upstreams`` behind ``listen`` (``port`` or ``address:port``), writing under ``run``."""
    if not upstreams:
        raise ValueError("a class needs at least one worker")
    if len({u.name for u in upstreams}) != len(upstreams):
        raise ValueError("two workers with one name")
    server = f"max_fails={MAX_FAILS} fail_timeout={FAIL_TIMEOUT}"
    per_worker = []
    for upstream in upstreams:
        lines = [f"    upstream nnlab_{upstream.name} {{", f"        server {upstream.address} {server};"]
        lines += [f"        server {other.address} backup;" for other in upstreams if other is not upstream]
        per_worker.append("\n".join([*lines, "    }"]))
    fields = {
        "run": str(run),
        "listen": listen,
        "static": str(run / "static"),
        "max_body": f"{max_body_mb}m",
        "connect_timeout": CONNECT_TIMEOUT,
        "class_servers": "\n".join(f"        server {u.address} {server};" for u in upstreams),
        "worker_upstreams": "\n".join(per_worker),
        "cookie_routes": "\n".join(f"        {u.name} nnlab_{u.name};" for u in upstreams),
        "served_by": "\n".join(f'        "~(^|[ ,:]){re.escape(u.address)}$" {u.name};' for u in upstreams),
    }
    text = TEMPLATE.read_text()
    for key, value in fields.items():
        text = text.replace("{{" + key + "}}", value)
    left = re.findall(r"\{\{\w+\}\}", text)
    if left:
        raise ValueError(f"the template has fields nobody fills: {left}")
    if os.geteuid() == 0:  # a root master would run its workers as nobody, who cannot read a private run folder
        text = text.replace("daemon off;", f"daemon off;\nuser {getpass.getuser()};", 1)
    return text


def write(upstreams: list[Upstream], listen: str, run: Path) -> Path:
    """Write ``run/nginx.conf``, the restart page and the folders nginx writes to; returns the config's path."""
    for folder in (run / "static", run / "temp"):
        folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(RESTART_PAGE, run / "static" / RESTART_NAME)
    config = run / "nginx.conf"
    config.write_text(render(upstreams, listen, run))
    return config


def command(config: Path, *args: str) -> list[str]:
    """``nginx`` with its own prefix, config and error log (none of Debian's /etc or /var paths)."""
    binary = nginx_binary()
    if binary is None:
        raise FileNotFoundError("nginx is not installed: on Debian or Ubuntu, `sudo apt-get install nginx` "
                                "(make serve-class needs it; make run does not)")
    run = config.parent
    return [binary, "-p", str(run), "-c", str(config), "-e", str(run / "nginx-error.log"), *args]
