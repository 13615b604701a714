"""GraphWidget in a real JupyterLab page (headless Chromium): what a user sees and clicks.

One notebook ("gallery") shows several widgets and is run once for the module; the live
refresh test has its own notebook (it needs a later cell). Expected numbers are the
hand-computed gradients of the issue, and, step by step, Python's own replay
(gradwidget.replay) that the page plays back, one step per deposit (docs/protocol.md,
"Lesson steps"). A widget starts at step 0 (only the root seeded); the widgets that are
read as finished are made with start="end".
"""

import pytest

from gradwidget import Value, replay, snapshot

from .dom import (
    active_ids,
    button,
    by_label,
    geometry,
    grad_texts,
    grads,
    nodes_kept,
    numbers,
    read_widget,
    same_geometry,
    step_of,
    tag_nodes,
)
from .jupyter import WIDGET
from .reference import DIAMOND, diamond, grads_after, lesson_deposits

pytestmark = pytest.mark.browser

XSS = "<img src=x onerror=alert(1)>"
SHORT_HTML = "<i>x</i>"

BIG = ("x = Value(1.0, 'x'); y = x\n"
       "for i in range(40):\n"
       "    y = y*1.01 + x\n")

# (cell key, code); each cell displays at most one widget, so cell i <-> widget
CELLS = [
    ("imports", "from gradwidget import Value, GraphWidget"),
    ("aa", "a = Value(3.0, label='a'); b = a + a; b.label = 'b'; b.backward()\n"
           "display(GraphWidget(b, start='end'))"),
    ("diamond", DIAMOND + "L.backward()\nw_acc = GraphWidget(L); display(w_acc)"),
    ("overwrite", DIAMOND + "display(GraphWidget(L, mode='overwrite', start='end'))"),
    ("compare", DIAMOND + "display(GraphWidget(L, mode='compare', start='end'))"),
    ("xss", f"p = Value(1.0, {XSS!r}); q = Value(2.0, {SHORT_HTML!r})\n"
            "r = p * q; r.label = 'r'\ndisplay(GraphWidget(r))"),
    ("summary", BIG + "display(GraphWidget(y, max_nodes=50))"),
]
INDEX = {key: i for i, (key, _) in enumerate(CELLS)}


@pytest.fixture(scope="module")
def gallery(lab_server, module_pages):
    return module_pages.run(lab_server, "gallery", [code for _, code in CELLS], widgets=len(CELLS) - 1)


def widget_of(page, key):
    """The .gradwidget in the output of cell `key`."""
    return page.widget_in_cell(INDEX[key])


def shoot(page, widget, tag):
    return page.screenshot_widget(widget, f"lab-{tag}")


# ---- a + a: one node used twice ----------------------------------------------------------

def test_a_plus_a_two_edges_multi_and_grad_2(gallery):
    widget = widget_of(gallery, "aa")
    assert widget.get_attribute("data-state") == "drawn"
    [panel] = read_widget(widget)
    nodes = by_label(panel)
    assert set(nodes) == {"a", "b"}, panel["nodes"]
    a, b = nodes["a"], nodes["b"]
    into_b = [e for e in panel["edges"] if e["src"] == a["id"] and e["dst"] == b["id"]]
    assert len(into_b) == 2, panel["edges"]
    assert len(panel["edges"]) == 2
    assert "gw-multi" in a["classes"] and "gw-multi" not in b["classes"]
    assert a["grad"] == {"text": "2", "value": "2"}
    assert b["grad"]["value"] == "1" and a["data"]["value"] == "3" and b["data"]["value"] == "6"
    shoot(gallery, widget, "a_plus_a")


# ---- the diamond: stepping with real clicks and with the keyboard ---------------------------

def _expect_step(widget, structure, rep, k, where):
    [panel] = read_widget(widget)
    expected = grads_after(structure, rep, k)
    shown = {n["id"]: float(n["grad"]["value"]) for n in panel["nodes"]}
    assert shown == dict(enumerate(expected)), f"{where}: grads after {k} steps"
    want_active = [] if k == 0 else [lesson_deposits(rep)[k - 1]["node"]]
    assert active_ids(panel) == want_active, f"{where}: active node after {k} steps"
    assert step_of(widget.locator(".gw-step").text_content()) == (k, len(lesson_deposits(rep))), where
    return panel


