"""The classroom features in a real JupyterLab page (headless Chromium): the teaching
notebooks, sliders moved with real mouse and keyboard input, `interact`, and the training view.

Expected numbers are never written down here (except the lessons' own numbers, which the
notebooks print): they are computed in this process with gradwidget itself (`snapshot`,
`replay`, `Value.forward`), for the slider positions the page shows. A lesson's graphs are
made by running its code cells here, with `GraphWidget` and `interact` replaced by recorders.

Pages: notebooks/01, 02 and 05 each get their own page; notebooks/04 and a "classroom"
notebook written here are each run once and shared by the tests of this module.
"""

import inspect
import json
import math
import shutil
import time

import nbformat
import pytest

import gradwidget
from gradwidget import Value, replay, snapshot

from .dom import (by_label, click_slider, drag_slider, geometry, nodes_kept, numbers, read_widget,
                  record_inputs, recorded_inputs, same_geometry, shown_shape, slider, slider_error,
                  slider_list, slider_point, slider_value, tag_nodes, wait_slider_settled)
from .jupyter import ARTIFACTS, REPO, WIDGET, open_and_run

pytestmark = pytest.mark.browser

NOTEBOOKS = REPO / "notebooks"
PANEL_MODES = {"accumulate": ["accumulate"], "overwrite": ["overwrite"],
               "compare": ["accumulate", "overwrite"]}


# ---- the reference: gradwidget in this process ---------------------------------------------

def core(root):
    """(structure, data, {mode: grad}) of the graph under `root`, as the kernel computes them."""
    snap = snapshot(root)
    return snap.structure(), snap.data(), {m: replay(snap, m).grad for m in ("accumulate", "overwrite")}


def with_leaves(root, values):
    """Sets the leaves labelled like the keys of `values` and re-evaluates `root`."""
    leaves = {v.label: v for v in root.topo() if not v.children}
    for name, x in values.items():
        leaves[name].data = float(x)
    return root.forward()


def fmt_close(text, value):
    """The formatted text shows `value` (4 significant digits)."""
    return text != "—" and math.isclose(float(text), value, rel_tol=1e-3, abs_tol=1e-300)


def assert_shows(widget, root, mode, where):
    """Every panel of `widget` shows the graph of `root`, its data and the replayed grads of
    its mode (both modes in compare), to full precision; returns the read_widget() panels."""
    structure, data, grad = core(root)
    panels = read_widget(widget)
    modes = PANEL_MODES[mode]
    assert len(panels) == len(modes), f"{where}: {len(panels)} panels for mode {mode}"
    want_nodes = {n["id"]: n["label"] for n in structure["nodes"]}
    want_edges = sorted((e["src"], e["dst"]) for e in structure["edges"])
    for panel, m in zip(panels, modes):
        assert {n["id"]: n["label"] for n in panel["nodes"]} == want_nodes, f"{where}: {m} panel nodes"
        assert sorted((e["src"], e["dst"]) for e in panel["edges"]) == want_edges, f"{where}: {m} edges"
        expected = {i: (data[i], grad[m][i]) for i in range(len(data))}
        shown = numbers(panel)
        wrong = {i: (shown[i], expected[i]) for i in expected if shown.get(i) != expected[i]}
        assert not wrong, f"{where}: {m} panel, node id: (shown (data, grad), core (data, grad)): {wrong}"
        for n in panel["nodes"]:
            assert fmt_close(n["data"]["text"], float(n["data"]["value"])), (where, n)
            assert fmt_close(n["grad"]["text"], float(n["grad"]["value"])), (where, n)
    return panels


def positions(widget):
    return {s["name"]: s["value"] for s in slider_list(widget)}


# ---- a lesson's code, run here --------------------------------------------------------------

