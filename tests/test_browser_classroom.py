"""Real-browser test of a class: the teacher's board in one browser, a student in another.

The student joins, starts lesson 2, is sent to its step 2 by the teacher, adds a hidden layer, trains until
the step ticks off; the teacher's board (redrawn by its fragment) shows the student there, step done. A
second student trains MNIST and appears on the challenge board. Every wait is for a state on the page.
"""

import re

import pytest

from tests.browser import choose_mnist_run, exceptions_on_page, open_page, rerun, streamlit_server, wait_idle
from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.browser
KEY = "the browser test's teacher key"
BOARD_WAIT_MS = 60_000  # the board redraws every 3 s; a busy machine may take much longer


@pytest.fixture(scope="module")
def class_url(tmp_path_factory):
    """A server with a teacher key and its own class store."""
    work = tmp_path_factory.mktemp("class")
    with streamlit_server(work, env={"NNLAB_TEACHER_KEY": KEY, "NNLAB_DATA_DIR": str(work / "data")}) as url:
        yield url


@pytest.fixture
def new_page(browser, request):
    """Pages in their own browser contexts (separate cookies: separate people); screenshots kept on failure."""
    contexts = []

    def make(width: int = 1280, height: int = 900):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(60_000)
        return page

    yield make
    report = getattr(request.node, "rep_call", None)
    for number, context in enumerate(contexts):
        if report is not None and report.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            context.pages[0].screenshot(path=str(ARTIFACTS / f"{request.node.name}-{number}.png"), full_page=True)
        context.close()


def open_board(page, url: str) -> str:
    """The teacher opens the Teacher page with the key and makes a class; returns its code."""
    open_page(page, url, "Teacher")
    page.get_by_role("textbox", name="Teacher key").fill(KEY)
    page.get_by_role("button", name="Open").click()
    page.get_by_role("button", name="New class").click()
    page.get_by_role("textbox", name="Name (optional)").fill("Browser class")
    page.get_by_role("button", name="Create the class").click()
    made = page.get_by_text(re.compile(r"Class [A-Z0-9]{6} is ready"))  # not the heading: until this run
    code = re.search(r"Class ([A-Z0-9]{6}) is ready", made.inner_text()).group(1)  # ends it shows the last class
    page.get_by_role("heading", name=f"Class code: {code}").wait_for()
    return code


def join(page, url: str, code: str, nickname: str, path: str = "") -> None:
    open_page(page, url, path)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Join a class").click()
    sidebar.get_by_role("textbox", name="Class code").fill(code)
    sidebar.get_by_role("textbox", name="Nickname").fill(nickname)
    sidebar.get_by_role("button", name="Join").click()
    sidebar.get_by_text(f"Class {code} as {nickname}").wait_for()


# One selectbox called `label` shows `value`: while a run redraws the page, the previous run's box can stay
# beside the new one (faded) until the run ends.
SHOWS = """([label, value]) => {
    const boxes = [...document.querySelectorAll(`input[role=combobox][aria-label="${label}"]`)];
    return boxes.length === 1 && boxes[0].value === value;
}"""


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the selectbox ``label`` and wait until the page shows only that box, with it.
    Each lesson has its own Step box: until the run a choice asked for has ended, the page may still show
    the last lesson's box beside the new one, so this starts from a settled page and waits for its run."""
    wait_idle(page)
    with rerun(page):
        page.locator(f'input[role=combobox][aria-label="{label}"]').click()
        page.get_by_role("option", name=option, exact=True).click()
    page.wait_for_function(SHOWS, arg=[label, option])


def board_row(page, *texts: str):
    row = page.get_by_role("row")
    for text in texts:
        row = row.filter(has_text=text)
    return row


def test_a_student_does_lesson_2_and_the_teacher_sees_it(new_page, class_url):
    teacher, student = new_page(), new_page()
    code = open_board(teacher, class_url)
    teacher.get_by_text("Nobody has joined yet.").wait_for()

    join(student, class_url, code, "Ada", "Lessons")
    board_row(teacher, "Ada", "no lesson").wait_for(timeout=BOARD_WAIT_MS)
    student.locator(".st-key-lesson_start_xor_hidden_layer button").click()
    student.get_by_text("Step 1 of 3 · One unit on XOR").wait_for()
    board_row(teacher, "Ada", "Why XOR needs a hidden layer · step 1 of 3").wait_for(timeout=BOARD_WAIT_MS)

    choose(teacher, "Lesson", "Why XOR needs a hidden layer")  # the teacher sends the class on to step 2
    teacher.wait_for_function(SHOWS, arg=["Step", "1. One unit on XOR"])  # the lesson's own steps are offered
    choose(teacher, "Step", "2. Add a hidden layer")
    teacher.get_by_role("button", name="Send the class there").click()
    teacher.get_by_text("Sent the class to step 2 of Why XOR needs a hidden layer").wait_for()
    student.get_by_text("Step 2 of 3 · Add a hidden layer").wait_for(timeout=BOARD_WAIT_MS)  # the heartbeat's rerun
    student.get_by_text("Your teacher sent the class to step 2").wait_for()

    wait_idle(student)  # the sent step's own run has ended: the buttons clicked are the ones it drew
    with rerun(student):
        student.get_by_role("button", name="+ layer").click()
    student.get_by_text("1 hidden layer").wait_for()
    with rerun(student):  # the page has settled after "+ layer", so Play is where it is drawn
        student.get_by_role("button", name="Play").click()
    student.get_by_text("Step done!").wait_for(timeout=180_000)
    student.get_by_role("button", name="Pause").click()

    done = board_row(teacher, "Ada", "step 2 of 3", "step done")
    done.wait_for(timeout=BOARD_WAIT_MS)
    cells = done.get_by_role("cell").all_inner_texts()
    assert "3" in cells  # checks passed: step 1's "no hidden layer" and step 2's two
    assert exceptions_on_page(student) == [] and exceptions_on_page(teacher) == []


def test_an_mnist_run_reaches_the_challenge_board(new_page, class_url):
    teacher, student = new_page(), new_page()
    code = open_board(teacher, class_url)
    join(student, class_url, code, "Bob", "MNIST")
    choose_mnist_run(student, "1,000 (a few seconds)", epochs=1)
    student.get_by_role("button", name="Start").click()
    accuracy = student.get_by_test_id("stMetric").filter(has_text="Test accuracy").get_by_test_id("stMetricValue")
    accuracy.wait_for(timeout=180_000)
    shown = accuracy.inner_text()  # e.g. "81.20%"

    board_row(teacher, "Bob", shown).first.wait_for(timeout=BOARD_WAIT_MS)  # the class list's best MNIST
    ranked = teacher.locator(".st-key-teacher_board_mnist_60s").get_by_role("row").filter(has_text="Bob")
    ranked.wait_for(timeout=BOARD_WAIT_MS)  # the "within 60 s" challenge: Bob first, with his accuracy
    assert ranked.get_by_role("cell").all_inner_texts()[:3] == ["1", "Bob", shown]
    assert exceptions_on_page(student) == [] and exceptions_on_page(teacher) == []
