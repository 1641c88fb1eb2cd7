"""The garbage-collection helpers of nnlab/ui/compat/runtime.py: when the janitor cleans, and what a clean-up frees."""

import gc
import platform
import weakref

import pytest

from nnlab.ui.compat import runtime
from nnlab.ui.compat.runtime import IDLE_S, MAX_GAP_S, QuietWatch, release_memory


class Node:
    pass


def test_a_frozen_cycle_is_never_collected_until_release_memory():
    node = Node()
    node.self = node  # a reference cycle, like a Streamlit session
    alive = weakref.ref(node)
    gc.freeze()
    try:
        del node
        gc.collect()
        assert alive() is not None  # frozen: the collector never looks at it again
        assert release_memory() >= 1
        assert alive() is None
        assert gc.get_freeze_count() > 0  # frozen again afterwards
    finally:
        gc.unfreeze()


def test_the_janitor_cleans_once_after_work_when_the_process_is_quiet():
    watch = QuietWatch(0.0, 10.0)
    cpu, due = 10.0, []
    for second in range(1, 200):
        cpu += 0.8 if second < 60 else 0.001  # busy for a minute, then quiet
        if watch.due(float(second), cpu):
            due.append(second)
            watch.cleaned(cpu)
    assert len(due) == 1 and 60 + IDLE_S / 2 < due[0] <= 60 + IDLE_S  # once, about IDLE_S after the work; not while busy


def test_a_quiet_process_that_did_nothing_since_the_last_clean_up_is_left_alone_for_a_long_while():
    watch = QuietWatch(0.0, 5.0)
    due = [second for second in range(1, 1000, 5) if watch.due(float(second), 5.0 + 0.001 * second)]
    assert due and due[0] >= MAX_GAP_S  # an idle server's own ticking never adds up to work


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_on_glibc_the_freed_heap_is_given_back():
    assert runtime._malloc_trim() is True


def test_a_c_library_without_malloc_trim_keeps_the_memory_and_says_so_once(monkeypatch, caplog):
    monkeypatch.setattr(runtime, "_no_trim_logged", False)
    with caplog.at_level("INFO", logger="nnlab"):
        assert runtime._malloc_trim("libnnlab-no-such-libc.so") is False
        assert runtime._malloc_trim("libnnlab-no-such-libc.so") is False
    assert caplog.text.count("no malloc_trim in this C library") == 1
