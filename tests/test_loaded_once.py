"""nnlab/loaded_once.py: a load that many threads ask for at once is done once."""

import threading

from nnlab.loaded_once import loaded_once


def test_threads_that_ask_at_the_same_moment_share_one_load():
    calls, threads, results = [], 8, []
    ready = threading.Barrier(threads)

    @loaded_once()
    def load():
        calls.append(1)
        return object()

    def ask():
        ready.wait()  # all of them call at once, as a class arriving together
        results.append(load())

    workers = [threading.Thread(target=ask) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(calls) == 1 and len(results) == threads and all(r is results[0] for r in results)


def test_each_key_is_loaded_once_and_the_cache_can_be_cleared():
    calls = []

    @loaded_once(maxsize=2)
    def load(name):
        calls.append(name)
        return name.upper()

    assert [load("a"), load("b"), load("a")] == ["A", "B", "A"] and calls == ["a", "b"]
    load.cache_clear()
    assert load("a") == "A" and calls == ["a", "b", "a"]
