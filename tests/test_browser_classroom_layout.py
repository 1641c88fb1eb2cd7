"""The Teacher page with a busy class, and the student's class panel: no text cut short, on a laptop (1280 px),
a tablet (768 px) and a phone (390 px). The class is written into the server's store by this test process
(another process on the same SQLite file, as a second server would)."""

import time

import pytest

from nnlab.classroom.store import ClassStore
from nnlab.store.database import Database
from tests.browser import exceptions_on_page, open_page, streamlit_server
from tests.layout import LAPTOP_TABLET_PHONE, cut_text, screen_page

pytestmark = pytest.mark.browser
KEY = "the layout test's teacher key"
LONGEST = "W" * 20  # the widest nickname allowed


@pytest.fixture(scope="module")
def busy_class(tmp_path_factory):
    """A server, and a class of four: one done, one stuck, one away, one with the widest nickname and scores."""
    work = tmp_path_factory.mktemp("class_layout")
    data = work / "data"
    with streamlit_server(work, env={"NNLAB_TEACHER_KEY": KEY, "NNLAB_DATA_DIR": str(data)}) as url:
        store = ClassStore(Database(data / "nnlab.sqlite3"))
        code = store.create_class("Year 11, Tuesday afternoon").code
        now = time.time()
        ada, bob, cy, wide = (store.join(code, name, f"browser-{name}", now=now - 600)
                              for name in ("Ada", "Bob", "Cy", LONGEST))
        store.record_progress(ada, "xor_hidden_layer", 2, True, ["1.1", "1.2", "2.1", "2.2"], now=now)
        store.record_progress(bob, "initialization", 2, False, ["1.1"], now=now - 400)
        store.seen(bob, now=now)  # here, but no progress for almost 7 minutes: stuck
        store.record_progress(cy, "one_neuron", 1, False, now=now - 500)  # not seen since: away
        store.record_progress(wide, "words_as_vectors", 3, False, ["1.1", "2.1"], now=now)
        for member, params, accuracy in ((ada, 113, 0.9731), (wide, 1_201, 0.9112), (bob, 49, 0.8875)):
            store.record_score(member, "spiral_params", params, "hidden 8-8 · epoch 1,234 · noise 10 %")
            store.record_score(member, "mnist_60s", accuracy, "#3 Dense 300-100-10 · 58 s")
            store.record_score(member, "mnist_best", accuracy)
        yield url, code


@pytest.mark.parametrize("screen", LAPTOP_TABLET_PHONE)
def test_the_teachers_board_shows_its_text_whole(browser, busy_class, screen):
    url, code = busy_class
    with screen_page(browser, screen) as page:
        open_page(page, url, "Teacher")
        page.get_by_role("textbox", name="Teacher key").fill(KEY)
        page.get_by_role("button", name="Open").click()
        page.get_by_role("row").filter(has_text=LONGEST).filter(has_text="Words as vectors").wait_for()
        assert page.get_by_role("row").filter(has_text="Bob").filter(has_text="STUCK").count() == 1
        assert page.get_by_role("row").filter(has_text="Cy").filter(has_text="away").count() == 1
        page.get_by_text("No progress for 3 minutes or more: Bob").wait_for()
        assert cut_text(page) == []
        assert exceptions_on_page(page) == []


def test_the_students_class_panel_shows_its_text_whole(browser, busy_class):
    url, code = busy_class
    with screen_page(browser, "laptop") as page:
        open_page(page, url)
        sidebar = page.get_by_test_id("stSidebar")
        sidebar.get_by_text("Join a class").click()
        sidebar.get_by_role("textbox", name="Class code").fill(code)
        sidebar.get_by_role("textbox", name="Nickname").fill("wide" + "W" * 16)
        sidebar.get_by_role("button", name="Join").click()
        sidebar.get_by_text(f"Class {code} as wide").wait_for()
        assert cut_text(page) == []
        sidebar.get_by_role("button", name="Leave").click()
        sidebar.get_by_text("You left the class").wait_for()
        sidebar.get_by_role("textbox", name="Class code").fill(code)
        sidebar.get_by_role("textbox", name="Nickname").fill("Ada")  # taken by another browser
        sidebar.get_by_role("button", name="Join").click()
        sidebar.get_by_text("The nickname 'Ada' is already taken").wait_for()
        assert cut_text(page) == []
        assert exceptions_on_page(page) == []
