"""Turns at the CPU for live training: at most `slots` at once, served in arrival order."""

from __future__ import annotations

import threading
import time

import pytest

from nnlab.training import fair_share
from nnlab.training.fair_share import TurnGate


def test_no_more_than_the_slots_work_at_once_and_everyone_gets_a_turn():
    gate = TurnGate(2)
    inside, most, served = 0, 0, []
    count_lock = threading.Lock()

    def tick(name: int) -> None:
        nonlocal inside, most
        for _ in range(5):
            with gate.turn():
                with count_lock:
                    inside += 1
                    most = max(most, inside)
                time.sleep(0.002)
                with count_lock:
                    inside -= 1
                    served.append(name)

    threads = [threading.Thread(target=tick, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert most == 2
    assert sorted(served) == sorted(list(range(12)) * 5)
    assert gate.turns == 60 and gate.busy == 0 and gate.waiting == 0


def test_turns_are_handed_out_in_arrival_order():
    gate = TurnGate(1)
    order = []
    holder_in = threading.Event()
    release = threading.Event()

    def holder():
        with gate.turn():
            holder_in.set()
            release.wait(10)

    def waiter(name: int):
        with gate.turn():
            order.append(name)

    first = threading.Thread(target=holder)
    first.start()
    holder_in.wait(10)
    waiters = []
    for name in range(6):
        waiters.append(threading.Thread(target=waiter, args=(name,)))
        waiters[-1].start()
        deadline = time.perf_counter() + 10
        while gate.waiting < name + 1 and time.perf_counter() < deadline:  # queued before the next one comes
            time.sleep(0.001)
    release.set()
    for thread in [first, *waiters]:
        thread.join(10)
    assert order == list(range(6))


def test_an_error_inside_a_turn_gives_the_turn_back():
    gate = TurnGate(1)
    with pytest.raises(RuntimeError):
        with gate.turn():
            raise RuntimeError("the chunk failed")
    assert gate.busy == 0
    with gate.turn():
        assert gate.busy == 1


def test_slots_from_the_environment_or_half_the_cpus(monkeypatch):
    monkeypatch.setenv(fair_share.ENV_SLOTS, "3")
    assert fair_share.default_slots() == 3
    monkeypatch.setenv(fair_share.ENV_SLOTS, "0")
    assert fair_share.default_slots() == 1
    monkeypatch.setenv(fair_share.ENV_SLOTS, "many")
    with pytest.raises(ValueError, match="whole number"):
        fair_share.default_slots()
    monkeypatch.delenv(fair_share.ENV_SLOTS)
    assert fair_share.default_slots() >= 1
    with pytest.raises(ValueError):
        TurnGate(0)



def test_only_a_tick_that_trains_takes_a_turn(monkeypatch):
    gate = TurnGate(1)
    monkeypatch.setattr(fair_share, "_gate", gate)
    with fair_share.turn_if(False):
        assert gate.busy == 0
    with fair_share.turn_if(True):
        assert gate.busy == 1
    assert gate.turns == 1 and gate.busy == 0


def test_a_ticks_budget_shrinks_with_the_queue_at_the_gate():
    gate = TurnGate(1)
    assert fair_share.share_of(0.3, gate) == pytest.approx(0.3)  # nobody waits: the whole budget
    holding, queued, release = threading.Event(), [], threading.Event()

    def holder() -> None:
        with gate.turn():
            holding.set()
            release.wait(30)

    def waiter() -> None:
        with gate.turn():
            queued.append(1)

    threads = [threading.Thread(target=holder)] + [threading.Thread(target=waiter) for _ in range(3)]
    threads[0].start()
    holding.wait(30)
    for thread in threads[1:]:
        thread.start()
    with gate._condition:
        gate._condition.wait_for(lambda: len(gate._queue) == 3, timeout=30)
    assert fair_share.share_of(0.3, gate) == pytest.approx(0.3 / 4)  # three wait: a quarter each
    release.set()
    for thread in threads:
        thread.join(30)
    assert len(queued) == 3 and fair_share.share_of(0.3, gate) == pytest.approx(0.3)


def test_a_live_page_slows_down_while_its_ticks_queue_and_speeds_up_once_they_do_not():
    pace = fair_share.paced_interval
    assert pace(0.05, 0.05, waited=0.0, held=0.04) is None  # alone: already as fast as it goes
    assert pace(0.05, 0.05, waited=0.9, held=0.1) == pytest.approx(1.0)  # a crowded server: the round it saw
    assert pace(0.05, 0.05, waited=5.0, held=0.5) == fair_share.MAX_INTERVAL_S  # never slower than that
    assert pace(1.0, 0.05, waited=0.1, held=0.05) == pytest.approx(0.5)  # the turn came at once: halve
    assert pace(0.3, 0.05, waited=0.0, held=0.04) == pytest.approx(0.15)
    assert pace(1.0, 0.05, waited=0.5, held=0.05) is None  # neither queued nor idle: keep it
    assert pace(1.0, 0.05, waited=1.2, held=0.1) is None  # 1.0 -> 1.3: too small a change
    interval = 1.0
    while (slower := pace(interval, 0.05, waited=0.0, held=0.04)) is not None:
        interval = slower
    assert interval == 0.05  # back by halves to where it started (the last step smaller than the others)


# ---- pages first: a page run holds back new turns ------------------------------------------------


def test_no_turn_is_handed_out_while_another_threads_page_run_is_in_progress():
    gate = TurnGate(1, first_at_most_s=60)
    page_in, page_done, ticked = threading.Event(), threading.Event(), threading.Event()

    def page():
        with gate.first():
            page_in.set()
            page_done.wait(30)

    def tick():
        with gate.turn():
            ticked.set()

    page_thread = threading.Thread(target=page)
    page_thread.start()
    page_in.wait(10)
    tick_thread = threading.Thread(target=tick)
    tick_thread.start()
    assert gate.wait_for(lambda: gate.held_back == 1, 30)  # the tick is first in line, and held back
    assert not ticked.is_set() and gate.waiting == 1 and gate.pages_in_progress == 1
    page_done.set()
    page_thread.join(10)
    assert ticked.wait(10)  # the page run ended: the tick gets its turn
    tick_thread.join(10)
    assert gate.pages_in_progress == 0 and gate.turns == 1


def test_a_page_runs_own_tick_is_not_held_back_by_it():
    gate = TurnGate(1, first_at_most_s=60)
    with gate.first(), gate.first():  # a live page's full run draws its own tick: no deadlock
        with gate.turn():
            assert gate.busy == 1
    assert gate.held_back == 0 and gate.pages_in_progress == 0


def test_a_tick_under_way_keeps_its_turn_and_the_hold_is_bounded():
    gate = TurnGate(1, first_at_most_s=0.0)
    tick_in, tick_done, ticked = threading.Event(), threading.Event(), threading.Event()

    def first_tick():
        with gate.turn():
            tick_in.set()
            tick_done.wait(30)

    def second_tick():
        with gate.turn():
            ticked.set()

    under_way = threading.Thread(target=first_tick)
    under_way.start()
    tick_in.wait(10)
    with gate.first():
        assert gate.busy == 1  # a page run does not stop the tick under way
        tick_done.set()
        under_way.join(10)
        second = threading.Thread(target=second_tick)
        second.start()
        assert ticked.wait(10)  # held back for at most first_at_most_s (0 here), then served
        second.join(10)
    assert gate.held_back == 1 and gate.turns == 2


def test_a_page_run_waiting_for_a_turn_holds_back_nobody_ahead_of_it():
    """A live page's full run queues for its tick's turn: the ticks ahead of it must not wait for it."""
    gate = TurnGate(1, first_at_most_s=60)
    holder_in, release = threading.Event(), threading.Event()
    order = []

    def holder():
        with gate.turn():
            holder_in.set()
            release.wait(30)

    def tick():
        with gate.turn():
            order.append("tick")

    def page_run():
        with gate.first():
            with gate.turn():
                order.append("page run's own tick")

    first = threading.Thread(target=holder)
    first.start()
    holder_in.wait(10)
    ahead = threading.Thread(target=tick)
    ahead.start()
    assert gate.wait_for(lambda: gate.waiting == 1, 30)
    behind = threading.Thread(target=page_run)
    behind.start()
    assert gate.wait_for(lambda: gate.waiting == 2, 30)
    assert gate.pages_in_progress == 0  # set aside while it queues
    release.set()
    for thread in (first, ahead, behind):
        thread.join(30)
    assert order == ["tick", "page run's own tick"] and gate.held_back == 0
