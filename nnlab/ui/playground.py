"""The 2D playground page, section by section (the page file calls these in order).

State in ``st.session_state``:

* ``pg_config``: the :class:`~nnlab.playground.config.PlaygroundConfig`, the one source of truth.
  Every widget writes into it from an ``on_change`` / ``on_click`` callback. Widget keys carry
  a revision (``pg_rev``); loading a lesson or a link bumps it, so the widgets are created
  again showing the new values.
* ``pg_run``: the :class:`~nnlab.playground.session.PlaygroundRun` (data, model, trainer), a live run
  (:class:`~nnlab.training.live.TrainerRun`): its state says whether the page plays. Play, Pause, Step
  and Reset call the run; the training itself happens in the live fragment
  (:mod:`nnlab.ui.live_driver`), in short chunks.
"""

from __future__ import annotations

import time
from dataclasses import replace
from urllib.parse import urlencode

import streamlit as st

from nnlab.model.schedules import SCHEDULES as SCHEDULE_TABLE
from nnlab.model.spec import ACTIVATIONS, FEATURES
from nnlab.playground.config import (
    BATCH_RANGE,
    CONTROL_GROUPS,
    DROPOUT_RATES,
    LEARNING_RATES,
    LOSSES,
    MAX_LAYERS,
    MAX_SEED,
    MAX_UNITS,
    OPTIMIZERS,
    OWN,
    REG_RATES,
    REGULARIZATIONS,
    SCHEDULES,
    PlaygroundConfig,
    from_query,
    to_query,
)
from nnlab.playground.session import (
    RUN_EVERY_S,
    SLOW_PARTS_EVERY_S,
    SLOW_PARTS_EVERY_TICKS,
    TRAIN_BUDGET_S,
    keyframes_for,
    tick_period,
)
from nnlab.plots.style import CLASS_COLOR_NAMES
from nnlab.training.live import RUNNING
from nnlab.training.pace import SpeedWindow
from nnlab.ui.live_driver import live_fragment, live_interval

CONFIG, REV, RUN, URL_NOTES, FRAMES = "pg_config", "pg_rev", "pg_run", "pg_url_notes", "pg_frames"
MAX_TRAIN_BUDGET_S = 0.25  # the most to train before a redraw, when the browser redraws slowly
LAST_TICK, SLOW_PARTS, TICK_GAP = "pg_last_tick", "pg_slow_parts", "pg_tick_gap"
STILL_FRAME = "pg_still_frame"  # (what the pictures showed, the frame drawn of it) while nothing trains
# Widths of Epoch ("123,456"), the losses ("7.6e-04"), "100% / 100%" and Speed ("1,234/s" and its caption):
# one row at 1280 px (804 of 820 px), three on a 390 px phone.
METRIC_PX = (110, 120, 120, 210, 180)
# "8 neurons"; "Sigmoid" and the arrow; "drop 30%" and the arrow (the row wraps on a 390 px phone)
LAYER_TEXT_PX, ACTIVATION_BOX_PX, DROPOUT_BOX_PX = 70, 104, 124
ACTIVATION_TITLES = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "linear": "Linear"}
FEATURE_LABELS = {"x1": "x1", "x2": "x2", "x1^2": "x1²", "x2^2": "x2²", "x1*x2": "x1·x2",
                  "sin(x1)": "sin(x1)", "sin(x2)": "sin(x2)"}


# ---- state ---------------------------------------------------------------------------


def config() -> PlaygroundConfig:
    """The session's setup; on a session's first run, read from the link (the URL query string)."""
    if CONFIG not in st.session_state:
        loaded, ignored = from_query(st.query_params.to_dict())
        st.session_state[CONFIG] = loaded
        st.session_state[URL_NOTES] = ignored
    return st.session_state[CONFIG]


def set_config(new: PlaygroundConfig, rebuild_widgets: bool = False) -> None:
    st.session_state[CONFIG] = new
    if rebuild_widgets:
        st.session_state[REV] = st.session_state.get(REV, 0) + 1


def key(name: str) -> str:
    """A widget key bound to the current revision of the setup."""
    return f"pg_{st.session_state.get(REV, 0)}_{name}"


