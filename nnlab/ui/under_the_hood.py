"""The sections of the "Under the hood" page, one function each.

Quick things (numpy backprop, the gradient check) run when the page opens and are
cached; trainings start only when the user presses Start and run in chunks
(:func:`training_panel` on :mod:`nnlab.ui.live_driver`); TensorFlow is imported only by sections
that need it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

import numpy as np
import streamlit as st

from nnlab.hood import scratch
from nnlab.loaded_once import loaded_once
from nnlab.plots import scratch as figures
from nnlab.training.live import FINISHED, RUNNING, EpochRun
from nnlab.training.pace import format_seconds
from nnlab.ui import live_driver
from nnlab.ui.live_driver import runs_of

GATE_ROWS = [f"x = ({int(a)}, {int(b)})" for a, b in scratch.TRUTH_TABLE]


@loaded_once()
def _logic_lesson(seed: int = 0):
    """Shared read-only: the trained AND/OR/XOR models (nobody modifies them after training)."""
    return scratch.logic_lesson(seed=seed, epochs=1000)


@loaded_once()
def _checked_gradients() -> scratch.GradientCheck:
    return scratch.gradient_check()


@st.cache_data(show_spinner="Checking the hand-written gradients against TensorFlow…")
def _gradient_check() -> scratch.GradientCheck:
    return _checked_gradients()  # each session gets its own copy (st.cache_data); the work is done once


def warm_up() -> None:
    """The page's worked examples that every visitor sees, computed once per process before anyone opens it
    (:mod:`nnlab.serve.warm`): the first visit took 1.49 s on 2 cores, later ones 0.23-0.25 s."""
    _logic_lesson()
    _checked_gradients()


@st.cache_data(show_spinner=False, max_entries=64)
def _train_xor(hidden: int, learning_rate: float, epochs: int, seed: int):
    model = scratch.TanhMLP.init(2, hidden, 2, seed)
    losses = scratch.train(model, scratch.TRUTH_TABLE, scratch.LOGIC_TARGETS["XOR"], epochs, learning_rate)
    return model, losses


def is_locked(key: str) -> bool:
    """True once runs exist: their settings are fixed until Reset."""
    return runs_of(key) is not None


def training_panel(key: str, make_runs: Callable[[], list[EpochRun]], figure: Callable[[list[EpochRun]], object],
                   idle_message: str) -> list[EpochRun] | None:
    """Start/Resume, Pause and Reset, a progress bar per run with its speed, the time left, live curves.
    A finished run offers no Resume (the button reads Finished): Reset starts over.

    The first Start makes the runs with ``make_runs()``; the live driver trains them a chunk at a time.
    """
    runs = runs_of(key)
    running = runs is not None and any(run.state == RUNNING for run in runs)
    ended = runs is not None and all(run.ended for run in runs)
    start, pause, reset = st.columns(3)
    start.button("Start training" if runs is None else "Finished" if ended else "Resume", key=f"{key}_start_btn",
                 on_click=live_driver.start, args=(key, make_runs), type="primary", disabled=running or ended,
                 icon=":material/check:" if ended else ":material/play_arrow:", width="stretch")
    pause.button("Pause", key=f"{key}_pause_btn", on_click=live_driver.pause, args=(key,), disabled=not running,
                 icon=":material/pause:", width="stretch")
    reset.button("Reset", key=f"{key}_reset_btn", on_click=live_driver.reset, args=(key,), disabled=runs is None,
                 icon=":material/restart_alt:", width="stretch", help="Forget the runs; change the settings and start over")
    if live_driver.start_error(key):
        st.error(live_driver.start_error(key))

    def draw(runs: list[EpochRun]) -> None:
        if not runs:
            st.info(idle_message)
            return
        for run in runs:
            st.progress(run.progress, text=run.describe())
        running = [run for run in runs if run.state == RUNNING]
        if running:
            left = [run.eta_s for run in running]
            eta = None if None in left else max(left)  # the runs train in turns: the last one to finish
            st.caption(f"Training… {'about ' + format_seconds(eta) + ' left' if eta else 'estimating the time left'}. "
                       "Pause any time; the page stays usable.")
        st.plotly_chart(figure(runs), key=f"{key}_chart")

    live_driver.live_fragment(key, lambda: runs_of(key) or [], draw)
    return runs_of(key)


def worked_example() -> None:
    st.header("1 · One example through the network, by hand")
    st.markdown(
        "A network with 2 inputs, a hidden layer of 2 **tanh** units and a **softmax** output over the 2 classes, "
        "written in plain numpy. Pick one row of the XOR truth table and follow it forward to the loss, "
        "then backward to every gradient. Each line is the formula, then its value."
    )
    pick, weights_choice = st.columns(2)
    row = pick.selectbox("Example", range(4), format_func=lambda i: f"{GATE_ROWS[i]}, XOR = "
                         f"{scratch.LOGIC_TARGETS['XOR'][i]}", index=2, key="uth_example_row")
    trained = weights_choice.radio("Weights", ["as initialised (random)", "after training on XOR"],
                                   horizontal=True, key="uth_example_weights") != "as initialised (random)"
    if trained:
        model = next(r.model for r in _logic_lesson() if r.gate == "XOR" and r.model_name == "hidden layer of 2")
    else:
        model = scratch.TanhMLP.init(2, 2, 2, seed=0)
    label = int(scratch.LOGIC_TARGETS["XOR"][row])
    weights = [f"{name} = {scratch.tex_matrix(value)}" for name, value in
               (("W_1", model.W1), ("b_1", model.b1), ("W_2", model.W2), ("b_2", model.b2))]
    with st.container(horizontal=True, gap="medium"):  # side by side, wrapping: as one formula they overflowed
        for matrix in weights:
            st.latex(matrix, width="content")
    st.latex(rf"y = {scratch.tex_matrix(scratch.one_hot([label], 2))}\ \text{{(the label {label}, one-hot)}}")
    steps = scratch.trace(model, scratch.TRUTH_TABLE[row], label)
    # Each formula on the page's full width: in half-width columns the δ₂ and softmax rows were clipped.
    st.markdown("**Forward pass**")
    for step in steps[:6]:
        _equation(step)
    st.markdown("**Backward pass** (the chain rule, from the loss back)")
    for step in steps[6:]:
        _equation(step)
    st.caption("δ₃ = ŷ − y is the derivative of the loss with respect to z₂ (softmax and cross-entropy together); "
               "tanh′(z) = 1 − tanh²(z) carries it back through the hidden layer.")


LONG_FORMULA = 45  # TeX characters: a longer formula puts its value on a second line (a phone is 360 px wide)


def _equation(step) -> None:
    """One line of the worked example, "formula = value"; on two lines when the formula is long
    (the softmax and δ₂ rows), since a displayed formula cannot wrap and was clipped."""
    value = scratch.tex_matrix(step.value)
    if len(step.formula) > LONG_FORMULA:
        st.latex(rf"\begin{{array}}{{l}} {step.formula} \\ = {value} \end{{array}}")
    else:
        st.latex(f"{step.formula} = {value}")


def xor_training() -> None:
    st.header("2 · Training on XOR")
    st.markdown("The same numpy network, trained by full-batch gradient descent on the four rows of XOR: "
                "w ← w − learning rate × ∂L/∂w, with the gradients above.")
    c1, c2, c3, c4 = st.columns(4)
    hidden = c1.slider("Hidden units", 1, 8, 2, key="uth_xor_hidden")
    learning_rate = c2.select_slider("Learning rate", [0.03, 0.1, 0.3, 1.0, 3.0], value=1.0, key="uth_xor_lr")
    epochs = c3.select_slider("Epochs", [100, 300, 1000, 3000], value=1000, key="uth_xor_epochs")
    seed = int(c4.number_input("Random seed", 0, 999, 0, key="uth_xor_seed"))
    model, losses = _train_xor(hidden, learning_rate, epochs, seed)
    correct = int(np.sum(model.predict(scratch.TRUTH_TABLE) == scratch.LOGIC_TARGETS["XOR"]))
    loss_col, boundary_col = st.columns(2)
    loss_col.plotly_chart(figures.loss_curve(losses, f"Loss: {losses[0]:.3f} → {losses[-1]:.3f}"), key="uth_xor_loss")
    boundary_col.plotly_chart(figures.boundary(model, scratch.LOGIC_TARGETS["XOR"], f"{correct}/4 rows right"),
                              key="uth_xor_boundary")
    if correct < 4 and hidden >= 2:
        st.warning("Stuck: gradient descent fell into a local minimum (the loss stops near 0.35 or 0.69). "
                   "Try another seed, a different learning rate or more hidden units.")
    elif hidden == 1:
        st.info("One hidden unit draws one line; XOR needs two.")


def logic_gates() -> None:
    st.header("3 · AND, OR, XOR: one unit against a hidden layer of two")
    st.markdown("One sigmoid unit draws one straight line. AND and OR can be split by a line; XOR cannot, so "
                "one unit gets at most 3 of its 4 rows right (here it settles at P = 0.5 everywhere). "
                "A hidden layer of two units draws two lines and solves it. Colour: P(class 1); black: P = 0.5.")
    st.plotly_chart(figures.logic_boundaries(_logic_lesson()), key="uth_logic",
                    config={"displayModeBar": False})  # the mode bar sat on the top right panel's title


def gradient_check_section() -> None:
    st.header("4 · Gradient check against TensorFlow")
    st.markdown("Is the hand-written backward pass right? The same weights and batch go through "
                "`tf.GradientTape` in float64; each gradient entry is compared with the numpy one.")
    check = _gradient_check()
    numbers, chart = st.columns([1, 2], gap="large")
    with numbers:
        st.metric("Largest difference", f"{check.overall_max_diff:.1e}",
                  help="The largest |hand − TensorFlow| over every gradient entry. Pass: at most 1e-6")
        (st.success if check.passed else st.error)(
            "Hand gradients agree with TensorFlow." if check.passed else "Hand gradients disagree with TensorFlow!")
        st.table({"parameter": list(check.max_diff), "shape": [str(v.shape) for v in check.hand.values()],
                  "max |difference|": [f"{v:.1e}" for v in check.max_diff.values()]})
        st.caption(f"Loss by hand {check.hand_loss:.12f}, by TensorFlow {check.tensorflow_loss:.12f}.")
    chart.plotly_chart(figures.gradient_check_figure(check), key="uth_gradcheck",
                       config={"displayModeBar": False})  # no mode bar over the title (zoom: drag, reset: double-click)


@st.cache_resource(show_spinner="Loading MNIST…")
def _mnist(limit: int):
    """Shared read-only MNIST rows (one copy for every session)."""
    from nnlab.hood.naive_tf import mnist_vectors

    arrays = mnist_vectors(limit)
    for array in arrays:
        array.flags.writeable = False
    return arrays


def _mnist_runs() -> list[EpochRun]:
    """The runs for the settings in the widgets (read at Start, so the latest values count)."""
    from nnlab.hood import naive_tf

    state = st.session_state
    epochs, init, with_keras = state["uth_mnist_epochs"], state["uth_mnist_init"], state["uth_mnist_keras"]
    x, y, x_test, y_test = _mnist(state["uth_mnist_limit"])
    model = naive_tf.naive_mlp([784, naive_tf.HIDDEN, 10], init=init)
    runs = [EpochRun("from scratch", naive_tf.naive_train_step(model), x, y, naive_tf.BATCH_SIZE, epochs,
                     naive_tf.evaluator(model, x_test, y_test), model=model)]
    if with_keras:
        keras_model = naive_tf.keras_dense_model()
        runs.append(EpochRun("Keras Dense", naive_tf.keras_train_step(keras_model), x, y, naive_tf.BATCH_SIZE, epochs,
                             naive_tf.evaluator(keras_model, x_test, y_test), model=keras_model))
    return runs


def scratch_mnist() -> None:
    from nnlab.hood.naive_tf import INITIALIZERS, low_accuracy_note

    st.header("5 · MNIST with a network written from scratch")
    st.markdown(
        "From *Deep Learning with Python*, chapter 2: a dense layer is two `tf.Variable`s, a model is a list of "
        "layers, a training step records the forward pass on a `tf.GradientTape` and updates every weight by hand, "
        "w ← w − 0.001 × gradient. 784 → 512 (ReLU) → 10 (softmax), batches of 128. Beside it, a Keras `Dense` "
        "model with the same sizes and settings (Keras' SGD and its default initialisation)."
    )
    with st.expander("The from-scratch code"):
        from nnlab.hood import naive_tf

        st.code("\n\n".join(inspect.getsource(obj) for obj in (naive_tf.NaiveDense, naive_tf.NaiveSequential,
                                                               naive_tf.BatchGenerator, naive_tf.update_weights)),
                language="python")
    locked = is_locked("uth_mnist")
    c1, c2 = st.columns(2)  # two rows of two: four columns cut the labels short on a tablet
    c3, c4 = st.columns(2)
    c1.slider("Epochs", 1, 10, 10, key="uth_mnist_epochs", disabled=locked)
    c2.selectbox("Training images", [6000, 15000, 60000], index=2, format_func="{:,}".format,
                 key="uth_mnist_limit", disabled=locked)
    c3.selectbox("From-scratch initialisation", ["uniform", "he"], format_func=lambda k: INITIALIZERS[k][0],
                 key="uth_mnist_init", disabled=locked)
    c4.checkbox("Keras beside it", True, key="uth_mnist_keras", disabled=locked,
                help="Train a Keras Dense model with the same sizes and settings beside the from-scratch one")
    runs = training_panel("uth_mnist", _mnist_runs,
                         lambda runs: figures.training_curves(runs, "test"),
                         "Press Start: 10 epochs of both networks take one to three minutes on a laptop CPU. "
                         "Curves and test accuracy update while they train.")
    if runs and all(run.state == FINISHED for run in runs):
        accuracies = [run.history.last.test_accuracy for run in runs]
        st.success(" · ".join(f"{run.label}: test accuracy {accuracy:.2%}" for run, accuracy in
                              zip(runs, accuracies, strict=True)))
        note = low_accuracy_note(len(runs[0].x), runs[0].epochs, accuracies)  # what the runs trained on
        if note:
            st.info(note)


def _init_configs():
    from nnlab.hood.naive_tf import INITIALIZERS

    options = [(a, i) for a in ("sigmoid", "tanh", "relu") for i in INITIALIZERS]
    return options, lambda config: f"{config[0]} + {INITIALIZERS[config[1]][0]}"


def init_section() -> None:
    from nnlab.hood.init_study import DEFAULT_CONFIGS, compare

    st.header("6 · Why initialisation matters")
    st.markdown(
        "A deep network of hand-written dense layers, trained for a few SGD steps on MNIST; after each backward pass "
        "we measure the size of every layer's weight gradient. The sigmoid's slope is at most ¼, so a deep sigmoid "
        "network shrinks the gradient at every layer: the first layers barely learn (**vanishing gradients**). "
        "ReLU with He initialisation (std √(2/n)) keeps it about the same size everywhere."
    )
    options, label = _init_configs()
    configs = st.multiselect("Networks", options, default=list(DEFAULT_CONFIGS), format_func=label,
                             key="uth_init_configs")
    c1, c2, c3 = st.columns([2, 2, 3])  # the button's label whole on a tablet
    depth = c1.slider("Hidden layers", 3, 15, 10, key="uth_init_depth")
    width = c2.select_slider("Units per layer", [16, 32, 64, 128], 64, key="uth_init_width")
    c3.write("")
    if c3.button("Measure the gradients", type="primary", disabled=not configs, key="uth_init_run"):
        with st.spinner("Training each network for 20 steps…"):
            st.session_state["uth_init_result"] = compare(tuple(configs), depth=depth, width=width, steps=20)
    studies = st.session_state.get("uth_init_result")
    if not studies:
        st.info("Press **Measure the gradients** (a few seconds).")
        return
    st.plotly_chart(figures.gradient_norms_by_layer(studies), key="uth_init_layers")
    st.plotly_chart(figures.gradient_norms_over_steps(studies), key="uth_init_steps",
                    config={"displayModeBar": False})  # the mode bar sat on the small panels' titles
    st.caption("Lower row: each line is one layer (light: next to the input, dark: the output). "
               "Gradient of layer 2 ÷ gradient of the last hidden layer: "
               + "; ".join(f"{label((s.activation, s.init))}: {s.hidden_ratio:.0e}" for s in studies) + ".")


@st.cache_resource(show_spinner="Reading the IMDB reviews…")
def _imdb():
    from nnlab.hood.text import load_imdb

    return load_imdb()


@st.cache_resource(show_spinner=False)
def _generated_reviews():
    from nnlab.hood.text import generated_reviews

    return generated_reviews()


def text_section() -> None:
    from nnlab.hood import text

    st.header("7 · Text: is a movie review positive?")
    st.markdown(
        "The TensorFlow text-classification tutorial. Each review is a list of word numbers (the 10,000 most frequent "
        "words; 2 = unknown). **Embedding(10000, 16)** turns each word into 16 learnt numbers, "
        "**GlobalAveragePooling1D** averages them over the review, then **Dense(16, ReLU)** and **Dense(1, sigmoid)** "
        "give P(positive). Adam, binary cross-entropy, reviews cut to 256 words; 10,000 training reviews held out "
        "for validation."
    )
    missing = text.imdb_missing()
    sources = ["Generated reviews (made-up, works offline)"] if missing else [
        "IMDB movie reviews (25,000)", "Generated reviews (made-up, works offline)"]
    if missing:
        st.warning(text.missing_message(missing))
        if st.button("Download IMDB (about 17 MB)", key="uth_text_download"):
            try:
                with st.spinner("Downloading IMDB through keras.datasets.imdb…"):
                    text.load_imdb(download=True)
                st.rerun()
            except text.ImdbMissingError as error:
                st.error(str(error))
    locked = is_locked("uth_text")
    c1, c2 = st.columns([2, 1])
    source = c1.radio("Data", sources, key="uth_text_source", disabled=locked)
    c2.slider("Epochs", 1, 40, 10, key="uth_text_epochs", disabled=locked)
    if not source.startswith("IMDB"):
        st.caption(f"Generated reviews use {len(text.generated_word_index())} everyday words; their sentiment words "
                   "(great, awful, …) decide the label, with some noise. Same format as IMDB.")
    training_panel("uth_text", _text_runs, lambda runs: figures.training_curves(runs, "validation"),
                  "Press Start to train; the curves follow each epoch.")
    word_map_section()
    review_box()


def _trained_text_model():
    """The review model and its data once it has trained an epoch, else None."""
    runs, data = runs_of("uth_text"), st.session_state.get("uth_text_data")
    if not runs or data is None or not runs[0].history.epochs:
        return None
    return runs[0], data


def word_map_section() -> None:
    from nnlab.hood import text
    from nnlab.plots.text import word_map_figure

    st.subheader("The map of words")
    trained = _trained_text_model()
    if trained is None:
        st.info("After an epoch of training, the word vectors appear here on a plane.")
        return
    run, data = trained
    with run.lock:  # the weights are read between two training chunks
        word_map = text.word_map(run.model, data.word_index, data.num_words)
    st.plotly_chart(word_map_figure(word_map), key="uth_text_map")
    st.caption(f"The {len(word_map.words):,} most frequent words, each a dot at its 16 learnt numbers projected on "
               "the two directions along which the words spread most (PCA). Labelled: the words that most push a "
               "review towards positive (blue: " + ", ".join(word_map.positive) + ") and towards negative "
               "(orange: " + ", ".join(word_map.negative) + "), measured as the model's log-odds for a review "
               "made of that one word.")



def _text_runs() -> list[EpochRun]:
    """One run for the settings in the widgets (read at Start)."""
    from nnlab.hood import text

    state = st.session_state
    use_imdb = state["uth_text_source"].startswith("IMDB")
    data = _imdb() if use_imdb else _generated_reviews()
    model = text.build_text_model()
    run = text.text_run(model, data, epochs=state["uth_text_epochs"], batch_size=512 if use_imdb else 128)
    state["uth_text_data"] = data
    return [run]


def review_box() -> None:
    from nnlab.hood import text
    from nnlab.plots.text import review_html

    st.subheader("Try your own review")
    review = st.text_area("Review (English, up to 5,000 characters)", "A wonderful film, the actors were brilliant "
                          "and I loved the ending.", max_chars=text.MAX_REVIEW_CHARS, key="uth_text_review")
    trained = _trained_text_model()
    if trained is None:
        st.info("Train the model for at least one epoch first.")
        return
    if not text.tokenize(review):
        st.warning("Type a few words first.")
        return
    run, data = trained
    with run.lock:
        probability, pushes = text.word_pushes(run.model, review, data.word_index, data.num_words)
    score, verdict = st.columns([1, 3])
    score.metric("P(positive)", f"{probability:.1%}")
    positive = probability > 0.5  # Material icons: an emoji face showed as an empty box without an emoji font
    verdict.markdown("### Positive :material/sentiment_satisfied:" if positive else
                     "### Negative :material/sentiment_dissatisfied:")
    st.html(review_html(pushes))
    st.caption("Each word coloured by how much it pushes the answer: how the log-odds of “positive” change when "
               "the word is left out. Blue pushes towards positive, orange towards negative, deeper = stronger; "
               "struck-through words are unknown to the model (it reads them as [?]).")
