"""Settings TensorFlow reads from the environment once, when it is first imported: nnlab sets its
defaults on import (``import nnlab`` comes before any TensorFlow import in the app), and a value the
user has set is kept.

``TF_ONEDNN_USE_SYSTEM_ALLOCATOR=1``. TensorFlow's x86 Linux wheels run their CPU kernels with oneDNN,
and its CPU allocator (``MklCPUAllocator``) hands every buffer of 4 kB or more to a BFC pool that grows
by doubling regions (2, 4, ... 256 MB) and never gives a region back. A class's peak (thirty MNIST runs'
data copies, batches and activations at once) stayed in the server for good: measured after a 30-student
class, 448 MB of such regions, holding stale MNIST pixels, in a process whose Python objects and tensors
were all gone, and only 12-22 % of what the class added was released. With this setting oneDNN keeps its
kernels but frees through the C library: 5 tensors of 63 MB, dropped, gave back 554 of 554 MB (0 of 554
before), and MNIST training speed was the same within the run-to-run noise (``bench/mnist_throughput.py``).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import MutableMapping

LOGGER = logging.getLogger("nnlab")

DEFAULTS = {
    "TF_ONEDNN_USE_SYSTEM_ALLOCATOR": "1",  # free large CPU buffers, do not pool them for good (see above)
}


def apply_defaults(environ: MutableMapping[str, str] = os.environ) -> dict[str, str]:
    """Set each of :data:`DEFAULTS` that ``environ`` lacks; returns those set.

    TensorFlow reads them once, at its import: when it is already imported, nothing it reads changes,
    and one log line says so.
    """
    missing = {name: value for name, value in DEFAULTS.items() if name not in environ}
    environ.update(missing)
    if missing and environ is os.environ and "tensorflow" in sys.modules:
        LOGGER.info("nnlab: TensorFlow was imported before nnlab, so %s take no effect in this process",
                    ", ".join(f"{name}={value}" for name, value in missing.items()))
    return missing