def playing() -> bool:
    """Whether the session's run is training (Play pressed, not paused since)."""
    run = st.session_state.get(RUN)
    return run is not None and run.state == RUNNING


def current_run():
    """The run (data, model, trainer) for the current setup, built when the setup needs a new one;
    a new run plays if the one it replaces did.

    Returns None (and shows why) when the setup cannot be trained.
    """
    from nnlab.playground.session import PlaygroundRun

    setup = config()
    problems = setup.problems()
    if problems:
        for problem in problems:
            st.error(problem)
        return None
    run = st.session_state.get(RUN)
    if run is None or not run.matches(setup):
        was_playing = playing()
        if run is not None:
            run.pause()  # the old network stops moving; it is dropped below
        with st.spinner("Building the network..."):
            run = PlaygroundRun(setup)
            run.trainer.warm_up()  # synchronous: in the background, 30 arrivals' traces starved the playing students
        if was_playing:
            run.resume()
        st.session_state[RUN] = run
    run.apply_live(setup)
    return run


def _change(field: str, widget: str, convert=None) -> None:
    value = st.session_state[widget]
    set_config(replace(config(), **{field: convert(value) if convert else value}))


def class_names(n_classes: int) -> str:
    """The classes by their colours on the page: "orange and blue", "orange, blue and green"."""
    names = CLASS_COLOR_NAMES[:n_classes]
    return f"{', '.join(names[:-1])} and {names[-1]}"


def intro() -> None:
    """What the page does, naming the current data set's classes by their colours."""
    n_classes = config().n_classes
    task = ("give each point a number from -1 (orange) to +1 (blue)" if n_classes == 1 else
            "tell orange points from blue ones" if n_classes == 2 else
            f"sort points into {n_classes} classes: {class_names(n_classes)}")
    st.caption(f"A network learns to {task}. Press **Play** and watch the boundary form; "
               "try a lesson in the sidebar (on a phone: » at the top left) to see why XOR needs a hidden layer.")


# ---- run controls --------------------------------------------------------------------


def _play() -> None:
    run = st.session_state.get(RUN)
    if run is not None:
        run.resume()


def _pause() -> None:
    """Stop playing; returns once a chunk still training has ended (see
    :meth:`~nnlab.training.live.ChunkedRun.pause`): under load a paused page showed an epoch that the
    model had already left (paused at 24, the model at 47)."""
    run = st.session_state.get(RUN)
    if run is not None:
        run.pause()


def _step() -> None:
    run = st.session_state.get(RUN)
    if run is not None and run.matches(config()):
        run.apply_live(config())
        run.step()


def _reset() -> None:
    run = st.session_state.get(RUN)
    if run is not None:
        run.reset()


def run_controls() -> None:
    """Play, Pause, Step (one epoch) and Reset, with Material icons (drawn by Streamlit's own icon font:
    an emoji needs an emoji font, which many school machines lack, and shows as an empty box)."""
    now_playing = playing()
    with st.container(horizontal=True, vertical_alignment="center", gap="xsmall", key="pg_run_controls"):
        # One wrapping row of content-sized buttons: on a phone, columns stacked them four lines high.
        st.button("Play", key="pg_play", on_click=_play, disabled=now_playing, type="primary",
                  icon=":material/play_arrow:", help="Train continuously, redrawing about ten times a second")
        st.button("Pause", key="pg_pause", on_click=_pause, disabled=not now_playing, icon=":material/pause:",
                  help="Stop training after the epoch in progress; Play goes on from there")
        st.button("Step", key="pg_step", on_click=_step, icon=":material/skip_next:",
                  help="Train exactly one epoch: one pass over the training points")
        st.button("Reset", key="pg_reset", on_click=_reset, icon=":material/restart_alt:",
                  help="Back to the starting weights, epoch 0")
        st.caption("**Play** trains and redraws continuously · **Step** trains one epoch · "
                   "**Reset** goes back to the starting weights.", width=360)


# ---- lessons ---------------------------------------------------------------------------


