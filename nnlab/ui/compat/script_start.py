"""Start each script run's thread off the server's event loop, so that the loop never waits for it.

Streamlit runs every script run, fragment runs included, in a new thread: the server's event
loop handles the browser's rerun request and calls ``ScriptRunner.start`` (checked on 1.67:
``streamlit/runtime/app_session.py``, ``_create_scriptrunner``), which calls
``threading.Thread.start``. That returns only once the new thread is running Python code, and for
that the new thread must get Python's lock (the GIL). On a busy server the lock is handed from
thread to thread every 5 ms (``sys.getswitchinterval``) among the script threads that are drawing
and training, so each start kept the loop waiting 8-15 ms: measured with 30 websocket students on
2 cores, 150-290 starts in 5 s took 1.8-2.3 s of those 5 s of the event loop, the one thread that
sends every student's messages. Once the loop fell behind, the browsers' rerun requests piled up,
each one more start, and in 2 runs of 4 the class never recovered: 6 of 30 students finished.

:func:`start_runs_off_the_loop` makes ``ScriptRunner.start`` hand ``Thread.start`` to one
launcher thread, which starts the threads in the order they were asked for and does the waiting;
the loop returns to its messages at once. A run's thread still starts within milliseconds, and
nothing else changes: the new runner takes requests (rerun, stop) as before, through its own
thread-safe request queue, which it reads once it runs.

Internals relied on (checked on Streamlit 1.67.x; another version: one warning line, the same
replacement): ``ScriptRunner.start`` and its ``_script_thread`` attribute, set to the unstarted
thread by ``start``. Only the server's own ``ScriptRunner`` is changed: a subclass (``AppTest``'s
``LocalScriptRunner`` joins its thread right after ``start``) keeps the original. Fallback: where
``ScriptRunner.start`` is missing, nothing is replaced and one line says so.
"""

from __future__ import annotations

import logging
import queue
import threading

from nnlab.ui.compat.script_runner import replace_method

LOGGER = logging.getLogger("nnlab")
WORKAROUND = "starting script threads off the event loop"


class Launcher(threading.Thread):
    """A daemon thread that starts the threads put in its queue, first asked first started."""

    def __init__(self) -> None:
        super().__init__(name="nnlab-script-starter", daemon=True)
        self.pending: queue.SimpleQueue[threading.Thread] = queue.SimpleQueue()
        self.started_count = 0

    def launch(self, thread: threading.Thread) -> None:
        """Have ``thread`` started soon; returns at once."""
        self.pending.put(thread)

    def run(self) -> None:
        while True:
            thread = self.pending.get()
            try:
                thread.start()
                self.started_count += 1
            except RuntimeError as error:  # "can't start new thread": out of threads or memory
                LOGGER.error("nnlab: could not start a script run's thread (%s): that run does not happen", error)


def start_runs_off_the_loop() -> bool:
    """Replace ``ScriptRunner.start`` once per process; True when the replacement is in place."""
    return replace_method("start", _launching_start, workaround=WORKAROUND,
                          missing="each script run's thread is started on the event loop, as this Streamlit does")


def _launching_start(script_runner: type, original):
    """``ScriptRunner.start`` handing the new thread to a :class:`Launcher` (``script_runner``'s own runs only)."""
    launcher = Launcher()
    launcher.start()

    def start(self) -> None:
        if type(self) is not script_runner:
            return original(self)  # AppTest's runner joins its thread right after start
        if getattr(self, "_script_thread", None) is not None:
            raise RuntimeError("ScriptRunner was already started")
        self._script_thread = threading.Thread(target=self._run_script_thread, name="ScriptRunner.scriptThread",
                                               daemon=True)
        launcher.launch(self._script_thread)
        return None

    start.nnlab_launcher = launcher
    return start
