"""The class store: join, refused nicknames and codes, progress, scores, clear, a restart, several processes."""

import multiprocessing

import pytest

from nnlab.classroom.board import AWAY_AFTER_S, STUCK_AFTER_S
from nnlab.classroom.names import CODE_ALPHABET, MAX_NICKNAME, ClassroomError, read_code
from nnlab.classroom.store import ClassStore, Member
from nnlab.store.database import Database


@pytest.fixture
def store(tmp_path):
    return ClassStore(Database(tmp_path / "class.sqlite3"))


def test_create_and_join(store):
    made = store.create_class("5B Tuesday", now=100.0)
    assert len(made.code) == 6 and set(made.code) <= set(CODE_ALPHABET)
    member = store.join(made.code.lower()[:3] + "-" + made.code.lower()[3:], "  Ada   L ", "browser-a", now=101.0)
    assert member == Member(made.code, "Ada L", "browser-a", "5B Tuesday")
    [row] = store.students(made.code)
    assert (row.nickname, row.lesson_id, row.checks_passed, row.seen_at) == ("Ada L", None, 0, 101.0)
    assert [(c.code, c.students) for c in store.classes()] == [(made.code, 1)]


def test_nickname_taken_by_another_browser_is_refused(store):
    code = store.create_class().code
    store.join(code, "Ada", "browser-a")
    with pytest.raises(ClassroomError, match="'Ada' is already taken"):
        store.join(code, "ADA", "browser-b")
    again = store.join(code, "ada", "browser-a")  # the same browser (a reload) gets its place back
    assert again.nickname == "Ada"
    assert [s.nickname for s in store.students(code)] == ["Ada"]


@pytest.mark.parametrize("nickname, message", [
    ("", "Type a nickname"),
    ("   ", "Type a nickname"),
    ("x" * (MAX_NICKNAME + 1), "too long"),
    ("bad\u200bname", "invisible"),
])
def test_bad_nicknames_are_refused_and_write_nothing(store, nickname, message):
    code = store.create_class().code
    with pytest.raises(ClassroomError, match=message):
        store.join(code, nickname, "browser-a")
    assert store.students(code) == []


@pytest.mark.parametrize("typed, message", [("", "Type the class code"), ("ABC", "not a class code"),
                                            ("K7P2Q0", "not a class code"), ("ZZZZZZ", "no class with the code ZZZZZZ")])
def test_unknown_or_malformed_codes_are_refused(store, typed, message):
    store.create_class()
    with pytest.raises(ClassroomError, match=message):
        store.join(typed, "Ada", "browser-a")


def test_read_code_ignores_case_spaces_and_dashes():
    assert read_code(" k7p-2qx ") == "K7P2QX"


def test_progress_checks_and_stuck(store):
    code = store.create_class().code
    ada = store.join(code, "Ada", "a", now=0.0)
    assert store.record_progress(ada, "xor", 1, False, now=10.0)
    assert store.record_progress(ada, "xor", 1, False, now=50.0)  # no change: progress_at stays
    [row] = store.students(code)
    assert (row.lesson_id, row.step, row.step_passed, row.progress_at, row.seen_at) == ("xor", 1, False, 10.0, 50.0)
    assert row.status(now=60.0) == "working"
    assert row.status(now=10.0 + STUCK_AFTER_S + 1) == "away"  # not seen for that long either
    store.seen(ada, now=10.0 + STUCK_AFTER_S)
    assert store.students(code)[0].status(now=10.0 + STUCK_AFTER_S + 1) == "stuck"
    store.record_progress(ada, "xor", 1, False, checks=["1.1"], now=200.0)  # one check of two met: progress
    assert store.students(code)[0].progress_at == 200.0
    store.record_progress(ada, "xor", 1, True, checks=["1.1", "1.2"], now=300.0)
    store.record_progress(ada, "xor", 2, False, checks=["1.1", "1.2"], now=310.0)
    store.record_progress(ada, "xor", 1, True, checks=["1.1", "1.2"], now=320.0)  # back: each check counted once
    [row] = store.students(code)
    assert (row.step, row.step_passed, row.checks_passed, row.status(now=321.0)) == (1, True, 2, "done")
    assert row.status(now=320.0 + AWAY_AFTER_S + 1) == "away"
    store.record_progress(ada, "one-neuron", 1, False, now=330.0)  # another lesson: its own checks
    assert store.students(code)[0].checks_passed == 0


