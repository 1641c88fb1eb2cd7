"""The sentiment model on generated reviews, the IMDB format, and the offline message."""

import numpy as np
import pytest

from nnlab.hood import text


@pytest.fixture(scope="module")
def data():
    return text.generated_reviews(n_train=3000, n_test=600, n_val=600, seed=1)


def test_generated_reviews_have_the_imdb_format(data):
    assert data.x_train.shape == (2400, text.MAXLEN) and data.x_train.dtype == np.int32
    assert data.x_val.shape == (600, text.MAXLEN) and data.x_test.shape == (600, text.MAXLEN)
    assert set(np.unique(data.y_train)) == {0.0, 1.0}
    assert np.all(data.x_train[:, 0] == text.START)
    assert data.x_train.max() < text.NUM_WORDS
    lengths = (data.x_train != text.PAD).sum(axis=1)
    assert lengths.min() < text.MAXLEN and lengths.max() == text.MAXLEN  # some padded, some cut
    assert data.word_index["the"] == 1


def test_encode_and_decode_typed_reviews():
    index = {"the": 1, "movie": 2, "was": 3, "great": 4, "don't": 5}
    assert text.encode_review("The movie was GREAT!<br />Zzz", index) == [1, 4, 5, 6, 7, 2]
    assert text.encode_review("don't", index) == [1, 8]
    assert text.encode_review("great", index, num_words=7) == [1, 2]  # rank 4 + 3 = 7 is outside the top words
    assert text.decode_review([1, 4, 5, 2, 0, 0], index) == "[START] the movie [?]"
    hostile = "__import__('os').system('echo pwned')"
    assert text.tokenize(hostile) == ["import", "os", "system", "echo", "pwned"]  # plain words, nothing run


def test_pad_cuts_and_fills():
    padded = text.pad([[1, 5, 6], list(range(1, 400))], maxlen=4)
    assert padded.tolist() == [[1, 5, 6, 0], [1, 2, 3, 4]]


def test_sentiment_model_learns_generated_reviews(data):
    model = text.build_text_model()
    assert [layer.__class__.__name__ for layer in model.layers] == [
        "Embedding", "GlobalAveragePooling1D", "Dense", "Dense"]
    assert model.count_params() == 10000 * 16 + 16 * 16 + 16 + 16 + 1
    run = text.text_run(model, data, epochs=8, batch_size=128)
    while not run.ended:
        run.advance(1.0)
    assert run.history.last.train_loss < run.history.epochs[0].train_loss
    assert run.history.last.test_accuracy > 0.9  # on the validation set
    positive, encoded = text.sentiment(model, "a great film, brilliant and beautiful, loved it", data.word_index)
    negative, _ = text.sentiment(model, "boring and awful, the worst movie, a waste of time", data.word_index)
    assert encoded[0] == text.START and positive > 0.5 > negative


def test_missing_imdb_gives_instructions(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    assert text.imdb_missing() == list(text.IMDB_FILES)
    with pytest.raises(text.ImdbMissingError) as error:
        text.load_imdb()
    message = str(error.value)
    assert "imdb.npz" in message and str(tmp_path / "datasets") in message and "Download" in message
