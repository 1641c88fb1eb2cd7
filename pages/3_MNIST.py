"""Train on MNIST: pick a network, press Start, watch it learn to read digits, study its mistakes, keep it."""

from __future__ import annotations

import datetime

import streamlit as st

from nnlab.library import ownership, store
from nnlab.mnist.evaluation import evaluate, first_dense_weights
from nnlab.mnist.run import (
    LIVE_CHUNK_S,
    MAX_EPOCHS,
    N_TRAIN_FULL,
    PAUSED,
    RUNNING,
    VALIDATION_SIZES,
    RunBook,
    RunSettings,
    progress_line,
    spec_problems,
    test_set,
)
from nnlab.model.presets import PRESETS
from nnlab.model.spec import LEARNING_RATE_RANGE, MAX_BATCH_SIZE, OPTIMIZERS, ModelSpec
from nnlab.plots.mnist import confusion_heatmap, live_curves, misclassified_gallery, per_digit_bars, weight_images
from nnlab.training.fair_share import turn_if
from nnlab.ui.compat.owner import owner_token
from nnlab.ui.page import setup_page
from nnlab.ui.spec_state import current_spec, revision

setup_page("MNIST", "📈")

BOOK, MODEL, RESULT, NOTICE, PENDING = "mnist_book", "mnist_model", "mnist_result", "mnist_notice", "mnist_pending"
PUBLISHED = "mnist_published"  # the last run whose model was published
TICK_S = 0.2  # the fragment asks to run again this often; requests queue while it trains, so it never idles
IMAGE_PRESETS = [name for name, spec in PRESETS.items() if spec.input.kind == "image"]
FROM_BUILD, FROM_PRESET = "The network from the Build page", "A preset"
TRAIN_SIZES = {"all": "All of them", 20_000: "20,000", 5_000: "5,000 (a quick demo)", 1_000: "1,000 (a few seconds)"}
PLOT_CONFIG = {"displayModeBar": False}
# How each saved model's row reads, and its Delete button's tooltip, by whose it is (nnlab.library.ownership)
WHOSE_LABEL = {ownership.MINE: " · saved by you", ownership.OTHERS: " · saved by another student",
               ownership.NOBODY: "", ownership.READ_ONLY: " · read-only"}
DELETE_HELP = {ownership.MINE: "Delete this model from the models folder.",
               ownership.OTHERS: "Saved by another student: only they can delete it. You can still use it and "
                                 "download it.",
               ownership.NOBODY: "Delete this model from the models folder (it was saved before the app last "
                                 "started, or put there by hand: anyone may delete it).",
               ownership.READ_ONLY: "This file is read-only in the models folder: nobody can delete it from the app."}


def book() -> RunBook:
    if BOOK not in st.session_state:
        st.session_state[BOOK] = RunBook()
    return st.session_state[BOOK]


def notify(area: str, kind: str, text: str) -> None:
    """A message from a callback, shown once in ``area`` ("run" or "models") on the next run."""
    st.session_state[f"{NOTICE}_{area}"] = (kind, text)


def show_notice(area: str) -> None:
    kind, text = st.session_state.pop(f"{NOTICE}_{area}", (None, None))
    if kind:
        getattr(st, kind)(text)


def publish(run) -> None:
    """An ended run's model becomes "the model trained in this session" (the Draw page reads it), once."""
    if run is not None and run.ended and st.session_state.get(PUBLISHED) is not run:
        st.session_state[PUBLISHED] = run
        st.session_state[MODEL] = run.model
        st.session_state[RESULT] = {"run": run, "title": run.label, "model": run.model,
                                    "evaluation": run.evaluation, "note": run.message}


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
    left, right = st.columns(2)
    epochs = left.number_input("Epochs (passes over the training images)", 1, MAX_EPOCHS, 5, key=key + "epochs")
    batch = left.number_input("Batch size (images per step)", 1, MAX_BATCH_SIZE, spec.batch_size, key=key + "batch")
    optimizer = right.selectbox("Optimizer", list(OPTIMIZERS), index=list(OPTIMIZERS).index(spec.optimizer),
                                format_func=OPTIMIZERS.get, key=key + "optimizer")
    low, high = LEARNING_RATE_RANGE
    rate = right.number_input("Learning rate", low, high, float(spec.learning_rate), step=0.001, format="%g",
                              key=key + "lr", help="Try 5 with SGD to see training diverge.")
    left, right = st.columns(2)
    validation = left.radio("Held out for validation", VALIDATION_SIZES, format_func="{:,} images".format,
                            key="mnist_validation", horizontal=True,
                            help="Taken from the 60,000 training images; they judge the network after every epoch.")
    size = right.selectbox(f"Training images (of {N_TRAIN_FULL - validation:,})", list(TRAIN_SIZES),
                           format_func=TRAIN_SIZES.get, key="mnist_train_size")
    keep_best = st.checkbox("Keep the best epoch (by validation accuracy)", value=True, key="mnist_keep_best",
                            help="When training ends, put back the weights of the epoch with the best "
                                 "validation accuracy, like a checkpoint.")
    return RunSettings(epochs=int(epochs), batch_size=int(batch), optimizer=optimizer, learning_rate=float(rate),
                       validation=validation, train_size=None if size == "all" else size, keep_best=keep_best)