def lessons() -> None:
    """The lessons with steps on this page (in the sidebar), each opening its first step here; the lesson
    player (nnlab.ui.lesson_player) then shows the step."""
    if "lessons" in config().hide:
        return
    from nnlab.ui import lesson_player

    st.subheader("Lessons")
    for lesson in lesson_player.all_lessons():
        steps = [number for number, step in enumerate(lesson.steps, start=1) if step.page == "playground"]
        if steps:
            st.button(lesson.title, key=f"pg_lesson_{lesson.id}", on_click=lesson_player.go_to,
                      args=(lesson.id, steps[0]), width="stretch",
                      help=f"Open this lesson's first step here: {lesson.summary}")


# ---- network editor ----------------------------------------------------------------------


def _edit_network(method: str, *args) -> None:
    set_config(getattr(config(), method)(*args), rebuild_widgets=True)


def _set_activation(index: int, widget: str) -> None:
    set_config(config().change_activation(index, st.session_state[widget]))


def _set_dropout(index: int, widget: str) -> None:
    set_config(config().change_dropout(index, st.session_state[widget]))


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def network_editor() -> None:
    """The hidden layers, one row each, input side first (its neurons, its activation, − neuron /
    + neuron), under a row with − layer / + layer; above the metrics and the pictures (drawn by the
    page's run, not by each live tick).

    Rows of content-sized elements that wrap (``st.container(horizontal=True)``) rather than one
    column per layer: six columns in half the page left 50 px each, and the activations read "Tai".
    """
    setup = config()
    if "network" in setup.hide:
        return
    layers = setup.layers
    with st.container(horizontal=True, vertical_alignment="center", gap="xsmall", key="pg_network_editor"):
        st.markdown(f"**{_plural(len(layers), 'hidden layer')}**", width="content")
        st.button("− layer", key=key("layer_minus"), on_click=_edit_network, args=("remove_layer",),
                  disabled=not layers, help="Remove the last hidden layer")
        st.button("+ layer", key=key("layer_plus"), on_click=_edit_network, args=("add_layer",),
                  disabled=len(layers) >= MAX_LAYERS, help="Add a hidden layer (after the last one)")
    for index, layer in enumerate(layers):
        with st.container(horizontal=True, vertical_alignment="center", gap="xsmall", key=f"pg_layer_row_{index}"):
            st.markdown(_plural(layer.units, "neuron"), width=LAYER_TEXT_PX)
            widget = key(f"activation_{index}")
            st.selectbox(f"Activation of hidden layer {index + 1}", ACTIVATIONS,
                         index=ACTIVATIONS.index(layer.activation), key=widget, on_change=_set_activation,
                         args=(index, widget), format_func=ACTIVATION_TITLES.get, label_visibility="collapsed",
                         width=ACTIVATION_BOX_PX, help=f"What each neuron of layer {index + 1} applies to its sum")
            widget = key(f"dropout_{index}")
            st.selectbox(f"Dropout of hidden layer {index + 1}", DROPOUT_RATES, index=DROPOUT_RATES.index(layer.dropout),
                         key=widget, on_change=_set_dropout, args=(index, widget), label_visibility="collapsed",
                         format_func=lambda rate: f"drop {rate:.0%}" if rate else "no dropout", width=DROPOUT_BOX_PX,
                         help=f"Dropout: while training, switch off this share of layer {index + 1}'s neurons at "
                              "random at each step (none when testing or drawing)")
            st.button("− neuron", key=key(f"units_minus_{index}"), on_click=_edit_network,
                      args=("change_units", index, -1), disabled=layer.units <= 1,
                      help=f"One neuron fewer in layer {index + 1}")
            st.button("+ neuron", key=key(f"units_plus_{index}"), on_click=_edit_network,
                      args=("change_units", index, 1), disabled=layer.units >= MAX_UNITS,
                      help=f"One neuron more in layer {index + 1}")


# ---- sidebar -----------------------------------------------------------------------------


def _toggle_feature(name: str, widget: str) -> None:
    setup = config()
    chosen = set(setup.features) | {name} if st.session_state[widget] else set(setup.features) - {name}
    set_config(replace(setup, features=tuple(f for f in FEATURES if f in chosen)))


