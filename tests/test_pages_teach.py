"""The Teach page in AppTest: names, counts, messages, Train. (Drawing on the canvas: tests/test_browser_teach.py.)"""

from __future__ import annotations

import pytest

from nnlab.teach.examples import ExampleSet
from nnlab.teach.shapes import shape_examples
from tests.apptest import run_page

PAGE = "pages/6_Teach.py"


def buttons(at) -> list[str]:
    return [button.label for button in at.button]


def filled(per_class: int) -> ExampleSet:
    images, labels = shape_examples(("circle", "triangle", "star"), per_class, seed=4)
    kept = ExampleSet()
    for image, label in zip(images, labels, strict=True):
        kept.add(kept.classes[label], image)
    return kept


def test_the_page_counts_examples_and_blocks_training_until_five_each():
    at = run_page(PAGE, timeout=120)
    assert not at.exception
    assert {"circle (0)", "triangle (0)", "star (0)"} <= set(buttons(at))
    assert at.button(key="teach_train").disabled
    assert any("at least 5 examples of each class" in w.value and "star (0)" in w.value for w in at.warning)
    at.session_state["teach_examples"] = filled(4)
    at.run()
    assert {"circle (4)", "triangle (4)", "star (4)"} <= set(buttons(at))
    assert at.button(key="teach_train").disabled
    assert at.button(key="teach_tune").disabled  # no corrections yet


@pytest.mark.parametrize("names, words", [
    ("circle, triangle, Circle", "same class name"),
    ("circle, tri/angle", "not a valid class name"),
    ("a, b, c, d, e, f", "6 classes is too many"),
])
def test_bad_class_names_get_a_message_and_the_examples_stay(names, words):
    at = run_page(PAGE, timeout=120)
    at.session_state["teach_examples"] = filled(5)
    at.run()
    at.text_input(key="teach_names").set_value(names).run()
    errors = [e.value for e in at.error]
    assert any(words in e and "Still using: circle, triangle, star" in e for e in errors), errors
    assert {"circle (5)", "triangle (5)", "star (5)"} <= set(buttons(at))
    assert not at.button(key="teach_train").disabled


def test_renamed_classes_and_training_starts():
    at = run_page(PAGE, timeout=120)
    at.session_state["teach_examples"] = filled(5)
    at.run()
    at.text_input(key="teach_names").set_value("circle, star").run()
    assert {"circle (5)", "star (5)"} <= set(buttons(at)) and "triangle (5)" not in buttons(at)
    assert any("examples of classes not in this list are kept" in c.value for c in at.caption)
    at.button(key="teach_train").click().run()
    assert not at.exception
    run = at.session_state["teach_run"]
    assert run.classes == ("circle", "star")
    assert buttons(at).count("Train again") == 1
