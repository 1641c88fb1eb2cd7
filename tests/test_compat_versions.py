"""nnlab/ui/compat/versions.py: the versions the workarounds were checked on, and one warning on any other."""

from __future__ import annotations

import pytest

from nnlab.ui.compat import versions


@pytest.fixture
def fresh_warnings(monkeypatch):
    monkeypatch.setattr(versions, "_warned", set())


@pytest.mark.parametrize("distribution", sorted(versions.CHECKED_ON))
def test_the_installed_libraries_are_the_versions_checked_and_nothing_is_logged(distribution, fresh_warnings, caplog):
    with caplog.at_level("WARNING", logger="nnlab"):
        assert versions.is_checked_version(distribution, "a workaround")
    assert caplog.records == []


@pytest.mark.parametrize(("version", "series", "same"), [
    ("1.67.0", "1.67", True), ("1.67.12", "1.67", True), ("1.68.0", "1.67", False), ("1.6.7", "1.67", False),
    ("0.13.0", "0.13", True), ("0.130.1", "0.13", False), ("3.15.1", "3.15", True), ("3.1", "3.15", False),
])
def test_a_version_is_in_the_series_when_its_leading_numbers_are(version, series, same):
    assert versions.same_series(version, series) is same


def test_another_version_logs_one_line_per_workaround_and_carries_on(monkeypatch, fresh_warnings, caplog):
    monkeypatch.setitem(versions.CHECKED_ON, "streamlit", "1.66")
    with caplog.at_level("WARNING", logger="nnlab"):
        assert not versions.is_checked_version("streamlit", "a workaround")
        assert not versions.is_checked_version("streamlit", "a workaround")
        assert not versions.is_checked_version("streamlit", "another workaround")
    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 2
    assert "a workaround was checked on streamlit 1.66.x, and streamlit 1.67" in lines[0]
    assert "another workaround" in lines[1]


def test_a_library_that_is_not_installed_is_named_as_missing(monkeypatch, fresh_warnings, caplog):
    monkeypatch.setitem(versions.CHECKED_ON, "nnlab-no-such-library", "1.0")
    with caplog.at_level("WARNING", logger="nnlab"):
        assert not versions.is_checked_version("nnlab-no-such-library", "a workaround")
    assert "no nnlab-no-such-library is installed" in caplog.text


def test_on_another_streamlit_each_page_workaround_warns_once_and_still_works(monkeypatch, fresh_warnings, caplog):
    """The Build page on a 'Streamlit 1.66': one line for the Keras-session fix, and the fix is in place."""
    from streamlit.runtime.scriptrunner import script_runner

    from tests.apptest import run_page

    monkeypatch.setitem(versions.CHECKED_ON, "streamlit", "1.66")
    monkeypatch.setattr(script_runner, "_clean_problem_modules", lambda: None)  # as Streamlit installs it
    with caplog.at_level("WARNING", logger="nnlab"):
        at = run_page("pages/1_Build.py")
    assert not at.exception
    assert getattr(script_runner._clean_problem_modules, "nnlab", False)
    assert caplog.text.count("keeping the Keras session was checked on streamlit 1.66.x") == 1