def lesson_displays(monkeypatch, name):
    """Runs the code cells of notebooks/<name> in this process with GraphWidget and interact
    replaced by recorders. Returns [{code_cell, kind: "graph"|"interact", ...}] in order."""
    shown = []
    cell = {"index": None}

    class RecordedGraph:
        def __init__(self, root, **kwargs):
            shown.append({"code_cell": cell["index"], "kind": "graph", "root": root, "kwargs": kwargs})

    def recorded_interact(f, **ranges):
        shown.append({"code_cell": cell["index"], "kind": "interact", "f": f, "ranges": ranges})

    monkeypatch.setattr(gradwidget, "GraphWidget", RecordedGraph, raising=False)
    monkeypatch.setattr(gradwidget, "interact", recorded_interact)
    namespace = {"__name__": "__lesson__"}
    code_cells = [c for c in nbformat.read(NOTEBOOKS / name, as_version=4).cells if c.cell_type == "code"]
    for i, c in enumerate(code_cells):
        cell["index"] = i
        exec(compile(c.source, f"{name}[{i}]", "exec"), namespace)
    return shown


def interact_start(f, ranges):
    """Where interact() starts each slider: f's default, else the middle of the range."""
    defaults = {k: p.default for k, p in inspect.signature(f).parameters.items()
                if p.default is not inspect.Parameter.empty}
    return {k: float(defaults.get(k, (spec[0] + spec[1]) / 2)) for k, spec in ranges.items()}


def widget_in_cell(page, code_cell):
    widget = page.page.locator(".jp-CodeCell").nth(code_cell).locator(WIDGET)
    assert widget.count() == 1, f"code cell {code_cell} shows {widget.count()} widgets"
    return widget


def shoot(page, widget, tag):
    widget.scroll_into_view_if_needed()
    page.page.wait_for_timeout(150)
    return page.screenshot_widget(widget, f"classroom-{tag}")


def last_stdout(page):
    return page.page.evaluate(
        """() => { const cells = window.jupyterapp.shell.currentWidget.content.widgets;
                   const outs = cells[cells.length - 1].model.outputs.toJSON();
                   return outs.filter(o => o.name === 'stdout').map(o => o.text).join(''); }""")


def kernel_json(page, expression, setup=""):
    """Runs a new cell (`setup`, then printing json.dumps(expression)); returns it parsed."""
    page.run_new_cell(f"{setup}\nimport json as _json\nprint(_json.dumps({expression}))")
    return json.loads(last_stdout(page).strip().splitlines()[-1])


def open_lesson(server, pages, name, widgets):
    page = pages.new(server, name)
    shutil.copy(NOTEBOOKS / name, server.root / name)
    open_and_run(page, name, widgets=widgets)
    return page


# ---- 1. the lessons show their numbers -------------------------------------------------------

def test_lesson_01_a_plus_a(lab_server, pages, monkeypatch):
    [shown] = lesson_displays(monkeypatch, "01_a_plus_a.ipynb")
    assert shown["kwargs"].get("mode") == "compare"
    page = open_lesson(lab_server, pages, "01_a_plus_a.ipynb", widgets=1)
    widget = widget_in_cell(page, shown["code_cell"])
    correct, bug = assert_shows(widget, shown["root"], "compare", "01")
    assert "+=" in correct["title"] and "bug" in bug["title"], (correct["title"], bug["title"])
    a = by_label(correct)["a"]
    assert "gw-multi" in a["classes"]
    assert "gw-multi" not in by_label(correct)["b"]["classes"]
    # The lesson: db/da = 1 + 1 = 2; the bug keeps one contribution: 1.
    assert (a["grad"]["value"], by_label(bug)["a"]["grad"]["value"]) == ("2", "1")
    assert (a["grad"]["text"], by_label(bug)["a"]["grad"]["text"]) == ("2", "1")
    shoot(page, widget, "lesson01")
    assert page.js_errors() == []


def test_lesson_02_diamond(lab_server, pages, monkeypatch):
    [shown] = lesson_displays(monkeypatch, "02_diamond.ipynb")
    page = open_lesson(lab_server, pages, "02_diamond.ipynb", widgets=1)
    widget = widget_in_cell(page, shown["code_cell"])
    correct, bug = assert_shows(widget, shown["root"], shown["kwargs"]["mode"], "02")
    grads = lambda panel: tuple(float(by_label(panel)[k]["grad"]["value"]) for k in "abc")  # noqa: E731
    assert grads(correct) == (4.0, -4.0, -12.0)      # the lesson's numbers
    assert grads(bug) == (-6.0, -4.0, -2.0)
    for name in "ac":                                # used twice: two contributions
        assert "gw-multi" in by_label(correct)[name]["classes"], name
    shoot(page, widget, "lesson02")
    assert page.js_errors() == []


