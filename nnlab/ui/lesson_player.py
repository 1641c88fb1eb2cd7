"""The lesson player: where the student is (step 3 of 6), the step's text and task, a tick for each check met
on their own state, Back / Next, and a hint after a while.

It is drawn in the sidebar of every page (:func:`sidebar_player`, called by :func:`nnlab.ui.page.setup_page`):
in full on the page the step opened, as a one-line link elsewhere. The Lessons page lists the lessons
(:func:`lesson_list`) and takes a teacher's lesson file (:func:`upload_lesson`).

State in ``st.session_state``:

* ``lesson_progress``: the :class:`~nnlab.lessons.progress.Progress` (None: no lesson open).
* ``lesson_step_clock``: ``(lesson_id, step, started, runs)`` for the hint (monotonic seconds, reruns of
  the step's page).
* ``lesson_uploaded``: lessons uploaded in this session (validated; nothing in them is executed).
* ``lesson_open_page``: the page a :func:`go_to` asked for, opened at the start of the next run.

API for the class board: :func:`current_progress`, :func:`current_lesson`, :func:`go_to`.
"""

from __future__ import annotations

import time

import streamlit as st

from nnlab.lessons import catalog
from nnlab.lessons.pages import PAGES, read_setup
from nnlab.lessons.progress import Progress, hint_ready
from nnlab.lessons.quantities import QUANTITIES, empty_values, mnist_values, playground_values
from nnlab.lessons.schema import MAX_FILE_BYTES, Lesson, LessonError, Step, parse_lesson
from nnlab.ui.compat.current_page import current_page_path

PROGRESS, CLOCK, UPLOADED, OPEN_PAGE, HINT, LOCK_NOTE = (
    "lesson_progress", "lesson_step_clock", "lesson_uploaded", "lesson_open_page", "lesson_hint", "lesson_lock_note")
CHECK_EVERY_S = 2.0  # while a step's checks are not all met, they are looked at again this often


# ---- the API ---------------------------------------------------------------------------------


def uploaded_lessons() -> tuple[Lesson, ...]:
    return st.session_state.get(UPLOADED, ())


def all_lessons() -> tuple[Lesson, ...]:
    """The shipped lessons, then those uploaded in this session."""
    return (*catalog.shipped(), *uploaded_lessons())


def find_lesson(lesson_id: str) -> Lesson | None:
    return catalog.by_id(lesson_id, uploaded_lessons())


def current_progress() -> Progress | None:
    """Where the student is: ``Progress(lesson_id, step, passed)``, or None with no lesson open."""
    return st.session_state.get(PROGRESS)


def current_lesson() -> Lesson | None:
    progress = current_progress()
    return None if progress is None else find_lesson(progress.lesson_id)


def go_to(lesson_id: str, step: int = 1, open_page: bool = True) -> bool:
    """Open step ``step`` (from 1) of the lesson: its setup is applied, and (``open_page``) its page opens at the
    start of the next run. Checks already passed in this lesson stay passed. False (nothing changed) when there
    is no such lesson or step. Safe in a button's ``on_click`` and for the teacher's "send the class to this step"."""
    lesson = find_lesson(lesson_id)
    if lesson is None or not 1 <= step <= len(lesson.steps):
        return False
    old = current_progress()
    passed = old.passed if old is not None and old.lesson_id == lesson_id else ()
    st.session_state[PROGRESS] = Progress(lesson_id, step, passed)
    st.session_state[CLOCK] = (lesson_id, step, time.monotonic(), 0)
    st.session_state[HINT] = False
    apply_setup(lesson.steps[step - 1])
    if open_page:
        st.session_state[OPEN_PAGE] = PAGES[lesson.steps[step - 1].page].path
    return True


def leave() -> None:
    """Close the lesson; controls a step hid come back."""
    progress = current_progress()
    lesson = current_lesson()
    st.session_state[PROGRESS] = None
    if progress is not None and lesson is not None and lesson.steps[progress.step - 1].page == "playground":
        from dataclasses import replace

        from nnlab.ui import playground

        playground.set_config(replace(playground.config(), hide=frozenset()), rebuild_widgets=True)


# ---- setups ----------------------------------------------------------------------------------


