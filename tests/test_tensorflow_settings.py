"""TensorFlow's settings from the environment: nnlab's defaults, and the memory they give back."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from nnlab.tensorflow_settings import DEFAULTS, apply_defaults


def test_defaults_fill_what_is_missing_and_keep_what_the_user_set():
    environ = {"TF_ONEDNN_USE_SYSTEM_ALLOCATOR": "0"}
    assert apply_defaults(environ) == {}
    assert environ == {"TF_ONEDNN_USE_SYSTEM_ALLOCATOR": "0"}
    environ = {}
    assert apply_defaults(environ) == DEFAULTS
    assert environ == DEFAULTS


def test_importing_nnlab_sets_them():
    for name in DEFAULTS:
        assert name in os.environ  # nnlab is imported: its defaults (or the user's values) are in place


def test_too_late_is_said(monkeypatch, caplog):
    monkeypatch.delitem(os.environ, "TF_ONEDNN_USE_SYSTEM_ALLOCATOR", raising=False)
    monkeypatch.setitem(sys.modules, "tensorflow", sys.modules.get("tensorflow", object()))
    with caplog.at_level("INFO", logger="nnlab"):
        apply_defaults()
    assert "take no effect" in caplog.text


RELEASE = textwrap.dedent("""
    import gc, json
    import nnlab  # noqa: F401  (its defaults, before TensorFlow)
    import numpy as np
    import tensorflow as tf

    def rss_mb():
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS:"))

    data = np.ones((20_000, 784), np.float32)  # 63 MB
    tf.constant(data) * 2  # TensorFlow's kernels and pools in place before the baseline
    gc.collect()
    before = rss_mb()
    tensors = [tf.constant(data) * 2 for _ in range(5)]
    held = rss_mb()
    del tensors
    gc.collect()
    print(json.dumps({"before": before, "held": held, "after": rss_mb()}))
""")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
def test_large_tensors_dropped_give_their_memory_back():
    """Five 63 MB tensors dropped: their memory leaves the process (oneDNN's pool kept all of it)."""
    env = {name: value for name, value in os.environ.items() if name not in DEFAULTS}
    done = subprocess.run([sys.executable, "-c", RELEASE], capture_output=True, text=True, env=env, timeout=300,
                          check=True, cwd=Path(__file__).resolve().parents[1])
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    added = figures["held"] - figures["before"]
    assert added > 5 * 50  # the tensors were really there
    assert figures["after"] - figures["before"] < 0.1 * added, figures
