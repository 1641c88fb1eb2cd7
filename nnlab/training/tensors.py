"""Training data as TensorFlow tensors that read the process's one copy instead of copying it.

``tf.constant(array)`` copies the array into memory from TensorFlow's CPU allocator. On x86 that
allocator is oneDNN's, which keeps every buffer of 4 kB or more in a pool that grows region by
region and never gives a region back (docs/ARCHITECTURE.md, "Memory a class leaves behind"):
thirty MNIST runs, each with its own copy of the 5,000 validation images (15.7 MB), grew the
server by about 500 MB for good.

An array registered with :func:`share` (the process's one copy of MNIST, say) is handed to
TensorFlow through DLPack instead. :func:`tensor` gives a run its slice of it as a tensor over the
same memory: no copy, nothing from the pool, and the memory belongs to NumPy as before.

TensorFlow reads a CPU tensor only at a ``ALIGN``-byte boundary (Eigen's alignment) and *aborts the
process* on one that is not aligned, so only aligned arrays are shared, and a slice is shared only
when its first row starts on such a boundary (an MNIST image is 3,136 = 49 x 64 bytes, so every
image does). Anything else is copied as ``tf.constant`` does.
"""

from __future__ import annotations

import threading

import numpy as np

ALIGN = 64  # bytes; EIGEN_MAX_ALIGN_BYTES of TensorFlow's x86 wheels

_lock = threading.Lock()
_shared: list[list] = []  # [writeable array, its tf tensor (made on first use) or None]


def aligned_empty(shape, dtype) -> np.ndarray:
    """An uninitialised C-contiguous array whose first byte lies on an ``ALIGN``-byte boundary."""
    dtype = np.dtype(dtype)
    count = int(np.prod(shape, dtype=np.int64))
    raw = np.empty(count * dtype.itemsize + ALIGN, np.uint8)
    start = -raw.ctypes.data % ALIGN
    return raw[start:start + count * dtype.itemsize].view(dtype).reshape(shape)


def is_aligned(array: np.ndarray) -> bool:
    return array.ctypes.data % ALIGN == 0


def share(array: np.ndarray) -> np.ndarray:
    """Let tensors read ``array`` in place from now on; returns a read-only view, the one to hand out.

    ``array``: C-contiguous, aligned (:func:`aligned_empty`) and writeable (DLPack cannot export a
    read-only array); its owner must not write it again. It is kept for the life of the process (made
    for data loaded once, such as MNIST), so a tensor over it never outlives its memory.
    """
    if not (array.flags.c_contiguous and array.flags.writeable and is_aligned(array) and array.ndim >= 1):
        raise ValueError("Only a writeable, C-contiguous array aligned to 64 bytes can be shared.")
    with _lock:
        _shared.append([array, None])
    view = array.view()
    view.flags.writeable = False
    return view


def _shared_rows(array: np.ndarray):
    """(entry, first row) when ``array`` is a run of whole leading-axis rows of a shared array, else None."""
    if not array.flags.c_contiguous or array.ndim < 1 or len(array) == 0:
        return None
    start, size = array.ctypes.data, array.nbytes
    for entry in _shared:
        base = entry[0]
        if base.dtype != array.dtype or base.shape[1:] != array.shape[1:]:
            continue
        row_bytes = base.strides[0]
        offset = start - base.ctypes.data
        if 0 <= offset and offset + size <= base.nbytes and offset % row_bytes == 0:
            return entry, offset // row_bytes
    return None


def tensor(array):
    """``array`` as a TensorFlow tensor: over a shared array's memory when it can be, else a copy.

    Shared when ``array`` is a run of whole rows of a :func:`share`-d array (``x[:n]``, ``x[a:b]``)
    starting at an aligned byte; the tensor then keeps that array alive.
    """
    import tensorflow as tf

    array = np.asarray(array)
    with _lock:
        found = _shared_rows(array) if is_aligned(array) else None
        if found is None:
            return tf.constant(array)
        entry, first = found
        if entry[1] is None:
            entry[1] = tf.experimental.dlpack.from_dlpack(entry[0].__dlpack__())
        whole = entry[1]
    if first == 0 and len(array) == len(entry[0]):
        return whole
    return whole[first:first + len(array)]  # an aligned leading-axis slice shares the buffer (TF's StridedSlice)
