"""How long the Draw page takes from the canvas's pixels to ten probabilities, on the server.

Measured per digit, one at a time as the page does it: MNIST test digits painted on a
280x280 RGBA canvas at random sizes and places, then ``canvas_to_mnist`` (crop, 20x20 box,
centre of mass) and the bundled model through ``nnlab.digits.reader.predictor`` (a tf.function).
Baseline in the same run: the same prediction with ``model.predict``, the usual Keras call.
The PNG decode the canvas component does before we see the pixels is reported apart.
The Draw page's inside view is measured on the same digits after the answer: every layer's output and
the saliency map (``nnlab.digits.inside``), then with the occlusion map and the pictures of every layer.

    python bench/draw_latency.py        # last line: p50_ms: <median ms, preprocessing + prediction>
"""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nnlab.datasets import load_mnist  # noqa: E402
from nnlab.digits import pictures, preprocess, reader  # noqa: E402

REPEATS = 300
BASELINE_REPEATS = 30


def canvases(count: int, seed: int = 0) -> list[np.ndarray]:
    _, (x, _) = load_mnist()
    rng = np.random.default_rng(seed)
    out = []
    for i in range(count):
        height = int(rng.integers(60, 260))
        top, left = (int(v) for v in rng.integers(0, 280 - height, 2))
        out.append(pictures.paint_canvas(x[i] / 255.0, height, top, left, transparent=bool(i % 2)))
    return out


def median_ms(function, items, repeats: int) -> float:
    times = []
    for i in range(repeats):
        item = items[i % len(items)]
        start = time.perf_counter()
        function(item)
        times.append(time.perf_counter() - start)
    return float(np.median(times) * 1000)


def main() -> None:
    from PIL import Image

    start = time.perf_counter()
    model = reader.pretrained_model()
    print(f"load bundled model (and trace): {time.perf_counter() - start:.2f} s")
    predict = reader.predictor(model)
    items = canvases(50)

    def ours(rgba):
        return predict(preprocess.canvas_to_mnist(rgba)[np.newaxis])

    def baseline(rgba):
        return model.predict(preprocess.canvas_to_mnist(rgba)[np.newaxis], verbose=0)

    pngs = []
    for rgba in items:
        buffer = io.BytesIO()
        Image.fromarray(rgba).save(buffer, format="PNG")
        pngs.append(buffer.getvalue())

    for rgba in items[:5]:  # warm both paths
        ours(rgba), baseline(rgba)
    decode = median_ms(lambda data: np.asarray(Image.open(io.BytesIO(data))), pngs, REPEATS)
    preprocess_ms = median_ms(preprocess.canvas_to_mnist, items, REPEATS)
    image = preprocess.canvas_to_mnist(items[0])[np.newaxis]
    model_only = median_ms(lambda _: predict(image), items, REPEATS)
    slow = median_ms(baseline, items, BASELINE_REPEATS)
    total = median_ms(ours, items, REPEATS)
    print(f"PNG decode of the canvas (component side): {decode:.2f} ms")
    print(f"canvas_to_mnist: {preprocess_ms:.2f} ms")
    print(f"model, tf.function: {model_only:.2f} ms")
    print(f"baseline, canvas_to_mnist + model.predict: {slow:.2f} ms")
    print(f"ours, canvas_to_mnist + tf.function: {total:.2f} ms ({slow / total:.0f}x faster than the baseline)")
    inside_p50, full_p50 = inside_view_ms(model, [preprocess.canvas_to_mnist(rgba) for rgba in items])
    print(f"inside view, all layers + saliency: p50 {inside_p50:.2f} ms")
    print(f"inside view, + occlusion + the pictures of every layer: p50 {full_p50:.2f} ms")
    print(f"p50_ms: {total:.2f}")


def inside_view_ms(model, images: list[np.ndarray]) -> tuple[float, float]:
    """Medians of (all layers + saliency) and (that + occlusion + every layer's picture), per digit."""
    from nnlab.digits import inside
    from nnlab.plots import inside as pictures

    def layers_and_saliency(image):
        return inside.inside_view(model, image)  # one forward pass, as the page calls it

    def everything(image):
        outputs, saliency = layers_and_saliency(image)
        drops = inside.occlusion_map(model, image)
        for output in outputs:
            if output.is_maps and output.kind in ("conv", "pool"):
                pictures.map_tiles(output.output, output.layer.weights[0].numpy() if output.kind == "conv" else None)
            elif output.output.ndim == 1:
                pictures.bar_strip(output.output)
        pictures.overlay(image, saliency, signed=True), pictures.overlay(image, drops, signed=True)

    for image in images[:5]:
        everything(image)  # traces once per model
    return median_ms(layers_and_saliency, images, REPEATS), median_ms(everything, images, REPEATS // 3)


if __name__ == "__main__":
    main()
