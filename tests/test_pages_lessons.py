"""Page tests (AppTest) for the lessons: every shipped step opens its page with its setup, without an exception;
the player shows step n of m and ticks a check once the student's own state meets it; locks, hint, Back."""

import pytest

from nnlab.lessons.catalog import shipped
from nnlab.lessons.pages import PAGES
from nnlab.lessons.progress import HINT_AFTER_RUNS
from tests.apptest import run_page

LESSONS_PAGE = "pages/7_Lessons.py"
PAGE_TITLES = {"playground": "2D playground", "mnist": "Train on MNIST", "draw": "Draw a digit",
               "under_the_hood": "Under the hood", "build": "Build a network", "lessons": "Lessons"}


def sidebar_texts(at) -> list[str]:
    return [element.value for element in at.sidebar.markdown]


def step_caption(at) -> str:
    """The player's "Step n of m · title" line."""
    return next(bar.proto.text for bar in at.sidebar.get("progress"))


def done(at) -> list[str]:
    return [text for text in sidebar_texts(at) if "**Done:**" in text]


def stay(at):
    """Keep AppTest on the page the open step switched to (AppTest follows a script's st.switch_page for that
    run only; a browser's address changes)."""
    progress = at.session_state["lesson_progress"]
    if progress is not None:
        lesson = next(lesson for lesson in shipped() if lesson.id == progress.lesson_id)
        at.switch_page(PAGES[lesson.steps[progress.step - 1].page].path)
    return at


def start(lesson_id: str):
    at = run_page(LESSONS_PAGE, timeout=180)
    assert not at.exception
    at.button(key=f"lesson_start_{lesson_id}").click().run()
    return stay(at)


def test_the_lessons_page_lists_every_lesson():
    at = run_page(LESSONS_PAGE)
    assert not at.exception
    titles = [text.value for text in at.markdown if text.value.startswith("**")]
    assert titles == [f"**{n}. {lesson.title}**" for n, lesson in enumerate(shipped(), start=1)]
    assert not at.warning  # every shipped file validates


@pytest.mark.parametrize("lesson", shipped(), ids=lambda lesson: lesson.id)
def test_each_step_opens_its_page_with_its_setup(lesson):
    at = start(lesson.id)
    for number, step in enumerate(lesson.steps, start=1):
        assert not at.exception, (lesson.id, number, at.exception)
        assert PAGE_TITLES[step.page] in at.title[0].value, (lesson.id, number)
        assert step_caption(at) == f"Step {number} of {len(lesson.steps)} · {step.title}"
        # every check is evaluated on this session's state: met ("Done"), or its value now
        checks = [t for t in sidebar_texts(at) if "**Done:**" in t or " · now " in t]
        assert len(checks) == len(step.checks), (lesson.id, number, checks)
        if step.page == "playground":
            config = at.session_state["pg_config"]
            assert config.hide == frozenset(step.hide)
            if "data" in step.setup_dict:
                assert config.dataset == step.setup_dict["data"]
        if step.page == "mnist" and "preset" in step.setup_dict:
            assert at.session_state["model_spec"].name == step.setup_dict["preset"]
        if number < len(lesson.steps):
            stay(at.button(key="lesson_next").click().run())
    at.button(key="lesson_finish").click().run()
    assert at.session_state["lesson_progress"] is None and not at.exception


def test_lesson_2_ticks_the_hidden_layer_then_the_accuracy_on_the_students_own_run():
    at = start("xor_hidden_layer")
    at.button(key="lesson_next").click().run()
    assert step_caption(at) == "Step 2 of 3 · Add a hidden layer"
    assert done(at) == []
    at.button(key=f"pg_{at.session_state['pg_rev']}_layer_plus").click().run()
    assert done(at) == [":green[:material/check_circle:] **Done:** hidden layers ≥ 1"]
    assert at.session_state["lesson_progress"].passed == ("1.1", "2.1")  # step 1's first check was met on opening
    at.button(key="pg_play").click().run()
    for _ in range(60):  # each run trains one chunk (AppTest runs the live fragment once per run)
        if len(done(at)) == 2:
            break
        at.run()
    assert len(done(at)) == 2 and at.session_state["lesson_progress"].step_passed(
        next(lesson for lesson in shipped() if lesson.id == "xor_hidden_layer"))
    assert any("Step done!" in success.value for success in at.sidebar.success)
    assert at.button(key="lesson_next").proto.type == "primary"
    at.button(key="pg_pause").click().run()
    stay(at.button(key="lesson_back").click().run())  # Back: step 1 again, what was passed stays passed
    assert step_caption(at).startswith("Step 1 of 3") and "2.2" in at.session_state["lesson_progress"].passed
    assert not at.exception


def test_a_locked_network_is_put_back_with_a_note():
    at = start("xor_hidden_layer")  # step 1 locks the network at no hidden layer
    at.button(key=f"pg_{at.session_state['pg_rev']}_layer_plus").click().run()
    assert at.session_state["pg_config"].layers == ()
    assert any("keeps network as the lesson set it" in caption.value for caption in at.sidebar.caption)
    assert not at.exception


def test_the_hint_comes_after_enough_tries():
    at = start("xor_hidden_layer")
    assert not [b for b in at.sidebar.button if b.key == "lesson_hint_btn"]
    runs = at.session_state["lesson_step_clock"][3]
    for _ in range(HINT_AFTER_RUNS - runs):
        at.run()
    at.button(key="lesson_hint_btn").click().run()
    assert any("is locked to no hidden layer" in info.value for info in at.sidebar.info)


def test_elsewhere_the_player_links_to_the_steps_page():
    at = start("one_neuron")  # step 1 is on Under the hood
    assert "Under the hood" in at.title[0].value
    at.switch_page("pages/1_Build.py").run()
    assert any("step 1 of 3" in text for text in sidebar_texts(at))
    assert not at.exception


def _board_script():
    import streamlit as st

    from nnlab.ui.lesson_player import current_progress, go_to

    target = st.session_state.get("send_to")
    if target:
        st.session_state["sent"] = go_to(*target, open_page=False)
    st.write(repr(current_progress()))


def test_go_to_sends_a_student_to_a_step_and_refuses_an_unknown_one():
    """What the class board calls in each student's session."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_board_script, default_timeout=120)
    at.session_state["send_to"] = ("learning_rate", 3)
    at.run()
    assert at.session_state["sent"] is True and not at.exception
    assert at.markdown[0].value == "Progress(lesson_id='learning_rate', step=3, passed=())"
    assert at.session_state["pg_config"].learning_rate == 0.1 and at.session_state["pg_config"].optimizer == "sgd"
    for wrong in (("no_such_lesson", 1), ("learning_rate", 4), ("learning_rate", 0)):
        at.session_state["send_to"] = wrong
        at.run()
        assert at.session_state["sent"] is False
    assert at.markdown[0].value == "Progress(lesson_id='learning_rate', step=3, passed=())"
