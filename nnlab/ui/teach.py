"""The Teach page's sections: your classes, drawing examples (and testing), training live, keeping the
examples and the model, and fixing the digit model's mistakes.

Everything the student made lives in the session: the :class:`~nnlab.teach.examples.ExampleSet`, the
:class:`~nnlab.teach.finetune.Corrections` and the runs. Buttons only change that state (callbacks); the
runs train in the one live driver (:func:`nnlab.ui.live_driver.live_fragment`). A refused name, drawing or
file leaves everything as it was and says why (:mod:`nnlab.ui.notice`).
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from nnlab.digits.photos import DigitImageError
from nnlab.digits.pictures import enlarge
from nnlab.digits.preprocess import ink_from_rgba
from nnlab.digits.reader import Reading, read_digit
from nnlab.library import store
from nnlab.plots.digits import probability_bars
from nnlab.plots.mnist import mosaic
from nnlab.plots.teach import class_bars, learning_curves
from nnlab.teach.examples import (
    DEFAULT_CLASSES,
    MAX_CLASSES,
    MAX_FILE_BYTES,
    MIN_PER_CLASS,
    ExampleError,
    ExampleSet,
    drawing_to_example,
    from_npz,
    parse_class_names,
    to_npz,
)
from nnlab.teach.finetune import MIN_CORRECTIONS, Corrections, TuneRun
from nnlab.teach.transfer import TeachRun
from nnlab.training.live import FINISHED, RUNNING
from nnlab.ui.compat.canvas_state import drawn_rgba
from nnlab.ui.compat.fast_canvas import st_canvas
from nnlab.ui.compat.owner import owner_token
from nnlab.ui.handover import SessionModel, hand_over
from nnlab.ui.live_driver import live_fragment
from nnlab.ui.notice import notify, show_notice
from nnlab.ui.uploads import uploader

EXAMPLES, CORRECTIONS = "teach_examples", "teach_corrections"
RUN, TUNE = "teach_run", "teach_tune_run"
PENDING, TUNE_PENDING = "teach_pending", "teach_tune_pending"
CANVAS_REV, DIGIT_REV = "teach_canvas_rev", "teach_digit_rev"
AREA, DIGIT_AREA, FILE_AREA, SAVE_AREA = "teach_examples_area", "teach_digits_area", "teach_file_area", "teach_save"
CANVAS = 280
PEN = 18
TICK_S, BUDGET_S = 0.2, 0.1  # the head trains in 0.1 s chunks: a few dozen redraws while it learns
PLOT_CONFIG = {"displayModeBar": False}
THUMBS = 10  # the last examples of each class shown


def thumbnails(images: np.ndarray, columns: int) -> np.ndarray:
    """Small pictures of examples side by side, on grey gaps, each pixel 2x2."""
    return enlarge(np.nan_to_num(mosaic(images, columns, gap=2, row_gap=2), nan=0.3), 2)


def examples() -> ExampleSet:
    if EXAMPLES not in st.session_state:
        st.session_state[EXAMPLES] = ExampleSet()
    return st.session_state[EXAMPLES]


def corrections() -> Corrections:
    if CORRECTIONS not in st.session_state:
        st.session_state[CORRECTIONS] = Corrections()
    return st.session_state[CORRECTIONS]


def canvas_key(kind: str = "teach") -> str:
    """The canvas's key; its revision grows after each example kept, which gives a blank canvas."""
    rev = st.session_state.get(CANVAS_REV if kind == "teach" else DIGIT_REV, 0)
    return f"{kind}_canvas_{rev}"


def _clear_canvas(kind: str = "teach") -> None:
    name = CANVAS_REV if kind == "teach" else DIGIT_REV
    st.session_state[name] = st.session_state.get(name, 0) + 1


def _drawn_image(kind: str = "teach"):
    """The canvas's drawing through the MNIST recipe; raises ExampleError when there is none or too little."""
    try:
        rgba = drawn_rgba(canvas_key(kind))
    except DigitImageError as error:
        raise ExampleError(str(error)) from None
    return drawing_to_example(None if rgba is None else ink_from_rgba(rgba))


