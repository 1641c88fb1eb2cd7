"""Shared training data: tensors that read the process's one copy of MNIST instead of copying it."""

import numpy as np
import pytest

from nnlab.training.tensors import ALIGN, aligned_empty, share, tensor


def address(t) -> int:
    """Where a CPU tensor's first byte lies."""
    return np.from_dlpack(t).ctypes.data


@pytest.mark.parametrize("shape, dtype", [((3,), np.float32), ((5, 28, 28), np.float32), ((7, 2), np.int32),
                                          ((1,), np.uint8)])
def test_aligned_arrays_start_on_the_boundary(shape, dtype):
    for _ in range(5):
        array = aligned_empty(shape, dtype)
        assert array.ctypes.data % ALIGN == 0 and array.shape == shape and array.dtype == dtype
        assert array.flags.c_contiguous and array.flags.writeable


def test_only_aligned_writeable_contiguous_arrays_are_shared():
    base = aligned_empty((8, 4), np.float32)
    with pytest.raises(ValueError, match="aligned"):
        share(base[:, 1:])  # not contiguous
    with pytest.raises(ValueError, match="aligned"):
        share(base.reshape(-1)[1:])  # 4 bytes past the boundary
    frozen = aligned_empty((8, 4), np.float32)
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="writeable"):
        share(frozen)
    view = share(base)
    assert not view.flags.writeable and view.ctypes.data == base.ctypes.data


def test_rows_of_a_shared_array_are_read_in_place():
    base = aligned_empty((100, 16), np.float32)  # 64-byte rows
    base[:] = np.arange(base.size, dtype=np.float32).reshape(base.shape)
    view = share(base)
    for part in (view, view[:10], view[30:70], view[99:]):
        t = tensor(part)
        assert address(t) == part.ctypes.data
        np.testing.assert_array_equal(t.numpy(), part)


def test_anything_else_is_copied_with_the_same_values():
    base = aligned_empty((100, 2), np.float32)  # 8-byte rows: most slices start off the boundary
    base[:] = np.random.default_rng(0).random(base.shape, dtype=np.float32)
    view = share(base)
    for part in (view[1:50], np.ascontiguousarray(view[:, :1]), np.ones((4, 3), np.float32)):
        t = tensor(part)
        assert address(t) != part.ctypes.data
        np.testing.assert_array_equal(t.numpy(), part)


def test_every_mnist_runs_data_lies_in_the_one_shared_copy():
    from nnlab.mnist.data import prepare_data
    from nnlab.mnist.run import MnistRun
    from nnlab.model.presets import PRESETS
    from tests.mnist_helpers import settings

    runs = [MnistRun(PRESETS["Basic 784-128-10"], settings(train_size=500, batch_size=50, seed=seed))
            for seed in (0, 1)]
    data = prepare_data(5_000, 500)
    for run in runs:
        (x_train, _), (x_validation, _) = run.trainer._data["train"], run.trainer._data["test"]
        assert address(x_train) == data.x_train.ctypes.data
        assert address(x_validation) == data.x_validation.ctypes.data
    assert runs[0].advance(0.2) > 0  # and it trains