@pytest.fixture(scope="module")
def lesson04(lab_server, module_pages):
    """notebooks/04_sliders.ipynb, run once; `initial` is read before any test moves a slider."""
    page = module_pages.new(lab_server, "lesson04")
    shutil.copy(NOTEBOOKS / "04_sliders.ipynb", lab_server.root / "04_sliders.ipynb")
    open_and_run(page, "04_sliders.ipynb", widgets=3)
    widgets = page.page.locator(WIDGET)
    page.initial = [{"state": widgets.nth(i).get_attribute("data-state"),
                     "sliders": slider_list(widgets.nth(i)),
                     "panels": read_widget(widgets.nth(i))} for i in range(widgets.count())]
    page.page.locator(".jp-CodeCell").first.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.page.screenshot(path=str(ARTIFACTS / "classroom-lesson04-page.png"))
    return page


@pytest.fixture
def lesson04_code(monkeypatch):
    """The three displays of notebook 04 (neuron, diamond, interact), made in this process."""
    shown = lesson_displays(monkeypatch, "04_sliders.ipynb")
    assert [s["kind"] for s in shown] == ["graph", "graph", "interact"], shown
    return shown


def test_lesson_04_sliders_are_there(lesson04, lesson04_code):
    assert len(lesson04.initial) == len(lesson04_code) == 3
    for shown, initial in zip(lesson04_code, lesson04.initial):
        widget = widget_in_cell(lesson04, shown["code_cell"])
        assert widget.count() == 1
        assert initial["state"] == "drawn", initial["state"]
        if shown["kind"] == "graph":
            ranges, root = shown["kwargs"]["sliders"], shown["root"]
            leaves = {v.label: v.data for v in root.topo() if not v.children}
            start = {name: leaves[name] for name in ranges}
            mode = shown["kwargs"].get("mode", "accumulate")
        else:
            ranges = shown["ranges"]
            start = interact_start(shown["f"], ranges)
            root, mode = shown["f"](**start), "accumulate"
        # One slider per leaf the notebook names, in its order, with its range and value.
        sliders = initial["sliders"]
        assert [s["name"] for s in sliders] == list(ranges), sliders
        assert [s["label"] for s in sliders] == list(ranges)
        for s in sliders:
            spec = ranges[s["name"]]
            assert (s["min"], s["max"]) == (spec[0], spec[1]), s
            if len(spec) == 3:
                assert s["step"] == pytest.approx(spec[2]), s
            assert abs(s["value"] - start[s["name"]]) <= s["step"] / 2 + 1e-9, (s, start)
            assert fmt_close(s["output"], start[s["name"]]), (s, start)
        # The graph is drawn with the numbers the core computes at the start values.
        structure, data, grad = core(root)
        assert len(initial["panels"]) == len(PANEL_MODES[mode])
        for panel, m in zip(initial["panels"], PANEL_MODES[mode]):
            assert {n["id"]: n["label"] for n in panel["nodes"]} == \
                {n["id"]: n["label"] for n in structure["nodes"]}
            assert numbers(panel) == {i: (data[i], grad[m][i]) for i in range(len(data))}, (shown["kind"], m)
            assert len(panel["edges"]) == len(structure["edges"])
    assert lesson04.js_errors() == []


# ---- the classroom notebook: a diamond with sliders, log, and a slow kernel --------------------

SLOW = 0.15  # s the kernel spends on each slide message of the diamond (see below)
DIAMOND = "a, b, c = Value(2.0, 'a'), Value(3.0, 'b'), Value(4.0, 'c')\nL = (a*b + c)*(a - c); L.label = 'L'\n"
DIAMOND_SLIDERS = {"a": (-3, 3, 0.1), "b": (-3, 3, 0.1), "c": (-5, 5, 0.1)}
LOG = "x = Value(1.0, 'x'); y = x.log(); y.label = 'y'\n"
LOG_SLIDERS = {"x": (-1, 3, 0.1)}

