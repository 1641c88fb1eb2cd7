"""The embedded MNIST reader and the 2D toy datasets."""

import gzip
import hashlib
import shutil

import numpy as np
import pytest

from nnlab.datasets import DATASETS_2D, MnistMissingError, is_regression, load_mnist, make_2d
from nnlab.datasets.mnist import DATA_DIR, FILES, SHA256, parse_idx


def test_mnist_has_keras_shapes_and_dtypes():
    (x_train, y_train), (x_test, y_test) = load_mnist()
    assert x_train.shape == (60000, 28, 28) and x_train.dtype == np.uint8
    assert y_train.shape == (60000,) and y_train.dtype == np.uint8
    assert x_test.shape == (10000, 28, 28) and x_test.dtype == np.uint8
    assert y_test.shape == (10000,) and y_test.dtype == np.uint8
    assert y_train[:8].tolist() == [5, 0, 4, 1, 9, 2, 1, 3]  # the well-known first labels
    assert np.bincount(y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert x_train.max() == 255 and x_train.min() == 0


def test_embedded_files_match_the_published_checksums():
    for part, name in FILES.items():
        raw = gzip.decompress((DATA_DIR / name).read_bytes())
        assert hashlib.sha256(raw).hexdigest() == SHA256[part]


def test_load_returns_copies_the_caller_may_change():
    (x_train, _), _ = load_mnist()
    x_train[0, 0, 0] = 77
    (again, _), _ = load_mnist()
    assert again[0, 0, 0] == 0


def test_missing_files_give_instructions(tmp_path):
    with pytest.raises(MnistMissingError, match="MNIST is missing: .*train-images-idx3-ubyte.gz.*Restore"):
        load_mnist(tmp_path)


def test_a_damaged_file_is_reported(tmp_path):
    for name in FILES.values():
        shutil.copy(DATA_DIR / name, tmp_path / name)
    (tmp_path / FILES["test_labels"]).write_bytes(gzip.compress(b"\x00\x00\x08\x01\x00\x00\x00\x02\x01"))
    with pytest.raises(MnistMissingError, match="checksum"):
        load_mnist(tmp_path)
    with pytest.raises(MnistMissingError, match="IDX data has 1 bytes, its header says 2"):
        load_mnist(tmp_path, verify=False)
    (tmp_path / FILES["test_labels"]).write_bytes(b"not gzip")
    with pytest.raises(MnistMissingError, match="damaged"):
        load_mnist(tmp_path, verify=False)


def test_parse_idx_reads_the_header():
    raw = b"\x00\x00\x08\x02" + (2).to_bytes(4, "big") + (3).to_bytes(4, "big") + bytes(range(6))
    np.testing.assert_array_equal(parse_idx(raw), np.arange(6, dtype=np.uint8).reshape(2, 3))
    for bad in (b"\x01\x00\x08\x01", b"\x00\x00\x0d\x01", b"\x00\x00\x08\x02\x00"):
        with pytest.raises(ValueError):
            parse_idx(bad)


@pytest.mark.parametrize("name", [name for name in DATASETS_2D if not is_regression(name)])
def test_2d_datasets_are_deterministic_typed_and_in_range(name):
    X, y = make_2d(name, n=300, noise=0.2, seed=7)
    again_X, again_y = make_2d(name, n=300, noise=0.2, seed=7)
    np.testing.assert_array_equal(X, again_X)
    np.testing.assert_array_equal(y, again_y)
    assert X.shape == (300, 2) and X.dtype == np.float32
    assert y.shape == (300,) and np.issubdtype(y.dtype, np.integer)
    assert set(np.unique(y)) == set(range(DATASETS_2D[name].n_classes))
    assert np.abs(X).max() < 9
    other, _ = make_2d(name, n=300, noise=0.2, seed=8)
    assert not np.array_equal(X, other)


@pytest.mark.parametrize("name", ["xor", "circle", "gauss", "spiral", "moons", "three_blobs"])
def test_2d_classes_are_balanced(name):
    _, y = make_2d(name, n=301, noise=0.0, seed=1)
    counts = np.bincount(y)
    assert counts.max() - counts.min() <= 1


def test_clean_xor_is_labelled_by_the_sign_of_the_product():
    X, y = make_2d("xor", n=200, noise=0.0, seed=0)
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] > 0).astype(int))


def test_and_or_follow_their_truth_tables():
    X, y = make_2d("and", n=200, seed=0)
    np.testing.assert_array_equal(y, ((X[:, 0] > 0) & (X[:, 1] > 0)).astype(int))
    X, y = make_2d("or", n=200, seed=0)
    np.testing.assert_array_equal(y, ((X[:, 0] > 0) | (X[:, 1] > 0)).astype(int))


def test_noise_moves_points():
    clean, _ = make_2d("circle", n=200, noise=0.0, seed=0)
    noisy, _ = make_2d("circle", n=200, noise=0.5, seed=0)
    assert np.abs(noisy - clean).mean() > 0.2


@pytest.mark.parametrize(("args", "message"), [
    (("nope",), "Unknown 2D dataset"), (("xor", 0), "at least 1"), (("xor", 10, 0.9), "Noise"),
])
def test_bad_2d_arguments_are_explained(args, message):
    with pytest.raises(ValueError, match=message):
        make_2d(*args)


@pytest.mark.parametrize("name", ["plane", "multi-gaussian"])
def test_regression_sets_have_real_targets_in_minus_one_to_one(name):
    points, target = make_2d(name, n=400, noise=0.3, seed=5)
    assert points.shape == (400, 2) and points.dtype == np.float32
    assert target.shape == (400,) and target.dtype == np.float32
    assert target.min() >= -1.0 and target.max() <= 1.0
    assert np.abs(points).max() <= 6.0
    assert len(np.unique(target)) > 100  # a continuous value, not a few classes
    again = make_2d(name, n=400, noise=0.3, seed=5)
    np.testing.assert_array_equal(points, again[0])
    np.testing.assert_array_equal(target, again[1])
    assert not np.array_equal(target, make_2d(name, n=400, noise=0.3, seed=6)[1])


def test_regression_targets_follow_their_formulas_without_noise():
    points, target = make_2d("plane", n=200, seed=1)
    np.testing.assert_allclose(target, (points[:, 0] + points[:, 1]) / 12, atol=1e-6)
    centres = np.array([[-4, 2.5], [0, 2.5], [0, -2.5]], dtype=np.float32)
    from nnlab.datasets.toy2d import gaussians_target

    np.testing.assert_allclose(gaussians_target(centres), [1.0, -1.0, 1.0])
    _, noisy = make_2d("plane", n=200, noise=0.5, seed=1)
    assert not np.allclose(noisy, target)  # noise moves where the target is read


@pytest.mark.parametrize("name, k", [("four_blobs", 4), ("five_blobs", 5), ("spiral3", 3), ("spiral5", 5)])
def test_multiclass_sets_draw_every_class_equally(name, k):
    _, labels = make_2d(name, n=500, seed=2)
    assert DATASETS_2D[name].n_classes == k
    assert np.bincount(labels).tolist() == [500 // k + (1 if i < 500 % k else 0) for i in range(k)]
