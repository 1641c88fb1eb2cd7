"""Every page as a student first sees it, on a laptop (1280x800), a touch phone (390x844) and a tablet whose
sidebar stays open (820x1180): no text cut
short, clipped or spilling out of its box (``tests.layout.cut_text``), no chart label outside its chart or
on top of another (``chart_label_problems``), and no Python exception. The Build page's presets have their
own test (tests/test_browser_layout_build.py); pages that play or train are checked in their own states by
their page's layout tests."""

import pytest

from tests.browser import exceptions_on_page, open_page
from tests.layout import LAPTOP_AND_PHONE, VIEWPORTS, chart_label_problems, cut_text

pytestmark = pytest.mark.browser

PAGES = ("", "Playground", "MNIST", "Draw", "Under_the_hood")


@pytest.mark.parametrize("viewport", (*LAPTOP_AND_PHONE, "tablet with the sidebar open"))
def test_every_page_shows_its_text_whole(browser, app_url, viewport):
    context = browser.new_context(**VIEWPORTS[viewport])
    try:
        problems = {}
        for path in PAGES:
            page = context.new_page()
            open_page(page, app_url, path)
            assert exceptions_on_page(page) == [], path
            found = cut_text(page) + chart_label_problems(page)
            if found:
                problems[path or "home"] = found
            page.close()
        assert problems == {}
    finally:
        context.close()