def canvas(kind: str = "teach") -> None:
    st_canvas(stroke_width=PEN, stroke_color="#FFFFFF", background_color="#000000", height=CANVAS, width=CANVAS,
              drawing_mode="freedraw", return_image_data=True, key=canvas_key(kind))


# ---- 1. your classes -------------------------------------------------------------------------------


def _names_changed() -> None:
    text = st.session_state.get("teach_names", "")
    try:
        examples().set_classes(parse_class_names(text))
    except ExampleError as error:
        notify(AREA, "error", f"{error} Still using: {', '.join(examples().classes)}.")


def class_names() -> None:
    st.subheader("1 · Your classes")
    st.session_state.setdefault("teach_names", ", ".join(DEFAULT_CLASSES))
    st.text_input(f"Name 2 to {MAX_CLASSES} classes, separated by commas", key="teach_names",
                  on_change=_names_changed, max_chars=200,
                  help="Shapes, letters, digits you write oddly… Letters, digits, spaces, '-' and '_'.")
    hidden = examples().hidden_count()
    if hidden:
        st.caption(f"{hidden} examples of classes not in this list are kept: name those classes again to use them.")


# ---- 2. drawing examples, and testing ------------------------------------------------------------------


def _add(name: str) -> None:
    try:
        count = examples().add(name, _drawn_image())
    except ExampleError as error:
        notify(AREA, "warning", str(error))
        return
    _clear_canvas()
    notify(AREA, "success", f"Kept as example {count} of {name}." + (
        f" {MIN_PER_CLASS - count} more to go." if count < MIN_PER_CLASS else ""))


def _take_back(name: str) -> None:
    examples().remove_last(name)


def current_run() -> TeachRun | None:
    return st.session_state.get(RUN)


def draw_section() -> None:
    """The canvas; beside it, what the trained network reads (once there is one) and one Add button per class."""
    st.subheader("2 · Draw examples, then test")
    st.caption("Draw one example on the black square, then press the button of its class: it is kept and the "
               "square clears. After training, whatever you draw here is read by your network.")
    with st.container(horizontal=True, gap="medium", key="teach_row"):
        # a fixed height: the blank canvas that replaces a kept drawing mounts without the page jumping
        pad = st.container(width=CANVAS, height=CANVAS + 16, border=False, key="teach_pad")
        side = st.container(width=420, key="teach_side")
    with pad:
        canvas()
    with side:
        st.markdown("**Add the drawing as an example of:**")
        counts = examples().counts()
        with st.container(horizontal=True, key="teach_add_buttons"):
            for index, (name, count) in enumerate(counts.items()):
                st.button(f"{name} ({count})", key=f"teach_add_{index}", on_click=_add, args=(name,),
                          icon=":material/add:")
        show_notice(AREA)
        _answer()
    _gallery()


def _answer() -> None:
    run = current_run()
    with st.container(key="teach_answer"):
        if run is None:
            st.info("Once your network is trained (section 3), it reads what you draw here.")
            return
        try:
            image = _drawn_image()
        except ExampleError as error:
            st.info(f"Draw on the square to test your network. ({error})")
            return
        reading = run.read(image)
        if reading.sure:
            st.markdown(f"### It is a **{reading.best}**")
            st.caption(f"{reading.confidence:.0%} sure")
        else:
            st.markdown("### Not sure…")
            st.caption(reading.sentence())
        st.plotly_chart(class_bars(reading.classes, reading.probabilities, reading.sure), key="teach_bars",
                        config=PLOT_CONFIG, theme=None)


def _gallery() -> None:
    """Each class's count and its last examples, with Take back."""
    ex = examples()
    columns = st.columns(len(ex.classes))
    for index, (column, name) in enumerate(zip(columns, ex.classes, strict=True)):
        images = ex.of(name)
        done = len(images) >= MIN_PER_CLASS
        column.markdown(f"**{name}**: {len(images)} " + ("✓" if done else f"(at least {MIN_PER_CLASS})"))
        if images:
            column.image(thumbnails(np.stack(images[-THUMBS:]), 5), width="content")
            column.button("Take back the last", key=f"teach_back_{index}", on_click=_take_back, args=(name,),
                          icon=":material/undo:")


