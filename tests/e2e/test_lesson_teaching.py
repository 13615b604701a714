"""The teaching notebooks use the lesson layer: every graph of lessons 1-3 is walked step by
step in a real JupyterLab page (status, grads, edge labels, narration against the core),
lesson 1 shows the lost 1 on its edge, and the notebooks' text matches the page."""

import re

import nbformat
import pytest

from .dom import button, read_lesson
from .reference import NOTEBOOKS, PANEL_MODES, closed_groups, lesson_displays, lesson_plan, plain, walk

pytestmark = pytest.mark.lesson_layer

VIEWPORT = (1280, 720)


def markdown(name):
    return "\n".join(c.source for c in nbformat.read(NOTEBOOKS / name, as_version=4).cells
                     if c.cell_type == "markdown")


def test_lesson_texts_match_the_page():
    """Compare mode's panels stand side by side or stack: the text must not say left/right
    panel; lesson 1 explains stepping and the lost contribution; lesson 3 the projector."""
    for name in ("01_a_plus_a.ipynb", "02_diamond.ipynb", "04_sliders.ipynb"):
        text = markdown(name).lower()
        assert not re.search(r"\b(left|right)\b[^.]*\bpanel", text), f"{name} says left/right panel"
    one = markdown("01_a_plus_a.ipynb").lower()
    assert "step forward" in one and "lost" in one, "lesson 1 must explain stepping and the lost term"
    assert "scale=1.5" in markdown("03_neuron.ipynb"), "lesson 3 must mention the projector setting"


@pytest.mark.browser
@pytest.mark.parametrize("notebook", ["01_a_plus_a.ipynb", "02_diamond.ipynb", "03_neuron.ipynb"])
def test_lesson_graphs_play_step_by_step(lab_server, pages, monkeypatch, notebook):
    shown = [s for s in lesson_displays(monkeypatch, notebook) if s["kind"] == "graph"]
    page = pages.run(lab_server, f"teaching_{notebook[:2]}", NOTEBOOKS / notebook, widgets=len(shown),
                     viewport=VIEWPORT)
    # A graph drawn with a closed group plays box to box: test_groups_lab.py walks those.
    scalar = [s for s in shown if not closed_groups(s["root"], s["kwargs"])]
    assert scalar, f"{notebook} shows no graph value by value"
    for s in scalar:
        kwargs = s["kwargs"]
        view = kwargs.get("mode", "accumulate")
        plan = lesson_plan(s["root"], view, forward=kwargs.get("forward", False))
        widget = page.widget_in_cell(s["code_cell"])
        widget.scroll_into_view_if_needed()
        k0 = plan["length"] if kwargs.get("start") == "end" else 0
        walk(widget, plan, f"{notebook} cell {s['code_cell']} ({view})", k0=k0)
        page.screenshot_widget(widget, f"lesson-teaching-{notebook[:2]}-{s['code_cell']}")
    assert page.js_errors() == []


@pytest.mark.browser
def test_lesson_01_shows_the_lost_1_on_its_edge(lab_server, pages, monkeypatch):
    shown = [s for s in lesson_displays(monkeypatch, "01_a_plus_a.ipynb") if s["kind"] == "graph"]
    bugs = [s for s in shown if "overwrite" in PANEL_MODES[s["kwargs"].get("mode", "accumulate")]]
    assert bugs, "lesson 1 shows no widget with the = bug (overwrite or compare)"
    page = pages.run(lab_server, "teaching_01_lost", NOTEBOOKS / "01_a_plus_a.ipynb", widgets=len(shown),
                     viewport=VIEWPORT)
    for s in bugs:
        widget = page.widget_in_cell(s["code_cell"])
        button(widget, "End").click()
        panels = read_lesson(widget)["panels"]
        bug = panels[PANEL_MODES[s["kwargs"].get("mode", "accumulate")].index("overwrite")]
        texts = sorted(plain(label["text"]) for label in bug["labels"])
        lost = [label for label in bug["labels"] if label["lost"]]
        assert len(lost) == 1 and re.fullmatch(r"lost\s*1", plain(lost[0]["text"])), texts
        assert any(re.fullmatch(r"=\s*1", t) for t in texts), texts
        page.screenshot_widget(widget, "lesson-teaching-01-lost")
