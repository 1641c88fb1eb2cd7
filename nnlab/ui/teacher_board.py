"""The Teacher page's sections, in the order the page calls them.

:func:`teacher_unlocked` (the key from Streamlit's secrets or the environment, with the growing wait of
:mod:`nnlab.classroom.teacher_key`), :func:`choose_class` (make one, or pick one of the server's, its code
shown large), :func:`send_class` (the whole class to a lesson step), :func:`live_board` (every student and
the challenge boards, redrawn every :data:`BOARD_EVERY_S` seconds by a fragment) and :func:`clear_class`.
Nothing here is shown to students: the page opens only with the key.
"""

from __future__ import annotations

import hashlib
import os
import time
from datetime import datetime

import streamlit as st

from nnlab.classroom.board import BOARD_CHALLENGES, CHALLENGES, STUCK_AFTER_S, rank
from nnlab.classroom.names import MAX_CLASS_NAME, ClassroomError
from nnlab.classroom.store import ClassInfo
from nnlab.classroom.teacher_key import ENV_VAR, MIN_KEY_LENGTH, TeacherKey, key_problem
from nnlab.lessons import catalog
from nnlab.store.database import DatabaseError, shared_database
from nnlab.ui.classroom import HEARTBEAT_S, plain, store
from nnlab.ui.compat.owner import owner_token

TEACHER, TEACHER_CLASS = "teacher_unlocked", "teacher_class"
BOARD_EVERY_S = 3.0  # the board is redrawn this often
BOARD_PLACES = 10


def server_key() -> str | None:
    """The teacher key: ``NNLAB_TEACHER_KEY`` in Streamlit's secrets, else in the environment."""
    value = None
    if st.secrets.load_if_toml_exists():
        value = st.secrets.get(ENV_VAR)
    return str(value) if value else os.environ.get(ENV_VAR) or None


def _caller() -> str:
    """Whom wrong keys are counted against: the browser's IP address, else this browser."""
    ip = st.context.ip_address
    return f"ip:{ip}" if isinstance(ip, str) and ip else f"browser:{owner_token()}"  # AppTest: not a string