# ---- 3. training ---------------------------------------------------------------------------------------


def _train() -> None:
    st.session_state[PENDING] = True


def _build_pending() -> None:
    if not st.session_state.pop(PENDING, False):
        return
    ex = examples()
    problems = ex.problems()
    if problems:
        notify("teach_train", "warning", problems[0])
        return
    images, labels = ex.arrays()
    with st.spinner("Making distorted copies of your examples and starting the network (the first time, "
                    "TensorFlow starts: a few seconds)…"):
        try:
            st.session_state[RUN] = TeachRun(ex.classes, images, labels)
        except (ValueError, MemoryError) as error:
            notify("teach_train", "error", f"Could not start: {error}")


def train_section() -> None:
    st.subheader("3 · Train")
    st.caption("Your network keeps the digit reader's convolution layers as they are (frozen: they already find "
               "strokes, corners and curves) and trains a new small dense layer on top, on your examples and 15 "
               "shifted, turned, thinner and thicker copies of each.")
    problems = examples().problems()
    with st.container(horizontal=True, vertical_alignment="center", key="teach_train_row"):
        left, right = st.container(width="content"), st.container()
    with st.container(key="teach_status"):  # under the button, built first: the button then shows the new run
        _build_pending()
        show_notice("teach_train")
    run = current_run()
    left.button("Train" if run is None else "Train again", key="teach_train", type="primary",
                icon=":material/school:", on_click=_train, disabled=bool(problems))
    if problems:
        right.warning(problems[0])
    else:
        right.caption("Ready: press Train. Training takes a few seconds." if run is None
                      else "Train again starts a fresh network on the examples you have now.")
    live_fragment("teach", lambda: [current_run()] if current_run() is not None else [], _draw_training,
                  every_s=TICK_S, budget_s=BUDGET_S)


def _draw_training(runs) -> None:
    run = runs[0] if runs else None
    if run is not None:
        text = run.describe() if run.state != FINISHED else (
            f"Done: {run.epochs} epochs over {run.n_copies:,} images ({run.n_examples} drawings and their copies) "
            f"in {run.train_seconds:.1f} s. Draw on the square above to test it.")
        st.progress(run.progress, text=text)
    st.plotly_chart(learning_curves(None if run is None else run.history, "distorted copies (it trains on these)",
                                    "your drawings as drawn"), key="teach_curves", config=PLOT_CONFIG, theme=None)


# ---- 4. keeping the examples and the model ---------------------------------------------------------------


def _upload() -> None:
    uploaded = st.session_state.get("teach_upload")
    if uploaded is None:
        return
    try:
        classes, images, labels = from_npz(uploaded.getvalue())
        added = examples().merge(classes, images, labels)
    except ExampleError as error:
        notify(FILE_AREA, "error", f"{store.shown_name(uploaded.name)} was not used: {error} Your examples are as "
                                   "they were.")
        return
    st.session_state["teach_names"] = ", ".join(classes)
    notify(FILE_AREA, "success", f"Added {added} examples of {', '.join(classes)} from {store.shown_name(uploaded.name)}.")


def _save_model() -> None:
    run = current_run()
    if run is None or run.state != FINISHED:
        return
    try:
        saved = store.save_model(run.model, st.session_state.get("teach_save_name", ""),
                                 replace=st.session_state.get("teach_save_replace", False), owner=owner_token())
    except store.StoreError as error:
        notify(SAVE_AREA, "error", str(error))
        return
    notify(SAVE_AREA, "success", f"Saved as {saved} in {store.models_dir().name}/: it reads 28x28 drawings into "
                                 f"{len(run.classes)} classes ({', '.join(run.classes)}), in that order.")