CLASSROOM = [
    ("imports", "import json, time\nfrom gradwidget import Value, GraphWidget"),
    # A second message handler makes the kernel slower than the mouse: it logs every slide
    # message (the kernel round trips) and sleeps after the widget has answered, so the
    # page's next message waits in the kernel's queue. Moves made meanwhile must be merged.
    ("diamond", DIAMOND + f"w = GraphWidget(L, sliders={DIAMOND_SLIDERS!r})\n"
                "slides = []\n"
                "def slow(widget, content, buffers):\n"
                "    if isinstance(content, dict) and content.get('type') == 'slide':\n"
                "        slides.append(content)\n"
                f"        time.sleep({SLOW})\n"
                "w.on_msg(slow)\nw"),
    ("log", LOG + f"GraphWidget(y, sliders={LOG_SLIDERS!r})"),
]
CLASSROOM_INDEX = {key: i for i, (key, _) in enumerate(CLASSROOM)}


def graph_of(code, root_name):
    namespace = {"Value": Value}
    exec(code, namespace)
    return namespace[root_name]


@pytest.fixture(scope="module")
def classroom(lab_server, module_pages):
    page = module_pages.new(lab_server, "classroom")
    path = lab_server.write_notebook("classroom.ipynb", [code for _, code in CLASSROOM])
    open_and_run(page, path, widgets=2)
    return page


def classroom_widget(page, key):
    return widget_in_cell(page, CLASSROOM_INDEX[key])


def front(page):
    """The shared pages live side by side: a page in the background gets its timers and
    frames throttled (about 1 s per setTimeout), so each test brings its page to the front."""
    page.page.bring_to_front()
    return page.page


def check_moved(widget, root, mode, before, where):
    """After a slider move: no error, the core's numbers at the sliders' positions, nothing
    moved or recreated."""
    assert slider_error(widget) == "", f"{where}: {slider_error(widget)}"
    panels = assert_shows(widget, with_leaves(root, positions(widget)), mode, where)
    assert same_geometry(before, geometry(widget)) == [], f"{where}: nodes moved"
    assert nodes_kept(widget), f"{where}: node elements were recreated (relayout)"
    return panels


# ---- 2. sliders: numbers follow, nodes stay -------------------------------------------------

def test_slider_click_drag_and_keys_update_numbers_not_layout(classroom):
    page = front(classroom)
    widget = classroom_widget(classroom, "diamond")
    L = graph_of(DIAMOND, "L")
    assert [s["name"] for s in slider_list(widget)] == list(DIAMOND_SLIDERS)
    assert_shows(widget, with_leaves(L, positions(widget)), "accumulate", "start")
    tag_nodes(widget)
    before = geometry(widget)

    # A click on a's track: the thumb jumps there (one input event).
    start = slider_value(widget, "a")
    moved = click_slider(page, widget, "a", -1.5)
    assert moved != start and moved < 0, (start, moved)
    wait_slider_settled(widget, "a")
    check_moved(widget, L, "accumulate", before, f"click a -> {moved}")
    shoot(classroom, widget, "diamond_after_click")

    # A slow drag of b's thumb (a few input events).
    start = slider_value(widget, "b")
    moved = drag_slider(page, widget, "b", -2.0, steps=6)
    assert moved != start, (start, moved)
    wait_slider_settled(widget, "b")
    check_moved(widget, L, "accumulate", before, f"drag b -> {moved}")

    # The keyboard: click the thumb (focus), then PageUp / PageDown.
    page.mouse.click(*slider_point(widget, "a", slider_value(widget, "a")))
    start = slider_value(widget, "a")
    page.keyboard.press("PageUp")
    up = slider_value(widget, "a")
    assert up > start, (start, up)
    wait_slider_settled(widget, "a")
    check_moved(widget, L, "accumulate", before, f"PageUp a -> {up}")
    page.keyboard.press("PageDown")
    page.keyboard.press("PageDown")
    down = slider_value(widget, "a")
    assert down < up, (up, down)
    wait_slider_settled(widget, "a")
    check_moved(widget, L, "accumulate", before, f"PageDown x2 a -> {down}")
    shoot(classroom, widget, "diamond_after_keys")
    assert classroom.js_errors() == []


