"""The websocket client of the load benchmark (bench/streamlit_client.py) against a real `streamlit run` server.

Two students as websocket clients do the whole classroom visit at once (Playground, MNIST, Draw,
Playground again) and a newcomer arrives half way: every step has to read what the server really
sent (epochs that grow, an MNIST result with the student's own settings, a digit read back), so a
client that spoke the protocol wrongly could not pass. No timing is asserted.
"""

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from bench.classroom_load import LoadSettings, canvas_value, run_load
from nnlab.digits import photos, preprocess


def test_the_canvas_value_is_a_png_the_draw_page_reads_as_ink():
    for digit in (1, 0):
        drawing = canvas_value(digit)["drawing"]
        rgba = photos.rgba_from_data_url(drawing["data"])
        assert rgba.shape == (280, 280, 4)
        ink = preprocess.ink_from_rgba(rgba)
        assert 0.02 < ink.mean() < 0.3  # a stroke, not an empty or a full square
        assert drawing["raw"]["objects"][0]["type"] == "path"
    one, zero = (preprocess.ink_from_rgba(photos.rgba_from_data_url(canvas_value(d)["drawing"]["data"])) for d in (1, 0))
    assert one[140, 140] > 0.5 and zero[140, 140] < 0.5  # a 1 is inked in the middle, a 0 is hollow
    assert not np.array_equal(one, zero)


def test_two_websocket_students_at_once_each_progress_and_see_only_their_own_work(tmp_path):
    settings = LoadSettings(sessions=2, seconds=20, ramp=1, draw_every=1, warm_up=False, measure_release=False,
                            work=tmp_path, quiet=True, clients="ws")
    # run_load uses asyncio.run: a worker thread has no event loop of its own (after other tests, this one may).
    with ThreadPoolExecutor(max_workers=1) as worker:
        report = worker.submit(run_load, settings).result()
    students = report.students
    assert report.started == report.finished == 2, [(s.reason, s.events[-5:]) for s in students]
    assert all(s.epochs > 0 and s.played for s in students)
    assert all(s.mnist_accuracy is not None and s.mnist_accuracy > 30 for s in students)
    assert [s.answer for s in students] == ["It is a 1", "It is a 0"]
    assert all(s.timings.get("page switch") for s in students)
    assert report.newcomer.finished, report.newcomer.reason
    assert report.violations() == []
    assert report.server_errors == []
    assert report.exceptions() == [] and report.js_errors() == []
    assert report.errors == 0
