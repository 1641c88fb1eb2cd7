"""The challenge board: what runs score, the ranking, the teacher key's refusals and growing wait."""

import pytest

from nnlab.classroom.board import CHALLENGES, SPIRAL_TARGET, Score, mnist_scores, playground_scores, rank
from nnlab.classroom.store import ClassStore
from nnlab.classroom.teacher_key import FREE_TRIES, TeacherKey, key_problem, wait_after
from nnlab.store.database import Database


def test_fewest_parameters_first_and_ties_to_the_earlier():
    places = rank(CHALLENGES["spiral_params"], [Score("Cy", 49, "", 3.0), Score("Ada", 25, "", 5.0),
                                                Score("Bob", 25, "", 4.0), Score("Dee", 113, "", 1.0)])
    assert [(p.rank, p.nickname, p.text) for p in places] == [
        (1, "Bob", "25 parameters"), (2, "Ada", "25 parameters"), (3, "Cy", "49 parameters"), (4, "Dee", "113 parameters")]


def test_highest_accuracy_first():
    places = rank(CHALLENGES["mnist_60s"], [Score("Ada", 0.9512, "", 1.0), Score("Bob", 0.9788, "", 2.0)])
    assert [(p.nickname, p.text) for p in places] == [("Bob", "97.88%"), ("Ada", "95.12%")]


def test_what_a_playground_run_scores():
    assert playground_scores("spiral", SPIRAL_TARGET, 37) == {"spiral_params": 37.0}
    assert playground_scores("spiral", SPIRAL_TARGET - 0.01, 37) == {}
    assert playground_scores("xor", 1.0, 17) == {}
    assert playground_scores("spiral", None, 17) == {}


def test_what_an_mnist_run_scores():
    assert mnist_scores(0.97, 59.0) == {"mnist_best": 0.97, "mnist_60s": 0.97}
    assert mnist_scores(0.98, 61.0) == {"mnist_best": 0.98}
    assert mnist_scores(None, 10.0) == {}


def test_ranking_from_the_store(tmp_path):
    store = ClassStore(Database(tmp_path / "c.sqlite3"))
    code = store.create_class().code
    for nickname, params, at in (("Ada", 41, 1.0), ("Bob", 29, 2.0), ("Cy", 29, 1.5)):
        store.record_score(store.join(code, nickname, nickname), "spiral_params", params, now=at)
    assert [p.nickname for p in rank(CHALLENGES["spiral_params"], store.scores(code, "spiral_params"))] == [
        "Cy", "Bob", "Ada"]


def test_server_keys_that_cannot_open_the_page():
    assert "no teacher key" in key_problem(None)
    assert "shorter" in key_problem("short")
    assert key_problem("a long enough key") is None


def test_wrong_keys_are_refused_counted_and_then_slowed(tmp_path):
    db = Database(tmp_path / "k.sqlite3")
    keys = TeacherKey(db, "correct horse")
    for n in range(1, FREE_TRIES + 1):
        check = keys.check("10.0.0.7", "guess", now=100.0 + n)
        assert (check.ok, check.failures, check.wait_s) == (False, n, 0.0)
        assert "not the teacher key" in check.message
    slowed = keys.check("10.0.0.7", "guess", now=110.0)
    assert (slowed.failures, slowed.wait_s) == (FREE_TRIES + 1, wait_after(FREE_TRIES + 1)) and slowed.wait_s > 0
    during = keys.check("10.0.0.7", "correct horse", now=110.0 + slowed.wait_s / 2)  # even the right key waits
    assert not during.ok and "wait" in during.message and during.failures == FREE_TRIES + 1
    assert keys.check("10.0.0.8", "correct horse", now=111.0).ok  # another caller is not slowed
    later = keys.check("10.0.0.7", "guess", now=110.0 + slowed.wait_s)
    assert later.failures == FREE_TRIES + 2 and later.wait_s == 2 * slowed.wait_s  # the wait grows
    assert TeacherKey(Database(tmp_path / "k.sqlite3"), "correct horse").failures("10.0.0.7") == FREE_TRIES + 2
    assert keys.check("10.0.0.7", "correct horse", now=110.0 + 3 * slowed.wait_s).ok
    assert keys.failures("10.0.0.7") == 0  # the right key clears the count


@pytest.mark.parametrize("failures", [0, 1, FREE_TRIES])
def test_free_tries_cost_nothing(failures):
    assert wait_after(failures) == 0.0