# ---- 3. controls: each button only flips state; training happens in the live panel --------------


def start(spec: ModelSpec, settings: RunSettings) -> None:
    st.session_state[PENDING] = (spec, settings)  # built below, under a spinner


def pause() -> None:
    if book().current is not None:
        book().current.pause()


def resume() -> None:
    if book().current is not None:
        book().current.resume()


def stop() -> None:
    run = book().current
    if run is not None:
        run.stop()  # waits for the chunk in progress, keeps the history, tests the model
        publish(run)


def controls(spec: ModelSpec, settings: RunSettings, problems: list[str]) -> None:
    run = book().current
    running = run is not None and run.state == RUNNING
    paused = run is not None and run.state == PAUSED
    columns = st.columns([1, 1, 1, 3])
    columns[0].button("▶ Start" if run is None or run.ended else "▶ Start again", key="mnist_start", type="primary",
                      on_click=start, args=(spec, settings), disabled=bool(problems), width="stretch",
                      help="Build a fresh network and train it with these settings.")
    if paused:
        columns[1].button("⏵ Resume", key="mnist_resume", on_click=resume, width="stretch")
    else:
        columns[1].button("⏸ Pause", key="mnist_pause", on_click=pause, disabled=not running, width="stretch")
    columns[2].button("⏹ Stop", key="mnist_stop", on_click=stop, disabled=not (running or paused), width="stretch",
                      help="End the run now; the model so far is kept and tested.")
    if problems:
        for problem in problems:
            st.error(problem)


def build_pending_run() -> None:
    pending = st.session_state.pop(PENDING, None)
    if pending is None:
        return
    with st.spinner("Building the network (the first time, TensorFlow starts: a few seconds)…"):
        try:
            book().start(*pending)
        except (ValueError, MemoryError) as error:
            notify("run", "error", f"Could not start: {error}")


# ---- 4. live panel: trains a chunk, then redraws --------------------------------------------------


def live_panel() -> None:
    """While a run trains, each tick waits for this session's turn (shared with other students)."""
    run = book().current
    with turn_if(run is not None and run.state == RUNNING):
        draw_and_train(run)


def draw_and_train(run) -> None:
    """Draw first, then train: the elements are fresh while training (drawn last, they would sit
    faded as "stale" during every chunk); the picture is one chunk behind, about 0.3 s."""
    if run is None:
        st.progress(0.0, text="Press Start to train the network.")
    else:
        st.progress(run.progress, text=progress_line(run))
        show_epoch_metrics(run)
    curves = run.curves() if run is not None and run.history.chunks else None
    st.plotly_chart(live_curves(curves, book().earlier), key="mnist_curves", config=PLOT_CONFIG)
    if run is not None and run.state == RUNNING:
        run.advance(LIVE_CHUNK_S)
        if run.ended:
            publish(run)
            st.rerun()  # the whole page: results appear, the timer stops


