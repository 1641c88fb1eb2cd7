"""A Streamlit 1.67 client over the websocket, without a browser: what the app shell does, none of the drawing.

The browser's Streamlit app speaks protobuf over ``ws://host:port/_stcore/stream``
(subprotocol ``streamlit``). This client does the same with the ``websockets`` package:

* it asks for runs with ``BackMsg.rerun_script`` (a ``ClientState``): the first names the page by
  its URL path (``page_name``) and carries the query string; later ones name it by the
  ``page_script_hash`` of the ``navigation`` message (which also lists the pages); a page switch sends the widget
  states of no widget (the frontend's ``onPageChange`` drops the old page's widgets);
* every run carries the states of all widgets this client has set (a button's ``trigger_value`` is
  sent in one run only), as the browser's WidgetStateManager does; a widget the server stopped
  drawing in a full run is forgotten (``removeInactiveWidgetState``);
* a widget inside an ``st.fragment`` reruns only its fragment (``fragment_id`` of its delta);
* ``auto_rerun`` (``st.fragment(run_every=...)``) starts a timer that asks for that fragment every
  ``interval`` seconds with ``is_auto_rerun`` (``stop_auto_rerun`` and a full run's ``new_session``
  stop it), as the frontend's ``setInterval`` does: runs queue on the server when it is slow;
* ``ForwardMsg.delta`` messages build an element tree keyed by ``metadata.delta_path``; at a run's
  ``script_finished`` the elements that run did not send again are dropped (``clearStaleNodes``:
  the whole page for a full run, the fragment's elements for a fragment run);
* cacheable messages are kept and their hashes sent with each run (``cached_message_hashes``), so
  the server answers with ``ref_hash`` references as it does to a browser; the client resolves them
  from its cache and forgets entries older than ``max_cached_message_age`` runs.

* pictures (``st.image``) are media files: the client downloads each new one over HTTP as the
  browser's ``<img>`` does (one keep-alive connection; a picture replaced before it was fetched is
  skipped, as a browser drops an image that left the page).

What it does not do: render anything, run components' JavaScript (a component's value is set
directly: :meth:`StreamlitClient.set_component`), upload files.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import urllib.request
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

FINISHED = ForwardMsg.ScriptFinishedStatus
# Behind `make serve-class`, nginx's cookie keeps a browser on its worker (deploy/nginx.conf.template): kept from the
# first answers and sent with the websocket and every picture, as a browser would. (Not Streamlit's XSRF cookie: a
# browser would also put its token in the websocket's subprotocol, which this client does not.)
STICKY_COOKIES = ("nnlab_worker",)
WIDGET_KINDS = ("button", "number_input", "selectbox", "radio", "slider", "checkbox", "text_input", "bidi_component",
                "multiselect", "component_instance", "file_uploader", "download_button", "text_area")


PLANE_COMPONENT = "nnlab_plane"  # nnlab.ui.components.plane: the playground's plane, painted by the browser


def is_live_plane(kind: str, proto) -> bool:
    """Whether an element of ``kind`` with its ``proto`` is the playground's live plane (nnlab.ui.playground_plane:
    the plane that takes no clicks), without reading its data."""
    return kind == "bidi_component" and PLANE_COMPONENT in proto.component_name and '"clicks": false' in proto.json


def live_plane(kind: str, proto) -> dict | None:
    """The data of the playground's live plane in an element of ``kind`` with its ``proto``, when it shows a
    picture: ``z`` (the newest), ``frames`` (earlier ones, shown first), ``spacing`` (ms between them),
    ``epoch``. None for any other element."""
    if not is_live_plane(kind, proto):
        return None
    data = json.loads(proto.json)
    return data if data.get("z") else None


def pictures_shown(arrivals: list[tuple[float, int, float]], end: float) -> int:
    """How many pictures a browser showed from messages that arrived at ``(time, pictures, spacing_s)``:
    a message's pictures are shown ``spacing_s`` apart from its arrival, and the next message (or
    ``end``) stops the rest."""
    shown = 0
    for i, (at, count, spacing) in enumerate(arrivals):
        until = arrivals[i + 1][0] if i + 1 < len(arrivals) else end
        shown += 1 if spacing <= 0 else min(count, int(max(0.0, until - at) // spacing) + 1)
    return shown


class WaitTimeout(TimeoutError):
    """What :meth:`StreamlitClient.wait_for` raises when the page did not come to show what was awaited."""


@dataclass
class Node:
    """One element or block of the page, where the server put it (``path``), and which run sent it."""

    path: tuple[int, ...]
    kind: str  # the Element's oneof ("markdown", "button", ...) or "block"
    proto: Any  # the element's own proto (e.g. a Markdown), or the Block
    run_id: str
    fragment_id: str

    @property
    def widget_id(self) -> str:
        return getattr(self.proto, "id", "") if self.kind in WIDGET_KINDS else ""

    @property
    def label(self) -> str:
        return getattr(self.proto, "label", "")

    @property
    def text(self) -> str:
        """What a student reads in this element (empty for pictures and blocks)."""
        p = self.proto
        if self.kind == "metric":
            return f"{p.label} {p.body}"
        if self.kind == "progress":
            return p.text
        if self.kind in ("markdown", "alert", "heading", "text"):
            return p.body
        if self.kind == "code":
            return p.code_text
        if self.kind == "exception":
            return f"{p.type}: {p.message}"
        if self.kind == "radio":
            return " ".join([p.label, *(f"{o} {c}" for o, c in zip(p.options, p.captions, strict=False))])
        return self.label


@dataclass
class Counters:
    messages: int = 0
    bytes: int = 0
    references: int = 0  # ref_hash answers resolved from the cache
    reruns: int = 0
    auto_reruns: int = 0
    full_runs: int = 0
    fragment_runs: int = 0
    pictures: int = 0  # media files downloaded
    picture_bytes: int = 0
    pictures_missing: int = 0  # answered other than 200 (a picture already replaced on the server)


@dataclass
class _Cached:
    msg: ForwardMsg
    run_count: int
    fragment_id: str


class StreamlitClient:
    """One Streamlit session over a websocket. Use as ``async with StreamlitClient(url) as app: await app.open(...)``."""

    def __init__(self, url: str, *, max_message_bytes: int | None = None):
        parts = urlsplit(url)
        self.base = url.rstrip("/")
        self.ws_url = f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream"
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.max_message_bytes = max_message_bytes
        self.nodes: dict[tuple[int, ...], Node] = {}
        self.widget_states: dict[str, WidgetState] = {}
        self.pages: dict[str, Any] = {}  # url_pathname -> AppPage
        self.page_hash = ""
        self.query_string = ""
        self.session_id = ""
        self.running = False  # the page's script state as the frontend shows it (data-test-script-state)
        self.counters = Counters()
        self.log: list[str] = []  # messages the server sent that a student would see as a problem
        self.trace: deque[str] = deque(maxlen=300)  # the last messages, one line each (to explain a failure)
        self._rerun_requested = False
        self._ws = None
        self._reader: asyncio.Task | None = None
        self._changed = asyncio.Event()
        self._auto: dict[str, tuple[float, asyncio.Task]] = {}
        self._cache: dict[str, _Cached] = {}
        self._run_count = 0
        self._run_id = ""
        self._max_age = 2
        self._closed: BaseException | None = None
        self._media_wanted: dict[tuple[int, ...], str] = {}  # the newest picture of each place, not fetched yet
        self._media_ready = asyncio.Event()
        self._media_task: asyncio.Task | None = None
        self.cookies: dict[str, str] = {}  # the class proxy's sticky cookie, kept and sent back as a browser does

    # ---- connection ------------------------------------------------------------------------------------

    async def __aenter__(self) -> StreamlitClient:
        return self

    async def __aexit__(self, *_) -> None:
        await self.close()

    async def open(self, path: str = "", query: str = "", timeout: float = 60.0) -> None:
        """Connect (as a browser loading ``/<path>?<query>`` does) and wait for the page's first run to end."""
        from websockets.asyncio.client import connect

        await asyncio.get_running_loop().run_in_executor(None, self._health)
        self._ws = await connect(self.ws_url, subprotocols=["streamlit"], origin=self.origin,
                                 max_size=self.max_message_bytes, open_timeout=timeout, ping_interval=None,
                                 additional_headers=self._cookie_header())
        self._reader = asyncio.create_task(self._read())
        self._media_task = asyncio.create_task(self._fetch_media())
        self.query_string = query
        await self._send_rerun(page_name=path, widgets=[])
        await self.wait_idle(timeout)

    def _health(self) -> None:
        """The frontend asks /_stcore/health and /_stcore/host-config before it opens the websocket."""
        for endpoint in ("_stcore/health", "_stcore/host-config"):
            request = urllib.request.Request(f"{self.base}/{endpoint}", headers=self._cookie_header())
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
                for cookie in response.headers.get_all("Set-Cookie") or []:
                    name, _, value = cookie.split(";")[0].partition("=")
                    if name.strip() in STICKY_COOKIES:
                        self.cookies[name.strip()] = value.strip()

    def _cookie_header(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}

    async def close(self) -> None:
        for _, task in self._auto.values():
            task.cancel()
        self._auto.clear()
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._ws.close(), 10)
        for task in (self._reader, self._media_task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task

    # ---- sending -------------------------------------------------------------------------------------------

    async def _send_rerun(self, *, page_name: str = "", page_hash: str | None = None, fragment_id: str = "",
                          auto: bool = False, widgets: list[WidgetState] | None = None) -> None:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query_string
        state.page_script_hash = self.page_hash if page_hash is None else page_hash
        state.page_name = page_name
        state.fragment_id = fragment_id
        state.is_auto_rerun = auto
        states = list(self.widget_states.values()) if widgets is None else widgets
        state.widget_states.widgets.extend(states)
        state.cached_message_hashes.extend(self._cache)
        self.trace.append(f"{time.monotonic():.2f} SENT rerun fragment {fragment_id[:6]} auto {auto} page {page_name!r} "
                          f"{[(w.id[-12:], w.WhichOneof('value')) for w in states]}")
        info = state.context_info
        info.timezone, info.timezone_offset, info.locale, info.url = "UTC", 0, "en-US", f"{self.base}/{page_name}"
        info.is_embedded, info.color_scheme = False, "light"
        if self._closed is not None:
            raise ConnectionError(f"the websocket closed: {self._closed}")
        if not auto:
            self._rerun_requested = True
            self.running = True
        self.counters.auto_reruns += auto
        self.counters.reruns += not auto
        await self._ws.send(msg.SerializeToString())

    async def rerun(self, fragment_id: str = "", triggers: list[WidgetState] = ()) -> None:
        """Ask for a run with the current widget states (plus one-run ``triggers``), of a fragment if given."""
        states = [*(s for s in self.widget_states.values() if s.id not in {t.id for t in triggers}), *triggers]
        await self._send_rerun(fragment_id=fragment_id, widgets=states)

    async def switch_page(self, url_pathname: str, timeout: float = 60.0) -> None:
        """Follow a sidebar link to the page at ``/<url_pathname>`` (same session) and wait for its run to end."""
        page = self.pages.get(url_pathname)
        if page is None:
            raise LookupError(f"no page /{url_pathname}; the app has {sorted(self.pages)}")
        self._stop_auto_reruns()
        self._clear_tree()
        self.widget_states.clear()
        await self._send_rerun(page_hash=page.page_script_hash, widgets=[])
        await self.wait_idle(timeout)

    async def find(self, label: str, kind: str | None = None, *, exact: bool = True, timeout: float = 120.0) -> Node:
        """The widget labelled ``label``, waiting for it to be on the page (as a browser test's locator waits)."""

        def found() -> Node | None:
            with contextlib.suppress(LookupError):
                return self.widget(label, kind, exact=exact)
            return None

        return await self.wait_for(found, timeout, f"a {kind or 'widget'} labelled {label!r}")

    async def click(self, label: str, *, exact: bool = True) -> None:
        """Press the button labelled ``label`` (a trigger for one run) once it is on the page; does not wait
        for the run."""
        node = await self.find(label, "button", exact=exact)
        if node.proto.disabled:
            raise RuntimeError(f"the button {label!r} is disabled")
        await self.rerun(node.fragment_id, [WidgetState(id=node.widget_id, trigger_value=True)])

    async def set_value(self, label: str, value: Any, kind: str | None = None) -> None:
        """Set the widget labelled ``label`` as a student would (a number typed and Enter, an option picked,
        a box ticked) and ask for the run that follows; does not wait for it.

        Selectboxes and radios take the option as shown (a string); numbers take a number.
        """
        node = await self.find(label, kind)
        state = WidgetState(id=node.widget_id)
        if node.kind == "number_input":
            if node.proto.data_type == node.proto.INT:
                state.int_value = int(value)
            else:
                state.double_value = float(value)
        elif node.kind in ("selectbox", "radio"):
            if value not in node.proto.options:
                raise ValueError(f"{value!r} is not an option of {label!r}: {list(node.proto.options)}")
            state.string_value = value
        elif node.kind == "checkbox":
            state.bool_value = bool(value)
        elif node.kind in ("text_input", "text_area"):
            state.string_value = str(value)
        elif node.kind == "slider":
            state.double_array_value.data.extend(value if isinstance(value, list | tuple) else [value])
        else:
            raise TypeError(f"setting a {node.kind} is not supported")
        self.widget_states[state.id] = state
        await self.rerun(node.fragment_id)

    async def set_component(self, node: Node, value: dict) -> None:
        """A custom component (v2 ``bidi_component``) sends its state ``value`` (a JSON object), as its
        JavaScript's ``setStateValue`` would; the run that follows is the component's fragment's, if any."""
        state = WidgetState(id=node.widget_id, json_value=json.dumps(value))
        self.widget_states[state.id] = state
        await self.rerun(node.fragment_id)

    # ---- reading the page ---------------------------------------------------------------------------

    def elements(self, kind: str | None = None) -> list[Node]:
        """The page's elements in the order they appear (depth first), of one ``kind`` if given."""
        return [self.nodes[p] for p in sorted(self.nodes) if kind is None or self.nodes[p].kind == kind]

    def widget(self, label: str, kind: str | None = None, *, exact: bool = True) -> Node:
        """The first widget whose label is ``label`` (or contains it, ``exact=False``)."""
        for node in self.elements(kind):
            if node.widget_id and (node.label == label if exact else label in node.label):
                return node
        raise LookupError(f"no {kind or 'widget'} labelled {label!r} on the page")

    def metric(self, label: str) -> str | None:
        """The value shown by the ``st.metric`` labelled ``label`` (None when there is none)."""
        for node in self.elements("metric"):
            if node.proto.label == label:
                return node.proto.body
        return None

    def texts(self) -> list[str]:
        return [node.text for node in self.elements() if node.text]

    def has_text(self, text: str) -> bool:
        return any(text in t for t in self.texts())

    def exceptions(self) -> list[str]:
        return [node.text for node in self.elements("exception")]

    # ---- waiting ---------------------------------------------------------------------------------------

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 60.0, what: str = "") -> Any:
        """Wait until ``predicate()`` is truthy (checked after every message); its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if self._closed is not None:
                raise ConnectionError(f"the websocket closed while waiting for {what or predicate}: {self._closed}")
            left = deadline - time.monotonic()
            if left <= 0:
                raise WaitTimeout(f"waited {timeout:.0f} s for {what or predicate}")
            self._changed.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(left, 1.0))

    async def wait_idle(self, timeout: float = 90.0) -> None:
        """Until the script is not running (what ``[data-test-script-state=notRunning]`` shows)."""
        await self.wait_for(lambda: not self.running, timeout, "the script to finish")

    # ---- receiving ----------------------------------------------------------------------------------------

    async def _read(self) -> None:
        try:
            async for data in self._ws:
                msg = ForwardMsg()
                msg.ParseFromString(data)
                self.counters.messages += 1
                self.counters.bytes += len(data)
                self._handle(msg)
                self._changed.set()
        except Exception as error:  # noqa: BLE001 - reported to whoever waits
            self._closed = error
        else:
            self._closed = ConnectionError("closed by the server")
        finally:
            self._changed.set()

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        run = msg.metadata.run
        detail = (f"{list(msg.metadata.delta_path)} {msg.delta.WhichOneof('type')} fragment {msg.delta.fragment_id[:6]}"
                  if kind == "delta" else " ".join(str(getattr(msg, kind, "")).split())[:80])
        self.trace.append(f"{time.monotonic():.2f} {kind} run {run.script_run_id[:6]}/{self._run_id[:6]} "
                          f"fragments {[f[:6] for f in run.fragment_ids]} {detail}")
        if kind == "ref_hash":
            cached = self._cache.get(msg.ref_hash)
            if cached is None:
                self.log.append(f"a reference to a message not in the cache: {msg.ref_hash}")
                return
            self.counters.references += 1
            cached.run_count = self._run_count
            full = ForwardMsg()
            full.CopyFrom(cached.msg)
            full.metadata.CopyFrom(msg.metadata)
            msg, kind = full, full.WhichOneof("type")
        elif msg.metadata.cacheable and msg.hash and msg.hash not in self._cache:
            self._cache[msg.hash] = _Cached(msg, self._run_count, msg.delta.fragment_id)
        if kind == "new_session":
            self._new_session(msg)
        elif kind == "delta":
            self._delta(msg)
        elif kind == "session_status_changed":
            if msg.session_status_changed.script_is_running:
                self.running, self._rerun_requested = True, False
            elif not self._rerun_requested:
                self.running = False
        elif kind == "script_finished":
            self._finished(msg)
        elif kind == "navigation":  # the pages, with their hashes (the sidebar's links)
            self.pages = {page.url_pathname: page for page in msg.navigation.app_pages}
            self.page_hash = msg.navigation.page_script_hash or self.page_hash
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "auto_rerun":
            self._auto_rerun(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            for fragment in msg.stop_auto_rerun.fragment_ids:
                self._stop_auto_reruns(fragment)
        elif kind == "page_not_found":
            self.log.append(f"page not found: {msg.page_not_found.page_name}")

    def _new_session(self, msg: ForwardMsg) -> None:
        session = msg.new_session
        self.session_id = session.initialize.session_id or self.session_id
        self._run_id = msg.metadata.run.script_run_id
        self.running, self._rerun_requested = True, False  # a run began (perhaps the one asked for)
        self._max_age = session.config.max_cached_message_age or self._max_age
        if msg.metadata.run.fragment_ids:
            return
        self._stop_auto_reruns()  # a full run: the frontend's cleanupAutoReruns

    def _delta(self, msg: ForwardMsg) -> None:
        delta, path = msg.delta, tuple(msg.metadata.delta_path)
        run_id = self._run_id  # deltas belong to the run the last new_session began
        kind = delta.WhichOneof("type")
        if kind == "new_element":
            element_kind = delta.new_element.WhichOneof("type")
            node = Node(path, element_kind, getattr(delta.new_element, element_kind), run_id, delta.fragment_id)
        elif kind == "add_block":
            node = Node(path, "block", delta.add_block, run_id, delta.fragment_id)
        else:  # new_transient (toasts and the like): nothing to keep
            return
        if node.kind == "imgs":
            for image in node.proto.imgs:
                if image.url.startswith("/") or image.url.startswith("media/"):
                    self._media_wanted[path] = image.url
                    self._media_ready.set()
        old = self.nodes.get(path)
        if old is None or old.kind != "block" or node.kind != "block":
            self._drop_below(path)
        self.nodes[path] = node

    def _finished(self, msg: ForwardMsg) -> None:
        status = msg.script_finished
        run = msg.metadata.run
        if status != FINISHED.FINISHED_EARLY_FOR_RERUN and not self._rerun_requested:
            self.running = False
        if status not in (FINISHED.FINISHED_SUCCESSFULLY, FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY):
            return
        fragments = set(run.fragment_ids)
        # The frontend's guard: a full run that a newer run has overtaken leaves the newer run's elements alone.
        if run.script_run_id and (fragments or run.script_run_id == self._run_id):
            self._clear_stale(run.script_run_id, fragments)
        if fragments:
            self.counters.fragment_runs += 1
        else:
            self.counters.full_runs += 1
            active = {n.widget_id for n in self.nodes.values() if n.widget_id}
            self.widget_states = {k: v for k, v in self.widget_states.items() if k in active}
        self._run_count += 1
        for key, cached in list(self._cache.items()):
            if fragments and (not cached.fragment_id or cached.fragment_id not in fragments):
                continue
            if self._run_count - cached.run_count > self._max_age:
                del self._cache[key]

    def _clear_stale(self, run_id: str, fragments: set[str]) -> None:
        """Drop what the run ``run_id`` did not send again, as the frontend's ``clearStaleNodes`` visitor does.

        A full run keeps only its own elements and blocks. A fragment run looks only inside the blocks of
        its fragments that it sent again, and there drops the elements and blocks it did not send;
        elsewhere it drops nothing (so a fragment run that finishes after a newer full run changes nothing).
        """
        children: dict[tuple[int, ...], list[tuple[int, ...]]] = {}
        for path in sorted(self.nodes):
            children.setdefault(path[:-1] if len(path) > 2 else (), []).append(path)
        keep: set[tuple[int, ...]] = set()

        def visit(path: tuple[int, ...], fragment_block: str) -> None:
            node = self.nodes[path]
            if node.kind != "block":
                if (fragments and (not node.fragment_id or not fragment_block)) or node.run_id == run_id:
                    keep.add(path)
                return
            if fragments:
                if fragment_block and node.run_id != run_id:
                    return
                if node.fragment_id in fragments and node.run_id == run_id:
                    fragment_block = node.fragment_id
            elif node.run_id != run_id:
                return
            keep.add(path)
            for child in children.get(path, []):
                visit(child, fragment_block)

        for top in children.get((), []):
            visit(top, "")
        self.nodes = {path: node for path, node in self.nodes.items() if path in keep}

    def _drop_below(self, path: tuple[int, ...]) -> None:
        n = len(path)
        for other in [p for p in self.nodes if len(p) > n and p[:n] == path]:
            del self.nodes[other]

    def _clear_tree(self) -> None:
        self.nodes.clear()

    # ---- pictures ------------------------------------------------------------------------------------------

    async def _fetch_media(self) -> None:
        """Download the newest picture of each place, one at a time, over one keep-alive HTTP/1.1 connection."""
        parts = urlsplit(self.base)
        prefix = parts.path.rstrip("/")
        reader = writer = None
        try:
            while True:
                await self._media_ready.wait()
                self._media_ready.clear()
                while self._media_wanted:
                    path = next(iter(self._media_wanted))
                    url = self._media_wanted.pop(path)
                    target = url if url.startswith("/") else f"{prefix}/{url}"
                    for attempt in range(2):
                        try:
                            if writer is None:
                                reader, writer = await asyncio.open_connection(parts.hostname, parts.port or 80)
                            status, size = await _http_get(reader, writer, parts.netloc, target,
                                                           self._cookie_header())
                            break
                        except (OSError, asyncio.IncompleteReadError, ValueError):
                            if writer is not None:
                                writer.close()
                            reader = writer = None
                            if attempt:
                                raise
                    if status == 200:
                        self.counters.pictures += 1
                        self.counters.picture_bytes += size
                    else:
                        self.counters.pictures_missing += 1
        except asyncio.CancelledError:
            pass
        except Exception as error:  # noqa: BLE001 - the server went away; the reader reports it
            self.log.append(f"a picture could not be fetched: {error}")
        finally:
            if writer is not None:
                writer.close()

    # ---- fragments that rerun themselves -----------------------------------------------------------

    def _auto_rerun(self, fragment_id: str, interval: float) -> None:
        if not fragment_id or (fragment_id in self._auto and self._auto[fragment_id][0] == interval):
            return
        self._stop_auto_reruns(fragment_id)
        self._auto[fragment_id] = (interval, asyncio.create_task(self._tick(fragment_id, interval)))

    async def _tick(self, fragment_id: str, interval: float) -> None:
        """As ``setInterval``: a request every ``interval`` seconds, whether or not the last one has run."""
        next_at = time.monotonic() + interval
        while self._closed is None:
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
            next_at = max(next_at + interval, time.monotonic())
            with contextlib.suppress(Exception):
                await self._send_rerun(fragment_id=fragment_id, auto=True)

    def _stop_auto_reruns(self, fragment_id: str | None = None) -> None:
        for key in [fragment_id] if fragment_id else list(self._auto):
            entry = self._auto.pop(key, None)
            if entry is not None:
                entry[1].cancel()


async def _http_get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str, target: str,
                    extra_headers: dict[str, str] | None = None) -> tuple[int, int]:
    """One GET on a keep-alive connection; (status, body bytes). Understands Content-Length and chunked bodies."""
    extra = "".join(f"{name}: {value}\r\n" for name, value in (extra_headers or {}).items())
    writer.write(f"GET {target} HTTP/1.1\r\nHost: {host}\r\nAccept: image/*\r\n{extra}Connection: keep-alive\r\n\r\n"
                 .encode())
    await writer.drain()
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    status = int(head[0].split()[1])
    headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in head[1:] if line)}
    if headers.get("transfer-encoding", "").lower() == "chunked":
        size = 0
        while True:
            length = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(length + 2)
            size += length
            if length == 0:
                return status, size
    size = int(headers.get("content-length", 0))
    await reader.readexactly(size)
    return status, size
