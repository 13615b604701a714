"""Bad input and failure paths, as a user sees them in a real JupyterLab page (headless
Chromium at 1280x720; every request that would leave the machine is aborted, see conftest):
the page says why, nothing throws, and the kernel's graph is exactly as it was.

One notebook ("hardening") shows the widgets of most tests and is run once for the module;
each test works on its own widget. Marker ids (two notebooks in one page) and a kernel
restart get pages of their own. Expected numbers come from gradwidget in this process
(tests/e2e/reference.py). A widget starts at step 0 of its lesson (only the root seeded):
those read as finished are made with start="end".
"""

import pytest

from .dom import (
    button,
    by_label,
    choose_mode,
    click_slider,
    markers,
    misread,
    nodes_kept,
    numbers,
    read_widget,
    slider,
    slider_error,
    slider_value,
    tag_nodes,
    wait_slider_settled,
    with_model,
)
from .jupyter import ARTIFACTS, WIDGET
from .reference import DIAMOND, VIEWS, core, core_numbers, diamond, graph_of

pytestmark = pytest.mark.browser

VIEWPORT = (1280, 720)
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: reverses what follows it, up to the end of the line
LEAF, ROOT = RLO + "ab", RLO + "rt"

BIDI = f"p = Value(12.0, {LEAF!r}); k = Value(12.0, 'k'); r = p * k; r.label = {ROOT!r}\n"
STALE = "s = Value(2.0, 'a'); sb = s*s + s; sb.label = 'b'; sb.backward()\n"
# Finite data for every c in [0, 200], but the gradient of `a` is c * 1e306: it overflows
# past c = 179 while every forward value stays finite (only the replay fails).
OVERFLOW = ("oa, oc, ok = Value(1e-300, 'a'), Value(1.0, 'c'), Value(1e306, 'k')\n"
            "om = oa*oc; om.label = 'm'; ot = om*ok; ot.label = 't'; ot.backward()\n")
LOG = "x = Value(1.0, 'x'); y = x.log(); y.label = 'y'\n"
STATE = '''
def state(root):
    """Every node's data and grad, and the replays (which use every local derivative)."""
    snap = snapshot(root)
    try:
        replays = {m: replay(snap, m).to_json() for m in ("accumulate", "overwrite")}
    except Exception as e:
        replays = f"replay failed: {e!r}"
    return {"data": [v.data for v in snap.values], "grad": [v.grad for v in snap.values],
            "replays": replays}
'''

CELLS = [
    ("imports", "import json\nfrom gradwidget import Value, GraphWidget, snapshot, replay\n" + STATE),
    ("bidi", BIDI + f"w_bidi = GraphWidget(r, sliders={{{LEAF!r}: (0, 20, 1)}}, start='end'); w_bidi"),
    ("mode", DIAMOND + "w_mode = GraphWidget(L, start='end'); w_mode"),
    ("stale", STALE + "w_stale = GraphWidget(sb, start='end'); w_stale"),
    ("overflow", OVERFLOW + "w_over = GraphWidget(ot, sliders={'c': (0, 200, 1)}); w_over"),
    ("log", LOG + "w_log = GraphWidget(y); w_log"),
]
CELL = {key: i for i, (key, _) in enumerate(CELLS)}


@pytest.fixture(scope="module")
def hardening(lab_server, module_pages):
    return module_pages.run(lab_server, "hardening", [code for _, code in CELLS],
                            widgets=len(CELLS) - 1, viewport=VIEWPORT)


def shoot(page, widget, tag):
    """The widget, and the page around it at 1280x720, into test-artifacts/."""
    page.screenshot_widget(widget, f"hardening-{tag}")
    ARTIFACTS.mkdir(exist_ok=True)
    page.page.screenshot(path=str(ARTIFACTS / f"hardening-{tag}-page.png"))


def notice(widget):
    """The text of the widget's notice line ("" when it says nothing)."""
    box = widget.locator(".gw-notice")
    return box.text_content().strip() if box.count() else ""


_JS_NOTICE = "(el) => (el.querySelector('.gw-notice') || {textContent: ''}).textContent"


def wait_notice(page, widget, text, timeout=10_000):
    """Waits until the notice contains `text` ("": says nothing); fails saying what it
    showed instead."""
    test = f"([el, text]) => {{ const shown = ({_JS_NOTICE})(el).trim();" \
           " return text ? shown.includes(text) : !shown; }"
    try:
        page.page.wait_for_function(test, arg=[widget.element_handle(), text], timeout=timeout)
    except Exception:
        pytest.fail(f"the notice never said {text!r} in {timeout} ms; it says {notice(widget)!r}")
    return notice(widget)


# ---- two widgets, two notebooks: each edge's arrowhead is its own --------------------------------