def apply_setup(step: Step) -> None:
    """Put the step's setup on its page (the page reads it when it runs)."""
    values, _ = read_setup(step.page, step.setup_dict)  # the file was validated: no problems left
    if step.page == "playground":
        from nnlab.playground.lessons import step_config
        from nnlab.ui import playground

        run = st.session_state.get(playground.RUN)
        if run is not None:
            run.pause()
        playground.set_config(step_config(values, step.hide, playground.config()), rebuild_widgets=True)
    elif step.page in ("mnist", "build") and "preset" in values:
        from dataclasses import replace

        from nnlab.model.presets import PRESETS
        from nnlab.ui.spec_state import set_spec

        spec = PRESETS[values["preset"]]
        settings = {name: values[name] for name in ("batch_size", "learning_rate", "optimizer") if name in values}
        set_spec(replace(spec, **settings))  # the MNIST page's settings start at the network's own
        if step.page == "mnist":
            from nnlab.ui.mnist import FROM_BUILD

            st.session_state["mnist_source"] = FROM_BUILD
            if "train_size" in values:
                st.session_state["mnist_train_size"] = values["train_size"]


def _keep_locks(step: Step) -> None:
    """Put back the fields of the groups the step locks, if the student changed them (with a note)."""
    from nnlab.playground.lessons import enforce_locks, step_config
    from nnlab.ui import playground

    values, _ = read_setup(step.page, step.setup_dict)
    now = playground.config()
    kept, changed = enforce_locks(now, step_config(values, step.hide, now), step.lock)
    if changed:
        playground.set_config(kept, rebuild_widgets=True)
        st.session_state[LOCK_NOTE] = (f"This step keeps {' and '.join(changed)} as the lesson set "
                                       f"{'it' if len(changed) == 1 else 'them'}: press Next to change it.")


# ---- the student's state ---------------------------------------------------------------------


def student_values() -> dict:
    """Every quantity of :data:`~nnlab.lessons.quantities.QUANTITIES` on this session's own state (None: not
    measured yet)."""
    state = st.session_state
    values = empty_values()
    if "pg_config" in state:
        run = state.get("pg_run")
        values.update(playground_values(state["pg_config"], run.trainer if run is not None else None))
    book, handed = state.get("mnist_book"), state.get("nnlab_session_model")
    values.update(mnist_values(book.current if book is not None else None,
                               handed.evaluation if handed is not None else None))
    if "draw_model_choice" in state:
        from nnlab.ui.draw import BUNDLED, SAVED, SESSION

        values["draw_reader"] = {BUNDLED: "bundled", SESSION: "session", SAVED: "saved"}.get(state["draw_model_choice"])
    values["draw_recipe_shown"] = int(bool(state.get("draw_show_steps", False)))
    if "uth_example_row" in state:
        values["hood_example_row"] = int(state["uth_example_row"])
    if "uth_example_weights" in state:
        values["hood_example_trained"] = int(state["uth_example_weights"] != "as initialised (random)")
    for quantity, widget in (("hood_xor_hidden", "uth_xor_hidden"), ("hood_xor_learning_rate", "uth_xor_lr")):
        if widget in state:
            values[quantity] = state[widget]
    studies = state.get("uth_init_result")
    if studies:
        values["init_networks"] = len(studies)
        values["init_depth"] = state.get("uth_init_depth")
    values.update(_text_values())
    return values


def _text_values() -> dict:
    from nnlab.ui.live_driver import runs_of

    values = {}
    scratch = runs_of("uth_mnist")
    if scratch:
        values["scratch_epochs"] = len(scratch[0].history.epochs)  # the first run: the network of tf.Variables
    runs = runs_of("uth_text")
    if runs:
        history = runs[0].history
        values["text_epochs"] = len(history.epochs)
        values["text_validation_accuracy"] = history.last.test_accuracy if history.last else None
    if "uth_text_review" in st.session_state:
        from nnlab.hood.text import tokenize

        values["text_review_words"] = len(tokenize(st.session_state["uth_text_review"]))
    return values


def update_progress() -> Progress | None:
    """Record the current step's checks that the student's state meets now; returns the new progress."""
    progress, lesson = current_progress(), current_lesson()
    if progress is None or lesson is None:
        return progress
    values = student_values()
    step = lesson.steps[progress.step - 1]
    met = [lesson.check_id(progress.step, k) for k, check in enumerate(step.checks) if check.met(values[check.quantity])]
    new = progress.with_passed(met)
    if new is not progress:
        st.session_state[PROGRESS] = new
    return new