def test_diamond_step_forward_and_back_with_clicks(gallery):
    widget = widget_of(gallery, "diamond")
    snap = snapshot(diamond())
    structure, rep = snap.structure(), replay(snap, "accumulate").to_json()
    n = len(lesson_deposits(rep))
    assert n == len(structure["edges"])  # one step per deposit: every edge deposits once

    [panel] = read_widget(widget)
    assert {node["id"]: node["label"] for node in panel["nodes"]} == \
        {node["id"]: node["label"] for node in structure["nodes"]}

    button(widget, "Reset").click()
    _expect_step(widget, structure, rep, 0, "after Reset")
    for k in range(1, n + 1):
        button(widget, "Step forward").click()
        panel = _expect_step(widget, structure, rep, k, "Step forward")
    assert grads(panel, "abc") == {"a": 4.0, "b": -4.0, "c": -12.0}
    assert grad_texts(panel, "abc") == {"a": "4", "b": "-4", "c": "-12"}
    assert "gw-multi" in by_label(panel)["a"]["classes"]  # a is used twice
    assert "gw-multi" in by_label(panel)["c"]["classes"]
    assert "gw-multi" not in by_label(panel)["b"]["classes"]
    shoot(gallery, widget, "diamond_done")

    button(widget, "Step forward").click()  # past the end: stays at the end
    _expect_step(widget, structure, rep, n, "Step forward at the end")
    button(widget, "Step back").click()
    _expect_step(widget, structure, rep, n - 1, "Step back")
    button(widget, "Step back").click()
    _expect_step(widget, structure, rep, n - 2, "Step back twice")
    shoot(gallery, widget, "diamond_step2")


def test_diamond_keyboard(gallery):
    widget = widget_of(gallery, "diamond")
    snap = snapshot(diamond())
    structure, rep = snap.structure(), replay(snap, "accumulate").to_json()
    n = len(lesson_deposits(rep))
    keyboard = gallery.page.keyboard

    widget.focus()
    keyboard.press("Home")
    _expect_step(widget, structure, rep, 0, "Home")
    keyboard.press("ArrowRight")
    _expect_step(widget, structure, rep, 1, "ArrowRight")
    keyboard.press("ArrowRight")
    keyboard.press("ArrowRight")
    _expect_step(widget, structure, rep, 3, "ArrowRight x3")
    keyboard.press("ArrowLeft")
    _expect_step(widget, structure, rep, 2, "ArrowLeft")
    # Lab must not have taken the keys (e.g. as notebook shortcuts): the focus is still ours.
    assert widget.evaluate("(el) => el.contains(document.activeElement)")

    keyboard.press("Home")
    keyboard.press(" ")  # Space plays from step 0 to the end (2 steps per second at 1x)
    assert button(widget, "Pause").is_visible() and not button(widget, "Play").is_visible()
    gallery.page.wait_for_function(  # the status says "Step n / n (done)" at the end
        "([el, re]) => new RegExp(re).test(el.querySelector('.gw-step').textContent)",
        arg=[widget.element_handle(), rf"Step\s+{n}\s*/\s*{n}\b"], timeout=15_000)
    gallery.page.wait_for_timeout(100)
    panel = _expect_step(widget, structure, rep, n, "Space (play to the end)")
    assert grads(panel, "abc") == {"a": 4.0, "b": -4.0, "c": -12.0}
    assert button(widget, "Play").is_visible() and not button(widget, "Pause").is_visible()


