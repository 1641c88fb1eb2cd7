"""Real-browser layout tests of Under the hood at 1280x800 (formulas also on a 390x844 phone): no formula
or figure title is clipped, the
logic panels name their axes, the small initialisation panels have no mode bar over their titles, and
the training buttons draw Material icons."""

from __future__ import annotations

import pytest

from tests.browser import exceptions_on_page, open_page, wait_idle
from tests.layout import LAPTOP_AND_PHONE, screen_page

pytestmark = pytest.mark.browser

# Each displayed formula (KaTeX): how much wider its content is than the element showing it, and than
# the page's main block (0 when it fits).
FORMULA_OVERFLOW = """() => [...document.querySelectorAll('[data-testid=stMarkdownContainer] .katex-display')]
    .map(display => {
        const box = display.closest('[data-testid=stElementContainer]') ?? display.parentElement;
        const katex = display.querySelector('.katex');
        return {text: display.innerText.slice(0, 40),
                over: Math.max(display.scrollWidth - display.clientWidth, katex.scrollWidth - box.clientWidth,
                               katex.getBoundingClientRect().right - box.getBoundingClientRect().right)};
    })"""
# Each plotly title and subplot title, and whether it lies inside its chart, under no mode bar, clear of the
# chart's other titles.
TITLES = """() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(plot => {
    const frame = plot.getBoundingClientRect();
    const bar = plot.querySelector('.modebar');
    const barBox = bar && getComputedStyle(bar).display !== 'none' && bar.getBoundingClientRect().width > 0
        ? bar.getBoundingClientRect() : null;
    return [...plot.querySelectorAll('.gtitle, .annotation-text')].map(title => {
        const box = title.getBoundingClientRect();
        const under = barBox && box.right > barBox.left && box.left < barBox.right
            && box.bottom > barBox.top && box.top < barBox.bottom;
        const others = [...plot.querySelectorAll('.gtitle, .annotation-text')].filter(other => other !== title)
            .map(other => other.getBoundingClientRect());
        const overlaps = others.some(o => box.right > o.left + 1 && box.left < o.right - 1
            && box.bottom > o.top + 1 && box.top < o.bottom - 1);
        return {text: title.textContent, inside: box.left >= frame.left - 1 && box.right <= frame.right + 1,
                under_the_mode_bar: !!under, overlaps_another: overlaps};
    });
})"""




@pytest.mark.parametrize("size", LAPTOP_AND_PHONE)
def test_no_formula_is_clipped(browser, app_url, size):
    with screen_page(browser, size) as page:
        open_page(page, app_url, "Under_the_hood")
        page.locator(".katex-display").first.wait_for()
        formulas = page.evaluate(FORMULA_OVERFLOW)
        assert len(formulas) >= 16  # 4 weights, the label, 6 forward and 6 backward steps
        assert [f for f in formulas if f["over"] > 1] == []


def test_no_title_is_clipped_or_covered_and_the_panels_are_labelled(browser, app_url):
    with screen_page(browser, "laptop") as page:
        open_page(page, app_url, "Under_the_hood")
        page.locator(".js-plotly-plot .gtitle", has_text="Gradient check").first.wait_for()
        page.get_by_role("button", name="Measure the gradients").click()
        page.locator(".js-plotly-plot .annotation-text", has_text="relu").first.wait_for(timeout=120_000)
        wait_idle(page)
        titles = page.evaluate(TITLES)
        assert any("Gradient check" in t["text"] for t in titles)
        assert [t for t in titles if not t["inside"] or t["under_the_mode_bar"] or t["overlaps_another"]] == [], titles

        logic = page.locator(".js-plotly-plot").filter(has_text="Hidden layer of 2")
        axis_titles = logic.first.evaluate("""plot => [...plot.querySelectorAll('text')]
            .filter(text => /^[xy]\\d*title$/.test(text.getAttribute('class'))).map(text => text.textContent)""")
        assert axis_titles.count("x₁") == 6 and axis_titles.count("x₂") == 6, axis_titles
        assert exceptions_on_page(page) == []


# The icons of the training buttons: ligature text, width and font (hidden tooltip copies left out).
ICONS = """() => [...document.querySelectorAll('[class*=st-key-uth_] button [data-testid=stIconMaterial]')]
    .filter(icon => icon.getClientRects().length > 0)
    .map(icon => ({name: icon.innerText, width: icon.getBoundingClientRect().width,
                   font: getComputedStyle(icon).fontFamily}))"""


def test_training_buttons_draw_material_icons(page, app_url):
    open_page(page, app_url, "Under_the_hood")
    page.evaluate("() => document.fonts.ready")
    icons = page.evaluate(ICONS)
    assert {"play_arrow", "pause", "restart_alt"} <= {icon["name"] for icon in icons}, icons
    assert all(10 < icon["width"] < 40 and "Material Symbols" in icon["font"] for icon in icons), icons