def feature_controls() -> None:
    setup = config()
    if "features" in setup.hide:
        return
    st.subheader("Input features")
    columns = st.columns(2)
    for index, name in enumerate(FEATURES):
        widget = key(f"feature_{name}")
        columns[index % 2].checkbox(FEATURE_LABELS[name], value=name in setup.features, key=widget,
                                    on_change=_toggle_feature, args=(name, widget),
                                    help=f"Give the network {FEATURE_LABELS[name]} of each point as an input")


def training_controls() -> None:
    setup = config()
    if "training" in setup.hide:
        return
    st.subheader("Training")
    widget = key("learning_rate")
    st.select_slider("Learning rate", LEARNING_RATES, value=setup.learning_rate, key=widget, on_change=_change,
                     args=("learning_rate", widget), format_func=lambda v: f"{v:g}",
                     help="How far each step moves the weights along the gradient (the schedule's starting rate)")
    widget = key("schedule")
    st.selectbox("Learning-rate schedule", list(SCHEDULES), index=list(SCHEDULES).index(setup.schedule), key=widget,
                 format_func=SCHEDULES.get, on_change=_change, args=("schedule", widget),
                 help="How the learning rate changes as the epochs go by: "
                      + "; ".join(f"{row.title.lower()}: {row.detail}" for row in SCHEDULE_TABLE.values())
                      + ". The rate in use is shown under the metrics")
    if setup.learning_rate >= 1:
        st.caption(":material/warning: Steps this large usually overshoot: the boundary jumps about, "
                   "and the loss may become NaN.")
    widget = key("batch_size")
    st.slider("Batch size", *BATCH_RANGE, value=setup.batch_size, key=widget, on_change=_change,
              args=("batch_size", widget), help="How many training points each step averages its gradient over")
    for field, label, options, why in (
        ("optimizer", "Optimizer", OPTIMIZERS, "How a step turns the gradient into a change of the weights"),
        ("loss", "Loss", LOSSES, "What training makes small: how wrong the output is on each point"),
        ("regularization", "Regularization", REGULARIZATIONS, "A penalty on large weights (L1, L2): smoother boundaries"),
    ):
        fixed = field == "loss" and setup.regression
        widget = key(f"{field}_fixed" if fixed else field)  # its own widget: it shows the loss in use
        value = setup.loss_in_use if fixed else getattr(setup, field)
        st.selectbox(label, list(options), index=list(options).index(value), key=widget, format_func=options.get,
                     on_change=_change, args=(field, widget), disabled=fixed,
                     help="A real-valued target is always trained with the squared error" if fixed else why)
    if setup.regularization != "none":
        widget = key("reg_rate")
        st.select_slider("Regularization rate", REG_RATES, value=setup.reg_rate, key=widget, on_change=_change,
                         args=("reg_rate", widget), format_func=lambda v: f"{v:g}",
                         help="How strongly the penalty counts against the data loss")
    widget = key("seed")
    st.number_input("Seed (starting weights)", 0, MAX_SEED, setup.seed, key=widget, on_change=_change,
                    args=("seed", widget), help="Another seed gives other random starting weights")
    st.caption("Changing the network, the data, the optimizer, the loss or the regularization starts over; "
               "the learning rate and the batch size change while training.")


def display_controls() -> None:
    setup = config()
    st.subheader("Display")
    for field, label, why in (("show_test", "Show test points", "Draw the test points too, as diamonds with a black edge"),
                              ("discretize", "Discretize output", "Colour each point of the plane by the answer only "
                                                                 "(the class, or the sign), not by how sure it is")):
        widget = key(field)
        st.toggle(label, value=getattr(setup, field), key=widget, on_change=_change, args=(field, widget), help=why)


def share_controls() -> None:
    setup = config()
    if "share" in setup.hide:
        st.caption("Some controls are hidden by the link that opened this page.")
        return
    st.subheader("Share")
    widget = key("hide")
    hidden = st.multiselect("Hide in the shared link", list(CONTROL_GROUPS), default=sorted(setup.hide), key=widget,
                            format_func=CONTROL_GROUPS.get,
                            help="For a classroom: students who open the link do not see these controls")
    link = f"{_page_url()}?{urlencode(to_query(replace(setup, hide=frozenset(hidden))))}"
    st.code(link, language=None, wrap_lines=True)
    st.caption("Copy the link: it opens this exact setup (data, network, settings and seed).")


