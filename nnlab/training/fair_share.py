"""Turns at the CPU for live training, shared fairly by every session of one server process.

A playing playground or a training MNIST run asks the server for a redraw about ten times a
second, and each redraw trains a chunk first. One student alone should get all of that; thirty
students at once cannot: on a 2-core server their thirty threads all ran at once and spent
most of the time waiting for a CPU and for Python's lock, so every playground crawled (0.6
epochs/s each) and a student opening a page waited a minute behind them.

:class:`TurnGate` lets at most ``slots`` animation ticks work at a time and hands out turns in
arrival order (first come, first served; nobody starves). Waiting costs no CPU. Page loads
and clicks do not take a turn, so they only share the machine with ``slots`` ticks. Each tick
trains for the time that passed since its previous one (see the playground's train budget),
so a session that waited longer trains longer per turn and the work per redraw grows with
the load instead of the overhead.

With ``n`` sessions playing and ``s`` slots, a tick of ``t`` seconds comes round every
``n * t / s`` seconds per session, and each session trains about ``s / n`` of the time.

A tick's training budget shrinks with the queue (:func:`share_of`): with ``w`` ticks waiting,
a tick trains ``budget * s / (s + w)``. A tick's pictures and Streamlit's own work cost about the
same whatever was trained, so with thirty students a long chunk per tick meant a picture every
few seconds; short chunks bring each student round again sooner. The training stays ample: one
compiled call of the playground is dozens of epochs (XLA, nnlab.training.train).

**Pages first.** A page load or a click does not queue, but it still shared Python's lock with the
tick holding a turn and with the server's own thread: with 30 students on 2 cores a page switch that
takes 0.05 s alone took about 1 s. While such a run is in progress (:meth:`TurnGate.first`, entered by
every full script run: :mod:`nnlab.ui.compat.pages_first`), the gate hands out no new turn, for at most
``FIRST_AT_MOST_S`` per turn: the tick in progress ends, the page runs nearly alone, the ticks go on.
A thread's own turns are never held back by its own page run (a live page's full run draws its tick).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

ENV_SLOTS = "NNLAB_TRAINING_SLOTS"
FIRST_AT_MOST_S = 0.5  # a turn waits at most this long for page runs in progress (TurnGate.first)


def default_slots() -> int:
    """``$NNLAB_TRAINING_SLOTS`` if set, else half the CPUs this process may use (at least 1).

    Half: TensorFlow spreads each training step over several cores already, and the other half
    is left for page loads and clicks.
    """
    configured = os.environ.get(ENV_SLOTS, "").strip()
    if configured:
        try:
            return max(1, int(configured))
        except ValueError as error:
            raise ValueError(f"{ENV_SLOTS} must be a whole number, got {configured!r}") from error
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, cpus // 2)


class TurnGate:
    """At most ``slots`` holders at once; waiting callers are served in arrival order, after the page
    runs in progress (:meth:`first`, for at most ``first_at_most_s`` per turn)."""

    def __init__(self, slots: int, first_at_most_s: float = FIRST_AT_MOST_S) -> None:
        if slots < 1:
            raise ValueError("a gate needs at least one slot")
        self.slots = slots
        self.first_at_most_s = first_at_most_s
        self._condition = threading.Condition()
        self._queue: deque[object] = deque()
        self._busy = 0
        self._first: dict[int, int] = {}  # thread id -> page runs of that thread in progress
        self.turns = 0  # handed out so far
        self.held_back = 0  # turns that waited for a page run

    @property
    def busy(self) -> int:
        with self._condition:
            return self._busy

    @property
    def waiting(self) -> int:
        with self._condition:
            return len(self._queue)

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Wait for a turn (first come, first served), hold it for the ``with`` body.

        A page run that takes a turn (a live page's full run trains its tick) holds nobody back while
        it waits for the turn and while it trains: it is a tick then, and a page run waiting in the
        queue behind the tick it holds back would leave the gate idle.
        """
        ticket = object()
        me = threading.get_ident()
        with self._condition:
            pages_of_mine = self._first.pop(me, 0)
            self._queue.append(ticket)
            try:
                self._condition.wait_for(lambda: self._busy < self.slots and self._queue[0] is ticket)
                self._let_pages_go_first()  # first in the queue, a slot free: only page runs go before it
            except BaseException:
                self._give_back(me, pages_of_mine)
                raise
            finally:
                self._queue.remove(ticket)  # first in the queue when served; anywhere if interrupted
                self._condition.notify_all()
            self._busy += 1
            self.turns += 1
        try:
            yield
        finally:
            with self._condition:
                self._busy -= 1
                self._give_back(me, pages_of_mine)
                self._condition.notify_all()

    def _give_back(self, me: int, pages: int) -> None:
        """Restore a thread's page runs set aside during its turn (call holding the condition)."""
        if pages:
            self._first[me] = self._first.get(me, 0) + pages

    def _let_pages_go_first(self) -> None:
        """Wait (holding the condition's lock between waits) while another thread's page run is in
        progress, at most ``first_at_most_s``."""
        if not self._first:
            return
        self.held_back += 1
        self._condition.notify_all()  # for wait_for
        deadline = time.monotonic() + self.first_at_most_s
        while self._first and (left := deadline - time.monotonic()) > 0:
            self._condition.wait(left)

    @contextmanager
    def first(self) -> Iterator[None]:
        """A page run (a page load, a click): no new turn is handed out to another thread until it ends."""
        me = threading.get_ident()
        with self._condition:
            self._first[me] = self._first.get(me, 0) + 1
        try:
            yield
        finally:
            with self._condition:
                left = self._first.pop(me, 0) - 1
                if left > 0:
                    self._first[me] = left
                self._condition.notify_all()

    def wait_for(self, predicate, timeout: float) -> bool:
        """Block until ``predicate()`` holds, checked at each change of the gate, or ``timeout`` s; its value."""
        with self._condition:
            return self._condition.wait_for(predicate, timeout)

    @property
    def pages_in_progress(self) -> int:
        with self._condition:
            return sum(self._first.values())