def _fingerprint(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _try_key(key: str) -> None:
    typed = st.session_state.get("teacher_key_typed", "")
    try:
        check = TeacherKey(shared_database(), key).check(_caller(), typed)
    except DatabaseError as error:
        st.session_state["teacher_key_note"] = str(error)
        return
    if check.ok:
        st.session_state[TEACHER] = _fingerprint(key)
        st.session_state.pop("teacher_key_typed", None)
    else:
        st.session_state["teacher_key_note"] = check.message


HOW_TO_SET_KEY = f"""The Teacher page opens with the teacher's key, and {{problem}}. Whoever runs the server sets it
(at least {MIN_KEY_LENGTH} characters), then restarts the server:

- in `.streamlit/secrets.toml` (next to `config.toml`; keep it out of git): `{ENV_VAR} = "a phrase only you know"`
- or in the environment: `{ENV_VAR}="a phrase only you know" make run`
"""


def teacher_unlocked() -> bool:
    """True once this session typed the server's key; otherwise draws why not (no key set, the key form)."""
    key = server_key()
    problem = key_problem(key)
    if problem:
        st.info(HOW_TO_SET_KEY.format(problem=problem), icon=":material/key:")
        return False
    if st.session_state.get(TEACHER) == _fingerprint(key):
        return True
    with st.form("teacher_key", border=True, width=420):
        st.text_input("Teacher key", type="password", key="teacher_key_typed")
        st.form_submit_button("Open", on_click=_try_key, args=(key,), icon=":material/lock_open:")
    note = st.session_state.pop("teacher_key_note", None)
    if note:
        st.error(note)
    return False


def _create_class() -> None:
    try:
        made = store().create_class(st.session_state.get("teacher_new_class", ""))
    except (ClassroomError, DatabaseError) as error:
        st.session_state["teacher_note"] = ("error", str(error))
        return
    st.session_state[TEACHER_CLASS] = made.code
    st.session_state.pop("teacher_new_class", None)
    st.session_state["teacher_note"] = ("success", f"Class {made.code} is ready: show its code to the students.")


def choose_class() -> ClassInfo | None:
    """Make a class, or pick one of the server's; returns the chosen one (its code shown large)."""
    note = st.session_state.pop("teacher_note", None)
    if note:
        getattr(st, note[0])(note[1])
    try:
        classes = store().classes()
    except DatabaseError as error:
        st.error(str(error))
        return None
    with st.container(horizontal=True, vertical_alignment="bottom", gap="medium"):
        chosen = None
        if classes:
            codes = [c.code for c in classes]
            if st.session_state.get(TEACHER_CLASS) not in codes:
                st.session_state[TEACHER_CLASS] = codes[0]
            titles = {c.code: c.title for c in classes}
            code = st.selectbox("Class", codes, key=TEACHER_CLASS, format_func=titles.get, width=360)
            chosen = next(c for c in classes if c.code == code)
        with st.popover("New class", icon=":material/add:"):
            with st.form("teacher_create", border=False):
                st.text_input("Name (optional)", key="teacher_new_class", max_chars=MAX_CLASS_NAME + 10,
                              placeholder="5B, Tuesday")
                st.form_submit_button("Create the class", on_click=_create_class, type="primary")
    if chosen is None:
        st.info("No class yet: press **New class** to make one and get its code.")
        return None
    st.markdown(f"## Class code: `{chosen.code}`" + (f" · {plain(chosen.name)}" if chosen.name else ""))
    st.caption("Students open **Join a class** in the sidebar (on a phone: » at the top left), type this code "
               "and a nickname.")
    return chosen


def _ago(seconds: float) -> str:
    if seconds < 60:
        return "just now"
    minutes = int(seconds // 60)
    return f"{minutes} min ago" if minutes < 120 else f"{minutes // 60} h ago"


def _place(row) -> str:
    """'Lesson title · step 2 of 3' (or the lesson id when this server has no such lesson)."""
    if row.lesson_id is None:
        return "–"
    lesson = catalog.by_id(row.lesson_id)
    if lesson is None:  # a lesson a student uploaded in their own session
        return f"{row.lesson_id} · step {row.step}"
    return f"{lesson.title} · step {row.step} of {len(lesson.steps)}"


STATUS_TEXT = {"away": "away", "stuck": "STUCK", "done": "step done", "working": "working", "no lesson": "no lesson"}


def student_table(code: str, now: float | None = None) -> list[dict]:
    """The class list as rows for the board: nickname, place, checks, best MNIST, status, last progress."""
    now = time.time() if now is None else now
    rows = []
    for row in store().students(code):
        best = row.scores.get("mnist_best")
        rows.append({"Nickname": row.nickname, "Lesson": _place(row), "Checks passed": row.checks_passed,
                     "Best MNIST test accuracy": CHALLENGES["mnist_best"].show(best) if best is not None else "–",
                     "Status": STATUS_TEXT[row.status(now)],
                     "Last progress": _ago(row.stuck_for(now)) if row.lesson_id else "–"})
    return rows


def live_board(code: str) -> None:
    """The class live: every student, who is stuck, and the challenge boards (a fragment, every BOARD_EVERY_S)."""

    @st.fragment(run_every=BOARD_EVERY_S)
    def board() -> None:
        now = time.time()
        try:
            rows = student_table(code, now)
            boards = {key: rank(CHALLENGES[key], store().scores(code, key)) for key in BOARD_CHALLENGES}
        except DatabaseError as error:
            st.error(str(error))
            return
        st.subheader(f"The class: {len(rows)} students")
        stuck = [r["Nickname"] for r in rows if r["Status"] == "STUCK"]
        if stuck:
            st.warning(f"No progress for {STUCK_AFTER_S / 60:.0f} minutes or more: " + ", ".join(stuck),
                       icon=":material/help:")
        if rows:
            st.table(rows, hide_index=True)
        else:
            st.caption("Nobody has joined yet.")
        st.subheader("Challenge board")
        columns = st.columns(len(boards), gap="large")
        for column, (key, places) in zip(columns, boards.items(), strict=True):
            with column, st.container(key=f"teacher_board_{key}"):
                st.markdown(f"**{CHALLENGES[key].title}**")
                if places:
                    st.table([{"Place": p.rank, "Nickname": p.nickname, "Score": p.text, "How": p.detail}
                              for p in places[:BOARD_PLACES]], hide_index=True)
                else:
                    st.caption("No score yet.")
        st.caption(f"Updated {datetime.fromtimestamp(now):%H:%M:%S}, every {BOARD_EVERY_S:.0f} s.")

    board()


def _send(code: str) -> None:
    lesson_id = st.session_state.get("teacher_send_lesson")
    step = st.session_state.get(f"teacher_send_step_{lesson_id}")
    if not lesson_id or not step:
        return
    try:
        store().send_to(code, lesson_id, int(step))
    except (ClassroomError, DatabaseError) as error:
        st.session_state["teacher_send_note"] = ("error", str(error))
        return
    lesson = catalog.by_id(lesson_id)
    st.session_state["teacher_send_note"] = ("success", f"Sent the class to step {step} of "
                                             f"{lesson.title if lesson else lesson_id}: each student's page goes "
                                             f"there within {HEARTBEAT_S:.0f} s.")


def send_class(code: str) -> None:
    """A lesson, a step, and a button that sends the whole class there (above the board, whose height changes)."""
    lessons = {lesson.id: lesson for lesson in catalog.shipped()}
    if not lessons:
        st.caption("This server has no lessons to send the class to.")
        return
    with st.container(horizontal=True, vertical_alignment="bottom", gap="small", key="teacher_send_row"):
        lesson_id = st.selectbox("Lesson", list(lessons), key="teacher_send_lesson",
                                 format_func=lambda i: lessons[i].title, width=340)
        steps = lessons[lesson_id].steps
        st.selectbox("Step", list(range(1, len(steps) + 1)), key=f"teacher_send_step_{lesson_id}",  # one per lesson:
                     # a box kept across lessons showed the previous lesson's step titles
                     format_func=lambda n: f"{n}. {steps[n - 1].title}", width=300)
        st.button("Send the class there", key="teacher_send", on_click=_send, args=(code,), type="primary",
                  icon=":material/send:", help="Each student's page opens that step, with its setup")
    note = st.session_state.pop("teacher_send_note", None)
    if note:
        getattr(st, note[0])(note[1])


def _clear(code: str) -> None:
    try:
        removed = store().clear_class(code)
    except DatabaseError as error:
        st.session_state["teacher_note"] = ("error", str(error))
        return
    st.session_state["teacher_note"] = ("success", f"Class {code} is empty again ({removed} students removed); "
                                        "its code still works.")


def _delete(code: str) -> None:
    try:
        store().delete_class(code)
    except DatabaseError as error:
        st.session_state["teacher_note"] = ("error", str(error))
        return
    st.session_state.pop(TEACHER_CLASS, None)
    st.session_state["teacher_note"] = ("success", f"Class {code} is deleted: its code no longer works.")


def clear_class(chosen: ClassInfo) -> None:
    """Remove every student of the class, or the class itself (after a confirmation)."""
    with st.popover("Clear the class", icon=":material/delete:",
                    help="Remove every student, their progress and their scores; the code stays for the next lesson"):
        st.warning(f"Remove every student of class {chosen.code}, their progress and their scores? "
                   "This cannot be undone; the code stays.")
        st.button("Yes, clear the class", key="teacher_clear", on_click=_clear, args=(chosen.code,))
        st.button("Delete the class and its code", key="teacher_delete", on_click=_delete, args=(chosen.code,),
                  type="tertiary", help="For a class that is over: its code stops working")
