"""Real-browser layout tests: the text checker of tests/layout.py, then the Build page on a laptop and a phone.

The Build page must show every text whole (``tests.layout.cut_text`` finds nothing) and its
network diagram's labels inside the chart, apart (``chart_label_problems``), at 1280x800 and on
a 390x844 touch phone, for the default preset and for "Small CNN" and the 2D playground's network
chosen from the preset picker.
"""

import re

import pytest

from nnlab.model.presets import DEFAULT_PRESET, PRESETS
from nnlab.plots.network import label_size, network_figure
from tests.browser import exceptions_on_page, open_page, wait_idle
from tests.layout import CHART_LABELS, LAPTOP_AND_PHONE, VIEWPORTS, chart_label_problems, chart_labels, cut_text

pytestmark = pytest.mark.browser


SAMPLE = """
<style>
  body { font: 16px sans-serif; margin: 0; }
  .cut { width: 60px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .clip { width: 60px; overflow: hidden; white-space: nowrap; }
  .wide { width: 400px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .frame { width: 80px; height: 30px; overflow: hidden; position: relative; }
  .frame span { position: absolute; left: 50px; white-space: nowrap; }
  .scroll { width: 60px; overflow-x: auto; white-space: nowrap; }
  .narrow { width: 45px; overflow-wrap: anywhere; }
  .hyphen { width: 70px; overflow-wrap: anywhere; }
  .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; white-space: nowrap; }
</style>
<div data-testid="stMain">
  <div class="cut">Load preset</div>
  <div class="wide">Load preset, with room</div>
  <div class="clip">Cross-entropy</div>
  <div class="frame"><span>Spilling out</span></div>
  <div class="scroll">Scrolls to the rest</div>
  <pre class="clip">code scrolls by design</pre>
  <div class="narrow">MaxPooling2D</div>
  <div class="narrow">a b</div>
  <div class="hyphen">Cross-entropy</div>
  <div class="narrow">https://storage.example.com/a/very/long/address/that/no/screen/holds/on/one/line/at/all/because/it/goes/on/and/on/well/past/eight/hundred/pixels/of/width</div>
  <input role="combobox" value="sigmoid" style="width: 30px; font: 16px sans-serif">
  <input role="combobox" value="relu" style="width: 200px">
  <input type="number" value="123456789012" style="width: 40px">
  <span class="sr-only">arrow_upward icon</span>
  <div style="display: none" class="cut">Hidden and long enough</div>
</div>
<div class="cut">Outside the main area</div>
<section data-testid="stSidebar" data-collapsed="true"><div class="cut">Sidebar link</div></section>
"""


@pytest.fixture
def sample(browser):
    context = browser.new_context(viewport={"width": 800, "height": 600})
    page = context.new_page()
    page.set_content(SAMPLE)
    yield page
    context.close()


def test_the_checker_reports_cut_text_and_only_that(sample):
    found = cut_text(sample)
    kinds = sorted(line.split(" (")[0] for line in found)
    assert kinds == sorted([
        'ellipsis: "Load preset" in div.cut',
        'clipped: "Cross-entropy" in div.clip',
        'clipped: "Spilling out" in div.frame',  # the frame hides part of what it holds
        'overflow: "Spilling out" in span',  # and the text itself lies beyond the frame
        'broken word: "MaxPooling2D" in div.narrow',
        'cut value: "sigmoid" in input',
        'cut value: "123456789012" in input',
    ]), found
    assert any("scrollWidth" in line and "> clientWidth 60" in line for line in found)  # widths are given
    line_height = sample.locator(".wide").bounding_box()["height"]
    assert sample.locator(".hyphen").bounding_box()["height"] >= 2 * line_height  # broken after the hyphen


def test_the_checker_reports_a_label_that_fits_once_it_no_longer_does(sample):
    assert not [line for line in cut_text(sample) if "with room" in line]
    sample.evaluate("() => { document.querySelector('.wide').style.width = '50px'; }")
    assert [line for line in cut_text(sample) if "with room" in line]


def test_the_checker_looks_into_the_sidebar_only_when_it_is_open(sample):
    assert not [line for line in cut_text(sample) if "Sidebar link" in line]
    sample.evaluate("() => document.querySelector('[data-testid=stSidebar]').setAttribute('data-collapsed', 'false')")
    assert [line for line in cut_text(sample) if "Sidebar link" in line]


def _choose_preset(page, name: str) -> None:
    """As a student does: open the Preset box, pick ``name``, press Load preset."""
    page.get_by_test_id("stSelectbox").filter(has_text="Preset").locator("input").click()
    page.get_by_role("option", name=name).click()
    wait_idle(page)
    page.get_by_role("button", name="Load preset").click()
    wait_idle(page)
    page.get_by_test_id("stTable").filter(has_text=PRESETS[name].summary()[0].name).wait_for()


def _shown(text: str) -> str:
    """An annotation's text as the browser shows it: its lines joined by spaces, without tags."""
    return " ".join(re.sub(r"<[^>]+>", "", line) for line in text.split("<br>"))


def _diagram_drawn(page, name: str) -> None:
    """Wait until the diagram shows exactly the labels of preset ``name``'s figure."""
    expected = [_shown(annotation.text) for annotation in network_figure(PRESETS[name]).layout.annotations
                if annotation.text]
    page.wait_for_function(
        f"([selector, expected]) => JSON.stringify(({CHART_LABELS})(selector)[0]?.labels.map(label => label.text))"
        " === JSON.stringify(expected)", arg=["[data-testid=stPlotlyChart]", expected])


def _assert_whole(page, name: str) -> None:
    _diagram_drawn(page, name)
    assert cut_text(page) == []
    assert chart_label_problems(page) == []
    # the figure's own estimate of each label's box is at least as wide as the browser draws it
    (chart,) = chart_labels(page)
    annotations = network_figure(PRESETS[name]).layout.annotations
    assert len(chart["labels"]) == sum(1 for annotation in annotations if annotation.text)
    for label in chart["labels"]:
        annotation = annotations[label["index"]]
        assert label["right"] - label["left"] <= label_size(annotation.text, annotation.font.size)[0], label
    assert exceptions_on_page(page) == []


@pytest.mark.parametrize("viewport", LAPTOP_AND_PHONE)
def test_build_page_shows_every_text_whole(browser, app_url, viewport):
    context = browser.new_context(**VIEWPORTS[viewport])
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        open_page(page, app_url, "Build")
        _assert_whole(page, DEFAULT_PRESET)
        for name in ("Small CNN", "Playground default 2-4-2-1 tanh"):  # blocks; neurons and the points settings
            _choose_preset(page, name)
            _assert_whole(page, name)
    finally:
        context.close()
