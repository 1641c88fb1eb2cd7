"""Page tests: a student joins a class from the sidebar (and is refused with a message); the Teacher page
without a key, with a wrong one (counted), with the right one (a class, the board, clearing it)."""

import pytest

from nnlab.classroom.store import ClassStore
from nnlab.classroom.teacher_key import ENV_VAR
from nnlab.store.database import shared_database
from tests.apptest import run_page

TEACHER = "pages/8_Teacher.py"
KEY = "a key only the teacher knows"


@pytest.fixture
def data(tmp_path, monkeypatch):
    monkeypatch.setenv("NNLAB_DATA_DIR", str(tmp_path))
    monkeypatch.delenv(ENV_VAR, raising=False)
    return ClassStore(shared_database(tmp_path))


def join(at, code: str, nickname: str):
    at.sidebar.text_input(key="class_code_typed").input(code)
    at.sidebar.text_input(key="class_nickname_typed").input(nickname)
    return at.sidebar.button[0].click().run()


def sidebar_text(at) -> str:
    return " ".join(m.value for m in at.sidebar.markdown)


def test_a_student_joins_and_leaves(data):
    code = data.create_class("5B").code
    at = join(run_page(), code.lower(), "Ada")
    assert not at.exception
    assert f"Class **{code}** as **Ada**" in sidebar_text(at)
    assert [row.nickname for row in data.students(code)] == ["Ada"]
    at.sidebar.button(key="class_leave").click().run()
    assert "You left the class" in at.sidebar.info[0].value
    assert at.sidebar.text_input(key="class_code_typed")  # the join form again
    assert [row.nickname for row in data.students(code)] == ["Ada"]  # the teacher keeps the work


@pytest.mark.parametrize("nickname, message", [("", "Type a nickname"), ("x" * 25, "too long")])
def test_a_bad_nickname_gets_a_message_and_keeps_what_was_typed(data, nickname, message):
    code = data.create_class().code
    at = join(run_page(), code, nickname)
    assert message in at.sidebar.error[0].value
    assert at.sidebar.text_input(key="class_code_typed").value == code  # nothing lost
    assert data.students(code) == []


def test_an_unknown_code_gets_a_message(data):
    at = join(run_page(), "ZZZZZZ", "Ada")
    assert "no class with the code ZZZZZZ" in at.sidebar.error[0].value
    assert at.sidebar.text_input(key="class_nickname_typed").value == "Ada"


def test_a_nickname_taken_by_another_student_is_refused(data):
    code = data.create_class().code
    data.join(code, "Ada", "browser-of-someone-else")
    at = join(run_page(), code, "ada")
    assert "'Ada' is already taken" in at.sidebar.error[0].value
    assert "as **" not in sidebar_text(at)


def test_the_teacher_page_without_a_key_says_how_to_set_one_and_nothing_else(data):
    at = run_page(TEACHER)
    assert not at.exception
    [info] = at.info
    assert ENV_VAR in info.value and "secrets.toml" in info.value
    assert not at.text_input and not at.selectbox and not at.table and not at.button


def test_a_short_server_key_is_not_accepted(data, monkeypatch):
    monkeypatch.setenv(ENV_VAR, "short")
    at = run_page(TEACHER)
    assert "shorter than 8 characters" in at.info[0].value and not at.text_input


def test_a_wrong_key_is_refused_and_counted(data, monkeypatch):
    monkeypatch.setenv(ENV_VAR, KEY)
    at = run_page(TEACHER)
    for n in (1, 2):
        at.text_input(key="teacher_key_typed").input("a guess")
        at.button[0].click().run()
        assert "not the teacher key" in at.error[0].value
        counts = shared_database().query("SELECT failures FROM teacher_key_failures")
        assert [row[0] for row in counts] == [n]
    assert not at.selectbox and not at.table  # still nothing of the classes


def test_the_key_from_streamlit_secrets_opens_the_page(data):
    from streamlit.testing.v1 import AppTest

    from tests.apptest import APP

    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets[ENV_VAR] = KEY
    at.run()
    at.switch_page(TEACHER).run()
    at.text_input(key="teacher_key_typed").input(KEY)
    at.button[0].click().run()
    assert "No class yet" in at.info[0].value


