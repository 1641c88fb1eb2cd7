"""Real-browser layout tests of the 2D playground, at 1280x800 and on a 390x844 touch phone: the layer
editor reads whole with six hidden layers, Play and Pause leave the pictures in place, no metric is cut
short, the buttons' icons are drawn by the Material Symbols font, and the share link uses the address
the browser used."""

from __future__ import annotations

import pytest

from nnlab.ui.playground import ACTIVATION_TITLES
from tests.browser import (
    BOUNDARY_SOURCE,
    EPOCH_AT_LEAST,
    exceptions_on_page,
    open_page,
    streamlit_server,
    wait_idle,
)
from tests.layout import LAPTOP_AND_PHONE, screen_page

pytestmark = pytest.mark.browser

SIX_LAYERS = "Playground?layers=4:tanh,4:relu,3:sigmoid,2:linear,8:tanh,1:sigmoid"

# Each activation box of the layer editor: its shown text, whether that text fits (the input's content
# is no wider than its box, measured both by the DOM and by the text's width in its own font).
ACTIVATION_BOXES = """() => [...document.querySelectorAll(
        '[class*=st-key-pg_layer_row_] input[role=combobox][aria-label^=Activation]')]
    .map(input => {
        const style = getComputedStyle(input), canvas = document.createElement('canvas').getContext('2d');
        canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        return {value: input.value, fits: input.scrollWidth <= input.clientWidth
                && canvas.measureText(input.value).width <= room + 0.5};
    })"""
# Every button of the layer editor: its visible text, and whether that text is drawn whole and on screen
# (Streamlit keeps a hidden, unlaid copy of a button with a tooltip: the copies with no box are left out).
EDITOR_BUTTONS = """() => [...document.querySelectorAll(
        '.st-key-pg_network_editor button, [class*=st-key-pg_layer_row_] button[data-testid^=stBaseButton]')]
    .filter(button => button.getClientRects().length > 0).map(button => {
        const box = button.getBoundingClientRect(), text = button.querySelector('p');
        return {label: button.innerText.trim(), width: box.width, height: box.height,
                whole: !!text && text.scrollWidth <= text.clientWidth + 1 && box.right <= window.innerWidth + 1};
    })"""
# Each metric value, and whether it is cut short (its text wider than its box, shown with an ellipsis).
METRIC_VALUES = """() => [...document.querySelectorAll('[data-testid=stMetricValue]')].map(value => {
    const inner = value.querySelector('div') ?? value;
    return {value: value.innerText, cut: inner.scrollWidth > inner.clientWidth + 1
            || value.scrollWidth > value.clientWidth + 1};
})"""
# The top edge of the decision boundary (the plotly figure while paused, the live picture's box while
# playing), in the page's own coordinates: plus the scroll of the element that scrolls the page.
BOUNDARY_TOP = """() => {
    const live = document.querySelector('.st-key-pg_live_box');
    const chart = [...document.querySelectorAll('[data-testid=stPlotlyChart]')]
        .find(c => c.innerText.includes('p(blue)'));
    const element = live ?? chart;
    let scrolled = window.scrollY;
    for (let node = element.parentElement; node; node = node.parentElement) scrolled += node.scrollTop;
    return element.getBoundingClientRect().top + scrolled;
}"""


@pytest.fixture(params=LAPTOP_AND_PHONE)
def sized_page(browser, request):
    with screen_page(browser, request.param) as page:
        yield page


def test_six_hidden_layers_read_whole_with_labelled_buttons(sized_page, app_url):
    page = sized_page
    open_page(page, app_url, SIX_LAYERS)
    boxes = page.evaluate(ACTIVATION_BOXES)
    assert [box["value"] for box in boxes] == [ACTIVATION_TITLES[name] for name in
                                               ("tanh", "relu", "sigmoid", "linear", "tanh", "sigmoid")]
    assert all(box["fits"] for box in boxes), boxes
    buttons = page.evaluate(EDITOR_BUTTONS)
    assert [b["label"] for b in buttons] == ["− layer", "+ layer"] + ["− neuron", "+ neuron"] * 6
    assert all(b["whole"] and b["width"] > 40 and b["height"] > 20 for b in buttons), buttons
    for layer, units in enumerate((4, 4, 3, 2, 8, 1)):
        row = page.locator(f".st-key-pg_layer_row_{layer}")
        assert row.get_by_text(f"{units} neuron{'s' if units > 1 else ''}", exact=True).is_visible()
    assert page.get_by_text("6 hidden layers", exact=True).is_visible()
    assert exceptions_on_page(page) == []


