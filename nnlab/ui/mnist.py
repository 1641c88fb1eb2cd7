"""The MNIST page's sections, in the order a student meets them: the network, the training settings,
the controls, the live curves, the results, and (:mod:`nnlab.ui.model_library`) keeping the model.

The session's runs are a :class:`~nnlab.mnist.book.RunBook` in the session state. Buttons only
change the state of a run; training happens in the live fragment (:func:`live_section`). An
ended run's model is handed to the other pages through :mod:`nnlab.ui.handover`, once.
"""

from __future__ import annotations

import streamlit as st

from nnlab.mnist.book import RunBook
from nnlab.mnist.data import N_TRAIN_FULL, TRAIN_SIZES, VALIDATION_SIZES, test_set
from nnlab.mnist.evaluation import first_dense_weights
from nnlab.mnist.run import DIVERGED, LIVE_CHUNK_S, PAUSED, RUNNING, MnistRun, progress_line
from nnlab.mnist.settings import MAX_EPOCHS, RunSettings, spec_problems
from nnlab.model.presets import IMAGE_PRESETS, PRESETS
from nnlab.model.spec import LEARNING_RATE_RANGE, MAX_BATCH_SIZE, OPTIMIZERS, ModelSpec
from nnlab.plots.mnist import (
    cell_gallery,
    confusion_heatmap,
    filter_frame,
    live_curves,
    misclassified_gallery,
    per_digit_bars,
    weight_images,
)
from nnlab.ui.handover import SessionModel, hand_over, session_model
from nnlab.ui.live_driver import live_fragment
from nnlab.ui.notice import notify, show_notice
from nnlab.ui.spec_state import current_spec, revision

BOOK, PENDING = "mnist_book", "mnist_pending"
PUBLISHED = "mnist_published"  # the last run whose model was handed over
NOTICE_AREA = "mnist_run"
TICK_S = 0.2  # the fragment asks to run again this often; requests queue while it trains, so it never idles
FROM_BUILD, FROM_PRESET = "The network from the Build page", "A preset"
PLOT_CONFIG = {"displayModeBar": False}


def book() -> RunBook:
    if BOOK not in st.session_state:
        st.session_state[BOOK] = RunBook()
    return st.session_state[BOOK]


def publish(run: MnistRun | None) -> None:
    """An ended run's model becomes the session's model (the Draw page reads it), once."""
    if run is not None and run.ended and st.session_state.get(PUBLISHED) is not run:
        st.session_state[PUBLISHED] = run
        hand_over(SessionModel(run.model, run.label, run.evaluation, run.message,
                               save_name=run.spec.name.replace("/", " "), first_layer_start=run.first_layer_start))


# ---- 1. the network ---------------------------------------------------------------------------


def choose_network() -> ModelSpec:
    st.subheader("1 · The network")
    built = current_spec()
    source = st.radio("Train", [FROM_BUILD, FROM_PRESET], key="mnist_source", horizontal=True,
                      index=0 if built.input.kind == "image" else 1,
                      captions=[f"now: {built.name}", "from the books and tutorials"])
    if source == FROM_PRESET:
        spec = PRESETS[st.selectbox("Preset", IMAGE_PRESETS, key="mnist_preset",
                                    index=IMAGE_PRESETS.index("Hands-On DNN 784-300-100-10"))]
    else:
        spec = built
    problems = spec_problems(spec)
    if problems:
        st.error("This network cannot learn MNIST:\n\n" + "\n".join(f"- {p}" for p in problems))
    else:
        layers = " → ".join(layer.describe() for layer in spec.layers) or "no hidden layer"
        st.caption(f"**{spec.name}**: 28x28 image → {layers} → 10 softmax · {spec.param_count():,} parameters. "
                   "Change it on the **Build** page.")
    return spec


# ---- 2. the settings --------------------------------------------------------------------------