def keep_section() -> None:
    st.subheader("4 · Keep your examples and your network")
    left, right = st.columns(2, gap="large")
    ex = examples()
    images, labels = ex.arrays()
    with left:
        st.download_button("Download your examples (.npz)", data=to_npz(ex.classes, images, labels),
                           file_name="my_examples.npz", mime="application/octet-stream", key="teach_download",
                           icon=":material/download:", disabled=len(images) == 0)
        uploader(st, "Upload examples (.npz) downloaded from this page", MAX_FILE_BYTES // 2**20, key="teach_upload",
                 on_change=_upload)
        show_notice(FILE_AREA)
    with right:
        run = current_run()
        if run is None or run.state != FINISHED:
            st.caption("Train your network to save it to the model library.")
        else:
            st.text_input("Name of your network in the model library", value="my " + " ".join(run.classes)[:60],
                          key="teach_save_name", max_chars=100,
                          help="Letters, digits, spaces, '_', '-' and '.'. It becomes the file name <name>.keras.")
            with st.container(horizontal=True, vertical_alignment="center"):
                st.button("Save", key="teach_save", icon=":material/save:", on_click=_save_model)
                st.checkbox("Replace", key="teach_save_replace", help="Overwrite a model you saved with this name.")
        show_notice(SAVE_AREA)


# ---- 5. fixing the digit model's mistakes ------------------------------------------------------------------


def tuned_run() -> TuneRun | None:
    return st.session_state.get(TUNE)


def digit_model():
    """The digit model this page reads with: the session's fine-tuned copy once there is one, else the bundled one."""
    run = tuned_run()
    if run is not None and run.state == FINISHED:
        return run.model
    from nnlab.digits.reader import pretrained_model

    with st.spinner("Loading the digit reader (TensorFlow starts once)…"):
        return pretrained_model()


def _keep_correction() -> None:
    digit = st.session_state.get("teach_true_digit")
    if digit is None:
        notify(DIGIT_AREA, "warning", "Choose the digit you drew first.")
        return
    try:
        count = corrections().add(_drawn_image("teach_digit"), int(digit))
    except ExampleError as error:
        notify(DIGIT_AREA, "warning", str(error))
        return
    _clear_canvas("digit")
    st.session_state["teach_true_digit"] = None
    notify(DIGIT_AREA, "success", f"Kept: correction {count}, a {digit}.")


def digits_section() -> None:
    st.subheader("5 · Fix its mistakes on digits")
    st.caption("Draw a digit. When the digit reader gets it wrong, say what it was and keep it. With "
               f"{MIN_CORRECTIONS} or more, **Teach it my handwriting** trains your own copy of the reader on them, "
               "mixed with 2,000 MNIST digits so that it does not forget the others.")
    model = digit_model()
    with st.container(horizontal=True, gap="medium", key="teach_digit_row"):
        pad = st.container(width=CANVAS, height=CANVAS + 16, border=False, key="teach_digit_pad")
        side = st.container(width=420, key="teach_digit_side")
    with pad:
        canvas("teach_digit")
    with side:
        try:
            reading: Reading | None = read_digit(_drawn_image("teach_digit"), model)
        except ExampleError:
            reading = None
        with st.container(key="teach_digit_answer"):
            st.caption("Read by your copy taught your handwriting" if tuned_run() is not None
                       and tuned_run().state == FINISHED else "Read by the bundled digit reader")
            if reading is None:
                st.info("Draw a digit from 0 to 9.")
            else:
                st.markdown(f"### It reads a **{reading.digit}**" if reading.sure else "### Not sure…")
                st.caption(f"{reading.confidence:.0%} sure. Wrong? Say what it was, under the bars."
                           if reading.sure else reading.sentence())
        st.plotly_chart(probability_bars(None if reading is None else reading.probabilities, height=230),
                        key="teach_digit_bars", config=PLOT_CONFIG, theme=None)
        st.segmented_control("It was a", [str(d) for d in range(10)], key="teach_true_digit")
        st.button("Keep this correction", key="teach_keep", icon=":material/add:", on_click=_keep_correction)
        show_notice(DIGIT_AREA)
    _tune_controls()


