"""The Teach page as a student first sees it on a laptop, a tablet and a phone: no text cut short, no chart
label out of its chart, no exception. (The trained page is checked at the end of tests/test_browser_teach.py.)"""

import pytest

from tests.browser import exceptions_on_page, open_page
from tests.layout import LAPTOP_TABLET_PHONE, chart_label_problems, cut_text, screen_page

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("screen", LAPTOP_TABLET_PHONE)
def test_the_teach_page_shows_its_text_whole(browser, app_url, screen):
    with screen_page(browser, screen) as page:
        open_page(page, app_url, "Teach")
        assert exceptions_on_page(page) == []
        assert cut_text(page) + chart_label_problems(page) == []
