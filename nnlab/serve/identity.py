"""Which class worker serves this page (``$NNLAB_WORKER``, set by the supervisor); None under plain `make run`."""

from __future__ import annotations

import os

from nnlab.serve.workers import WORKER_ENV


def worker_name() -> str | None:
    return os.environ.get(WORKER_ENV) or None


def worker_line() -> str | None:
    """A line for the home page's machine status: ``Server: worker w2 of a class server (pid 1234)``."""
    name = worker_name()
    return None if name is None else f"**Server:** worker {name} of a class server (pid {os.getpid()})"
