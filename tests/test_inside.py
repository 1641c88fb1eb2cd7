"""nnlab.digits.inside: every layer's output, the saliency and the occlusion maps, on real MNIST test digits."""

from __future__ import annotations

import numpy as np
import pytest

from nnlab.datasets import load_mnist
from nnlab.digits.inside import OCCLUSION_SIZE, conv_at, inside_view, layer_outputs, occluded, occlusion_map, saliency_map
from nnlab.digits.reader import predictor, pretrained_model
from nnlab.model.build import build_model, input_shape
from nnlab.model.presets import PRESETS


@pytest.fixture(scope="module")
def digits():
    _, (x, y) = load_mnist()
    return (x[:40] / 255.0).astype(np.float32), y[:40]


def expected_shapes(model) -> list[tuple[int, ...]]:
    """Each layer's output shape as Keras states it, without the batch axis."""
    return [tuple(layer.output.shape)[1:] for layer in model.layers]


@pytest.mark.parametrize("name", list(PRESETS))
def test_each_layer_of_every_preset_gives_its_stated_shape(name):
    spec = PRESETS[name]
    model = build_model(spec, seed=0)
    sample = np.random.default_rng(0).random(input_shape(spec)).astype(np.float32)
    outputs = layer_outputs(model, sample)
    assert [o.name for o in outputs] == [layer.name for layer in model.layers]
    assert [o.output.shape for o in outputs] == expected_shapes(model)
    np.testing.assert_allclose(outputs[-1].output, np.asarray(model(sample[np.newaxis]))[0], atol=1e-5)
    kinds = {o.kind for o in outputs}
    assert ("conv" in kinds) == any(layer.kind == "conv2d" for layer in spec.layers)
    assert outputs[-1].kind == "dense" and outputs[-1].activation in ("softmax", "sigmoid", "linear")


def test_the_bundled_cnn_shows_maps_then_dense_then_its_answer(digits):
    x, y = digits
    model = pretrained_model()
    outputs = layer_outputs(model, x[0])
    assert [o.output.shape for o in outputs if o.is_maps] == [(28, 28, 1), (26, 26, 32), (13, 13, 32), (11, 11, 64),
                                                              (9, 9, 64), (4, 4, 64)]
    first = next(o for o in outputs if o.kind == "conv")
    kernel, bias = first.weights()
    assert kernel.shape == (3, 3, 1, 32) and bias.shape == (32,)
    answer = outputs[-1].output
    np.testing.assert_allclose(answer, predictor(model)(x[:1])[0], atol=1e-4)
    together, saliency = inside_view(model, x[0])  # the page's one pass: the same outputs, and the gradient
    for one, other in zip(outputs, together, strict=True):
        np.testing.assert_allclose(one.output, other.output, atol=1e-5)
    assert saliency.shape == (28, 28)
    assert int(np.argmax(answer)) == y[0]


def test_a_feature_map_pixel_is_relu_of_the_filter_times_the_patch_plus_bias(digits):
    x, _ = digits
    outputs = layer_outputs(pretrained_model(), x[0])
    for index in (1, 3):  # the first convolution (one input map), then one over 32 maps
        layer, before = outputs[index], outputs[index - 1].output
        kernel, bias = layer.weights()
        for f, row, col in ((0, 10, 9), (5, 3, 7), (kernel.shape[3] - 1, 0, 0)):
            at = conv_at(before, kernel, bias, f, row, col, layer.activation)
            assert at.value == pytest.approx(float(layer.output[row, col, f]), abs=1e-4)
            assert at.channels == before.shape[2] and at.patch.shape == at.weights.shape == (3, 3)


def test_a_dense_only_model_shows_its_dense_layers():
    model = build_model(PRESETS["Hands-On DNN 784-300-100-10"], seed=0)
    outputs = layer_outputs(model, np.zeros((28, 28), np.float32))
    assert [o.output.shape for o in outputs if o.kind == "dense"] == [(300,), (100,), (10,)]
    assert not any(o.kind == "conv" for o in outputs)
    assert saliency_map(model, np.zeros((28, 28), np.float32)).shape == (28, 28)


def test_saliency_has_the_input_shape_and_is_denser_on_the_ink(digits):
    """Per pixel, |d score / d x| is larger on the ink (> 0.5) than off it, for every one of 40 test digits.

    (Summed over the whole area, the off-ink part is larger: there are 4-6 times more such pixels, and
    the pixels just beside a stroke matter too: ratio of the sums 0.07-0.5 over 100 digits.)"""
    x, _ = digits
    model = pretrained_model()
    for image in x:
        saliency = saliency_map(model, image)
        assert saliency.shape == image.shape and saliency.dtype == np.float32
        assert np.isfinite(saliency).all() and np.abs(saliency).sum() > 0
        ink = image > 0.5
        assert np.abs(saliency[ink]).mean() > np.abs(saliency[~ink]).mean()


def test_saliency_is_the_gradient_of_the_winning_score_before_the_softmax(digits):
    """Oracle by hand: for ``s = W2^T relu(W1^T x + b1) + b2`` (then a softmax), ``d s_k / d x = W1 (m * W2[:, k])``
    with ``m`` the units that are on. Through the softmax the gradient would be another one."""
    import keras

    x, _ = digits
    model = build_model(PRESETS["Basic 784-128-10"], seed=3)
    (w1, b1), (w2, b2) = ((np.asarray(w.numpy(), np.float64) for w in layer.weights)
                          for layer in model.layers if layer.weights)
    for image in x[:5]:
        hidden = image.reshape(-1).astype(np.float64) @ w1 + b1
        winner = int(np.argmax(np.maximum(hidden, 0) @ w2 + b2))
        expected = (w1 @ ((hidden > 0) * w2[:, winner])).reshape(28, 28)
        np.testing.assert_allclose(saliency_map(model, image), expected, rtol=1e-3, atol=1e-5)
    assert model.layers[-1].activation is keras.activations.softmax


def test_occlusion_lowers_the_winning_probability_where_the_ink_is(digits):
    x, _ = digits
    model = pretrained_model()
    predict = predictor(model)
    for image in x[:20]:
        drops = occlusion_map(model, image)
        assert drops.shape == (28, 28) and np.isfinite(drops).all()
        ink = image > 0.5
        assert drops[ink].mean() > 0 and drops[ink].mean() > drops[~ink].mean()
        # the square over the pixel whose cover hurt most does lower the winning probability
        batch, corners = occluded(image)
        winner = int(np.argmax(predict(image[np.newaxis])[0]))
        row, col = np.unravel_index(np.argmax(drops), drops.shape)
        side = OCCLUSION_SIZE
        covering = [i for i, (r, c) in enumerate(corners) if r <= row < r + side and c <= col < c + side]
        assert predict(batch[covering])[:, winner].min() < predict(image[np.newaxis])[0, winner]


def test_occluded_copies_cover_the_whole_image_with_the_paper_grey():
    image = np.ones((28, 28), np.float32)
    batch, corners = occluded(image, size=7, stride=3)
    assert len(batch) == len(corners) == 8 * 8
    covered = (batch == 0).any(axis=0)
    assert covered.all()
    assert (batch == 0).sum(axis=(1, 2)).tolist() == [49] * len(batch)
