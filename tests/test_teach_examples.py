"""Class names, examples and the example file of the Teach page: every bad case gets a sentence, nothing is lost."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest

from nnlab.digits.preprocess import ink_from_rgba
from nnlab.teach import examples as ex
from nnlab.teach.examples import ExampleError, ExampleSet, check_class_names, from_npz, parse_class_names, to_npz
from nnlab.teach.shapes import render, shape_examples, shape_stroke


@pytest.fixture(scope="module")
def shapes():
    return shape_examples(("circle", "triangle", "star"), 6, seed=3)


def test_names_are_trimmed_and_checked():
    assert parse_class_names(" circle, triangle ,star,") == ("circle", "triangle", "star")
    assert check_class_names(["7 with a bar", "one_1", "x-y"]) == ("7 with a bar", "one_1", "x-y")


@pytest.mark.parametrize("text, words", [
    ("circle, Circle ", "same class name"),
    ("a/b, c", "not a valid class name"),
    ("..\\x, c", "not a valid class name"),
    ("a.b, c", "not a valid class name"),
    ("a, b, c, d, e, f", "6 classes is too many"),
    ("circle", "at least 2 classes"),
    ("circle, , star", "empty"),
    ("a, " + "b" * 30, "too long"),
])
def test_bad_names_get_a_message(text, words):
    with pytest.raises(ExampleError, match=words):
        parse_class_names(text)


def test_a_refused_list_of_names_changes_nothing_and_names_keep_their_examples(shapes):
    images, _ = shapes
    kept = ExampleSet()
    kept.add("circle", images[0])
    with pytest.raises(ExampleError):
        kept.set_classes(["circle", "circle"])
    assert kept.classes == ("circle", "triangle", "star") and kept.counts()["circle"] == 1
    kept.set_classes(["triangle", "star"])  # circle left out: its example is kept, not trained on
    assert kept.hidden_count() == 1 and len(kept.arrays()[0]) == 0
    kept.set_classes(["Circle", "star"])  # back, in another case
    assert kept.counts() == {"Circle": 1, "star": 0} and kept.hidden_count() == 0


def test_empty_and_near_empty_drawings_are_not_examples():
    blank = np.zeros((280, 280, 4), np.uint8)
    blank[..., 3] = 255
    with pytest.raises(ExampleError, match="Nothing is drawn"):
        ex.drawing_to_example(ink_from_rgba(blank))
    with pytest.raises(ExampleError, match="Nothing is drawn"):
        ex.drawing_to_example(None)
    dot = render([[(140, 140), (141, 141)]])
    with pytest.raises(ExampleError, match="Too little ink"):
        ex.drawing_to_example(ink_from_rgba(dot))
    star = ex.drawing_to_example(ink_from_rgba(render([shape_stroke("star", np.random.default_rng(0))])))
    assert star.shape == (28, 28) and star.max() == 1.0


def test_training_is_blocked_until_every_class_has_five(shapes):
    images, labels = shapes
    kept = ExampleSet()
    for image, label in zip(images, labels, strict=True):
        if label < 2 or kept.counts()["star"] < 4:
            kept.add(kept.classes[label], image)
    assert kept.counts() == {"circle": 6, "triangle": 6, "star": 4}
    assert kept.problems() == ["Draw at least 5 examples of each class before training; still short: star (4)."]
    kept.add("star", images[-1])
    assert kept.problems() == []
    x, y = kept.arrays()
    assert x.shape == (17, 28, 28) and x.dtype == np.float32 and list(np.bincount(y)) == [6, 6, 5]
    with pytest.raises(ExampleError, match="not one of your classes"):
        kept.add("square", images[0])
    with pytest.raises(ExampleError, match="empty image"):
        kept.add("star", np.zeros((28, 28)))
    assert kept.counts()["star"] == 5


def test_the_file_round_trips_and_merges(shapes):
    images, labels = shapes
    data = to_npz(("circle", "triangle", "star"), images, labels)
    classes, back, back_labels = from_npz(data)
    assert classes == ("circle", "triangle", "star")
    np.testing.assert_array_equal(back, images)
    np.testing.assert_array_equal(back_labels, labels)
    kept = ExampleSet(classes=("dog", "cat"))
    kept.add("dog", images[0])
    assert kept.merge(classes, back, back_labels) == len(images)
    assert kept.classes == classes and kept.hidden_count() == 1  # the dog is still there


def _npz(**arrays) -> bytes:
    out = io.BytesIO()
    np.savez(out, **arrays)
    return out.getvalue()


def _good(images, labels, **changes):
    arrays = dict(classes=np.asarray(["circle", "triangle", "star"]), images=images, labels=labels)
    arrays.update(changes)
    return _npz(**arrays)


def test_an_upload_that_is_not_what_it_claims_gets_a_message(shapes):
    images, labels = shapes
    nan = images.copy()
    nan[2, 5, 5] = np.nan
    empty = images.copy()
    empty[1] = 0
    cases = {
        "not a zip": (b"hello", "not an example set"),
        "empty": (b"", "empty"),
        "too large": (b"0" * (ex.MAX_FILE_BYTES + 1), "MB"),
        "other arrays": (_npz(images=images, labels=labels), "exactly the arrays"),
        "wrong shape": (_good(images[:, :20, :20], labels), "shape"),
        "flat": (_good(images.reshape(len(images), -1), labels), "shape"),
        "integers": (_good((images * 255).astype(np.uint8), labels), "decimal numbers"),
        "NaN": (_good(nan, labels), "NaN"),
        "out of range": (_good(images * 2, labels), "between 0 and 1"),
        "bad label": (_good(images, labels + 5), "class numbers"),
        "labels short": (_good(images, labels[:3]), "one whole number per image"),
        "path name": (_good(images, labels, classes=np.asarray(["../x", "b", "c"])), "not a valid class name"),
        "same names": (_good(images, labels, classes=np.asarray(["a", "A", "c"])), "same class name"),
        "six classes": (_good(images, labels, classes=np.asarray(list("abcdef"))), "too many"),
        "empty image": (_good(empty, labels), "Image 2 is empty"),
        "too many": (_good(np.repeat(images, 20, axis=0), np.repeat(labels, 20)), "at most 100"),
    }
    for name, (data, words) in cases.items():
        with pytest.raises(ExampleError, match=words):
            from_npz(data)
        assert name


def test_python_objects_and_zip_bombs_are_refused(shapes):
    images, labels = shapes
    objects = _good(images, labels, classes=np.asarray(["a", "b", "c"], dtype=object))
    with pytest.raises(ExampleError, match="Python objects|list of names"):
        from_npz(objects)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in ex.NPZ_MEMBERS:
            archive.writestr(member, b"\0" * (ex.MAX_UNPACKED_BYTES // 2))
    assert len(bomb.getvalue()) < ex.MAX_FILE_BYTES
    with pytest.raises(ExampleError, match="Unpacked"):
        from_npz(bomb.getvalue())


def test_a_refused_merge_adds_nothing(shapes):
    images, labels = shapes
    kept = ExampleSet()
    for _ in range(ex.MAX_PER_CLASS - 2):
        kept.add("circle", images[0])
    with pytest.raises(ExampleError, match="Nothing was added"):
        kept.merge(("circle", "triangle", "star"), images, labels)
    assert kept.counts() == {"circle": ex.MAX_PER_CLASS - 2, "triangle": 0, "star": 0}


def test_corrections_round_trip_and_refuse_other_example_files(shapes):
    from nnlab.teach.finetune import MAX_CORRECTIONS, Corrections

    images, labels = shapes
    kept = Corrections()
    for image, digit in zip(images[:4], (7, 1, 4, 9), strict=True):
        kept.add(image, digit)
    again = Corrections()
    assert again.merge_npz(kept.to_npz()) == 4 and again.labels == [7, 1, 4, 9]
    np.testing.assert_array_equal(again.arrays()[0], kept.arrays()[0])
    with pytest.raises(ExampleError, match="not a file of digit corrections"):
        again.merge_npz(to_npz(("circle", "triangle", "star"), images, labels))
    with pytest.raises(ExampleError, match="A digit is 0 to 9"):
        again.add(images[0], 10)
    big = Corrections()
    big.images, big.labels = [images[0]] * MAX_CORRECTIONS, [1] * MAX_CORRECTIONS
    with pytest.raises(ExampleError, match="Nothing was added"):
        big.merge_npz(kept.to_npz())
    assert len(big) == MAX_CORRECTIONS and len(again) == 4
