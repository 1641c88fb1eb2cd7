"""Real-browser test of the lesson player: lesson 2 from the Lessons page; the sidebar shows step n of m,
and a tick once the student adds a hidden layer on the playground; a broken uploaded lesson is refused."""

import pytest

from tests.browser import exceptions_on_page, open_page, rerun, wait_idle
from tests.layout import cut_text, screen_page

pytestmark = pytest.mark.browser


def test_lesson_2_shows_the_step_and_ticks_off_the_hidden_layer(page, app_url):
    open_page(page, app_url, "Lessons")
    card = page.locator(".st-key-lesson_card_xor_hidden_layer")
    with rerun(page):
        card.get_by_role("button", name="Start").click()
    page.get_by_role("heading", name="2D playground").wait_for()  # the step opened its page
    wait_idle(page)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Step 1 of 3 · One unit on XOR").wait_for()
    with rerun(page):
        sidebar.get_by_role("button", name="Next").click()
    sidebar.get_by_text("Step 2 of 3 · Add a hidden layer").wait_for()
    player = page.locator(".st-key-lesson_checks")
    assert player.get_by_text("Done:").count() == 0
    assert "hidden layers ≥ 1 · now 0" in player.inner_text()
    with rerun(page):
        page.get_by_role("button", name="+ layer").click()
    player.get_by_text("Done:").first.wait_for()
    assert "hidden layers ≥ 1" in player.get_by_test_id("stMarkdownContainer").filter(has_text="Done").inner_text()
    assert "check_circle" in player.inner_text()  # the tick (a Material icon)
    assert exceptions_on_page(page) == []


def test_a_broken_lesson_file_is_refused_with_its_line(page, app_url, tmp_path):
    open_page(page, app_url, "Lessons")
    broken = tmp_path / "broken.toml"
    broken.write_text('title = "Mine"\nsummary = "s"\n[[steps]]\ntitle = "t"\npage = "nowhere"\ntext = "t"\n'
                      'task = "t"\n')
    with rerun(page):
        page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(broken))
    page.get_by_text("broken.toml, line 5: no page 'nowhere' in step 1").wait_for()
    good = tmp_path / "mine.toml"
    good.write_text('title = "My own lesson"\nsummary = "s"\n[[steps]]\ntitle = "t"\npage = "draw"\ntext = "t"\n'
                    'task = "t"\n')
    with rerun(page):
        page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(good))
    page.get_by_text("11. My own lesson").wait_for()
    assert exceptions_on_page(page) == []


SIDEBAR_SETTLED = """() => {
  const box = document.querySelector('[data-testid=stSidebar]').getBoundingClientRect();
  const key = `${box.x},${box.width}`, last = window.__nnlabSidebarBox;
  window.__nnlabSidebarBox = key;
  return box.x >= 0 && key === last;
}"""


@pytest.mark.parametrize("screen", ["laptop", "tablet", "phone"])
def test_the_lessons_page_and_the_open_step_show_their_text_whole(browser, app_url, screen):
    with screen_page(browser, screen) as page:
        open_page(page, app_url, "Lessons")
        assert cut_text(page) == []
        with rerun(page):
            page.locator(".st-key-lesson_card_learning_rate").get_by_role("button", name="Start").click()
        page.get_by_role("heading", name="2D playground").wait_for()
        wait_idle(page)
        if screen != "laptop":  # the sidebar is folded away: the line at the top says where the step is
            page.locator(".st-key-lesson_narrow_line").get_by_text("step 1 of 3").wait_for()
            page.get_by_test_id("stExpandSidebarButton").click()
            page.locator("[data-testid=stSidebar][data-collapsed=false]").wait_for()
            # slid in: its left edge at the screen's edge and its width no longer growing (two frames alike)
            page.wait_for_function(SIDEBAR_SETTLED, polling="raf")
        else:
            assert not page.locator(".st-key-lesson_narrow_line").is_visible()
        player = page.locator(".st-key-lesson_player")
        player.get_by_text("Step 1 of 3 · Too small").wait_for()
        assert cut_text(page) == []
        assert exceptions_on_page(page) == []