_gate: TurnGate | None = None
_gate_lock = threading.Lock()


def training_gate() -> TurnGate:
    """The one gate of this process, made on first use with :func:`default_slots`."""
    global _gate
    with _gate_lock:
        if _gate is None:
            _gate = TurnGate(default_slots())
        return _gate


def share_of(budget: float, gate: TurnGate | None = None) -> float:
    """``budget`` scaled down by the queue at the gate: ``budget * slots / (slots + waiting)``."""
    gate = gate if gate is not None else training_gate()
    return budget * gate.slots / (gate.slots + gate.waiting)


def turn_if(training: bool) -> contextlib.AbstractContextManager:
    """A turn at :func:`training_gate` for a tick that trains; nothing to wait for otherwise."""
    return training_gate().turn() if training else contextlib.nullcontext()


MAX_INTERVAL_S = 2.0  # the longest interval between a live page's requests on a busy server
PACE_STEP = 1.5  # a live page's interval changes by at least this factor, or not at all


def paced_interval(current: float, fastest: float, waited: float, held: float) -> float | None:
    """How often a live page should ask for its next tick, given its last one; None: leave it.

    A browser asks every ``current`` seconds whether or not its last tick has run. With thirty
    students on two cores a tick comes round about once a second, and thirty browsers asking
    twenty times a second each kept the server's event loop busy with requests that could not
    run: measured with 30 websocket students for 120 s, 1 of 30 finished their steps when every
    page asked every 0.05 s, 30 of 30 at 1 s (bench/classroom_load.py). So:

    - a tick that ``waited`` longer for its turn than the interval saw requests pile up: ask for
      the round it saw, ``waited + held`` (``held``: its own time), at most MAX_INTERVAL_S;
    - one that got its turn within a quarter of the interval: back towards ``fastest`` by halves;
    - a change by less than PACE_STEP is not worth a message (except the last step back to ``fastest``).
    """
    if waited > current:
        wanted = min(MAX_INTERVAL_S, waited + held)
    elif waited < current / 4:
        wanted = max(fastest, current / 2)
    else:
        return None
    if wanted == current or (wanted != fastest and max(wanted, current) / min(wanted, current) < PACE_STEP):
        return None
    return wanted
