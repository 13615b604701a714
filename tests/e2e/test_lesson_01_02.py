"""Lessons 1 and 2 in a real JupyterLab page: the notebooks show the numbers they teach.
Each notebook gets its own page; its graph is also made here by running its code cells."""

import pytest

from .dom import button, by_label, grads
from .reference import NOTEBOOKS, assert_shows, lesson_displays

pytestmark = pytest.mark.browser


def test_lesson_01_a_plus_a(lab_server, pages, monkeypatch):
    [shown] = lesson_displays(monkeypatch, "01_a_plus_a.ipynb")
    assert shown["kwargs"].get("mode") == "compare"
    page = pages.run(lab_server, "lesson01", NOTEBOOKS / "01_a_plus_a.ipynb")
    widget = page.widget_in_cell(shown["code_cell"])
    button(widget, "End").click()                    # a lesson starts before the backward pass
    correct, bug = assert_shows(widget, shown["root"], "compare", "01")
    assert "+=" in correct["title"] and "bug" in bug["title"], (correct["title"], bug["title"])
    a = by_label(correct)["a"]
    assert "gw-multi" in a["classes"]
    assert "gw-multi" not in by_label(correct)["b"]["classes"]
    # The lesson: db/da = 1 + 1 = 2; the bug keeps one contribution: 1.
    assert (a["grad"]["value"], by_label(bug)["a"]["grad"]["value"]) == ("2", "1")
    assert (a["grad"]["text"], by_label(bug)["a"]["grad"]["text"]) == ("2", "1")
    page.screenshot_widget(widget, "classroom-lesson01")
    assert page.js_errors() == []


def test_lesson_02_diamond(lab_server, pages, monkeypatch):
    shown, eager = lesson_displays(monkeypatch, "02_diamond.ipynb")   # the diamond, the eager bug
    page = pages.run(lab_server, "lesson02", NOTEBOOKS / "02_diamond.ipynb", widgets=2)
    widget = page.widget_in_cell(shown["code_cell"])
    button(widget, "End").click()                    # after the forward pass and the backward pass
    correct, bug = assert_shows(widget, shown["root"], shown["kwargs"]["mode"], "02")
    assert grads(correct, "abc") == {"a": 4.0, "b": -4.0, "c": -12.0}   # the lesson's numbers
    assert grads(bug, "abc") == {"a": -6.0, "b": -4.0, "c": -2.0}
    for name in "ac":                                # used twice: two contributions
        assert "gw-multi" in by_label(correct)[name]["classes"], name
    page.screenshot_widget(widget, "classroom-lesson02")
    # The eager bug: both panels at the end show the core's accumulate and eager replays.
    eager_widget = page.widget_in_cell(eager["code_cell"])
    button(eager_widget, "End").click()
    assert_shows(eager_widget, eager["root"], eager["kwargs"]["mode"], "02 eager")
    page.screenshot_widget(eager_widget, "classroom-lesson02-eager")
    assert page.js_errors() == []
