"""The from-scratch TensorFlow network, the chunked trainer, and the initialisation probe."""

import numpy as np
import pytest

from nnlab.hood import init_study, naive_tf
from nnlab.plots.scratch import gradient_norms_by_layer, training_curves
from nnlab.training.live import EpochRun


@pytest.fixture(scope="module")
def mnist_subset():
    x, y, x_test, y_test = naive_tf.mnist_vectors(6000)
    return x, y, x_test[:2000], y_test[:2000]


def test_batch_generator_walks_the_data_in_order():
    images, labels = np.arange(10).reshape(10, 1), np.arange(10)
    batches = naive_tf.BatchGenerator(images, labels, batch_size=4)
    assert batches.num_batches == 3
    assert [list(batches.next()[1]) for _ in range(3)] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


def test_naive_dense_is_variables_and_a_function():
    layer = naive_tf.NaiveDense(3, 2, "relu")
    assert [tuple(w.shape) for w in layer.weights] == [(3, 2), (2,)]
    w = layer.W.numpy()
    assert 0.0 <= w.min() and w.max() <= 0.1  # the book's uniform [0, 0.1]
    x = np.ones((1, 3), np.float32)
    np.testing.assert_allclose(layer(x).numpy(), np.maximum(x @ w, 0), rtol=1e-6)


def test_from_scratch_network_learns_mnist(mnist_subset):
    """The same layers, step and hand-written update on a subset, with He initialisation and learning rate 0.05.

    The book's uniform [0, 0.1] weights with learning rate 1e-3 swing from one class to
    another for the first few hundred steps, so they need all 60,000 images to show
    progress (bench/scratch_mnist.py measures them: about 82 % after 10 epochs).
    """
    x, y, x_test, y_test = mnist_subset
    model = naive_tf.naive_mlp([784, naive_tf.HIDDEN, 10], init="he")
    run = EpochRun("scratch", naive_tf.naive_train_step(model, learning_rate=0.05), x, y, naive_tf.BATCH_SIZE, 3,
                   naive_tf.evaluator(model, x_test, y_test))
    before_loss, before_accuracy = naive_tf.evaluator(model, x_test, y_test)()
    while not run.ended:
        run.advance(0.5)
    assert run.progress == 1.0 and run.eta_s == 0.0 and run.samples_per_s > 0
    batch_losses = run.history.chunk_series("loss")
    assert len(batch_losses) == 3 * int(np.ceil(len(x) / naive_tf.BATCH_SIZE))
    assert run.history.series("epoch") == [1, 2, 3]
    assert run.history.last.train_loss < run.history.epochs[0].train_loss
    assert np.mean(batch_losses[-10:]) < 0.5 * np.mean(batch_losses[:10])
    assert run.history.last.test_loss < before_loss
    assert before_accuracy < 0.2
    assert run.history.last.test_accuracy > 0.7  # chance is 0.1
    figure = training_curves([run])
    assert len(figure.data) == 3


def test_advance_stops_on_time_and_goes_on(mnist_subset):
    x, y, _, _ = mnist_subset
    model = naive_tf.naive_mlp([784, 32, 10])
    run = EpochRun("small", naive_tf.naive_train_step(model), x[:1000], y[:1000], 100, 2)
    run.advance(0.0)
    assert run.samples_done == 100 and not run.ended and run.eta_s > 0
    run.advance(60.0)
    assert run.ended and run.samples_done == 2000


def test_keras_model_trains_with_the_same_step_loop(mnist_subset):
    x, y, x_test, y_test = mnist_subset
    model = naive_tf.keras_dense_model(learning_rate=0.05)
    assert model.count_params() == 784 * 512 + 512 + 512 * 10 + 10
    run = EpochRun("keras", naive_tf.keras_train_step(model), x[:3000], y[:3000], 128, 2,
                   naive_tf.evaluator(model, x_test, y_test))
    run.advance(600)
    assert run.history.last.train_loss < run.history.epochs[0].train_loss
    assert run.history.last.test_accuracy > 0.6  # about 0.75 with seeds 0-2; chance is 0.1


def test_unknown_initialisation_is_refused():
    with pytest.raises(ValueError, match="Unknown initialisation"):
        naive_tf.naive_mlp([4, 3, 2], init="zeros")


def test_gradient_norms_vanish_in_deep_sigmoid_but_not_with_relu_he():
    studies = init_study.compare(init_study.DEFAULT_CONFIGS, steps=5, depth=8)
    by_config = {(s.activation, s.init): s for s in studies}
    for study in studies:
        assert study.norms.shape == (5, 9)  # 8 hidden layers + the output layer
        assert np.all(np.isfinite(study.norms)) and np.all(study.norms >= 0)
    assert by_config[("sigmoid", "small")].hidden_ratio < 1e-6  # the early layers get almost nothing
    assert by_config[("sigmoid", "trunc_2_sqrt_n")].hidden_ratio < 0.05  # sigmoid' <= 1/4 shrinks it at every layer
    assert by_config[("relu", "small")].hidden_ratio < 0.05
    assert 0.3 < by_config[("relu", "he")].hidden_ratio < 3  # every layer gets a gradient of about the same size
    figure = gradient_norms_by_layer(studies)
    assert figure.layout.yaxis.type == "log" and len(figure.data) == 4
