"""A student's class in the pages: the "Join a class" panel in the sidebar, and what the session reports.

**Students** (:func:`student_panel`, drawn by :func:`nnlab.ui.page.setup_page` on every page): a class code
and a nickname join the class (``class_member`` in the session state: a
:class:`~nnlab.classroom.store.Member`); a reloaded page of the same browser rejoins by itself. While
joined, a small fragment in the sidebar wakes every :data:`HEARTBEAT_S` seconds and

* reports what the student's own session holds: the lesson step and the checks met
  (:func:`nnlab.ui.lesson_player.current_progress`), the playground's run (spiral test accuracy and
  parameter count) and the MNIST page's ended runs (test accuracy, training seconds), writing only
  what changed or improved;
* notices a send of the teacher it has not followed, and reruns the page: the page's first lines
  (:func:`follow_teacher`) take the student there (:func:`nnlab.ui.lesson_player.go_to`).

A student sees only their own class code and nickname; other students appear on the Teacher page only
(:mod:`nnlab.ui.teacher_board`).
"""

from __future__ import annotations

import time

import streamlit as st

from nnlab.classroom.board import CHALLENGES, mnist_scores, playground_scores
from nnlab.classroom.names import MAX_NICKNAME, ClassroomError
from nnlab.classroom.store import ClassStore, Member
from nnlab.store.database import DatabaseError, shared_database
from nnlab.ui import lesson_player
from nnlab.ui.compat.owner import owner_token

MEMBER, FOLLOWED, SENT, SEEN, PANEL_NOTE, SENT_TO = ("class_member", "class_followed", "class_sent", "class_seen",
                                                     "class_note", "class_sent_to")
HEARTBEAT_S = 3.0  # a joined student's page reports this often
SEEN_EVERY_S = 20.0  # and says "still here" at least this often
MARKDOWN_SPECIAL = "\\`*_{}[]()<>#+-.!|~$"


def store() -> ClassStore:
    return ClassStore(shared_database())


def plain(text: str) -> str:
    """``text`` (a nickname, a class name) escaped for st.markdown: shown as typed, never as formatting."""
    return "".join(f"\\{c}" if c in MARKDOWN_SPECIAL else c for c in text)


# ---- a student ------------------------------------------------------------------------------------


def member() -> Member | None:
    """This session's place in a class; on a session's first run, the class its browser was in (a reload)."""
    if MEMBER not in st.session_state:
        st.session_state[MEMBER] = None
        try:
            found = store().resume(owner_token())
            if found is not None:
                st.session_state[MEMBER] = found
                st.session_state[FOLLOWED] = store().followed(found)
        except DatabaseError:
            pass  # the panel says so when it draws
    return st.session_state[MEMBER]


def _forget(note: str = "") -> None:
    for name in (MEMBER, FOLLOWED, SENT, SEEN, SENT_TO):
        st.session_state.pop(name, None)
    st.session_state[MEMBER] = None
    if note:
        st.session_state[PANEL_NOTE] = note


def _join() -> None:
    code, nickname = st.session_state.get("class_code_typed", ""), st.session_state.get("class_nickname_typed", "")
    try:
        joined = store().join(code, nickname, owner_token())
        followed = store().followed(joined)
    except (ClassroomError, DatabaseError) as error:
        st.session_state[PANEL_NOTE] = ("error", str(error))
        return
    _forget()
    st.session_state[MEMBER], st.session_state[FOLLOWED] = joined, followed
    st.session_state[PANEL_NOTE] = ("success", f"Joined class {joined.code}: your teacher sees your progress.")


def _leave() -> None:
    joined = st.session_state.get(MEMBER)
    if joined is not None:
        try:
            store().leave(joined)
        except DatabaseError as error:
            st.session_state[PANEL_NOTE] = ("error", str(error))
            return
    _forget(("info", "You left the class. Your work on this computer stays; join again any time."))


def _panel_note() -> None:
    if st.session_state.get(lesson_player.OPEN_PAGE):
        return  # the player opens another page in this run: the note waits for that page
    note = st.session_state.pop(PANEL_NOTE, None)
    if note:
        getattr(st, note[0])(note[1])


def student_panel() -> None:
    """The sidebar's class panel: "Join a class", or "Class X as nickname" with Leave (and the heartbeat)."""
    with st.sidebar:
        joined = member()
        if joined is None:
            _join_form()
        else:
            follow_teacher(joined)
            _joined_panel()


def _join_form() -> None:
    with st.expander("Join a class", icon=":material/group_add:",
                     expanded=bool(st.session_state.get(PANEL_NOTE))):
        _panel_note()
        with st.form("class_join", border=False):
            st.text_input("Class code", key="class_code_typed", max_chars=12, placeholder="K7P2QX",
                          help="The code your teacher shows")
            st.text_input("Nickname", key="class_nickname_typed", max_chars=MAX_NICKNAME + 10,
                          help=f"Up to {MAX_NICKNAME} characters. Not your real name: the teacher's board shows it.")
            st.form_submit_button("Join", on_click=_join, icon=":material/login:")
        st.caption("No account: your teacher sees your nickname, your lesson step and your scores, nothing else.")


