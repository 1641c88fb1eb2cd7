"""Real-browser tests of the home and Build pages: what a student clicks and reads."""

import json

import pytest

from nnlab.model.presets import PRESETS
from tests.browser import exceptions_on_page, open_page, rerun

pytestmark = pytest.mark.browser


def total_parameters(page) -> int:
    return int(page.get_by_test_id("stMetricValue").first.inner_text().replace(",", ""))


def test_home_links_to_the_build_page_where_adding_a_layer_changes_the_count(page, app_url):
    open_page(page, app_url)
    assert page.get_by_text("What each page teaches").is_visible()
    with rerun(page):
        page.get_by_test_id("stSidebar").get_by_role("link", name="Build a network").click()
    page.wait_for_url("**/Build")
    assert total_parameters(page) == PRESETS["Basic 784-128-10"].param_count()
    page.locator(".js-plotly-plot").first.wait_for()  # the network diagram
    assert "Dense 128 relu" in page.get_by_test_id("stTable").inner_text()

    with rerun(page):
        page.get_by_role("button", name="Add layer").click()
    assert page.get_by_text("3. Dense").is_visible()
    assert total_parameters(page) == 784 * 128 + 128 + 128 * 32 + 32 + 32 * 10 + 10
    assert "Dense 32 relu" in page.get_by_test_id("stTable").inner_text()
    assert exceptions_on_page(page) == []


def test_a_malformed_spec_upload_gets_a_readable_message_and_a_good_one_loads(page, app_url, tmp_path):
    open_page(page, app_url, "Build")
    before = total_parameters(page)
    bad = tmp_path / "broken.json"
    bad.write_text('{"layers": [{"kind": "dense", "units": 1000000000}]')
    with rerun(page):
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(bad))
    assert page.get_by_text("Could not load 'broken.json'").is_visible()
    assert "not valid JSON" in page.get_by_test_id("stAlert").first.inner_text()
    assert total_parameters(page) == before  # nothing lost

    good = tmp_path / "cnn.json"
    good.write_text(json.dumps(PRESETS["Small CNN"].to_dict()))
    with rerun(page):
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(good))
    assert page.get_by_text("Loaded 'Small CNN' from 'cnn.json'").is_visible()
    assert total_parameters(page) == 75_242
    assert exceptions_on_page(page) == []
