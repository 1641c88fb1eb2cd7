"""nginx in front of the class workers (deploy/nginx.conf.template via nnlab.serve.nginx), run for real.

The workers here are two small HTTP servers that answer with their name (the browser test
tests/test_browser_class_server.py runs real Streamlit workers): a browser without the cookie is
balanced, one with it sticks to its worker, a dead worker's browsers move to the other (and the
cookie follows), and with no worker at all the page says the server restarted and reloads itself.
"""

from __future__ import annotations

import contextlib
import http.server
import subprocess
import threading
import urllib.error
import urllib.request

import pytest

from nnlab.serve import nginx
from nnlab.serve.nginx import COOKIE, HEADER, Upstream
from tests.browser import free_port

pytestmark = pytest.mark.skipif(nginx.nginx_binary() is None, reason="nginx is not installed (apt-get install nginx)")


class Named(http.server.ThreadingHTTPServer):
    """An upstream that answers every GET with its name."""

    def __init__(self, name: str):
        self.name = name

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(handler):  # noqa: N802 - http.server's name
                body = name.encode()
                handler.send_response(200)
                handler.send_header("Content-Length", str(len(body)))
                handler.end_headers()
                handler.wfile.write(body)

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.server_address[1]}"

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


def get(url: str, cookie: str | None = None):
    """(status, body, X-Nnlab-Worker, the nnlab_worker cookie set) of a GET."""
    request = urllib.request.Request(url, headers={"Cookie": f"{COOKIE}={cookie}"} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, body, headers = response.status, response.read().decode(), response.headers
    except urllib.error.HTTPError as error:
        status, body, headers = error.code, error.read().decode(), error.headers
    cookies = [c.split(";")[0] for c in headers.get_all("Set-Cookie") or [] if c.startswith(COOKIE + "=")]
    return status, body, headers.get(HEADER), cookies[0].split("=", 1)[1] if cookies else None


@contextlib.contextmanager
def running_nginx(upstreams: list[Upstream], run):
    """nginx on a free port in front of ``upstreams``; yields its URL once it has opened its socket (it says
    "start worker process" on stderr after that)."""
    port = free_port()
    config = nginx.write(upstreams, f"127.0.0.1:{port}", run)
    process = subprocess.Popen(nginx.command(config), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        said = []
        for line in process.stdout:
            said.append(line)
            if "start worker process" in line:
                break
        assert process.poll() is None, "".join(said)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_configuration_names_every_worker_and_nginx_accepts_it(tmp_path):
    upstreams = [Upstream("w1", "127.0.0.1:8601"), Upstream("w2", "127.0.0.1:8602"), Upstream("r1", "10.0.0.7:8601")]
    text = nginx.render(upstreams, "0.0.0.0:8501", tmp_path)
    assert "{{run}}" not in text and "127.0.0.1:8602" in text
    assert text.count("server 127.0.0.1:8601 max_fails=1 fail_timeout=10s;") == 2  # balanced, and its own upstream
    assert "upstream nnlab_r1 {\n        server 10.0.0.7:8601 max_fails=1 fail_timeout=10s;\n" \
           "        server 127.0.0.1:8601 backup;\n        server 127.0.0.1:8602 backup;\n    }" in text
    assert "proxy_set_header Upgrade $http_upgrade;" in text and "proxy_read_timeout 1d;" in text
    config = nginx.write(upstreams, "127.0.0.1:8501", tmp_path)
    check = subprocess.run(nginx.command(config, "-t"), capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    with pytest.raises(ValueError, match="worker name"):
        Upstream("../x", "127.0.0.1:1")
    with pytest.raises(ValueError, match="host:port"):
        Upstream("w1", "127.0.0.1; include /etc/passwd")


def test_sticky_balanced_failover_and_the_restart_page(tmp_path):
    one, two = Named("w1"), Named("w2")
    try:
        with running_nginx([Upstream("w1", one.address), Upstream("w2", two.address)], tmp_path) as url:
            newcomers = {get(url)[2] for _ in range(4)}
            assert newcomers == {"w1", "w2"}  # no cookie: balanced over both
            for name in ("w1", "w2"):
                status, body, worker, cookie = get(url, name)
                assert (status, body, worker, cookie) == (200, name, name, name)  # the cookie's worker answers
            two.stop()  # w2 dies: its students go to w1, and their cookie follows
            assert get(url, "w2") == (200, "w1", "w1", "w1")
            assert get(url, "w2")[1] == "w1"
            assert get(url)[1] == "w1"  # newcomers too
            one.stop()  # no worker left: the restart page, which reloads itself once one answers
            status, body, worker, cookie = get(url + "/Playground", "w1")
            assert status == 502 and "The server restarted, your page will reload." in body
            assert 'fetch("/_stcore/health"' in body and "location.reload()" in body
            assert cookie is None  # the student's cookie is left as it was
    finally:
        for server in (one, two):
            with contextlib.suppress(Exception):
                server.stop()