def choose_settings(spec: ModelSpec) -> RunSettings:
    """Widgets start at the network's own settings; a new network resets them (its name is in the keys)."""
    st.subheader("2 · Training")
    key = f"mnist_{spec.name}_{revision()}_"
    start = RunSettings.for_spec(spec)
    left, right = st.columns(2)
    epochs = left.number_input("Epochs (passes over the training images)", 1, MAX_EPOCHS, start.epochs,
                               key=key + "epochs")
    batch = left.number_input("Batch size (images per step)", 1, MAX_BATCH_SIZE, start.batch_size, key=key + "batch")
    optimizer = right.selectbox("Optimizer", list(OPTIMIZERS), index=list(OPTIMIZERS).index(start.optimizer),
                                format_func=OPTIMIZERS.get, key=key + "optimizer")
    low, high = LEARNING_RATE_RANGE
    rate = right.number_input("Learning rate", low, high, start.learning_rate, step=0.001, format="%g",
                              key=key + "lr", help="Try 5 with SGD to see training diverge.")
    left, right = st.columns(2)
    validation = left.radio("Held out for validation", VALIDATION_SIZES, format_func="{:,} images".format,
                            key="mnist_validation", horizontal=True,
                            help="Taken from the 60,000 training images; they judge the network after every epoch.")
    size = right.selectbox(f"Training images (of {N_TRAIN_FULL - validation:,})", list(TRAIN_SIZES),
                           format_func=TRAIN_SIZES.get, key="mnist_train_size")
    keep_best = st.checkbox("Keep the best epoch", value=True, key="mnist_keep_best",
                            help="When training ends, put back the weights of the epoch with the best "
                                 "validation accuracy, like a checkpoint.")
    return RunSettings(epochs=int(epochs), batch_size=int(batch), optimizer=optimizer, learning_rate=float(rate),
                       validation=validation, train_size=None if size == "all" else size, keep_best=keep_best)


# ---- 3. controls: each button only flips state; training happens in the live section -----------


def _start(spec: ModelSpec, settings: RunSettings) -> None:
    st.session_state[PENDING] = (spec, settings)  # built by build_pending_run, under a spinner


def _pause() -> None:
    if book().current is not None:
        book().current.pause()


def _resume() -> None:
    if book().current is not None:
        book().current.resume()


def _stop() -> None:
    run = book().current
    if run is not None:
        run.stop()  # waits for the chunk in progress, keeps the history, tests the model
        publish(run)


def build_pending_run() -> None:
    """The run that Start asked for, built now (the first time, TensorFlow starts)."""
    pending = st.session_state.pop(PENDING, None)
    if pending is None:
        return
    with st.spinner("Building the network (the first time, TensorFlow starts: a few seconds)…"):
        try:
            book().start(*pending)
        except (ValueError, MemoryError) as error:
            notify(NOTICE_AREA, "error", f"Could not start: {error}")


def controls(spec: ModelSpec, settings: RunSettings, problems: list[str]) -> None:
    """Start, Pause or Resume, Stop; under them the building of a run Start asked for; what is wrong with
    the settings; the run's messages.

    Start has no tooltip: it covered the "Building the network…" line while the pointer still rested on the
    button. What Start does is written beside the buttons instead."""
    buttons = st.container(key="mnist_buttons")
    with st.container(key="mnist_status"):
        build_pending_run()
    with buttons:
        _buttons(spec, settings, problems)


def _buttons(spec: ModelSpec, settings: RunSettings, problems: list[str]) -> None:
    run = book().current
    running = run is not None and run.state == RUNNING
    paused = run is not None and run.state == PAUSED
    columns = st.columns(4)  # four equal slots: each button's label whole on a tablet whose sidebar stays open
    columns[0].button("Start" if run is None or run.ended else "Start again", key="mnist_start", type="primary",
                      icon=":material/play_arrow:", on_click=_start, args=(spec, settings), disabled=bool(problems),
                      width="stretch")
    if paused:
        columns[1].button("Resume", key="mnist_resume", icon=":material/play_arrow:", on_click=_resume,
                          width="stretch")
    else:
        columns[1].button("Pause", key="mnist_pause", icon=":material/pause:", on_click=_pause, disabled=not running,
                          width="stretch")
    columns[2].button("Stop", key="mnist_stop", icon=":material/stop:", on_click=_stop, disabled=not (running or paused),
                      width="stretch",
                      help="End the run now; the model so far is kept and tested.")
    columns[3].caption("Start builds a fresh network and trains it with these settings.")
    for problem in problems:
        st.error(problem)
    show_notice(NOTICE_AREA)
    publish(run)


