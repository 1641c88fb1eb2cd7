"""Pause while a chunk is still training: the paused page shows where training really stopped.

Streamlit's ``runner.fastReruns`` starts the run of a click at once, while the fragment run
it interrupted may still be inside a compiled training call. Here that call is a thread
training the session's own trainer (under its lock, as a live tick does) when Pause is clicked.
"""

import threading

from tests.apptest import run_page
from tests.test_pages_playground import PAGE, metric, playing


def test_pause_shows_the_epoch_where_the_chunk_in_progress_ended():
    at = run_page(PAGE, timeout=90)
    at.button(key="pg_play").click().run()
    trainer = at.session_state["pg_run"].trainer
    inside = threading.Event()

    def chunk():
        with trainer.lock:
            inside.set()
            trainer.train_locked(3.0, whole_epochs=True)

    thread = threading.Thread(target=chunk)
    thread.start()
    assert inside.wait(timeout=60)  # the chunk holds the lock: Pause must wait for it
    at.button(key="pg_pause").click().run()
    thread.join()
    assert not playing(at) and metric(at, "Speed") == "paused"
    assert int(metric(at, "Epoch").replace(",", "")) == trainer.epoch
    assert not at.exception