def test_fast_drag_is_merged_and_ends_at_the_last_position(classroom):
    page = front(classroom)
    widget = classroom_widget(classroom, "diamond")
    L = graph_of(DIAMOND, "L")
    tag_nodes(widget)
    before = geometry(widget)
    record_inputs(widget, "c")
    start = slider_value(widget, "c")
    target = -4.5 if start > 0 else 4.5

    t0 = time.monotonic()
    final = drag_slider(page, widget, "c", target, steps=40)   # no waiting between moves
    t_up = time.monotonic()
    quiet_ms = 300
    wait_slider_settled(widget, "c", quiet=quiet_ms, timeout=20_000)
    settle_s = time.monotonic() - t_up - quiet_ms / 1000
    events = len(recorded_inputs(widget, "c"))
    drag_s = t_up - t0

    assert abs(final - target) <= 0.15, (start, target, final)
    assert events >= 20, f"only {events} input events for a 40-move drag"
    # The final state is the core's at the final position, and it stays so.
    check_moved(widget, L, "accumulate", before, f"fast drag c -> {final}")
    shown = numbers(read_widget(widget)[0])
    page.wait_for_timeout(400)
    assert numbers(read_widget(widget)[0]) == shown, "a late (stale) update arrived after the drag settled"
    assert slider_value(widget, "c") == final

    # The kernel got few messages, in order, the last one at the final position.
    slides = [s for s in kernel_json(classroom, "slides") if "c" in s["values"]]
    seqs = [s["seq"] for s in slides]
    assert seqs == sorted(set(seqs)), seqs
    assert slides and slides[-1]["values"]["c"] == final, (slides[-1:], final)
    assert len(slides) < events, f"{len(slides)} kernel round trips for {events} input events: nothing merged"
    # Each round trip takes >= SLOW s: at most one per SLOW s of dragging, plus the one in
    # flight and the merged rest.
    assert len(slides) <= drag_s / SLOW + 3, (len(slides), drag_s)
    # No backlog: the page was up to date a couple of round trips after the mouse was released.
    assert settle_s < 2.0, f"settled {settle_s:.2f} s after the drag ({events} events, {len(slides)} slides)"
    print(f"fast drag: {events} input events in {drag_s:.2f} s -> {len(slides)} kernel round trips, "
          f"settled {settle_s * 1000:.0f} ms after release")
    shoot(classroom, widget, "diamond_after_fast_drag")
    assert classroom.js_errors() == []


def test_compare_mode_panels_follow_the_sliders(lesson04, lesson04_code):
    page = front(lesson04)
    shown = lesson04_code[1]
    assert shown["kwargs"]["mode"] == "compare"
    L = shown["root"]
    widget = widget_in_cell(lesson04, shown["code_cell"])
    assert len(read_widget(widget)) == 2
    tag_nodes(widget)
    before = geometry(widget)

    start = slider_value(widget, "a")
    moved = click_slider(page, widget, "a", -1.2)
    assert moved != start, (start, moved)
    wait_slider_settled(widget, "a")
    correct, bug = check_moved(widget, L, "compare", before, f"compare: click a -> {moved}")
    # The bug panel is the core's overwrite replay (checked above); it differs from the correct one.
    assert numbers(correct) != numbers(bug)

    start = slider_value(widget, "c")
    final = drag_slider(page, widget, "c", -3.0 if start > 0 else 3.0, steps=30)
    assert final != start, (start, final)
    wait_slider_settled(widget, "c", quiet=300, timeout=20_000)
    check_moved(widget, L, "compare", before, f"compare: fast drag c -> {final}")
    shoot(lesson04, widget, "compare_after_drag")
    assert lesson04.js_errors() == []


# ---- 3. a move into an undefined region ------------------------------------------------------