def show_epoch_metrics(run) -> None:
    last = run.history.last
    chunk = run.history.chunks[-1] if run.history.chunks else None
    cells = st.columns(4)
    cells[0].metric("Training loss (recent batches)", f"{chunk.loss:.4f}" if chunk else "–")
    cells[1].metric("Training accuracy (recent batches)", f"{chunk.accuracy:.2%}" if chunk else "–")
    cells[2].metric("Validation loss", f"{last.test_loss:.4f}" if last else "–",
                    help="On the held-out images, after each epoch.")
    cells[3].metric("Validation accuracy", f"{last.test_accuracy:.2%}" if last else "–",
                    help="On the held-out images, after each epoch.")
    if run.state == PAUSED:
        st.info("Paused. Press **Resume** to go on, or **Stop** to end the run and test it.")
    if run.message:
        (st.error if run.state == "diverged" else st.success)(run.message)


# ---- 5. results -----------------------------------------------------------------------------------


def results() -> None:
    result = st.session_state.get(RESULT)
    if result is None:
        return
    evaluation, model = result["evaluation"], result["model"]
    st.subheader("3 · How well does it read digits?")
    st.caption(f"{result['title']}, on the 10,000 test images it never saw while training.")
    cells = st.columns([1, 1, 3])
    cells[0].metric("Test accuracy", f"{evaluation.accuracy:.2%}")
    cells[1].metric(f"Mistakes (of {len(evaluation.labels):,})", f"{evaluation.errors:,}")
    if result.get("note"):
        cells[2].info(result["note"])
    left, right = st.columns([1.1, 1])
    left.plotly_chart(confusion_heatmap(evaluation.confusion), key="mnist_confusion", config=PLOT_CONFIG)
    right.plotly_chart(per_digit_bars(evaluation.per_digit), key="mnist_per_digit", config=PLOT_CONFIG)
    x_test, _ = test_set()
    wrong = evaluation.misclassified(24)
    predicted = evaluation.predictions[wrong]
    st.plotly_chart(misclassified_gallery(x_test[wrong], evaluation.labels[wrong], predicted,
                                          evaluation.probabilities[wrong, predicted]),
                    key="mnist_gallery", config=PLOT_CONFIG)
    st.caption("The most confident mistakes first. Some are hard even for people; others show what the "
               "network has not learned yet.")
    run = result["run"]
    start = run.first_layer_start if run is not None else None
    weights = first_dense_weights(model, start)
    if weights is not None:
        changed = start is not None
        st.plotly_chart(weight_images(weights, title="What the first-layer units learned to look for" if changed
                                      else "What the first-layer units look for"),
                        key="mnist_weights", config=PLOT_CONFIG)
        st.caption("Each square is one unit of the first Dense layer: its 784 weights laid out as the image"
                   + (", minus their random starting values (what training changed). " if changed else ". ")
                   + "Ink on blue pixels makes the unit fire; ink on orange pixels holds it back.")


# ---- 6. saved models --------------------------------------------------------------------------------


def save(name_key: str, replace_key: str) -> None:
    result = st.session_state.get(RESULT)
    if result is None:
        return
    name = st.session_state.get(name_key, "")
    try:
        saved = store.save_model(result["model"], name, replace=st.session_state.get(replace_key, False),
                                 owner=owner_token())
        store.remove_stale_temporaries()  # left by a save that was killed (an hour old or more)
    except store.NameTaken as error:
        notify("models", "warning", str(error))
        return
    except store.StoreError as error:
        notify("models", "error", str(error))
        return
    notify("models", "success", f"Saved as {saved} in {store.models_dir().name}/. The Draw page can use it now.")


def use_saved(name: str) -> None:
    try:
        model = store.load_model(name)
        evaluation = evaluate(model, *test_set())
    except store.StoreError as error:
        notify("models", "error", str(error))
        return
    except Exception as error:  # noqa: BLE001 - a model that does not read 28x28 digits
        notify("models", "error", f"{name} does not read 28x28 digits into 10 classes: {str(error)[:200]}")
        return
    st.session_state[MODEL] = model
    st.session_state[RESULT] = {"run": None, "title": f"Saved model {name}", "model": model,
                                "evaluation": evaluation, "note": ""}
    notify("models", "success", f"Loaded {name}: its results are shown above, and the Draw page uses it as "
                      "the model trained in this session.")


