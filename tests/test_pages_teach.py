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


def test_corrections_teach_the_digit_reader_and_it_is_handed_to_the_other_pages():
    """20 corrected digits, 'Teach it my handwriting', the live run driven to its end (one fragment tick per
    AppTest run), then the accuracies before and after and the session's model for the Draw page."""
    from nnlab.teach.finetune import Corrections
    from nnlab.ui.handover import SESSION_MODEL
    from tests.test_teach_training import odd_digits

    x, y, _, _ = odd_digits(20)
    kept = Corrections()
    for image, digit in zip(x, y, strict=True):
        kept.add(image, int(digit))
    at = run_page(PAGE, timeout=180)
    at.session_state["teach_corrections"] = kept
    at.run()
    assert not at.button(key="teach_tune").disabled
    at.button(key="teach_tune").click().run()
    run = at.session_state["teach_tune_run"]
    for _ in range(400):  # each run trains one chunk; the run has a fixed number of epochs
        if run.ended:
            break
        at.run()
    assert run.state == "finished"
    at.run()
    assert not at.exception
    labels = [metric.label for metric in at.metric]
    assert "Your 20 corrected drawings" in labels and "MNIST test set (10,000 digits)" in labels
    handed = at.session_state[SESSION_MODEL]
    assert handed.model is run.model and handed.evaluation.accuracy >= 0.99
    assert any("Read by your copy taught your handwriting" in c.value for c in at.caption)