def test_play_and_pause_buttons(gallery):
    widget = widget_of(gallery, "diamond")
    rep = replay(snapshot(diamond()), "accumulate").to_json()
    early = [deposit["node"] for deposit in lesson_deposits(rep)[:2]]
    button(widget, "Reset").click()
    button(widget, "Play").click()
    gallery.page.wait_for_function(
        "([el, ids]) => ids.some(id => el.querySelector(`g.gw-node.gw-active[data-id='${id}']`))",
        arg=[widget.element_handle(), early], timeout=5_000)
    button(widget, "Pause").click()
    [paused] = read_widget(widget)
    assert active_ids(paused)[0] in early
    gallery.page.wait_for_timeout(1200)  # at 2 steps/s a running player would have moved
    [later] = read_widget(widget)
    assert active_ids(later) == active_ids(paused)
    assert [n["grad"] for n in later["nodes"]] == [n["grad"] for n in paused["nodes"]]
    assert button(widget, "Play").is_visible() and not button(widget, "Pause").is_visible()


# ---- modes --------------------------------------------------------------------------------

def test_overwrite_mode_shows_the_bug(gallery):
    widget = widget_of(gallery, "overwrite")
    [panel] = read_widget(widget)
    assert grads(panel, "abc") == {"a": -6.0, "b": -4.0, "c": -2.0}
    assert grad_texts(panel, "abc") == {"a": "-6", "b": "-4", "c": "-2"}
    shoot(gallery, widget, "overwrite")


def test_compare_mode_shows_both_panels(gallery):
    widget = widget_of(gallery, "compare")
    panels = read_widget(widget)
    assert len(panels) == 2, [p["title"] for p in panels]
    correct, bug = panels
    assert "+=" in correct["title"] and "bug" in bug["title"], (correct["title"], bug["title"])
    assert grads(correct, "abc") == {"a": 4.0, "b": -4.0, "c": -12.0}
    assert grads(bug, "abc") == {"a": -6.0, "b": -4.0, "c": -2.0}
    # Both panels draw the same graph at the same place.
    assert [n["transform"] for n in correct["nodes"]] == [n["transform"] for n in bug["nodes"]]
    assert correct["viewBox"] == bug["viewBox"]
    shoot(gallery, widget, "compare")


def test_mode_buttons_switch_without_relayout(gallery):
    widget = widget_of(gallery, "overwrite")
    before = {n["id"]: n["transform"] for n in read_widget(widget)[0]["nodes"]}
    button(widget, "Mode: accumulate (+=)").click()
    gallery.page.wait_for_function(
        "(el) => el.querySelector(\"button[data-mode='accumulate']\")"
        ".getAttribute('aria-pressed') === 'true'",
        arg=widget.element_handle(), timeout=5_000)
    [panel] = read_widget(widget)
    assert grads(panel, "abc") == {"a": 4.0, "b": -4.0, "c": -12.0}
    assert {n["id"]: n["transform"] for n in panel["nodes"]} == before
    button(widget, "Mode: compare").click()
    gallery.page.wait_for_function("(el) => el.querySelectorAll('.gw-panel').length === 2",
                                   arg=widget.element_handle(), timeout=5_000)
    button(widget, "Mode: overwrite (=)").click()
    gallery.page.wait_for_function("(el) => el.querySelectorAll('.gw-panel').length === 1",
                                   arg=widget.element_handle(), timeout=5_000)
    assert grads(read_widget(widget)[0], "abc") == {"a": -6.0, "b": -4.0, "c": -2.0}


# ---- labels are text ----------------------------------------------------------------------

def test_html_labels_are_shown_literally(gallery):
    widget = widget_of(gallery, "xss")
    [panel] = read_widget(widget)
    nodes = by_label(panel)
    assert XSS in nodes and SHORT_HTML in nodes, list(nodes)
    # The full label is kept as text; the drawn label may be shortened with an ellipsis,
    # but what it shows is the literal text, not markup.
    xss = nodes[XSS]
    assert XSS.startswith(xss["labelText"].rstrip("…")) and len(xss["labelText"]) >= 10, xss["labelText"]
    assert nodes[SHORT_HTML]["labelText"] == SHORT_HTML
    # No element was made from the label text, anywhere on the page; no dialog fired.
    assert widget.locator("img, i, foreignObject").count() == 0
    assert gallery.page.locator("img[src='x']").count() == 0
    # The inspector names the node by its whole label, as text.
    # Clicking the node shows its whole label somewhere in the widget (the inspector), as text.
    widget.locator(f"g.gw-node[data-id='{xss['id']}']").click()
    assert XSS in widget.text_content(), widget.text_content()
    assert widget.locator("img").count() == 0
    shoot(gallery, widget, "html_labels")
    gallery.page.wait_for_timeout(300)  # an onerror handler would have fired by now
    assert gallery.dialogs == []