def test_marker_ids_are_unique_and_resolve_inside_their_widget(lab_server, pages):
    cells = ["from gradwidget import Value, GraphWidget\n" + DIAMOND + "GraphWidget(L)",
             DIAMOND + "GraphWidget(L, mode='compare')"]
    page = pages.run(lab_server, "markers_one", cells, widgets=2, viewport=VIEWPORT)
    # The same graph in a second notebook of the same JupyterLab page (its own kernel).
    lab_server.write_notebook("markers_two.ipynb", cells[:1])
    page.open_tab("markers_two.ipynb")
    page.run_all()
    page.wait_widgets(3)

    widgets = markers(page.page)
    assert len(widgets) == 3
    ids = [m for w in widgets for m in w["markers"]]
    assert ids and len(ids) == len(set(ids)), f"marker ids repeat across widgets: {ids}"
    for w in widgets:
        assert len(w["edges"]) == 8 * (2 if w["widget"] == 1 else 1), w
        bad = [e for e in w["edges"] if not (e["marker"] and e["inside"])]
        assert not bad, f"widget {w['widget']}: edges whose arrowhead is not its own marker: {bad[:3]}"
    shoot(page, page.page.locator(WIDGET).nth(2), "markers_second_tab")
    page.activate_tab("markers_one.ipynb")
    shoot(page, page.page.locator(WIDGET).nth(0), "markers_first_tab")
    assert page.js_errors() == []


# ---- user text with bidi controls ------------------------------------------------------------

def test_bidi_label_does_not_reverse_numbers_status_or_inspector(hardening):
    hardening.front()
    widget = hardening.widget_in_cell(CELL["bidi"])
    r = graph_of(BIDI, "r")
    [panel] = read_widget(widget)
    assert numbers(panel) == core_numbers(r)
    p_node = by_label(panel)[LEAF]
    assert (p_node["data"]["text"], p_node["grad"]["text"]) == ("12", "12")
    labels = [LEAF, ROOT]

    # The node: "data 12", "grad 12" read left to right (the label itself may be reversed:
    # that is what its author asked for).
    node = widget.locator(f"g.gw-node[data-id='{p_node['id']}']")
    assert misread(node, labels) == []
    # The slider named by the label, and its value.
    assert slider_value(widget, LEAF) == 12
    assert misread(widget.locator(".gw-sliders"), labels) == []
    # The status line names the root: "Step 0 / 2 · seed ….grad = 1", "Step 1 / 2 · … → …" (the
    # root passes its grad to an input).
    status = widget.locator(".gw-step")
    for action in ("Reset", "Step forward"):
        button(widget, action).click()
        assert ROOT in status.text_content(), (action, status.text_content())
        assert misread(status, labels) == [], action
    # The inspector, pinned on the leaf: "… = 12 (leaf)", "….grad = 12 (from …) = 12".
    node.click()
    inspector = widget.locator(".gw-inspector")
    assert LEAF in inspector.text_content() and inspector.text_content().count("12") >= 3, \
        inspector.text_content()
    assert misread(inspector, labels) == []
    shoot(hardening, widget, "bidi")
    assert hardening.js_errors() == []


# ---- a mode written by the page --------------------------------------------------------------

SET_MODE = """(model, mode) => { try { model.set('mode', mode); model.save_changes(); return null; }
                                catch (e) { return String(e.stack || e); } }"""


def test_page_set_mode_proto_or_constructor(hardening):
    page = hardening.front()
    widget = hardening.widget_in_cell(CELL["mode"])
    model_id = hardening.kernel_json("w_mode.model_id")
    L = diamond()
    structure, _, grad = core(L)
    for bad in ("__proto__", "constructor", "toString"):
        thrown = with_model(page, model_id, SET_MODE, bad)
        assert thrown is None, f"setting mode {bad!r} threw in the page: {thrown}"
        python_mode = hardening.kernel_json("w_mode.mode")   # the kernel has seen the write
        assert python_mode in VIEWS, f"Python took the mode {python_mode!r} from the page"
        # Still drawn, with the numbers of a mode it knows.
        assert widget.get_attribute("data-state") == "drawn"
        panels = read_widget(widget)
        assert panels and all(len(p["nodes"]) == len(structure["nodes"]) for p in panels), bad
        shown = {i: g for i, (_, g) in numbers(panels[0]).items()}
        assert shown in [dict(enumerate(grad[m])) for m in ("accumulate", "overwrite")], (bad, shown)
    shoot(hardening, widget, "mode_proto")
    # The mode buttons still work.
    choose_mode(widget, "compare")
    page.wait_for_function("(el) => el.querySelectorAll('.gw-panel').length === 2",
                           arg=widget.element_handle(), timeout=5_000)
    assert hardening.kernel_json("w_mode.mode") == "compare"
    assert hardening.js_errors() == []


# ---- a stale forward pass is shown as stale ------------------------------------------------------