PAGE_URL_PATH = "Playground"  # Streamlit's address for pages/2_Playground.py


def _page_url() -> str:
    """This page's address as the student's browser reached it (``st.context.url``: the browser's own
    address bar, so a student on 192.168.1.20 gets a link to 192.168.1.20, not the server's localhost).

    Before the browser has told it (and in page tests), the Host header of the browser's connection
    gives the address. Ends with the page's path, so the link opens the playground, not the home page.
    """
    url = (st.context.url or "").split("?", 1)[0].split("#", 1)[0].rstrip("/")
    if not url:
        host = st.context.headers.get("Host")
        if not host:
            return ""
        scheme = st.context.headers.get("X-Forwarded-Proto", "http")
        url = f"{scheme}://{host}"
    return url if url.endswith(f"/{PAGE_URL_PATH}") else f"{url}/{PAGE_URL_PATH}"


def sidebar() -> None:
    from nnlab.ui.playground_data import data_controls

    with st.sidebar:
        lessons()
        data_controls()
        feature_controls()
        training_controls()
        display_controls()
        share_controls()


def sync_url() -> None:
    """Keep the address bar's query string equal to the setup, so the URL itself is a shareable link."""
    wanted = to_query(config())
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


def messages() -> None:
    for note in st.session_state.pop(URL_NOTES, []):
        st.warning(note)
    setup = config()
    if setup.regression:
        st.info("This data set's target is a real number from -1 to 1, not a class: the network's output is one "
                "linear unit (y = w·h + b, no sigmoid) and the loss is the squared error (y − target)², chosen "
                "for you. The test loss is the measure.", icon=":material/straighten:")
    for note in setup.notes():
        st.info(note)


# ---- the live view -------------------------------------------------------------------


def live_view() -> None:
    """The layer editor, then the metrics and the pictures; while playing, a chunk of training before each
    redraw of the metrics and pictures, up to twenty a second."""
    if current_run() is None:
        return
    # The layer editor is drawn by the page, not by each tick: its sixteen widgets were a third of the
    # messages a tick sends, and the server's event loop sends every message of every student.
    network_editor()
    live_fragment("pg", _live_runs, _draw, every_s=RUN_EVERY_S, budget_s=_train_budget, click_skips_queue=True)


def _live_runs() -> list:
    run = st.session_state.get(RUN)
    return [run] if run is not None else []


def _draw(runs) -> None:
    """One tick's redraw: the divergence message, the metrics, the pictures; then the redraw is counted."""
    run = runs[0]
    trainer = run.trainer
    if trainer.diverged:
        st.error(trainer.message, icon=":material/error:")
    metrics_row(run)
    pictures(run)
    if run.state == RUNNING:
        _record_redraw(trainer.epoch)
    st.session_state[LAST_TICK] = time.perf_counter()
    if not run.matches(config()):  # own points clicked in this fragment run: the whole page builds the new run
        st.rerun()


def _train_budget() -> float:
    """Seconds to train in this tick: the time the browser took since the last tick ended,
    from TRAIN_BUDGET_S to MAX_TRAIN_BUDGET_S; and how many pictures that training records
    (:func:`~nnlab.playground.session.keyframes_for` this session's tick interval).

    A fast browser asks again at once and gets short chunks (many redraws); a slow one (an old
    laptop, a busy machine) waits longer between redraws, and the server trains meanwhile, so
    the epochs/s stay up while the redraws/s are what the browser manages.
    """
    last_end = st.session_state.get(LAST_TICK)
    gap = time.perf_counter() - last_end if last_end is not None else 0.0
    st.session_state[TICK_GAP] = gap
    run = st.session_state.get(RUN)
    if run is not None:
        run.keyframes = keyframes_for(_tick_period())
    return min(max(gap, TRAIN_BUDGET_S), MAX_TRAIN_BUDGET_S)


def _tick_period() -> float:
    """How far apart this session's ticks come now (:func:`~nnlab.playground.session.tick_period`)."""
    return tick_period(live_interval("pg", RUN_EVERY_S), st.session_state.get(TICK_GAP, 0.0))