def test_the_teacher_makes_a_class_and_sees_its_students(data, monkeypatch):
    monkeypatch.setenv(ENV_VAR, KEY)
    at = run_page(TEACHER)
    at.text_input(key="teacher_key_typed").input(KEY)
    at.button[0].click().run()
    at.text_input(key="teacher_new_class").input("5B Tuesday")
    next(b for b in at.button if b.label == "Create the class").click().run()
    [made] = data.classes()
    assert f"Class {made.code} is ready" in at.success[0].value
    assert f"Class code: `{made.code}`" in " ".join(m.value for m in at.markdown)
    ada = data.join(made.code, "Ada", "a")
    data.record_progress(ada, "02_xor", 2, False, checks=["1.1", "1.2"])
    data.record_score(ada, "mnist_best", 0.9731)
    data.record_score(ada, "spiral_params", 29)
    at.run()
    students = at.table[0].value
    assert list(students["Nickname"]) == ["Ada"] and list(students["Checks passed"]) == [2]
    assert list(students["Best MNIST test accuracy"]) == ["97.31%"] and list(students["Status"]) == ["working"]
    board = at.table[1].value
    assert (list(board["Nickname"]), list(board["Score"])) == (["Ada"], ["29 parameters"])
    at.button(key="teacher_clear").click().run()
    assert "1 students removed" in at.success[0].value
    assert data.students(made.code) == [] and "Nobody has joined yet." in " ".join(c.value for c in at.caption)
    at.button(key="teacher_delete").click().run()
    assert f"Class {made.code} is deleted" in at.success[0].value and "No class yet" in at.info[0].value
    assert data.classes() == []


def test_the_teacher_sends_the_class_and_the_students_page_goes_there(data):
    code = data.create_class().code
    at = join(run_page(), code, "Ada")
    data.send_to(code, "xor_hidden_layer", 2)
    at.run()  # the student's next run (the heartbeat asks for one when it sees the send)
    progress = at.session_state["lesson_progress"]
    assert (progress.lesson_id, progress.step) == ("xor_hidden_layer", 2)
    assert "Your teacher sent the class to step 2 of “Why XOR needs a hidden layer”" in " ".join(
        c.value for c in at.sidebar.caption)
    at.run()  # followed once: the student may move on without being sent back
    assert data.followed(data.resume(at.session_state["nnlab_owner"])) == 1


def test_the_students_progress_reaches_the_board(data, monkeypatch):
    from nnlab.lessons.progress import Progress

    code = data.create_class().code
    at = join(run_page(), code, "Ada")
    at.session_state["lesson_progress"] = Progress("xor_hidden_layer", 2, ("1.1", "1.2", "2.1"))
    at.run()
    [row] = data.students(code)
    assert (row.lesson_id, row.step, row.step_passed, row.checks_passed) == ("xor_hidden_layer", 2, False, 3)
    monkeypatch.setenv(ENV_VAR, KEY)
    teacher = run_page(TEACHER)
    teacher.text_input(key="teacher_key_typed").input(KEY)
    teacher.button[0].click().run()
    students = teacher.table[0].value
    assert list(students["Lesson"]) == ["Why XOR needs a hidden layer · step 2 of 3"]
    teacher.selectbox(key="teacher_send_lesson").set_value("reading_digits").run()
    teacher.selectbox(key="teacher_send_step_reading_digits").set_value(3).run()
    teacher.button(key="teacher_send").click().run()
    assert "Sent the class to step 3 of Reading digits" in teacher.success[0].value
    assert data.target(code).lesson_id == "reading_digits"


def test_a_spiral_network_at_95_percent_reaches_the_challenge_board(data):
    from nnlab.model.spec import FEATURES
    from nnlab.playground.config import Hidden, PlaygroundConfig
    from nnlab.playground.session import PlaygroundRun

    code = data.create_class().code
    at = join(run_page(), code, "Ada")
    setup = PlaygroundConfig(dataset="spiral", features=FEATURES, layers=(Hidden(8, "tanh"), Hidden(8, "tanh")),
                             learning_rate=0.03, optimizer="adam")
    run = PlaygroundRun(setup)
    at.session_state["pg_config"], at.session_state["pg_run"] = setup, run
    at.run()
    assert data.scores(code, "spiral_params") == []  # not trained yet: no score
    # ten epochs at a time, however fast the machine (a time budget overshot the best epoch on a fast one)
    while run.trainer.epoch < 2_000 and (run.trainer.history.last is None or
                                         run.trainer.history.last.test_accuracy < 0.95):
        run.trainer.train_for(1e9, max_epochs=run.trainer.epoch + 10)
    assert run.trainer.history.last.test_accuracy >= 0.95
    at.run()
    [score] = data.scores(code, "spiral_params")
    assert score.value == run.spec.param_count() == 7 * 8 + 8 + 8 * 8 + 8 + 8 + 1
    assert score.detail.startswith("hidden 8-8 · epoch ")
