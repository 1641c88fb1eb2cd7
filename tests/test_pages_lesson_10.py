"""Lesson 10 on the Under the hood page (AppTest): after training on the generated reviews the map of words is drawn
with the sentiment words labelled, a typed review's words are coloured by their push, and the lesson's checks tick."""

import pytest

from nnlab.hood import text
from tests.apptest import run_page


@pytest.fixture
def at(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))  # an empty Keras cache: IMDB is missing, as offline
    at = run_page("pages/7_Lessons.py", timeout=180)
    at.button(key="lesson_start_words_as_vectors").click().run()
    return at.switch_page("pages/5_Under_the_hood.py")


def done(at) -> list[str]:
    return [m.value for m in at.sidebar.markdown if "**Done:**" in m.value]


def test_the_map_the_review_colours_and_the_checks(at):
    assert not at.exception
    assert any("After an epoch of training" in info.value for info in at.info)
    at.slider(key="uth_text_epochs").set_value(5)
    at.button(key="uth_text_start_btn").click().run()
    for _ in range(60):  # each run trains one chunk
        if all(run.ended for run in at.session_state["uth_text_runs"]):
            break
        at.run()
    at.run()
    assert not at.exception
    assert len(done(at)) == 2  # 5 epochs, validation accuracy of 85 % or more
    caption = next(c.value for c in at.caption if c.value.startswith("The 65 most frequent words"))
    positive = caption.split("(blue: ")[1].split(")")[0].split(", ")
    negative = caption.split("(orange: ")[1].split(")")[0].split(", ")
    assert set(positive) <= set(text.POSITIVE_WORDS) and set(negative) <= set(text.NEGATIVE_WORDS)
    assert "uth_text_map" in [chart.proto.id or "" for chart in at.get("plotly_chart")] or any(
        "uth_text_map" in str(chart.proto) for chart in at.get("plotly_chart"))
    at.button(key="lesson_next").click().run()
    at.switch_page("pages/5_Under_the_hood.py")
    at.button(key="lesson_next").click().run()
    at.switch_page("pages/5_Under_the_hood.py").run()
    at.text_area(key="uth_text_review").set_value("a wonderful story, but <b>awful</b> acting and a boring plot").run()
    chips = next(element.proto.body for element in at.get("html") if "data-push" in element.proto.body)
    assert "&lt;b&gt;" not in chips and ">wonderful</span>" in chips and ">awful</span>" in chips
    assert done(at) == [":green[:material/check_circle:] **Done:** words in your review ≥ 8"]
    assert not at.exception