# ---- 4. the live section: trains a chunk, then redraws ------------------------------------------------


def live_section() -> None:
    """The live curves and figures, trained and redrawn by the shared live driver while the run trains.

    Each tick (:func:`nnlab.ui.live_driver.live_fragment`, every :data:`TICK_S`) waits for this
    session's turn, draws (:func:`_draw`), then trains one chunk of
    :data:`~nnlab.mnist.run.LIVE_CHUNK_S`; when the run ends the results are published and the whole
    page reruns so they appear and the timer stops. Another run state (paused, ended, none) draws once.
    """
    live_fragment("mnist", _current_runs, _draw, every_s=TICK_S, budget_s=LIVE_CHUNK_S, draw_first=True,
                  on_end=lambda runs: publish(runs[0]))


def _current_runs() -> list[MnistRun]:
    run = book().current
    return [run] if run is not None else []


def _draw(runs) -> None:
    """Drawn before each chunk (``draw_first``): the elements are fresh while training (drawn last, they
    would sit faded as "stale" during every chunk); the picture is one chunk behind, about 0.3 s."""
    run = runs[0] if runs else None
    if run is None:
        st.progress(0.0, text="Press Start to train the network.")
    else:
        st.progress(run.progress, text=progress_line(run))
        _epoch_metrics(run)
    curves = run.curves() if run is not None and run.history.chunks else None
    st.plotly_chart(live_curves(curves, book().earlier), key="mnist_curves", config=PLOT_CONFIG)


def _epoch_metrics(run: MnistRun) -> None:
    chunk = run.history.chunks[-1] if run.history.chunks else None
    loss, accuracy = run.validation_loss, run.validation_accuracy
    cells = st.columns(4)
    recent = "On the last few training batches, while the network learns (with dropout, if it has some)."
    cells[0].metric("Training loss", f"{chunk.loss:.4f}" if chunk else "–", help=recent)
    cells[1].metric("Training accuracy", f"{chunk.accuracy:.2%}" if chunk else "–", help=recent)
    cells[2].metric("Validation loss", f"{loss:.4f}" if loss is not None else "–",
                    help="On the held-out validation images, after each epoch.")
    cells[3].metric("Validation accuracy", f"{accuracy:.2%}" if accuracy is not None else "–",
                    help="On the held-out validation images, after each epoch.")
    if run.state == PAUSED:
        st.info("Paused. Press **Resume** to go on, or **Stop** to end the run and test it.")
    if run.message:
        (st.error if run.state == DIVERGED else st.success)(run.message)


def forget_earlier() -> None:
    """A button that removes the faded curves of earlier runs (shown when there are some)."""
    if book().earlier:
        st.button("Forget earlier runs", key="mnist_forget", on_click=lambda: book().clear_earlier(),
                  help="Remove the faded curves of earlier runs.")


# ---- 5. results: the session's model on the 10,000 test images ----------------------------------------


def results() -> None:
    handed = session_model()
    if handed is None or handed.evaluation is None:
        return
    evaluation = handed.evaluation
    st.subheader("3 · How well does it read digits?")
    st.caption(f"{handed.title}, on the 10,000 test images it never saw while training.")
    cells = st.columns([1, 1, 3])
    cells[0].metric("Test accuracy", f"{evaluation.accuracy:.2%}")
    cells[1].metric(f"Mistakes (of {len(evaluation.labels):,})", f"{evaluation.errors:,}")
    if handed.note:
        cells[2].info(handed.note)
    left, right = st.columns([1.1, 1])
    cell = chosen_cell()
    with left:
        st.plotly_chart(confusion_heatmap(evaluation.confusion, selected=cell), key=CONFUSION, config=PLOT_CONFIG,
                        on_select=_cell_clicked, selection_mode="points")
    with right:
        st.plotly_chart(per_digit_bars(evaluation.per_digit), key="mnist_per_digit", config=PLOT_CONFIG)
        _cell_choice()
    if cell is None:
        _mistakes(evaluation)
    else:
        _cell_digits(evaluation, *cell)
    if not _filters_over_time(handed):
        _first_layer(handed)


CONFUSION = "mnist_confusion"
TRUE_KEY, READ_KEY = "mnist_cell_true", "mnist_cell_read"
CELL_LIMIT = 40  # digits shown of one cell (the most confident first)