def _record_redraw(epoch: int) -> None:
    """Note a finished tick (its pictures sent), for the speed shown while playing.

    Recorded after the pictures, not before: a tick stopped by the next one before its pictures
    went out is no redraw for the student (counted before, the page said 10 redraws/s while the
    browser received 6.4).
    """
    if FRAMES not in st.session_state:  # the last 3 s; a pause of more than 2 s starts measuring again
        st.session_state[FRAMES] = SpeedWindow(window_s=3.0, gap_s=2.0, min_samples=3)
    st.session_state[FRAMES].note(epoch)


def _rates() -> tuple[float, float]:
    """Epochs and redraws per second of wall-clock time over the last few seconds of playing
    (0 until three redraws, and when the last one is more than 2 s old)."""
    window = st.session_state.get(FRAMES)
    if window is None:
        return 0.0, 0.0
    now = time.perf_counter()
    return window.per_second(now), window.notes_per_second(now)


def _loss_text(loss: float) -> str:
    """Three decimals; tiny losses in scientific notation so that they do not read as exactly 0."""
    return f"{loss:.3f}" if loss >= 0.001 or loss == 0 else f"{loss:.1e}"


def metrics_row(run) -> None:
    """Epoch, losses, accuracies and speed. The same five metrics and the caption under Speed whether
    playing or not, so that Play and Pause do not move the pictures (a caption shown only while playing
    pushed them 40 px down); the speed's unit is in that caption, so its value fits ("144 epochs/s" did not).
    Each metric has a fixed width (METRIC_PX) in a row that wraps."""
    trainer = run.trainer
    last = trainer.history.last
    with st.container(horizontal=True, gap="small", key="pg_metrics"):  # wraps on a phone: 3 rows, not 5
        st.metric("Epoch", f"{trainer.epoch:,}", width=METRIC_PX[0], help="Passes over the training points so far")
        st.metric("Training loss", _loss_text(last.train_loss) if last else "–", width=METRIC_PX[1],
                  help="The mean loss on the training points (what training makes small)")
        st.metric("Test loss", _loss_text(last.test_loss) if last else "–", width=METRIC_PX[2],
                  help="The mean loss on the test points, which the network never trains on")
        if run.regression:  # the typical size of the error: the square root of the mean squared error
            st.metric("Typical test error", f"±{last.test_loss ** 0.5:.3f}" if last and last.test_loss is not None
                      else "–", width=METRIC_PX[3], help="√(test loss): how far off the output is, typically")
        else:
            st.metric("Accuracy: training / test",
                      f"{last.train_accuracy:.0%} / {last.test_accuracy:.0%}" if last else "–", width=METRIC_PX[3],
                      help="The share of the points given their right class")
        if run.state == RUNNING:
            epochs_per_s, redraws_per_s = _rates()
            speed = f"{epochs_per_s:,.0f}/s" if epochs_per_s else "…"
            redraws = f"epochs/s · {redraws_per_s:.0f} redraws/s" if redraws_per_s else "measuring…"
        else:
            speed, redraws = "paused", "epochs/s while playing"
        with st.container(width=METRIC_PX[4], gap=None):
            st.metric("Speed", speed, help="Epochs per second of wall-clock time while playing, redraws included")
            st.caption(redraws)  # one line in every state: the row keeps its height
    if run.schedule != "constant":
        schedule = SCHEDULE_TABLE[run.schedule]
        st.caption(f"Learning rate now: **{run.current_rate:.3g}** at epoch {trainer.epoch:,} "
                   f"({schedule.title.lower()} from {run.base_rate:g}: {schedule.detail})")