# ---- too large to draw ----------------------------------------------------------------------

def test_graph_above_max_nodes_shows_summary(gallery):
    namespace = {"Value": Value}
    exec(BIG, namespace)
    snap = snapshot(namespace["y"])
    n_nodes, n_edges = len(snap), len(snap.edges)
    assert n_nodes > 50

    widget = widget_of(gallery, "summary")
    shoot(gallery, widget, "summary")
    assert widget.get_attribute("data-state") == "summary", (
        widget.get_attribute("data-state"), widget.text_content()[:300])
    assert widget.locator("g.gw-node").count() == 0
    text = widget.text_content()
    assert str(n_nodes) in text and str(n_edges) in text, text

    widget.locator("button", has_text="Draw anyway").click()
    gallery.page.wait_for_function(
        "([el, n]) => el.dataset.state === 'drawn' && el.querySelectorAll('g.gw-node').length === n",
        arg=[widget.element_handle(), n_nodes], timeout=30_000)
    shoot(gallery, widget, "summary_drawn_anyway")


# ---- console --------------------------------------------------------------------------------

def test_no_js_errors_in_gallery(gallery):
    gallery.save_artifacts("lab-gallery-page")  # the page and its whole console log
    assert gallery.js_errors() == []
    assert gallery.dialogs == []


# ---- live refresh: numbers move, nodes do not ---------------------------------------------

REFRESH_CELLS = [
    "from gradwidget import Value, GraphWidget\n" + DIAMOND
    + "L.backward()\nw = GraphWidget(L, start='end'); display(w)",
]
# What the page should show after a.data = 5: L = (5*3+4)*(5-4) = 19,
# dL/da = b*(a-c) + (a*b+c) = 3 + 19, dL/db = a*(a-c) = 5, dL/dc = (a-c) - (a*b+c) = 1 - 19.
AFTER = {"a": 5.0, "L": 19.0}
AFTER_GRADS = {"a": 22.0, "b": 5.0, "c": -18.0, "L": 1.0}


def test_live_refresh_changes_numbers_not_layout(lab_server, pages):
    page = pages.run(lab_server, "refresh", REFRESH_CELLS)
    widget = page.page.locator(WIDGET)
    widget.scroll_into_view_if_needed()
    [before] = read_widget(widget)
    assert grads(before, "abc") == {"a": 4.0, "b": -4.0, "c": -12.0}
    tag_nodes(widget)
    where = geometry(widget)
    shoot(page, widget, "refresh_before")

    kernel = page.kernel_json("{'data': w.values['data'], 'grad': w.values['replays']['accumulate']['grad']}",
                              setup="a.data = 5.0\nL.forward()\nw.refresh()")
    page.page.wait_for_function(
        "(el) => el.querySelector(\"g.gw-node[data-label='a'] .gw-data\").getAttribute('data-value') === '5'",
        arg=widget.element_handle(), timeout=10_000)
    [after] = read_widget(widget)

    # The numbers are what the kernel computed, and what the hand computation says.
    assert numbers(after) == dict(enumerate(zip(kernel["data"], kernel["grad"], strict=True)))
    nodes = by_label(after)
    assert {k: float(nodes[k]["data"]["value"]) for k in AFTER} == AFTER
    assert grads(after, AFTER_GRADS) == AFTER_GRADS
    assert nodes["L"]["data"]["text"] == "19" and nodes["a"]["grad"]["text"] == "22"

    # Nothing moved, nothing was recreated.
    assert nodes_kept(widget), "refresh() recreated the node elements"
    assert same_geometry(where, geometry(widget)) == []
    shoot(page, widget, "refresh_after")
    assert page.js_errors() == []
