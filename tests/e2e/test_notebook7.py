"""Smoke run in Notebook 7 (`jupyter notebook`, page /notebooks/<name>.ipynb)."""

import pytest

from .dom import by_label, read_widget
from .jupyter import WIDGET

pytestmark = pytest.mark.browser

CELLS = ["from gradwidget import Value, GraphWidget\n"
         "a = Value(3.0, label='a'); b = a + a; b.label = 'b'; b.backward()\n"
         "display(GraphWidget(b, start='end'))"]   # drawn at the end of the backward pass


def test_a_plus_a_draws_in_notebook7(notebook7_server, pages):
    page = pages.run(notebook7_server, "nb7_smoke", CELLS)
    assert "/notebooks/nb7_smoke.ipynb" in page.page.url  # really the Notebook 7 page
    assert page.page.locator("#main-panel, .jp-NotebookPanel").count() >= 1
    widget = page.page.locator(WIDGET)
    assert widget.get_attribute("data-state") == "drawn"
    [panel] = read_widget(widget)
    nodes = by_label(panel)
    a, b = nodes["a"], nodes["b"]
    assert [(e["src"], e["dst"]) for e in panel["edges"]] == [(a["id"], b["id"])] * 2
    assert "gw-multi" in a["classes"] and a["grad"]["value"] == "2"
    page.screenshot_widget(widget, "notebook7-a_plus_a")
    page.save_artifacts("notebook7-page")
    assert page.js_errors() == []