def test_stale_forward_pass_is_said_not_hidden(hardening):
    hardening.front()
    widget = hardening.widget_in_cell(CELL["stale"])
    sb = graph_of(STALE, "sb")
    a = next(v for v in sb.topo() if v.label == "a")
    [before] = read_widget(widget)
    assert numbers(before) == core_numbers(sb)
    assert notice(widget) == ""
    tag_nodes(widget)

    hardening.run_new_cell("s.data = 5.0\nw_stale.refresh()")
    text = wait_notice(hardening, widget, "forward()")
    assert "a.data" in text and "changed since the last forward()" in text and "b.forward()" in text, text
    box = widget.locator(".gw-notice")
    assert (box.get_attribute("role"), box.get_attribute("aria-live")) == ("status", "polite")
    # The numbers drawn are the ones the graph holds: a is 5, nothing computed from it moved.
    a.data = 5.0
    [stale] = read_widget(widget)
    assert numbers(stale) == core_numbers(sb)
    leaf = by_label(stale)["a"]["id"]
    assert {i: v for i, v in numbers(stale).items() if i != leaf} == \
        {i: v for i, v in numbers(before).items() if i != leaf}, "values computed from a changed"
    shoot(hardening, widget, "stale")

    hardening.run_new_cell("sb.forward()\nw_stale.refresh()")
    wait_notice(hardening, widget, "")
    [fresh] = read_widget(widget)
    assert numbers(fresh) == core_numbers(sb.forward())
    assert by_label(fresh)["b"]["data"]["value"] == "30"   # 5*5 + 5
    assert nodes_kept(widget), "a values-only refresh relaid out"
    shoot(hardening, widget, "stale_fixed")
    assert hardening.js_errors() == []


# ---- a slide the kernel refuses ------------------------------------------------------------------

def test_rejected_slide_leaves_the_kernel_graph_as_before(hardening):
    page = hardening.front()
    widget = hardening.widget_in_cell(CELL["overflow"])
    before = hardening.kernel_json("state(ot)")
    assert isinstance(before["replays"], dict), before["replays"]
    shown_before = numbers(read_widget(widget)[0])
    start = slider_value(widget, "c")
    assert start == 1

    # End: one jump to c = 200, where the gradient of a overflows.
    slider(widget, "c").focus()
    page.keyboard.press("End")
    page.wait_for_function(
        "(el) => /overflow/i.test(el.querySelector('.gw-slider-error')?.textContent || '')"
        " || /overflow/i.test(el.querySelector('.gw-notice')?.textContent || '')",
        arg=widget.element_handle(), timeout=10_000)
    wait_slider_settled(widget, "c")
    why = slider_error(widget) + notice(widget)
    assert "overflow" in why.lower() and "a" in why, why
    assert slider_value(widget, "c") == start, "the slider was not put back"
    assert numbers(read_widget(widget)[0]) == shown_before
    # The kernel's graph: every node's data, grad and local derivatives as before.
    after = hardening.kernel_json("state(ot)")
    assert after == before, {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    shoot(hardening, widget, "rejected_slide")
    assert hardening.js_errors() == []


# ---- backward() with a widget shown -----------------------------------------------------------

def test_backward_behaves_as_without_a_widget(hardening):
    hardening.front()
    widget = hardening.widget_in_cell(CELL["log"])
    [before] = read_widget(widget)
    tag_nodes(widget)
    # The same in this process, without any widget.
    y = graph_of(LOG, "y")
    x = next(v for v in y.topo() if v.label == "x")
    x.data = -1.0
    y.backward()

    got = hardening.kernel_json(
        "{'error': error, 'x': [x.data, x.grad], 'y': [y.data, y.grad]}",
        setup="x.data = -1.0\ntry:\n    y.backward()\n    error = None\n"
              "except Exception as e:\n    error = repr(e)")
    assert got["error"] is None, f"backward() raised with a widget shown: {got['error']}"
    assert got["x"] == [x.data, x.grad] and got["y"] == [y.data, y.grad], got
    [after] = read_widget(widget)
    assert numbers(after) == numbers(before), "backward() changed the widget"
    assert nodes_kept(widget)
    assert hardening.js_errors() == []


# ---- a widget cut off from its kernel ----------------------------------------------------------

# How the page loses its kernel: a restart (the page's widgets stay, their kernel models are
# gone) or a shutdown (no kernel at all), both from the page, as a user does it.
CUT_OFF = {
    "restart": "() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.restart()",
    "shutdown": "() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()",
}


@pytest.mark.parametrize("how", list(CUT_OFF))
def test_slider_without_a_kernel_goes_back_and_says_why(lab_server, pages, how):
    cells = ["from gradwidget import Value, GraphWidget\n" + DIAMOND +
             "GraphWidget(L, sliders={'a': (-3, 3, 0.1)}, start='end')"]
    page = pages.run(lab_server, f"no_kernel_{how}", cells, viewport=VIEWPORT)
    widget = page.page.locator(WIDGET)
    [before] = read_widget(widget)
    assert numbers(before) == core_numbers(diamond())
    start = slider_value(widget, "a")

    page.page.evaluate(CUT_OFF[how])   # settles once the kernel has restarted or stopped
    page.page.wait_for_timeout(500)
    moved = click_slider(page.page, widget, "a", -2.0)
    assert moved != start, "the click did not move the slider"
    text = wait_notice(page, widget, "Sliders need a running kernel", timeout=5_000)
    page.page.wait_for_function("([input, v]) => Number(input.value) === v",
                                arg=[slider(widget, "a").element_handle(), start], timeout=5_000)
    assert slider_value(widget, "a") == start, text
    assert numbers(read_widget(widget)[0]) == numbers(before)
    shoot(page, widget, f"no_kernel_{how}")
    assert page.js_errors() == []