def test_slider_into_log_of_negative_shows_error_and_goes_back(classroom):
    page = front(classroom)
    widget = classroom_widget(classroom, "log")
    y = graph_of(LOG, "y")
    tag_nodes(widget)
    before = geometry(widget)
    assert slider_error(widget) == ""

    # A good move first (PageUp), so "the last good value" is one the page moved to.
    page.mouse.click(*slider_point(widget, "x", slider_value(widget, "x")))
    page.keyboard.press("PageUp")
    good = slider_value(widget, "x")
    assert good > 0
    wait_slider_settled(widget, "x")
    check_moved(widget, y, "accumulate", before, f"PageUp x -> {good}")
    numbers_good = numbers(read_widget(widget)[0])

    # Home: one jump to the minimum (-1): log is undefined there. (The kernel may answer and
    # the page put the slider back before we look: the input event is what says it moved.)
    record_inputs(widget, "x")
    page.keyboard.press("Home")
    assert recorded_inputs(widget, "x") == [-1.0]
    page.wait_for_function("(el) => (el.querySelector('.gw-slider-error') || {}).textContent",
                           arg=widget.element_handle(), timeout=10_000)
    wait_slider_settled(widget, "x")
    error = slider_error(widget)
    assert "log" in error, error
    assert slider_value(widget, "x") == good, "the slider was not put back to the last good value"
    assert positions(widget)["x"] == good
    assert numbers(read_widget(widget)[0]) == numbers_good, "the numbers changed after an error"
    assert same_geometry(before, geometry(widget)) == [] and nodes_kept(widget)
    assert widget.get_attribute("data-state") == "drawn"
    shoot(classroom, widget, "log_error")

    # A good move clears the error.
    page.mouse.click(*slider_point(widget, "x", 2.0))
    wait_slider_settled(widget, "x")
    check_moved(widget, y, "accumulate", before, f"x back to {slider_value(widget, 'x')}")

    # A real drag to the far left: through good values into bad ones. It ends on the last
    # value the kernel accepted, with the error shown and the core's numbers there.
    drag_slider(page, widget, "x", -1.0, steps=25)
    wait_slider_settled(widget, "x", quiet=300, timeout=20_000)
    error = slider_error(widget)
    assert "log" in error, error
    last_good = slider_value(widget, "x")
    assert 0 < last_good < 2.0, last_good
    assert_shows(widget, with_leaves(y, {"x": last_good}), "accumulate", f"drag x below 0, back at {last_good}")
    assert same_geometry(before, geometry(widget)) == [] and nodes_kept(widget)
    shoot(classroom, widget, "log_error_after_drag")
    assert classroom.js_errors() == []


# ---- 4. interact: relayout only when the shape changes ---------------------------------------

def test_interact_relays_out_only_when_the_shape_changes(lesson04, lesson04_code):
    page = front(lesson04)
    shown = lesson04_code[2]
    f = shown["f"]
    widget = widget_in_cell(lesson04, shown["code_cell"])
    assert [s["name"] for s in slider_list(widget)] == list(shown["ranges"])

    def expect(where):
        root = f(**positions(widget))
        assert_shows(widget, root, "accumulate", where)
        structure = snapshot(root).structure()
        shape = shown_shape(widget)
        assert sorted((n["id"], n["label"], n["op"]) for n in shape["nodes"]) == \
            sorted((n["id"], n["label"], n["op"]) for n in structure["nodes"]), where
        return shape

    def move(to, relayout, how):
        was = slider_value(widget, "x")
        side = was > 0
        tag_nodes(widget)
        old_geometry, old_shape = geometry(widget), shown_shape(widget)
        moved = how(to)
        assert moved != was, f"the slider did not move from {was}"
        assert (moved > 0) == (not relayout if side else relayout), (moved, side, relayout)
        wait_slider_settled(widget, "x", quiet=300)
        shape = expect(f"x -> {moved}")
        if relayout:
            assert not nodes_kept(widget), f"x -> {moved}: crossing 0 did not relay out"
            ops = lambda s: sorted(n["op"] for n in s["nodes"])  # noqa: E731
            assert (ops(shape), len(shape["edges"])) != (ops(old_shape), len(old_shape["edges"]))
        else:
            assert nodes_kept(widget), f"x -> {moved}: relaid out within one side"
            assert same_geometry(old_geometry, geometry(widget)) == [], f"x -> {moved}: nodes moved"
        assert slider_error(widget) == ""
        return moved

    click = lambda to: click_slider(page, widget, "x", to)                  # noqa: E731
    drag = lambda to: drag_slider(page, widget, "x", to, steps=6)           # noqa: E731
    if slider_value(widget, "x") <= 0:
        click(1.0)
        wait_slider_settled(widget, "x", quiet=300)
    expect("start")
    move(1.6, relayout=False, how=click)
    shoot(lesson04, widget, "interact_positive")
    move(-1.0, relayout=True, how=drag)
    shoot(lesson04, widget, "interact_negative")
    move(-1.8, relayout=False, how=drag)
    move(0.5, relayout=True, how=click)
    assert lesson04.js_errors() == []


