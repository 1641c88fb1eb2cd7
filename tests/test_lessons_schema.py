"""The lesson format: every shipped lesson validates; each kind of bad file is refused with its file and line."""

from pathlib import Path

import pytest

from nnlab.lessons.catalog import LESSONS_DIR, read_folder, shipped
from nnlab.lessons.pages import PAGES
from nnlab.lessons.progress import HINT_AFTER_RUNS, HINT_AFTER_S, Progress, hint_ready
from nnlab.lessons.quantities import QUANTITIES
from nnlab.lessons.schema import MAX_FILE_BYTES, Check, LessonError, key_lines, parse_lesson
from nnlab.ui.navigation import PAGES as NAVIGATION_PAGES

GOOD = '''title = "A small lesson"
summary = "Two steps."

[[steps]]
title = "Add a layer"
page = "playground"
text = """
Some **markdown** with $y = f(Wx + b)$.
"""
task = "Add a hidden layer."
hint = "Press + layer."
hide = ["data"]
[steps.setup]
data = "xor"
layers = "none"
lr = 0.03
[[steps.checks]]
quantity = "hidden_layers"
at_least = 1

[[steps]]
title = "Train"
page = "mnist"
text = "Read."
task = "Train."
[steps.setup]
preset = "Hands-On DNN 784-300-100-10"
[[steps.checks]]
quantity = "mnist_test_accuracy"
at_least = 0.95
'''


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the ``occurrence``-th line containing ``needle``."""
    hits = [number for number, line in enumerate(text.splitlines(), start=1) if needle in line]
    return hits[occurrence - 1]


def problems(text: str, name: str = "bad.toml") -> list[str]:
    with pytest.raises(LessonError) as error:
        parse_lesson(text, name)
    return error.value.problems


def test_the_good_example_parses_into_steps_and_checks():
    lesson = parse_lesson(GOOD, "07_small.toml")
    assert lesson.id == "small" and len(lesson.steps) == 2
    first = lesson.steps[0]
    assert first.page == "playground" and first.hide == ("data",) and first.setup_dict["layers"] == "none"
    assert first.checks == (Check("hidden_layers", at_least=1),)
    assert lesson.check_label("2.1") == "step 2: MNIST test accuracy ≥ 95.0%"


def test_every_shipped_lesson_validates_and_there_are_at_least_ten():
    lessons, found = read_folder()
    assert found == []
    assert len(lessons) >= 10 == len(list(LESSONS_DIR.glob("*.toml")))
    assert len({lesson.id for lesson in lessons}) == len(lessons)
    assert [lesson.order for lesson in lessons] == sorted(lesson.order for lesson in lessons)
    for lesson in lessons:
        assert all(step.text.strip() and step.task.strip() for step in lesson.steps), lesson.id


def test_the_lessons_cover_the_issue_list_in_order():
    titles = [lesson.title.lower() for lesson in shipped()]
    for number, words in enumerate(("neuron", "xor", "activation", "learning rate", "backpropagation",
                                    "overfitting", "digits", "convolution", "initialization", "words"), start=1):
        assert words in titles[number - 1], (number, titles[number - 1])


def test_every_lesson_page_is_a_page_of_the_app():
    paths = {page.path for page in NAVIGATION_PAGES}
    assert {page.path for page in PAGES.values()} <= paths
    assert all((LESSONS_DIR.parent / page.path).is_file() for page in PAGES.values())


def test_an_unknown_key_is_named_with_its_line():
    text = GOOD.replace('hint = "Press + layer."', 'hnit = "Press + layer."')
    assert problems(text) == [f"bad.toml, line {line_of(text, 'hnit')}: unknown key 'hnit' in step 1 (allowed: "
                              "title, text, task, hint, page, setup, hide, lock, checks)."]


def test_a_missing_field_is_named_at_its_table():
    text = GOOD.replace('task = "Train."\n', "")
    assert problems(text) == [f"bad.toml, line {line_of(text, '[[steps]]', 2)}: missing 'task' in step 2."]
    assert problems(GOOD.replace('summary = "Two steps."\n', "")) == ["bad.toml, line 1: missing 'summary'."]


def test_a_check_naming_an_unknown_quantity():
    text = GOOD.replace('quantity = "hidden_layers"', 'quantity = "hidden_layer"')
    [problem] = problems(text)
    assert problem.startswith(f"bad.toml, line {line_of(text, 'hidden_layer')}: unknown quantity 'hidden_layer' "
                              "in step 1, check 1 (known: dataset, hidden_layers,")


def test_a_page_that_does_not_exist():
    text = GOOD.replace('page = "mnist"', 'page = "Teacher"')
    found = problems(text)
    assert found[0] == (f"bad.toml, line {line_of(text, 'Teacher')}: no page 'Teacher' in step 2 "
                        f"(the pages: {', '.join(PAGES)}).")


def test_text_over_the_size_limit():
    text = GOOD.replace('text = "Read."', f'text = "{"x" * 3001}"')
    assert problems(text) == [f"bad.toml, line {line_of(text, 'xxxx')}: 'text' in step 2 has 3,001 characters; "
                              "at most 3,000."]


@pytest.mark.parametrize("check, needle, message", [
    ('quantity = "test_accuracy"\nat_least = 1.5', "at_least = 1.5",
     "test accuracy (test_accuracy) is never above 1, so at_least = 1.5 can never be met in step 2, check 1."),
    ('quantity = "epochs"\nat_most = -1', "at_most = -1",
     "epochs trained (epochs) is never below 0, so at_most = -1 can never be met in step 2, check 1."),
    ('quantity = "learning_rate"\nat_least = 0.3\nat_most = 0.1', "at_most = 0.1",
     "at_least = 0.3 is above at_most = 0.1: this can never be met in step 2, check 1."),
    ('quantity = "dataset"\nequals = "mnist"', 'equals = "mnist"',
     "data set (dataset) is never 'mnist' in step 2, check 1, so this can never be met (it is one of xor, "
     "xor_corners, circle, gauss, spiral, moons, and, or, three_blobs)."),
])
def test_a_check_that_can_never_be_met(check, needle, message):
    text = GOOD.replace('quantity = "mnist_test_accuracy"\nat_least = 0.95', check)
    assert problems(text) == [f"bad.toml, line {line_of(text, needle)}: {message}"]


def test_comparisons_must_fit_the_quantity():
    text = GOOD.replace("at_least = 1\n", 'at_least = "one"\n')
    assert "at_least in step 1, check 1 must be a number" in problems(text)[0]
    text = GOOD.replace("at_least = 1\n", "\n")
    assert problems(text)[0].endswith("a check needs one of at_least, at_most, equals, one_of in step 1, check 1.")


def test_setup_values_are_read_by_the_page_tables():
    text = GOOD.replace('layers = "none"', 'layers = "99:tanh"')
    [problem] = problems(text)
    assert problem.startswith(f"bad.toml, line {line_of(text, '99:tanh')}: layers = '99:tanh': write up to 6 layers")
    text = GOOD.replace('preset = "Hands-On DNN 784-300-100-10"', 'preset = "XOR 2-2-1 tanh"')
    assert "preset = 'XOR 2-2-1 tanh': choose from" in problems(text)[0]
    text = GOOD.replace('lr = 0.03', 'code = "__import__(\'os\')"')
    assert "has no setup key 'code'" in problems(text)[0]
    text = GOOD.replace('hide = ["data"]', 'hide = ["everything"]')
    assert "hide in step 1: the 2D playground page has no group 'everything'" in problems(text)[0]


def test_broken_and_hostile_files():
    assert problems('title = "x"\n[[steps]\n', "a.toml")[0].startswith("a.toml, line 2: not valid TOML")
    assert problems(b"\xff\xfe\x00binary", "b.toml") == ["b.toml: not a text file (a lesson is UTF-8 TOML text)."]
    huge = GOOD.encode() + b"#" * MAX_FILE_BYTES
    assert problems(huge, "c.toml")[0].startswith(f"c.toml: the file has {len(huge):,} bytes; a lesson is at most 64 KB")
    assert "a lesson needs at least one [[steps]] table." in problems('title = "x"\nsummary = "y"\nsteps = []\n')[0]
    too_many = GOOD + "\n".join('[[steps]]\ntitle = "t"\npage = "draw"\ntext = "t"\ntask = "t"' for _ in range(11))
    assert any("13 steps; at most 12" in p for p in problems(too_many))
    assert "the id 'Bad Id!'" in problems('id = "Bad Id!"\n' + GOOD)[0]


def test_every_problem_of_a_file_is_listed_at_once():
    text = GOOD.replace('hint = "Press + layer."', 'hnit = "x"').replace("at_least = 0.95", "at_least = 2")
    assert len(problems(text)) == 2


def test_key_lines_skip_multiline_strings():
    lines = key_lines(GOOD)
    assert lines[("steps", 0, "text")] == line_of(GOOD, "text = ")
    assert lines[("steps", 0, "task")] == line_of(GOOD, 'task = "Add')  # not fooled by the markdown lines
    assert lines[("steps", 1, "checks", 0, "at_least")] == line_of(GOOD, "at_least = 0.95")


def test_check_met_compares_numbers_and_words():
    assert Check("test_accuracy", at_least=0.95).met(0.96) and not Check("test_accuracy", at_least=0.95).met(0.9)
    assert not Check("test_accuracy", at_least=0.95).met(None)  # not measured yet
    assert not Check("test_loss", at_most=0.1).met(float("nan"))  # a diverged run meets nothing
    assert Check("learning_rate", at_least=0.03, at_most=0.3).met(0.1)
    assert Check("hidden_layers", equals=0).met(0) and not Check("hidden_layers", equals=0).met(1)
    assert Check("dataset", one_of=("xor", "circle")).met("circle") and not Check("dataset", equals="xor").met("or")


def test_progress_keeps_passed_checks_and_the_hint_needs_time_or_reruns():
    progress = Progress("xor_hidden_layer", 2).with_passed(["2.1"]).with_passed(["2.1", "2.2"])
    assert progress.passed == ("2.1", "2.2") and progress.at(3).passed == progress.passed
    lesson = next(lesson for lesson in shipped() if lesson.id == "xor_hidden_layer")
    assert progress.step_passed(lesson) and not progress.step_passed(lesson, 3)
    assert not hint_ready(0, 0) and not hint_ready(HINT_AFTER_S - 1, HINT_AFTER_RUNS - 1)
    assert hint_ready(HINT_AFTER_S, 0) and hint_ready(0, HINT_AFTER_RUNS)


def test_every_quantity_is_measured_on_a_page_lessons_can_open():
    assert all(quantity.page in PAGES for quantity in QUANTITIES.values())


def test_docs_describe_the_format():
    docs = (Path(__file__).resolve().parents[1] / "docs" / "LESSONS.md").read_text()
    for name in QUANTITIES:
        assert f"`{name}`" in docs, name