# ---- drawing -----------------------------------------------------------------------------------


def _open_pending_page() -> None:
    """The page a go_to asked for (a button's callback cannot switch pages itself)."""
    wanted = st.session_state.pop(OPEN_PAGE, None)
    if wanted and wanted != current_page_path():
        st.switch_page(wanted)


def _tick_clock(progress: Progress) -> tuple[float, int]:
    """Seconds and reruns on this step so far (this run counted)."""
    clock = st.session_state.get(CLOCK)
    if clock is None or clock[:2] != (progress.lesson_id, progress.step):
        clock = (progress.lesson_id, progress.step, time.monotonic(), 0)
    clock = (*clock[:3], clock[3] + 1)
    st.session_state[CLOCK] = clock
    return time.monotonic() - clock[2], clock[3]


def sidebar_player() -> None:
    """The open lesson in the sidebar: the whole step on its page, a link to it elsewhere."""
    _open_pending_page()
    progress, lesson = current_progress(), current_lesson()
    if progress is None or lesson is None:
        return
    step = lesson.steps[progress.step - 1]
    here = current_page_path()
    on_page = here == PAGES[step.page].path
    if on_page and step.page == "playground" and step.lock:
        _keep_locks(step)
    progress = update_progress()
    if on_page:
        _narrow_screen_line(lesson, progress)
    with st.sidebar:
        with st.container(border=True, key="lesson_player"):
            if on_page or here == PAGES["lessons"].path:
                step_panel(lesson, progress, step)
            else:
                st.markdown(f"**Lesson: {lesson.title}** · step {progress.step} of {len(lesson.steps)}")
                st.page_link(PAGES[step.page].path, label=f"Go to {PAGES[step.page].title} for this step",
                             icon=":material/arrow_forward:")


# Below 769 px Streamlit folds the sidebar away: a line at the top of the page says the step is there.
NARROW_ONLY_CSS = """<style>
@media (min-width: 769px) { .st-key-lesson_narrow_line { display: none; } }
</style>"""


def _narrow_screen_line(lesson: Lesson, progress: Progress) -> None:
    step = lesson.steps[progress.step - 1]
    met = sum(lesson.check_id(progress.step, k) in progress.passed for k in range(len(step.checks)))
    st.html(NARROW_ONLY_CSS)
    with st.container(key="lesson_narrow_line"):
        st.caption(f":material/school: **{lesson.title}** · step {progress.step} of {len(lesson.steps)} · "
                   f"{met} of {len(step.checks)} checks done · the step is in the sidebar (» at the top left)")


def step_panel(lesson: Lesson, progress: Progress, step: Step) -> None:
    """Step n of m, the text, the task, the checks, the hint, Back / Next."""
    n = len(lesson.steps)
    st.markdown(f"**{lesson.title}**")
    st.progress(progress.step / n, text=f"Step {progress.step} of {n} · {step.title}")
    with st.expander("Read", expanded=True):
        st.markdown(step.text)
    st.markdown(f"**Task.** {step.task}")
    note = st.session_state.pop(LOCK_NOTE, None)
    if note:
        st.caption(f":material/lock: {note}")
    checks_panel(lesson.id, progress.step)
    seconds, runs = _tick_clock(progress)
    if step.hint and hint_ready(seconds, runs):
        if st.session_state.get(HINT):
            st.info(f"**Hint.** {step.hint}", icon=":material/lightbulb:")
        else:
            st.button("Hint", key="lesson_hint_btn", icon=":material/lightbulb:",
                      on_click=lambda: st.session_state.update({HINT: True}))
    back, forward = st.columns(2)
    back.button("Back", key="lesson_back", on_click=go_to, args=(lesson.id, progress.step - 1),
                disabled=progress.step <= 1, icon=":material/arrow_back:", width="stretch")
    done = current_progress().step_passed(lesson)
    if progress.step < n:
        forward.button("Next", key="lesson_next", on_click=go_to, args=(lesson.id, progress.step + 1),
                       type="primary" if done else "secondary", icon=":material/arrow_forward:", width="stretch")
    else:
        forward.button("Finish", key="lesson_finish", on_click=leave, type="primary" if done else "secondary",
                       icon=":material/flag:", width="stretch")
    st.button("Leave the lesson", key="lesson_leave", on_click=leave, type="tertiary")