# ---- 5. the training view -----------------------------------------------------------------

def run_from(page, cell, command, done, timeout=120):
    """Makes `cell` the active cell, runs the Lab command (e.g. notebook:run-all-above), and
    waits until the first `done` code cells have run (raising if one of them raised)."""
    run_started = """([cell, command]) => { const nb = window.jupyterapp.shell.currentWidget.content;
        nb.activeCellIndex = cell; return window.jupyterapp.commands.execute(command); }"""
    before = [st["count"] for st in page.cell_states()]
    for _attempt in range(3):   # as NotebookPage.run_all: a command sent early can be lost
        page.page.evaluate(run_started, [cell, command])
        started = time.monotonic()
        while time.monotonic() - started < 5:
            states = page.cell_states()
            if any(st["busy"] or st["count"] != was for st, was in zip(states, before)):
                break
            time.sleep(0.05)
        else:
            continue
        break
    deadline = time.monotonic() + timeout
    while True:
        states = page.cell_states()[:done]
        errors = [e for s in states for e in s["errors"]]
        assert not errors, "a notebook cell raised:\n" + "\n".join(errors)
        if all(s["count"] is not None and not s["busy"] for s in states):
            return
        assert time.monotonic() < deadline, f"{command} from cell {cell}: cells not done: {states}"
        time.sleep(0.1)


# Records, while the notebook runs: each loss plot redraw (its data-points), each update of
# the first graph's numbers (the example graph), whether cells were still running then, and
# the longest gap between 20 ms timer ticks (a blocked main thread).
_JS_WATCH_TRAINING = """() => {
  const rec = window.__gwTraining = {points: [], graphUpdates: [], maxGap: 0, last: performance.now()};
  setInterval(() => { const t = performance.now(); rec.maxGap = Math.max(rec.maxGap, t - rec.last); rec.last = t; }, 20);
  const busy = () => [...document.querySelectorAll('.jp-InputPrompt')].some(p => p.textContent.includes('*'));
  new MutationObserver((ms) => {
    const b = busy();
    for (const m of ms) if (m.attributeName === 'data-points')
      rec.points.push({points: Number(m.target.dataset.points), busy: b});
    const example = document.querySelector('.gradwidget');
    if (ms.some(m => m.attributeName === 'data-value' && m.target.classList.contains('gw-data') && example && example.contains(m.target)))
      rec.graphUpdates.push({busy: b, points: rec.points.length ? rec.points[rec.points.length - 1].points : 0});
  }).observe(document.body, {subtree: true, attributes: true, attributeFilter: ['data-points', 'data-value']});
}"""


