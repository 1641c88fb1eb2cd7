"""Lesson 10's text page: the word vectors on a PCA plane, the most positive / negative words, and the pushes
of a typed review's words. Trained on the generated reviews (IMDB does not ship; see nnlab.hood.text)."""

import numpy as np
import pytest

from nnlab.hood import text
from nnlab.plots.text import review_html, word_map_figure


@pytest.fixture(scope="module")
def trained():
    data = text.generated_reviews(n_train=1500, n_test=300, n_val=300, seed=1)
    model = text.build_text_model(num_words=data.num_words, seed=0)
    model.fit(data.x_train, data.y_train, epochs=8, batch_size=64, verbose=0)
    return model, data


def test_pca_matches_the_eigenvectors_of_the_covariance():
    rng = np.random.default_rng(0)
    points = rng.normal(size=(200, 16)) @ np.diag(np.linspace(3, 0.1, 16)) + 5.0
    coords, explained = text.pca_2d(points)
    values, vectors = np.linalg.eigh(np.cov(points, rowvar=False))
    top = vectors[:, ::-1][:, :2]
    oracle = (points - points.mean(axis=0)) @ top
    assert np.allclose(np.abs(coords), np.abs(oracle), atol=1e-8)  # the same up to each direction's sign
    assert np.allclose(explained, values[::-1][:2] / values.sum())
    assert coords.shape == (200, 2) and np.all(coords[np.argmax(np.abs(coords), axis=0), [0, 1]] > 0)


def test_the_most_positive_and_negative_words_are_the_sentiment_words(trained):
    model, data = trained
    word_map = text.word_map(model, data.word_index, data.num_words)
    assert len(word_map.words) == len(data.word_index) and word_map.coords.shape == (len(word_map.words), 2)
    assert len(word_map.positive) == len(word_map.negative) == text.LABELLED
    assert set(word_map.positive) <= set(text.POSITIVE_WORDS), word_map.positive
    assert set(word_map.negative) <= set(text.NEGATIVE_WORDS), word_map.negative
    scores = dict(zip(word_map.words, word_map.scores, strict=True))
    assert min(scores[w] for w in word_map.positive) > max(scores[w] for w in text.NEUTRAL_WORDS)
    # the first direction of the plane separates the two kinds of words
    position = dict(zip(word_map.words, word_map.coords[:, 0], strict=True))
    positive = np.mean([position[w] for w in text.POSITIVE_WORDS])
    negative = np.mean([position[w] for w in text.NEGATIVE_WORDS])
    assert abs(positive - negative) > 2 * np.std([position[w] for w in text.NEUTRAL_WORDS])
    figure = word_map_figure(word_map)
    assert [trace.name for trace in figure.data] == ["other words", "most positive", "most negative"]


def test_each_word_of_a_review_pushes_its_way(trained):
    model, data = trained
    probability, pushes = text.word_pushes(model, "The film was wonderful but the ending was awful, zorblax",
                                           data.word_index, data.num_words)
    push = {p.word: p for p in pushes}
    assert [p.word for p in pushes] == ["the", "film", "was", "wonderful", "but", "the", "ending", "was", "awful",
                                        "zorblax"]
    assert push["wonderful"].push > 0 > push["awful"].push
    assert abs(push["film"].push) < min(push["wonderful"].push, -push["awful"].push)
    assert not push["zorblax"].known and push["film"].known
    alone = text.sentiment(model, "The film was wonderful but the ending was awful, zorblax", data.word_index,
                           data.num_words)[0]
    assert probability == pytest.approx(alone, abs=1e-5)  # the same model call as the page's P(positive)
    assert text.word_pushes(model, "  ...  ", data.word_index, data.num_words) == (0.5, [])


def test_review_html_escapes_every_word():
    pushes = [text.WordPush("<script>alert(1)</script>", False, -2.0), text.WordPush("great", True, 1.0)]
    page = review_html(pushes)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert 'data-push="+1.000"' in page and "line-through" in page
    assert review_html([]) == ""