@st.fragment(run_every=CHECK_EVERY_S)
def _live_checks(lesson_id: str, step_number: int) -> None:
    progress = update_progress()
    lesson = find_lesson(lesson_id)
    if progress is None or lesson is None or (progress.lesson_id, progress.step) != (lesson_id, step_number):
        return
    _draw_checks(lesson, progress)


def checks_panel(lesson_id: str, step_number: int) -> None:
    """A tick for each check met; looked at again every CHECK_EVERY_S while some are not (the playground trains
    in its own fragment, which does not redraw the sidebar)."""
    progress = update_progress()
    lesson = find_lesson(lesson_id)
    if progress.step_passed(lesson):
        _draw_checks(lesson, progress)
    else:
        _live_checks(lesson_id, step_number)


def _draw_checks(lesson: Lesson, progress: Progress) -> None:
    step = lesson.steps[progress.step - 1]
    if not step.checks:
        st.caption("Nothing to check in this step: read it, then press Next.")
        return
    values = student_values()
    with st.container(key="lesson_checks", gap="small"):
        for k, check in enumerate(step.checks):
            quantity = QUANTITIES[check.quantity]
            now = quantity.format(values[check.quantity])
            if lesson.check_id(progress.step, k) in progress.passed:
                st.markdown(f":green[:material/check_circle:] **Done:** {check.describe()}")
            else:
                st.markdown(f":gray[:material/radio_button_unchecked:] {check.describe()} · now {now}")
    if progress.step_passed(lesson):
        st.success("Step done!" + (" Press Next." if progress.step < len(lesson.steps) else " Press Finish."),
                   icon=":material/task_alt:")


# ---- the Lessons page ---------------------------------------------------------------------------


def lesson_list() -> None:
    """Every lesson: title, summary, steps, and Start (or Continue)."""
    progress = current_progress()
    for number, lesson in enumerate(all_lessons(), start=1):
        with st.container(border=True, key=f"lesson_card_{lesson.id}"):
            st.markdown(f"**{number}. {lesson.title}**")
            st.caption(f"{lesson.summary} · {len(lesson.steps)} steps · pages: "
                       + ", ".join(dict.fromkeys(PAGES[s.page].title for s in lesson.steps)))
            here = progress is not None and progress.lesson_id == lesson.id
            st.button(f"Continue at step {progress.step}" if here else "Start", key=f"lesson_start_{lesson.id}",
                      on_click=go_to, args=(lesson.id, progress.step if here else 1),
                      type="primary" if here else "secondary", icon=":material/school:")


def shipped_problems() -> None:
    """Shipped lesson files that do not validate (a teacher editing lessons/ sees why)."""
    for problem in catalog.shipped_problems():
        st.warning(problem)


def upload_lesson() -> None:
    """A teacher's lesson file: size-capped, parsed as TOML, checked against the schema, never executed."""
    from nnlab.ui.uploads import uploader

    st.subheader("Add a lesson file")
    st.caption(f"A TOML file in the lesson format (docs/LESSONS.md), at most {MAX_FILE_BYTES // 1024} KB. "
               "It is checked line by line; nothing in it is run. It stays for this browser session; "
               "to offer it to everyone, put it in the lessons/ folder.")
    file = uploader(st, "Lesson file (.toml)", 1, key="lesson_upload")
    if file is None:
        return
    name = file.name
    data = file.getvalue()
    if not name.lower().endswith(".toml"):
        st.error(f"{name} is not a .toml file: a lesson is a TOML text file (see docs/LESSONS.md).")
        return
    try:
        lesson = parse_lesson(data[: MAX_FILE_BYTES + 1], name)
    except LessonError as error:
        st.error(f"{name} cannot be used as a lesson:\n\n" + "\n".join(f"- {p}" for p in error.problems))
        return
    if any(shipped.id == lesson.id for shipped in catalog.shipped()):
        st.error(f"{name}: the id {lesson.id!r} is a shipped lesson's; give the file another id = \"...\".")
        return
    others = tuple(u for u in uploaded_lessons() if u.id != lesson.id)
    if lesson not in uploaded_lessons():
        st.session_state[UPLOADED] = (*others, lesson)
    st.success(f"{name}: “{lesson.title}”, {len(lesson.steps)} steps, added to the list above.")
