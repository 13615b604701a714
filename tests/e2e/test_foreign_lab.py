"""A student's own Value class in a real JupyterLab page: the lecture's buggy class (`=` in
the backward of `+`) shows the findings banner naming `+`, and at the end of the lesson
its own backward() leaves a.grad at 1 where the chain rule gives 2; the fixed class gets
the positive line. The classes are tests/student_values.py's, typed into a cell.
"""

import inspect
import re

import pytest
from student_values import BuggyValue, FixedValue

from .dom import button, by_label, grads, read_lesson, read_widget, step_of

pytestmark = pytest.mark.browser

CELLS = [
    "import math\n\n" + inspect.getsource(BuggyValue) + "\n\n" + inspect.getsource(FixedValue)
    + "\n\nfrom gradwidget import GraphWidget",
    "a = BuggyValue(3.0, label='a'); b = a + a; b.label = 'b'\nGraphWidget(b)",
    "a2 = FixedValue(3.0, label='a'); b2 = a2 + a2; b2.label = 'b'\nGraphWidget(b2)",
]
BUGGY, FIXED = 1, 2


@pytest.fixture(scope="module")
def lab(lab_server, module_pages):
    return module_pages.run(lab_server, "foreign_lab", CELLS, widgets=2)


def notice_lines(widget):
    return widget.locator(".gw-notice > div").evaluate_all(
        "els => els.map(e => ({source: e.dataset.source, text: e.innerText}))")


def test_the_buggy_class_shows_its_findings_and_its_own_a_grad(lab):
    widget = lab.widget_in_cell(BUGGY)
    assert widget.get_attribute("data-state") == "drawn"
    lines = notice_lines(widget)
    findings = [line for line in lines if line["source"] == "findings"]
    assert len(findings) == 1, lines
    text = findings[0]["text"]
    assert "BuggyValue" in text and "`+` assigns `self.grad = ...`" in text and "use `+=`" in text, text
    assert "`a.grad` is 1 but the chain rule gives 2" in text, text
    assert not [line for line in lines if line["source"] == "checked"], lines

    # Widgets start at step 0: only the output is seeded.
    start = read_widget(widget)
    assert [p["title"] for p in start] == ["correct (+=)", "your backward()"]
    assert [grads(p, ["a", "b"]) for p in start] == [{"a": 0.0, "b": 1.0}] * 2
    button(widget, "End").click()
    lab.page.wait_for_function(
        r"""el => { const m = /Step\s+(\d+)\s*\/\s*(\d+)/.exec(el.querySelector('.gw-step').textContent);
             return !!m && m[1] === m[2]; }""", arg=widget.element_handle(), timeout=10_000)
    k, n = step_of(read_lesson(widget)["status"])
    assert k == n == 1, (k, n)                    # one edge a -> b (their _prev is a set {a})
    accumulate, observed = read_widget(widget)
    assert grads(accumulate, ["a", "b"]) == {"a": 2.0, "b": 1.0}
    assert grads(observed, ["a", "b"]) == {"a": 1.0, "b": 1.0}   # their a.grad: the bug
    assert by_label(observed)["a"]["grad"]["text"] == "1"
    shot = lab.screenshot_widget(widget, "foreign-lab-buggy-a-plus-a")
    assert shot.exists()
    assert lab.js_errors() == []


def test_the_fixed_class_gets_the_positive_line(lab):
    widget = lab.widget_in_cell(FIXED)
    lines = notice_lines(widget)
    assert [line["source"] for line in lines] == ["checked"], lines
    assert re.search(r"accumulate: every gradient matches the chain rule", lines[0]["text"]), lines
    button(widget, "End").click()
    lab.page.wait_for_timeout(200)
    accumulate, observed = read_widget(widget)
    assert grads(accumulate, ["a"]) == grads(observed, ["a"]) == {"a": 2.0}
    lab.screenshot_widget(widget, "foreign-lab-fixed-a-plus-a")


def test_their_objects_were_left_as_they_were(lab):
    lab.run_new_cell("print(a.grad, b.grad, a2.grad, b2.grad)")
    assert lab.last_stdout().split() == ["0.0"] * 4
