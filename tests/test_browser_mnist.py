"""Real-browser test of the MNIST page: train one epoch on a small subset, read the result, save the model."""

import re

import pytest

from tests.browser import exceptions_on_page, train_small_mnist_run, wait_idle

pytestmark = pytest.mark.browser


def test_one_epoch_on_a_small_subset_shows_curves_and_accuracy_and_the_model_can_be_saved(page, app_server):
    app_url, _, models = app_server
    train_small_mnist_run(page, app_url)
    assert "1 of 1 epochs · 100% · done" in page.get_by_test_id("stProgress").inner_text()
    curves = page.locator(".js-plotly-plot").first
    assert "training batches (while learning; smoothed)" in curves.inner_text()
    assert "validation images (after each epoch)" in curves.inner_text()
    assert curves.locator(".scatterlayer .trace").count() >= 4  # loss and accuracy, training and validation
    accuracy = page.get_by_test_id("stMetric").filter(has_text="Test accuracy").get_by_test_id("stMetricValue")
    value = float(re.fullmatch(r"([\d.]+)%", accuracy.inner_text()).group(1))
    assert 30 < value <= 100  # one epoch on 1,000 images reads most digits already
    assert page.get_by_text("Confusion matrix: where each digit went").count() == 1
    confusion = page.locator(".st-key-mnist_confusion")
    rows = confusion.locator(".ytick text").evaluate_all("ticks => ticks.map(t => t.textContent)")
    columns = confusion.locator(".xtick text").evaluate_all("ticks => ticks.map(t => t.textContent)")
    assert rows == columns == [str(d) for d in range(10)]  # no empty rows "-1" and "10"

    name = page.get_by_role("textbox", name="Name")
    name.fill("browser net")
    name.press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved as browser net.keras").wait_for()
    wait_idle(page)
    saved = page.get_by_test_id("stMarkdown").filter(has_text="browser net").filter(has_text="MB")
    assert saved.count() == 1  # the list of saved models
    assert (models / "browser net.keras").is_file()
    assert exceptions_on_page(page) == []
