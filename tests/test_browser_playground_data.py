"""Real-browser tests of the playground's data: own points added by clicking or tapping the plane, a CSV
uploaded and trained on, a regression set drawn as a continuous output, a touch tablet and a phone."""

import pytest

from nnlab.datasets import make_2d, points_to_csv
from tests.browser import EPOCH_AT_LEAST, exceptions_on_page, open_page, rerun, wait_idle
from tests.layout import cut_text, screen_page

pytestmark = pytest.mark.browser

CANVAS = ".nnlab-plane canvas"  # inside the component's shadow root: Playwright's locators reach it


def shown(page, count: int):
    """The canvas once it draws ``count`` points (own points: all of them, training and test)."""
    canvas = page.locator(f'{CANVAS}[data-points="{count}"]')
    canvas.wait_for()
    return canvas


def choose_dataset(page, title: str) -> None:
    """Pick the data set ``title`` in the sidebar, as a student does (opening the sidebar first on a small screen)."""
    collapsed = page.locator("[data-testid=stSidebar][data-collapsed=true]").count() == 1
    if collapsed:
        page.get_by_test_id("stExpandSidebarButton").click()
        page.locator("[data-testid=stSidebar][data-collapsed=false]").wait_for()
    with rerun(page):
        box = page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").filter(has_text="Dataset").locator("input")
        box.click()
        box.press_sequentially(title)  # the list shows only the options that match (a phone's list is short)
        page.get_by_role("option", name=title, exact=True).click()
    if collapsed:
        page.get_by_test_id("stSidebarCollapseButton").click(force=True)
        page.locator("[data-testid=stSidebar][data-collapsed=true]").wait_for(state="attached")


def own_points(page, app_url) -> int:
    """Open the playground on XOR, switch to "Your own points" (a copy of XOR's 500): their count on the canvas."""
    open_page(page, app_url, "Playground?points=50")
    choose_dataset(page, "Your own points")
    page.get_by_text("50 points (dots train, diamonds test)").wait_for()
    wait_idle(page)
    return int(page.locator(CANVAS).get_attribute("data-points"))


def test_clicking_the_plane_adds_points_of_the_chosen_class_and_erases_them(page, app_url):
    before = own_points(page, app_url)
    assert before == 50  # a copy of the 50 XOR points: every own point is drawn
    page.get_by_test_id("stRadio").get_by_text("green").click()
    wait_idle(page)
    canvas = page.locator(CANVAS)
    box = canvas.bounding_box()
    for fraction in (0.3, 0.5, 0.7):
        with rerun(page):
            canvas.click(position={"x": box["width"] * fraction, "y": box["height"] * 0.4})
    # a new point of class 2 (green) makes it a 3-class problem
    shown(page, 53)
    assert page.get_by_text("sort points into 3 classes").count() == 1
    page.get_by_test_id("stRadio").get_by_text("Erase").click()
    wait_idle(page)
    with rerun(page):
        canvas.click(position={"x": box["width"] * 0.5, "y": box["height"] * 0.4})
    shown(page, 52)
    with rerun(page):
        page.get_by_role("button", name="Clear", exact=True).click()
    page.get_by_text("Add at least two points").wait_for()
    assert exceptions_on_page(page) == []


def test_an_uploaded_csv_is_trained_on_and_a_broken_one_keeps_the_points(page, app_url):
    open_page(page, app_url, "Playground")
    chooser = page.get_by_test_id("stSidebar").get_by_test_id("stFileUploaderDropzoneInput")
    points, labels = make_2d("four_blobs", n=120, seed=4)
    with rerun(page):
        chooser.set_input_files(files=[{"name": "blobs.csv", "mimeType": "text/csv",
                                        "buffer": points_to_csv(points, labels)}])
    shown(page, 120)
    assert page.get_by_text("sort points into 4 classes").count() == 1
    with rerun(page):
        chooser.set_input_files(files=[{"name": "broken.csv", "mimeType": "text/csv",
                                        "buffer": b"x1,x2,label\n1,abc,0\n"}])
    page.get_by_text("broken.csv: Row 2: 'abc' in column x2 is not a number. Your points are unchanged.").wait_for()
    shown(page, 120)
    page.get_by_role("button", name="Play", exact=True).click()
    page.wait_for_function(EPOCH_AT_LEAST, arg=5, timeout=60_000)
    page.get_by_role("button", name="Pause", exact=True).click()
    page.get_by_role("button", name="Play", exact=True).and_(page.locator(":enabled")).wait_for()
    wait_idle(page)
    page.get_by_text("Confusion matrix of the test points").wait_for()
    assert exceptions_on_page(page) == []


def test_the_plane_set_is_a_continuous_output_with_squared_error(page, app_url):
    open_page(page, app_url, "Playground")
    choose_dataset(page, "Plane (regression)")
    page.get_by_text("the loss is the squared error").wait_for()
    chart = page.get_by_test_id("stPlotlyChart").filter(has_text="output")
    chart.locator(".hm image").first.wait_for()  # a heatmap with a colour bar titled "output"
    assert page.get_by_test_id("stMetric").filter(has_text="Typical test error").count() == 1
    page.get_by_role("button", name="Step", exact=True).click()
    page.wait_for_function(EPOCH_AT_LEAST, arg=1, timeout=60_000)
    wait_idle(page)
    assert "±" in page.get_by_test_id("stMetric").filter(has_text="Typical test error").inner_text()
    assert exceptions_on_page(page) == []


def test_a_touch_tablet_adds_points_by_tapping_and_plays(browser, app_url):
    with screen_page(browser, "tablet") as page:
        own_points(page, app_url)
        canvas = page.locator(CANVAS)
        canvas.scroll_into_view_if_needed()
        box = canvas.bounding_box()
        with rerun(page):
            canvas.tap(position={"x": box["width"] * 0.25, "y": box["height"] * 0.25})
        shown(page, 51)
        page.get_by_role("button", name="Play", exact=True).tap()
        page.wait_for_function(EPOCH_AT_LEAST, arg=3, timeout=60_000)
        page.get_by_role("button", name="Pause", exact=True).tap()
        page.get_by_role("button", name="Play", exact=True).and_(page.locator(":enabled")).wait_for()
        wait_idle(page)
        assert cut_text(page) == []
        assert exceptions_on_page(page) == []


def test_a_phone_shows_own_points_in_one_column_with_nothing_cut(browser, app_url):
    with screen_page(browser, "phone") as page:
        own_points(page, app_url)
        assert cut_text(page) == []
        canvas = page.locator(CANVAS).bounding_box()
        assert canvas["x"] >= 0 and canvas["x"] + canvas["width"] <= 390
        assert exceptions_on_page(page) == []
