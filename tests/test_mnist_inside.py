"""The MNIST page's drill-downs in nnlab: the digits of one confusion-matrix cell, the first layer's filters
recorded at each epoch of a run."""

from __future__ import annotations

import numpy as np

from nnlab.mnist.evaluation import cell_indices, evaluate, first_layer_filters
from nnlab.mnist.run import FINISHED, MnistRun
from nnlab.model.build import build_model
from nnlab.model.presets import PRESETS
from nnlab.plots.mnist import cell_gallery, confusion_heatmap, filter_frame
from tests.mnist_helpers import DNN, settings, small_mnist


def finish(run: MnistRun) -> MnistRun:
    while not run.ended:
        run.advance(0.2)
    return run


def test_a_cell_holds_exactly_the_images_of_that_true_digit_read_as_that_digit():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, 400)
    probs = rng.dirichlet(np.ones(10), 400).astype(np.float32)
    predictions = probs.argmax(axis=1)
    for true, read in ((4, 9), (3, 3), (0, 7)):
        chosen = cell_indices(labels, predictions, probs, true, read)
        expected = [i for i in range(400) if labels[i] == true and predictions[i] == read]
        assert sorted(chosen.tolist()) == expected
        assert (np.diff(probs[chosen, read]) <= 0).all()  # the most confident first
    confusion = np.zeros((10, 10), int)
    np.add.at(confusion, (labels, predictions), 1)
    assert all(len(cell_indices(labels, predictions, probs, t, p)) == confusion[t, p]
               for t in range(10) for p in range(10))


def test_a_finished_run_recorded_its_first_layer_at_each_epoch_and_its_cells_match_the_matrix():
    data = small_mnist()
    run = finish(MnistRun(DNN, settings(epochs=3), data=data))
    assert run.state == FINISHED and run.filter_kind == "dense"
    assert len(run.filter_history) == 4 and all(f.shape == (32, 28, 28) for f in run.filter_history)
    final = first_layer_filters(run.model)[1]
    np.testing.assert_array_equal(run.filter_history[-1], final)
    moved = [float(np.abs(b - a).mean()) for a, b in zip(run.filter_history, run.filter_history[1:], strict=False)]
    assert all(m > 0 for m in moved)
    evaluation = run.evaluation
    true, read = divmod(int(np.argmax(np.where(np.eye(10, dtype=bool), 0, evaluation.confusion))), 10)
    chosen = evaluation.cell(true, read)
    assert len(chosen) == evaluation.confusion[true, read] > 0
    assert (evaluation.labels[chosen] == true).all() and (evaluation.predictions[chosen] == read).all()
    figure = cell_gallery(data.x_test[chosen], evaluation.probabilities[chosen], true, read, len(chosen))
    assert f"true {true}, read as {read}" in figure.layout.title.text
    first = figure.layout.annotations[0].text
    assert first.startswith(f"{read}: ") and f"{evaluation.probabilities[chosen[0], read]:.0%}" in first
    start, end = filter_frame(run.filter_history, 0, "dense"), filter_frame(run.filter_history, 3, "dense")
    assert np.nanmax(np.abs(np.asarray(start.data[0].z, float))) == 0  # nothing changed yet at epoch 0
    assert np.nanmax(np.abs(np.asarray(end.data[0].z, float))) > 0.5


def test_a_cnn_records_its_3x3_filters_as_they_are():
    model = build_model(PRESETS["keras.io simple convnet"], seed=0)
    kind, filters = first_layer_filters(model)
    assert kind == "conv" and filters.shape == (32, 3, 3)
    np.testing.assert_array_equal(filters[5], model.layers[1].weights[0].numpy()[:, :, 0, 5])
    assert first_layer_filters(build_model(PRESETS["XOR 2-2-1 tanh"])) is None


def test_the_selected_cell_is_outlined_and_every_cell_is_clickable():
    model = build_model(DNN, seed=0)
    data = small_mnist()
    evaluation = evaluate(model, data.x_test[:200], data.y_test[:200])
    figure = confusion_heatmap(evaluation.confusion, selected=(4, 9))
    (shape,) = figure.layout.shapes
    assert (shape.x0, shape.x1, shape.y0, shape.y1) == (8.5, 9.5, 3.5, 4.5)
    cells = figure.data[2]
    assert {(int(t), int(p)) for t, p in cells.customdata} == {(t, p) for t in range(10) for p in range(10)}
    assert figure.layout.clickmode == "event+select"