@st.fragment(run_every=HEARTBEAT_S)
def _joined_panel() -> None:
    joined = st.session_state.get(MEMBER)
    if joined is None:  # Leave (a button of this fragment: only the fragment reran) or left in another tab
        st.rerun(scope="app")  # the whole sidebar: the join form again
    try:
        still_in, target = report(joined)
    except DatabaseError as error:
        still_in, target = True, None
        st.warning(str(error))
    if not still_in:
        _forget(("warning", f"Your teacher cleared class {joined.code}: join again to keep reporting."))
        st.rerun(scope="app")
    if target is not None and target.rev > st.session_state.get(FOLLOWED, 0):
        st.rerun(scope="app")  # the page's first lines follow the teacher (follow_teacher)
    _panel_note()
    st.markdown(f":material/groups: Class **{joined.code}** as **{plain(joined.nickname)}**")
    sent_to, progress = st.session_state.get(SENT_TO), lesson_player.current_progress()
    if sent_to and progress is not None and (progress.lesson_id, progress.step) == sent_to[:2]:
        st.caption(f":material/send: Your teacher sent the class to step {sent_to[1]} of “{sent_to[2]}”.")
    st.button("Leave", key="class_leave", on_click=_leave, icon=":material/logout:",
              help="Stop reporting to this class (your teacher keeps what you did)")


def follow_teacher(joined: Member) -> None:
    """If the teacher sent the class somewhere this session has not been sent yet, go there now."""
    try:
        target = store().target(joined.code)
    except DatabaseError:
        return
    if target is None or target.rev <= st.session_state.get(FOLLOWED, 0):
        return
    st.session_state[FOLLOWED] = target.rev
    try:
        store().note_followed(joined, target.rev)
    except DatabaseError:
        pass  # followed in this session anyway; a reload may follow it once more
    lesson = lesson_player.find_lesson(target.lesson_id)
    if lesson is not None and lesson_player.go_to(target.lesson_id, target.step):
        st.session_state[SENT_TO] = (target.lesson_id, target.step, lesson.title)


def report(joined: Member) -> tuple[bool, object]:
    """Write what changed in this session since the last report; returns (still in the class, the class's target)."""
    db = store()
    now = time.time()
    sent = st.session_state.setdefault(SENT, {})
    progress = _progress()
    if progress is not None and sent.get("progress") != progress:
        if not db.record_progress(joined, *progress, now=now):
            return False, None
        sent["progress"] = progress
        st.session_state[SEEN] = now
    for challenge, (value, detail) in _scores().items():
        kept = sent.get(challenge)
        if kept is None or CHALLENGES[challenge].better(value, kept):
            db.record_score(joined, challenge, value, detail, now=now)
            sent[challenge] = value
    if now - st.session_state.get(SEEN, 0.0) > SEEN_EVERY_S:
        if not db.seen(joined, now=now):
            return False, None
        st.session_state[SEEN] = now
    return True, db.target(joined.code)


def _progress() -> tuple | None:
    """(lesson id, step, whether the step's checks all passed, the checks met) from the lesson player."""
    progress = lesson_player.current_progress()
    if progress is None:
        return None
    lesson = lesson_player.find_lesson(progress.lesson_id)
    passed = bool(lesson is not None and progress.step_passed(lesson))
    return progress.lesson_id, int(progress.step), passed, tuple(progress.passed)


def _scores() -> dict[str, tuple[float, str]]:
    """What the session's playground run and ended MNIST runs score: {challenge: (value, detail)}."""
    found: dict[str, tuple[float, str]] = {}
    run, setup = st.session_state.get("pg_run"), st.session_state.get("pg_config")
    if run is not None and setup is not None and run.matches(setup):
        last = run.trainer.history.last
        params = run.spec.param_count()
        hidden = "-".join(str(layer.units) for layer in setup.layers) or "none"
        detail = f"hidden {hidden} · epoch {run.trainer.epoch:,} · noise {setup.noise} %"
        for challenge, value in playground_scores(setup.dataset, last.test_accuracy if last else None, params).items():
            found[challenge] = (value, detail)
    book = st.session_state.get("mnist_book")
    for mnist_run in (st.session_state.get("mnist_published"), book.current if book is not None else None):
        if mnist_run is None or not mnist_run.ended or mnist_run.evaluation is None:
            continue
        seconds = mnist_run.train_seconds
        for challenge, value in mnist_scores(mnist_run.evaluation.accuracy, seconds).items():
            if challenge not in found or CHALLENGES[challenge].better(value, found[challenge][0]):
                found[challenge] = (value, f"{mnist_run.label} · {seconds:.0f} s")
    return found
