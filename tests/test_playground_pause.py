"""Pause while a chunk is still training: the paused page shows where training really stopped.

Streamlit's ``runner.fastReruns`` starts the run of a click at once, while the fragment run
it interrupted may still be inside a compiled training call. Here that call is a thread
training the session's own trainer when Pause is clicked.
"""

import threading

from tests.apptest import run_page
from tests.test_pages_playground import PAGE, metric


def test_pause_shows_the_epoch_where_the_chunk_in_progress_ended():
    at = run_page(PAGE, timeout=90)
    at.button(key="pg_play").click().run()
    trainer = at.session_state["pg_run"].trainer
    chunk = threading.Thread(target=trainer.train_for, args=(3.0,), kwargs={"whole_epochs": True})
    chunk.start()
    while not trainer.lock.locked() and chunk.is_alive():
        pass
    at.button(key="pg_pause").click().run()
    chunk.join()
    assert not at.session_state["pg_playing"] and metric(at, "Speed") == "paused"
    assert int(metric(at, "Epoch").replace(",", "")) == trainer.epoch
    assert not at.exception
