"""The one live loop of the pages: a fragment that trains a chunk of each running run, then redraws.

While a run is running (:class:`~nnlab.training.live.LiveRun`), the fragment asks to run again every
``every_s`` seconds (``st.fragment(run_every=...)``): no blocking loop, so every button stays
responsive (docs/ARCHITECTURE.md, "Live training"). Each tick

1. waits for this session's turn at the CPU while it trains (:func:`nnlab.training.fair_share.turn_if`),
   unless the page lets a full run of it skip the queue (``click_skips_queue``: the playground's Play
   click trains its first chunk at once, as a page load does not wait);
2. takes the session's lock for these runs without waiting: if another script run of this session
   is still training them (Streamlit starts a click's run while the fragment run it stopped may still
   be inside a chunk), this tick only redraws;
3. advances each running run for its share of the budget (``CHUNK_S`` unless the page gives its own,
   scaled down while other sessions wait for a turn: :func:`nnlab.training.fair_share.share_of`):
   at least one step each, so with a budget of 0 a tick is exactly one step of each run;
4. redraws through the page's ``draw(runs)`` (after training; before it with ``draw_first``), and
   waits, out of its turn, until the server has sent that redraw to the browser
   (:func:`nnlab.ui.compat.sent.wait_until_sent`: the next tick's start would drop what was unsent);
   then keeps the pace: the browser is asked to rerun the fragment about as often as this session
   gets a turn (:func:`nnlab.training.fair_share.paced_interval`), from ``every_s`` alone to 2 s on a
   crowded server;
5. when the runs it trained have all stopped by themselves (finished, diverged), calls ``on_end(runs)``
   and reruns the whole page, so that the ticking stops and the buttons change.

Pausing is the run's own: :meth:`~nnlab.training.live.ChunkedRun.pause` returns once the chunk in
progress has ended, so a paused page shows where the model really is.

A page that keeps a list of runs under a key (Under the hood) starts, pauses and resets them with
:func:`start`, :func:`pause` and :func:`reset`; the runs live in ``st.session_state[f"{key}_runs"]``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

import streamlit as st

from nnlab.training.fair_share import paced_interval, share_of, turn_if
from nnlab.training.live import RUNNING, LiveRun
from nnlab.ui.compat.auto_rerun import is_fragment_rerun, set_rerun_interval
from nnlab.ui.compat.sent import wait_until_sent

CHUNK_S = 0.6  # training per tick, shared by the running runs, unless the page gives its own budget
REDRAW_S = 0.4  # a tick asks for the next one this often


def live_fragment(key: str, runs: Callable[[], Sequence[LiveRun]], draw: Callable[[Sequence[LiveRun]], None], *,
                  every_s: float = REDRAW_S, budget_s: float | Callable[[], float] | None = None,
                  draw_first: bool = False, on_end: Callable[[Sequence[LiveRun]], None] | None = None,
                  click_skips_queue: bool = False) -> None:
    """Draw ``runs()`` now, and while one of them is running, train and redraw them every ``every_s`` seconds.

    ``runs`` is called at each tick, so a tick sees the runs as they are in the session then.
    ``budget_s``: seconds of training per tick (a number, or a function called at each tick).
    ``click_skips_queue``: a full run of the page (a Play click) trains its chunk without waiting for a
    turn (for pages whose chunk is short under load: the playground's; an MNIST chunk would hold up the
    other students' clicks and drawings).
    """
    ticking = any(run.state == RUNNING for run in runs())

    @st.fragment(run_every=live_interval(key, every_s) if ticking else None)
    def tick() -> None:
        shown = list(runs())
        training = any(run.state == RUNNING for run in shown)
        asked = time.perf_counter()
        # The whole tick (chunk and pictures) waits for this session's turn while it trains: with many
        # students the ticks take turns instead of all running at once. With ``click_skips_queue``, not
        # a click's own run (Play, Step): like a page load it does not queue, so the first epoch shows
        # as soon as the page does.
        with turn_if(training and not (click_skips_queue and not is_fragment_rerun())):
            got_turn = time.perf_counter()
            if draw_first:
                draw(shown)
            if training and _advance(key, shown, budget_s):
                if on_end is not None:
                    on_end(shown)
                st.rerun()  # the whole page: the ticking stops, the buttons change
            if not draw_first:
                draw(shown)
        if training:
            # Before this run ends: the next tick may be queued already, and its start would clear
            # whatever of this one's pictures the server had not sent yet (nnlab.ui.compat.sent).
            wait_until_sent()
            _keep_pace(key, every_s, waited=got_turn - asked, held=time.perf_counter() - got_turn)

    tick()


def live_interval(key: str, every_s: float) -> float:
    """How often the live fragment under ``key`` asks for its next tick now: ``every_s``, or longer
    while the server is busy (:func:`_keep_pace`; kept in ``st.session_state[f"{key}_every"]``)."""
    return max(every_s, st.session_state.get(f"{key}_every", every_s))


def _keep_pace(key: str, every_s: float, waited: float, held: float) -> None:
    """Ask the browser for ticks about as often as this session gets a turn
    (:func:`nnlab.training.fair_share.paced_interval`); the interval is kept for the next full run."""
    wanted = paced_interval(live_interval(key, every_s), every_s, waited, held)
    if wanted is not None and set_rerun_interval(wanted):
        st.session_state[f"{key}_every"] = wanted


def _advance(key: str, runs: Sequence[LiveRun], budget_s: float | Callable[[], float] | None) -> bool:
    """Train each running run for its share of the budget, one after the other; skipped while another
    script run of this session trains them. True when runs trained and none is running any more."""
    lock = st.session_state.setdefault(f"{key}_lock", threading.Lock())
    if not lock.acquire(blocking=False):
        return False
    try:
        active = [run for run in runs if run.state == RUNNING]
        if not active:
            return False
        budget = CHUNK_S if budget_s is None else budget_s() if callable(budget_s) else budget_s
        budget = share_of(budget)  # less per tick while others wait: each student comes round sooner
        for run in active:
            run.advance(budget / len(active))
        return not any(run.state == RUNNING for run in runs)
    finally:
        lock.release()


# ---- a list of runs kept under a key ------------------------------------------------------------


def runs_of(key: str) -> list[LiveRun] | None:
    """The runs kept under ``key`` (None before the first Start)."""
    return st.session_state.get(f"{key}_runs")


def start_error(key: str) -> str | None:
    """Why the last Start could not make the runs (None when it could)."""
    return st.session_state.get(f"{key}_error")


def start(key: str, make_runs: Callable[[], list[LiveRun]]) -> None:
    """The first Start makes the runs (they start running); later ones resume them."""
    state = st.session_state
    state[f"{key}_error"] = None
    runs = runs_of(key)
    if runs is None:
        try:
            state[f"{key}_runs"] = make_runs()
        except Exception as error:  # missing data, a failed build: say so, do not crash the page
            state[f"{key}_error"] = f"Could not start: {error}"
        return
    for run in runs:
        run.resume()


def pause(key: str) -> None:
    """Pause every run; returns once none of them moves."""
    for run in runs_of(key) or ():
        run.pause()


def reset(key: str) -> None:
    """Drop the runs (after the chunk in progress): the next Start makes new ones."""
    pause(key)
    for part in ("runs", "lock", "error"):
        st.session_state.pop(f"{key}_{part}", None)