def _upload_corrections() -> None:
    uploaded = st.session_state.get("teach_digits_upload")
    if uploaded is None:
        return
    try:
        added = corrections().merge_npz(uploaded.getvalue())
    except ExampleError as error:
        notify("teach_digits_file", "error", f"{store.shown_name(uploaded.name)} was not used: {error} Your "
                                             "corrections are as they were.")
        return
    notify("teach_digits_file", "success", f"Added {added} corrections from {store.shown_name(uploaded.name)}.")


def _tune() -> None:
    st.session_state[TUNE_PENDING] = True


def _tune_controls() -> None:
    kept = corrections()
    images, labels = kept.arrays()
    if len(kept):
        st.markdown(f"**Your corrections: {len(kept)}**")
        st.image(thumbnails(images[-20:], 10), width="content",
                 caption=" ".join(str(d) for d in labels[-20:]))
    problems = kept.problems()
    with st.container(horizontal=True, vertical_alignment="center", key="teach_tune_row"):
        left, right = st.container(width="content"), st.container()
    left.button("Teach it my handwriting", key="teach_tune", type="primary", icon=":material/school:",
                on_click=_tune, disabled=bool(problems))
    if problems:
        right.caption(problems[0])
    if st.session_state.pop(TUNE_PENDING, False) and not problems:
        with st.spinner("Copying the digit reader and mixing your drawings with MNIST…"):
            try:
                st.session_state[TUNE] = TuneRun(images, labels)
            except (ValueError, MemoryError) as error:
                notify(DIGIT_AREA, "error", f"Could not start: {error}")
    live_fragment("teach_tune", lambda: [tuned_run()] if tuned_run() is not None else [], _draw_tuning,
                  every_s=TICK_S, budget_s=0.3, on_end=_tuned)
    _tune_report()
    left, right = st.columns(2, gap="large")
    left.download_button("Download your corrections (.npz)", data=kept.to_npz(), file_name="my_digits.npz",
                         mime="application/octet-stream", key="teach_digits_download", icon=":material/download:",
                         disabled=len(kept) == 0)
    uploader(right, "Upload corrections (.npz) downloaded from this page", MAX_FILE_BYTES // 2**20,
             key="teach_digits_upload", on_change=_upload_corrections)
    with right:
        show_notice("teach_digits_file")


def _draw_tuning(runs) -> None:
    run = runs[0] if runs else None
    if run is None:
        return
    if run.state == RUNNING:
        st.progress(run.progress, text=run.describe())
    st.plotly_chart(learning_curves(run.history, "your drawings' copies and MNIST digits",
                                    "your corrected drawings as drawn"), key="teach_tune_curves",
                    config=PLOT_CONFIG, theme=None)


def _tuned(runs) -> None:
    """The fine-tuned copy becomes this session's digit model: the Draw page reads with it, the MNIST page
    can save it."""
    from nnlab.mnist.data import test_set
    from nnlab.mnist.evaluation import evaluate

    run = runs[0]
    report = run.report()
    hand_over(SessionModel(run.model, "Digit reader taught your handwriting", evaluate(run.model, *test_set()),
                           note=f"Fine-tuned on {report.count} of your drawings mixed with MNIST.",
                           save_name="digits taught my handwriting"))


def _tune_report() -> None:
    run = tuned_run()
    if run is None or run.state != FINISHED:
        return
    report = run.report()
    cells = st.columns(2)
    cells[0].metric(f"Your {report.count} corrected drawings", f"{report.own_after:.0%}",
                    f"{(report.own_after - report.own_before) * 100:+.0f} points (was {report.own_before:.0%})")
    cells[1].metric("MNIST test set (10,000 digits)", f"{report.mnist_after:.2%}",
                    f"{(report.mnist_after - report.mnist_before) * 100:+.2f} points (was {report.mnist_before:.2%})")
    st.success("Your copy of the digit reader now reads your digits on this page, on the **Draw** page (as the "
               "network trained in this session) and can be saved from the **MNIST** page's library. It learned "
               "from these drawings, so try new ones to see whether it really learned your handwriting.")