def chosen_cell() -> tuple[int, int] | None:
    """The confusion-matrix cell chosen (by a click or the two boxes): (true digit, read as), or None."""
    true, read = st.session_state.get(TRUE_KEY), st.session_state.get(READ_KEY)
    return None if true is None or read is None else (int(true), int(read))


def _cell_clicked() -> None:
    """A click on a cell of the matrix sets the two boxes (they then drive the gallery)."""
    event = st.session_state.get(CONFUSION)
    points = event.selection.points if event is not None else []
    for point in points:
        data = point.get("customdata")
        if data is not None and len(data) == 2:
            st.session_state[TRUE_KEY], st.session_state[READ_KEY] = int(data[0]), int(data[1])
            return


def _clear_cell() -> None:
    st.session_state[TRUE_KEY] = st.session_state[READ_KEY] = None


def _cell_choice() -> None:
    st.markdown("**Click a cell of the matrix** to see its test digits, or choose one:")
    true, read = st.columns(2)
    true.selectbox("True digit", range(10), index=None, key=TRUE_KEY, placeholder="any")
    read.selectbox("Read as", range(10), index=None, key=READ_KEY, placeholder="any")
    st.button("Show the most confident mistakes", key="mnist_cell_clear", on_click=_clear_cell,
              disabled=chosen_cell() is None)


def _cell_digits(evaluation, true: int, read: int) -> None:
    x_test, _ = test_set()
    chosen = evaluation.cell(true, read)
    shown = chosen[:CELL_LIMIT]
    with st.container(key="mnist_cell"):
        st.plotly_chart(cell_gallery(x_test[shown], evaluation.probabilities[shown], true, read, len(chosen)),
                        key="mnist_cell_gallery", config=PLOT_CONFIG)
        st.caption("Above each digit: the two digits the network found most probable, with their probabilities. "
                   "The most confident first.")


def _mistakes(evaluation) -> None:
    x_test, _ = test_set()
    wrong = evaluation.misclassified(24)
    predicted = evaluation.predictions[wrong]
    st.plotly_chart(misclassified_gallery(x_test[wrong], evaluation.labels[wrong], predicted,
                                          evaluation.probabilities[wrong, predicted]),
                    key="mnist_gallery", config=PLOT_CONFIG)
    st.caption("The most confident mistakes first. Some are hard even for people; others show what the "
               "network has not learned yet.")


def _first_layer(handed: SessionModel) -> None:
    start = handed.first_layer_start
    weights = first_dense_weights(handed.model, start)
    if weights is None:
        return
    changed = start is not None
    st.plotly_chart(weight_images(weights, title="What the first-layer units learned to look for" if changed
                                  else "What the first-layer units look for"),
                    key="mnist_weights", config=PLOT_CONFIG)
    st.caption("Each square is one unit of the first Dense layer: its 784 weights laid out as the image"
               + (", minus their random starting values (what training changed). " if changed else ". ")
               + "Ink on blue pixels makes the unit fire; ink on orange pixels holds it back.")


def _filters_over_time(handed: SessionModel) -> bool:
    """The first layer's filters recorded at each epoch of the run that trained the session's model, with a
    slider from epoch 0 to the last; False (nothing drawn) for a model without that record (a loaded one)."""
    run = st.session_state.get(PUBLISHED)
    history = getattr(run, "filter_history", None)
    if run is None or run.model is not handed.model or not history or len(history) < 2:
        return False
    last = len(history) - 1
    st.markdown("**Watch the first layer form**: its filters at each epoch, from the start (epoch 0) to the end.")
    epoch = st.slider("Epoch", 0, last, last, key=f"mnist_filter_epoch_{id(run)}")
    with st.container(key="mnist_filters_over_time"):
        st.plotly_chart(filter_frame(history, epoch, run.filter_kind), key="mnist_filter_frame", config=PLOT_CONFIG)
    st.caption(("Each square: one unit of the first Dense layer, what training has changed in its 784 weights "
                "so far. " if run.filter_kind == "dense" else "Each square: one 3x3 filter of the first convolution. ")
               + "Blue: ink there pushes the unit up; orange: holds it back. One scale for all epochs: "
               "the patterns grow as you move the slider.")
    return True