def test_training_view_live_loss_and_summary_of_full_batch_loss(lab_server, pages):
    # The example graph's shape, from the notebook's own model code run here (no training).
    cells = nbformat.read(NOTEBOOKS / "05_training.ipynb", as_version=4).cells
    code = [c.source for c in cells if c.cell_type == "code"]
    namespace = {}
    exec(code[0], namespace)
    example = snapshot(namespace["model"](namespace["X"][0])).structure()
    loop_cell = next(i for i, c in enumerate(cells) if c.cell_type == "code" and "view.update(" in c.source)
    loop_code_cell = [i for i, c in enumerate(cells) if c.cell_type == "code"].index(loop_cell)

    page = pages.new(lab_server, "training")
    shutil.copy(NOTEBOOKS / "05_training.ipynb", lab_server.root / "05_training.ipynb")
    page.open("05_training.ipynb")
    # As in class: run the cells that show the view, and once its example graph is drawn,
    # the training loop and what follows.
    run_from(page, loop_cell, "notebook:run-all-above", done=loop_code_cell)
    page.wait_widgets(1)
    page.page.evaluate(_JS_WATCH_TRAINING)
    run_from(page, loop_cell, "notebook:run-all-below", done=len(code))
    page.wait_widgets(2)
    t = time.monotonic()
    page.page.evaluate("() => 1")
    evaluate_s = time.monotonic() - t
    rec = page.page.evaluate("() => window.__gwTraining")

    kernel = kernel_json(page, "{'losses': view.plot.losses, 'redraws': view.redraws, "
                               "'example_out': model(X[0]).data, 'big': [len(big), len(big.edges)]}",
                         setup="from gradwidget import snapshot\nbig = snapshot(total_loss()[0])")

    # The loss plot grew while the loop ran, up to every step.
    points = [r["points"] for r in rec["points"]]
    assert points == sorted(points), points
    n = len(kernel["losses"])
    live = sorted({r["points"] for r in rec["points"] if r["busy"]})
    assert any(0 < p < n for p in live), \
        f"no partial loss curve was shown while the loop ran ({n} steps): {rec['points']}"
    assert 1 < len(set(points)) <= kernel["redraws"], (points, kernel["redraws"])
    # The example graph's numbers were refreshed while the loop ran (with a partial loss
    # curve shown, so not only by the flush() after it), at most once per redraw.
    graph_live = sum(1 for r in rec["graphUpdates"] if r["busy"] and 0 < r["points"] < n)
    assert graph_live >= 1 and len(rec["graphUpdates"]) <= kernel["redraws"] + 1, \
        (rec["graphUpdates"], rec["points"], kernel["redraws"])
    plot = page.page.locator(".gw-lossplot")
    assert plot.count() == 1
    assert int(plot.get_attribute("data-points")) == n == points[-1]
    assert len(plot.locator(".gw-loss-line").get_attribute("points").split()) == n
    caption = plot.locator(".gw-loss-caption").text_content()
    assert fmt_close(caption.split("loss")[-1].strip(), kernel["losses"][-1]), caption
    shoot(page, plot, "training_lossplot")

    # The example graph is drawn, and shows the trained model's output.
    graph, summary = page.page.locator(WIDGET).nth(0), page.page.locator(WIDGET).nth(1)
    assert graph.get_attribute("data-state") == "drawn"
    [panel] = read_widget(graph)
    assert {m["id"]: m["label"] for m in panel["nodes"]} == {m["id"]: m["label"] for m in example["nodes"]}
    out = [m for m in panel["nodes"] if m["id"] == example["root"]][0]
    assert float(out["data"]["value"]) == kernel["example_out"]
    shoot(page, graph, "training_example")

    # The full-batch loss: a summary with the kernel's counts, not a drawing; the page stayed responsive.
    big_nodes, big_edges = kernel["big"]
    assert big_nodes > 2500
    assert summary.get_attribute("data-state") == "summary"
    assert summary.locator("g.gw-node").count() == 0
    text = summary.text_content()
    assert f"{big_nodes} nodes" in text and f"{big_edges} edges" in text, text[:300]
    assert summary.locator("button", has_text="Draw anyway").count() == 1
    assert evaluate_s < 1.0, f"page.evaluate took {evaluate_s:.2f} s"
    assert rec["maxGap"] < 1500, f"the page's main thread was blocked for {rec['maxGap']:.0f} ms"
    print(f"training: {kernel['redraws']} redraws in the kernel; {len(set(points))} loss-plot redraws seen "
          f"({len(live)} while running), example-graph updates {rec['graphUpdates']}; "
          f"longest main-thread gap {rec['maxGap']:.0f} ms, evaluate {evaluate_s * 1000:.0f} ms")
    shoot(page, summary, "training_summary")
    assert page.js_errors() == []


# ---- the arrow keys on a focused slider ----------------------------------------------------
# JupyterLab's command-mode shortcuts ('.jp-Notebook.jp-mod-commandMode … :focus') would
# take ArrowRight/Left/Up/Down from a focused slider; js/sliders.js opts its inputs out.

def test_slider_arrow_keys_move_the_slider(classroom):
    page = front(classroom)
    widget = classroom_widget(classroom, "diamond")
    L = graph_of(DIAMOND, "L")
    page.mouse.click(*slider_point(widget, "a", slider_value(widget, "a")))  # focus the thumb
    start = slider_value(widget, "a")
    page.keyboard.press("ArrowRight")
    right = slider_value(widget, "a")
    focused = slider(widget, "a").evaluate("(i) => document.activeElement === i")
    assert right == pytest.approx(start + 0.1) and focused, (start, right, focused)
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    left = slider_value(widget, "a")
    assert left == pytest.approx(start - 0.1), (start, left)
    wait_slider_settled(widget, "a")
    assert_shows(widget, with_leaves(L, positions(widget)), "accumulate", "arrow keys")