def test_scores_keep_each_students_best(store):
    code = store.create_class().code
    ada, bob = store.join(code, "Ada", "a"), store.join(code, "Bob", "b")
    assert store.record_score(ada, "spiral_params", 41, now=1.0)
    assert not store.record_score(ada, "spiral_params", 57, now=2.0)  # more parameters: not better
    assert store.record_score(ada, "spiral_params", 33, now=3.0)
    assert store.record_score(bob, "mnist_60s", 0.91, now=4.0)
    assert not store.record_score(bob, "mnist_60s", 0.90, now=5.0)
    assert {(s.nickname, s.value) for s in store.scores(code, "spiral_params")} == {("Ada", 33.0)}
    assert {s.nickname: s.scores for s in store.students(code)} == {"Ada": {"spiral_params": 33.0},
                                                                     "Bob": {"mnist_60s": 0.91}}


def test_clear_removes_students_and_their_work_but_keeps_the_code(store):
    code = store.create_class().code
    other = store.create_class().code
    ada = store.join(code, "Ada", "a")
    stays = store.join(other, "Ada", "a")  # the same nickname in another class is another student
    store.record_progress(ada, "one-neuron", 1, True, checks=["1.1"])
    store.record_score(ada, "mnist_best", 0.97)
    assert store.clear_class(code) == 1
    assert store.students(code) == [] and store.scores(code, "mnist_best") == []
    assert not store.record_progress(ada, "one-neuron", 1, False)  # the cleared student's page learns it
    assert not store.is_member(ada) and store.is_member(stays)
    assert store.join(code, "Ada", "someone-else").nickname == "Ada"  # the nickname is free again
    assert store.db.query("SELECT COUNT(*) FROM passed_checks")[0][0] == 0
    store.delete_class(other)
    assert [c.code for c in store.classes()] == [code] and not store.is_member(stays)
    with pytest.raises(ClassroomError, match="no class with the code"):
        store.join(other, "Ada", "a")


def test_send_the_class_to_a_step(store):
    code = store.create_class().code
    assert store.target(code) is None
    first = store.send_to(code, "xor-hidden-layer", 2)
    second = store.send_to(code, "one-neuron", 0)
    assert (first.rev, second.rev) == (1, 2)
    assert store.target(code) == second
    with pytest.raises(ClassroomError):
        store.send_to("ZZZZZZ", "one-neuron", 0)
    ada = store.join(code, "Ada", "a")
    assert store.followed(ada) == 0  # a new student follows the last send too
    store.note_followed(ada, second.rev)
    assert store.followed(store.resume("a")) == 2  # a reloaded page does not follow it again


def test_leave_and_resume_by_browser(store):
    code = store.create_class("A").code
    ada = store.join(code, "Ada", "a", now=1000.0)
    assert store.resume("a", now=1001.0) == ada
    assert store.resume("b", now=1001.0) is None
    store.leave(ada)
    assert store.resume("a", now=1002.0) is None
    assert [s.nickname for s in store.students(code)] == ["Ada"]  # the teacher still sees the work


def test_everything_survives_a_new_database_object(tmp_path):
    path = tmp_path / "class.sqlite3"
    first = ClassStore(Database(path))
    code = first.create_class("kept").code
    ada = first.join(code, "Ada", "a")
    first.record_progress(ada, "one-neuron", 3, True, checks=["3.1"])
    first.record_score(ada, "spiral_params", 25)
    first.send_to(code, "one-neuron", 4)
    first.db.close()
    again = ClassStore(Database(path))  # a restarted server
    [row] = again.students(code)
    assert (row.nickname, row.lesson_id, row.step, row.checks_passed, row.scores) == (
        "Ada", "one-neuron", 3, 1, {"spiral_params": 25.0})
    assert again.target(code).step == 4
    with pytest.raises(ClassroomError, match="already taken"):
        again.join(code, "ada", "b")


def _join_from_another_process(path, code, nickname, results):
    store = ClassStore(Database(path))
    try:
        store.join(code, nickname, f"browser-{multiprocessing.current_process().pid}")
        results.put("joined")
    except ClassroomError:
        results.put("taken")


def test_two_processes_cannot_take_one_nickname(tmp_path):
    path = tmp_path / "class.sqlite3"
    code = ClassStore(Database(path)).create_class().code
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    workers = [context.Process(target=_join_from_another_process, args=(path, code, "Ada", results))
               for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert sorted(results.get(timeout=5) for _ in workers) == ["joined", "taken"]
    assert len(ClassStore(Database(path)).students(code)) == 1