def test_play_and_pause_keep_the_boundary_in_place_and_no_metric_is_cut(sized_page, app_url):
    page = sized_page
    open_page(page, app_url, "Playground")
    page.get_by_test_id("stPlotlyChart").filter(has_text="p(blue)").locator(".hm image").first.wait_for()
    paused = page.evaluate(BOUNDARY_TOP)
    assert not [m for m in page.evaluate(METRIC_VALUES) if m["cut"]]

    page.get_by_role("button", name="Play", exact=True).click()
    page.wait_for_function(f"() => ({BOUNDARY_SOURCE})() !== ''", timeout=60_000)
    page.wait_for_function(EPOCH_AT_LEAST, arg=20, timeout=60_000)
    page.wait_for_function("() => /\\d+\\/s/.test(document.body.innerText)", timeout=60_000)  # a measured speed
    playing = page.evaluate(BOUNDARY_TOP)
    assert not [m for m in page.evaluate(METRIC_VALUES) if m["cut"]]

    page.get_by_role("button", name="Pause", exact=True).click()
    page.get_by_role("button", name="Play", exact=True).and_(page.locator(":enabled")).wait_for()
    wait_idle(page)
    page.get_by_test_id("stPlotlyChart").filter(has_text="p(blue)").locator(".hm image").first.wait_for()
    paused_again = page.evaluate(BOUNDARY_TOP)
    assert abs(playing - paused) <= 2 and abs(paused_again - paused) <= 2, (paused, playing, paused_again)
    assert not [m for m in page.evaluate(METRIC_VALUES) if m["cut"]]
    assert exceptions_on_page(page) == []


# Each icon of the run controls: the ligature's text, its width, and the font that draws it (the hidden,
# unlaid copies of buttons with a tooltip left out).
ICONS = """() => [...document.querySelectorAll('[class*=st-key-pg_] button [data-testid=stIconMaterial]')]
    .filter(icon => icon.getClientRects().length > 0)
    .map(icon => ({name: icon.innerText, width: icon.getBoundingClientRect().width,
                   font: getComputedStyle(icon).fontFamily,
                   drawn: document.fonts.check(`24px ${getComputedStyle(icon).fontFamily}`, icon.innerText)}))"""


def test_run_buttons_draw_material_icons(page, app_url):
    open_page(page, app_url, "Playground")
    page.evaluate("() => document.fonts.ready")
    icons = {icon["name"]: icon for icon in page.evaluate(ICONS)}
    assert {"play_arrow", "pause", "skip_next", "restart_alt"} <= set(icons), icons
    for name in ("play_arrow", "pause", "skip_next", "restart_alt"):
        icon = icons[name]
        # The ligature is one glyph about the font size wide (as text, "restart_alt" would be 80 px wide).
        assert 10 < icon["width"] < 40 and "Material Symbols" in icon["font"] and icon["drawn"], icon


def test_the_share_link_uses_the_address_the_browser_used(browser, tmp_path):
    with streamlit_server(tmp_path, address="0.0.0.0") as url:
        port = url.rsplit(":", 1)[1]
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.set_default_timeout(60_000)
        for host in ("127.0.0.1", "127.0.0.2", "localhost"):
            open_page(page, f"http://{host}:{port}", "Playground?data=circle")
            link = page.get_by_test_id("stCode").filter(has_text="data=circle").inner_text().strip()
            assert link.startswith(f"http://{host}:{port}/Playground?"), link
        context.close()
