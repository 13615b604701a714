"""Edge labels never overlap a node box, an arrowhead or another edge label, at any step:
checked on screen (getBoundingClientRect of each label's text, each .gw-box, and the
triangle of each edge's arrowhead marker) on the teaching notebooks' graphs and on random
graphs with long numbers (0.0123456, -0.2588, -0.00001234, ...), in JupyterLab."""

import random

import pytest

from gradwidget import replay, snapshot

from .dom import button, drawn_label_count, label_collisions, read_lesson, step_of
from .jupyter import WIDGET
from .reference import NOTEBOOKS, graph_of, lesson_displays

pytestmark = [pytest.mark.browser, pytest.mark.lesson_layer]

VIEWPORT = (1280, 720)
LONG_NUMBERS = [0.0123456, -0.2588, 0.01973, -0.00001234, 1.234567, -3.14159, -0.0731, 0.5]


def random_graph(seed, ops=9):
    """Code of a random graph of `ops` ops over 4 leaves with long numbers, some nodes reused
    and some unlabelled (named by their expression); its root is `root`."""
    rnd = random.Random(seed)
    lines, names = [], []
    for i in range(4):
        lines.append(f"v{i} = Value({rnd.choice(LONG_NUMBERS)!r}, 'x{i}')")
        names.append(f"v{i}")
    for j in range(ops):
        op = rnd.choice(["+", "*", "-", "tanh", "*", "+"])
        if op == "tanh":
            expr = f"{rnd.choice(names[-3:])}.tanh()"
        else:
            expr = f"{rnd.choice(names[-4:])} {op} {rnd.choice(names)}"
        k = len(names)
        lines.append(f"v{k} = {expr}" + (f"; v{k}.label = 'h{j}'" if rnd.random() < 0.6 else ""))
        names.append(f"v{k}")
    lines.append(f"root = {names[-1]} * {names[-2]}; root.label = 'out'")
    return "\n".join(lines) + "\n"


RANDOM = [(seed, view, scale) for seed, view, scale in
          [(1, "compare", 1.0), (2, "overwrite", 1.0), (3, "compare", 1.0), (4, "accumulate", 1.5),
           (5, "compare-eager", 1.0)]]


def step_all(widget, where):
    """Reset, then every step to the end: [] or the label collisions seen, and how many labels
    were drawn in all."""
    button(widget, "Reset").click()
    _, n = step_of(read_lesson(widget)["status"])
    found, drawn = [], 0
    forward = button(widget, "Step forward")
    for k in range(n + 1):
        if k:
            forward.click()
        drawn += drawn_label_count(widget)
        found += [f"{where} step {k}: {c}" for c in label_collisions(widget)]
    return found, drawn


@pytest.mark.parametrize("notebook", ["01_a_plus_a.ipynb", "02_diamond.ipynb", "03_neuron.ipynb",
                                      "04_sliders.ipynb"])
def test_notebook_graphs_labels_overlap_nothing(lab_server, pages, monkeypatch, notebook):
    shown = lesson_displays(monkeypatch, notebook)
    page = pages.run(lab_server, f"geometry_{notebook[:2]}", NOTEBOOKS / notebook, widgets=len(shown),
                     viewport=VIEWPORT)
    widgets = page.page.locator(WIDGET)
    assert widgets.count() == len(shown)
    problems, drawn = [], 0
    for i in range(widgets.count()):
        widget = widgets.nth(i)
        widget.scroll_into_view_if_needed()
        found, count = step_all(widget, f"{notebook} widget {i}")
        problems += found
        drawn += count
        page.screenshot_widget(widget, f"lesson-geometry-{notebook[:2]}-{i}")
    assert drawn, f"{notebook}: no edge label was drawn at any step"
    assert not problems, "\n".join(problems[:20])
    assert page.js_errors() == []


def test_random_graphs_with_long_numbers_labels_overlap_nothing(lab_server, pages):
    cells = ["from gradwidget import Value, GraphWidget"]
    for seed, view, scale in RANDOM:
        cells.append(random_graph(seed) + f"GraphWidget(root, mode={view!r}, scale={scale})")
    page = pages.run(lab_server, "geometry_random", cells, widgets=len(RANDOM), viewport=VIEWPORT)
    problems, drawn = [], 0
    for i, (seed, view, scale) in enumerate(RANDOM):
        root = graph_of(random_graph(seed), "root")
        assert replay(snapshot(root), "accumulate").steps      # something to step through
        widget = page.widget_in_cell(i + 1)
        widget.scroll_into_view_if_needed()
        found, count = step_all(widget, f"random seed {seed} {view} scale {scale}")
        problems += found
        drawn += count
        page.screenshot_widget(widget, f"lesson-geometry-random-{seed}")
    assert drawn
    assert not problems, "\n".join(problems[:20])
    assert page.js_errors() == []