def upload_saved(upload_key: str, replace_key: str) -> None:
    uploaded = st.session_state.get(upload_key)
    if uploaded is None:
        return
    try:
        saved = store.import_model(uploaded.getvalue(), uploaded.name, replace=st.session_state.get(replace_key, False),
                                   owner=owner_token())
    except store.StoreError as error:
        notify("models", "error", f"{store.shown_name(uploaded.name)} was not kept: {error}")
        return
    notify("models", "success", f"Uploaded {store.shown_name(uploaded.name)} as {saved} in "
                                f"{store.models_dir().name}/. Press Use to test it; the Draw page can use it now.")


def upload_panel() -> None:
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    left.file_uploader("Upload a model (.keras)", type=["keras"], key="mnist_upload", on_change=upload_saved,
                       args=("mnist_upload", "mnist_upload_replace"),
                       help="A Keras model that reads 28x28 digits into 10 classes, made of Keras layers only "
                            "(no Lambda layers, no custom code). Its file name becomes the model's name.")
    right.checkbox("Replace", key="mnist_upload_replace", help="Overwrite a model you saved with the same name.")


def delete_saved(name: str) -> None:
    try:
        store.delete_model(name, owner=owner_token())
    except (store.StoreError, OSError) as error:
        notify("models", "error", str(error))
        return
    notify("models", "success", f"Deleted {name}.")


def keep_models() -> None:
    st.subheader("4 · Keep the model")
    result = st.session_state.get(RESULT)
    name_key, replace_key = "mnist_save_name", "mnist_save_replace"
    if result is not None and result["run"] is not None:
        left, middle, right = st.columns([3, 1, 1], vertical_alignment="bottom")
        default = result["run"].spec.name.replace("/", " ")
        left.text_input("Name", value=default, key=name_key, max_chars=100,
                        help="Letters, digits, spaces, '_', '-' and '.'. It becomes the file name <name>.keras.")
        middle.checkbox("Replace", key=replace_key, help="Overwrite a model you saved with the same name.")
        right.button("💾 Save", key="mnist_save", on_click=save, args=(name_key, replace_key), width="stretch")
    else:
        st.caption("Train a network (or use a saved one) to save it here.")
    upload_panel()
    show_notice("models")
    saved = store.saved_models()
    if not saved:
        st.caption(f"No saved models yet in {store.models_dir().name}/.")
        return
    st.markdown(f"**Saved models** in `{store.models_dir().name}/`")
    st.caption("Everyone using this app sees these models and may use them (here and on the Draw page); only the "
               "student who saved a model may delete or replace it.")
    for index, model in enumerate(saved):
        try:
            status = store.whose(model.name, owner_token())
        except store.StoreError:  # deleted by someone else a moment ago
            continue
        row = st.columns([4, 1, 1, 1], vertical_alignment="center")
        when = datetime.datetime.fromtimestamp(model.modified).strftime("%Y-%m-%d %H:%M")
        row[0].markdown(f"**{model.title}** · {model.size / 1e6:.1f} MB · {when}{WHOSE_LABEL[status]}")
        row[1].button("Use", key=f"mnist_use_{index}", on_click=use_saved, args=(model.name,), width="stretch",
                      help="Load it, test it here, and let the Draw page use it.")
        row[2].download_button("Download", data=lambda name=model.name: store.model_bytes(name),
                               file_name=model.name, mime="application/octet-stream", key=f"mnist_download_{index}",
                               width="stretch")
        row[3].button("Delete", key=f"mnist_delete_{index}", on_click=delete_saved, args=(model.name,),
                      disabled=status in (ownership.OTHERS, ownership.READ_ONLY), help=DELETE_HELP[status],
                      width="stretch")


# ---- the page ---------------------------------------------------------------------------------------

st.title("📈 Train on MNIST")
st.caption("60,000 handwritten digits to learn from, 10,000 more to test on. Press Start and watch the network "
           "learn to read them: the loss falls, the accuracy climbs.")
network, settings_column = st.columns([1, 1.3], gap="large")
with network:
    spec = choose_network()
with settings_column:
    settings = choose_settings(spec)
problems = spec_problems(spec) + settings.problems()
build_pending_run()
controls(spec, settings, problems)
show_notice("run")
publish(book().current)
running = book().current is not None and book().current.state == RUNNING
st.fragment(run_every=TICK_S if running else None)(live_panel)()
if book().earlier:
    st.button("Forget earlier runs", key="mnist_forget", on_click=lambda: book().clear_earlier(),
              help="Remove the faded curves of earlier runs.")
results()
keep_models()
