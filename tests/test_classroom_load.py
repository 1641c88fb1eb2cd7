"""The classroom load path, small: two students at once in real Chromium sessions against one server.

The full measurement (30 students, 2 minutes, memory) is ``bench/classroom_load.py``; this runs
its core with two students who both play, train on MNIST and draw (a 1 and a 0), and a newcomer
half way, and checks what must hold at any size: every student's playground progressed, each
saw only its own settings, results and drawing, and nothing went wrong on the server or a page.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.classroom_load import LoadSettings, run_load

pytestmark = pytest.mark.browser


def test_two_students_at_once_each_progress_and_see_only_their_own_work(tmp_path):
    settings = LoadSettings(sessions=2, seconds=20, ramp=1, draw_every=1, warm_up=False, measure_release=False,
                            work=tmp_path, quiet=True)
    # run_load uses asyncio.run, which refuses a thread whose event loop is running: after the other browser
    # tests, the sync Playwright fixture's loop runs in this one. A worker thread has no loop of its own.
    with ThreadPoolExecutor(max_workers=1) as worker:
        report = worker.submit(run_load, settings).result()
    students = report.students
    assert report.started == report.finished == 2, [s.reason for s in students]
    assert all(s.epochs > 0 for s in students)
    assert all(s.mnist_accuracy is not None and s.mnist_accuracy > 30 for s in students)
    assert [s.answer for s in students] == ["It is a 1", "It is a 0"]
    assert report.newcomer.finished, report.newcomer.reason
    assert report.violations() == []
    assert report.server_errors == []
    assert report.exceptions() == [] and report.js_errors() == []
    assert report.memory["peak"] > report.memory["idle"]