def _frame(run):
    """This tick's pictures. While playing, the boundary is painted by the browser from the plane's values
    (:mod:`nnlab.ui.playground_plane`; a plotly chart would blink: see :mod:`nnlab.plots.live`), and the
    network and the loss chart are redrawn only every
    SLOW_PARTS_EVERY_S and SLOW_PARTS_EVERY_TICKS ticks: an unchanged figure (the same object, sent
    again) costs the browser nothing."""
    setup = config()
    now = time.perf_counter()
    cached = st.session_state.get(SLOW_PARTS)
    live = run.state == RUNNING
    if not live:
        return _still_frame(run, setup)
    fresh = (not live or cached is None or cached[0] is not run
             or (now - cached[1] > SLOW_PARTS_EVERY_S and cached[4] >= SLOW_PARTS_EVERY_TICKS - 1))
    frame = run.frame(setup, everything=fresh, live=live, picture=False)
    if fresh:
        st.session_state[SLOW_PARTS] = (run, now, frame.network, frame.loss, 0)
        return frame
    st.session_state[SLOW_PARTS] = (*cached[:4], cached[4] + 1)  # one more tick without them
    return replace(frame, network=cached[2], loss=cached[3])


def _still_frame(run, setup):
    """A paused (or idle, finished, diverged) run's pictures, drawn once for each state of its weights
    (:meth:`~nnlab.playground.session.PlaygroundRun.drawn_state`: a weight edit or an applied step is a new
    state): every rerun of the page or of its live fragment while nothing trains shows the same frame. Drawn
    afresh each time, thirty paused students' pictures were computed at once on a busy server (nineteen in
    one stack dump, none of them waiting for a turn), and none of their clicks came through
    (docs/ARCHITECTURE.md, "A class on a cold server")."""
    key = (run, run.state, setup, run.drawn_state())
    kept = st.session_state.get(STILL_FRAME)
    if kept is not None and kept[0] == key:
        return kept[1]
    frame = run.frame(setup, everything=True, live=False, picture=False)
    st.session_state[STILL_FRAME] = (key, frame)
    return frame


def colour_key(setup) -> str:
    """One line that says what the colours of the pictures mean, for this data set."""
    if setup.regression:
        return ("**Colours:** orange = −1, white = 0, blue = +1, for the network's output (background) and the "
                "points' targets (dots). Lines are weights: blue +, orange −, thicker = larger.")
    if setup.n_classes == 2:
        return ("**Colours:** background = the network's answer, orange = class 0, blue = class 1, paler = less "
                "sure; dots = training points, diamonds = test points. Neurons and weights: blue +, orange −.")
    return (f"**Colours:** each class has its colour ({class_names(setup.n_classes)}); the background shows "
            "which class wins there, paler = less sure. Neurons and weights: blue +, orange −.")


def pictures(run) -> None:
    from nnlab.ui import playground_diagram, playground_inspect

    setup = config()
    frame = _frame(run)
    inspection = playground_inspect.current(run)
    left, right = st.columns([1, 1], gap="medium")
    with left:
        picture = frame.network if inspection is None else run.network_picture(config(), inspection.dW_update)
        playground_diagram.network_view(run, picture, inspection)
        playground_inspect.controls(run, inspection)
        n_classes = setup.n_classes
        outputs = ("" if n_classes <= 2 else
                   f" The output squares: the probability of each class ({class_names(n_classes)}), in its colour.")
        st.caption("The network: each square is a neuron, showing what it computes at each point of the plane. "
                   f"Lines are weights, thicker = larger.{outputs}")
    with right:
        if setup.dataset == OWN:
            from nnlab.ui.playground_data import own_plane

            own_plane(run, frame.plane)
        elif frame.boundary is None:  # playing: the browser paints the plane, in place at each redraw
            from nnlab.ui.playground_plane import live_plane

            live_plane(run, setup, frame.plane, _tick_period())
        else:
            st.plotly_chart(frame.boundary, key="pg_boundary", config={"displayModeBar": False})
        st.caption(colour_key(setup))
        st.plotly_chart(frame.loss, key="pg_loss", config={"displayModeBar": False})
        st.caption("The loss against the epoch: training (solid) and test (dashed). The test loss rising while "
                   "the training loss falls is overfitting.")
        if frame.confusion is not None:
            st.plotly_chart(frame.confusion, key="pg_confusion", config={"displayModeBar": False})
            st.caption("Confusion matrix of the test points: row = the true class, column = the class the network "
                       "gives; the diagonal (green) is right. Shown while paused.")
    playground_inspect.panel(run, inspection)
