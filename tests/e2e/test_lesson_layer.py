"""The lesson layer in real JupyterLab and Notebook 7 pages (headless Chromium, 1280x720):
every backward step is one deposit, told in words in the widget's aria-live narration.

`a + a`, the diamond and micrograd's d,e,f graph (and the reused inner node of micrograd
issue 2, for the eager bug) are stepped through in every view, one click of "Step forward"
at a time. At every step the status, the grads, the numbers written on the edges (the lost
ones too) and the narration's numbers (local derivative, upstream grad, their product, the
running total, "k-th of n", the lost term) are checked against gradwidget's own replay,
computed here (reference.py); nothing the page shows is copied into the test.
"""

import re

import pytest

from gradwidget import replay, snapshot

from .conftest import PageFactory
from .dom import button, lost_terms, read_lesson, step_of
from .jupyter import ARTIFACTS
from .reference import (
    LESSON_GRAPHS,
    PANEL_MODES,
    check_step,
    flat_deposits,
    graph_of,
    lesson_graph,
    lesson_plan,
    moment,
    plain,
    walk,
)

pytestmark = [pytest.mark.browser, pytest.mark.lesson_layer]

VIEWPORT = (1280, 720)
VIEW_NAMES = ("accumulate", "overwrite", "eager", "compare", "compare-eager")
# (graph, view) of every widget that is walked step by step.
WALKS = [(g, v) for g in ("aa", "diamond", "def") for v in VIEW_NAMES] + \
        [("reuse", "eager"), ("reuse", "compare-eager")]
# Graphs whose eager replay is too long to send: 2**21 steps.
DOUBLING = "x = Value(1.0, 'x'); y = x\nfor _ in range(20):\n    y = y + y\ny.label = 'y'\n"

CELLS = [("imports", "from gradwidget import Value, GraphWidget")]
CELLS += [((g, v), f"{LESSON_GRAPHS[g][0]}GraphWidget({LESSON_GRAPHS[g][1]}, mode={v!r})") for g, v in WALKS]
CELLS += [
    ("forward", LESSON_GRAPHS["def"][0] + "GraphWidget(L, forward=True)"),
    ("forward-compare", LESSON_GRAPHS["diamond"][0] + "GraphWidget(L, mode='compare', forward=True)"),
    ("end", LESSON_GRAPHS["diamond"][0] + "GraphWidget(L, mode='overwrite', start='end')"),
    ("play", LESSON_GRAPHS["def"][0] + "GraphWidget(L, mode='compare')"),
    ("eager-cap", DOUBLING + "GraphWidget(y, mode='compare-eager')"),
]
CELL = {key: i for i, (key, _) in enumerate(CELLS)}
FRONTENDS = {"lab": "lab_server", "notebook7": "notebook7_server"}


@pytest.fixture(scope="module", params=list(FRONTENDS))
def lessons(request, browser_context):
    """One page per front end with every widget of CELLS, run once."""
    missing = [v for v in VIEW_NAMES if v not in PANEL_MODES]
    assert not missing, f"gradwidget/modes.json has no view {missing}"
    server = request.getfixturevalue(FRONTENDS[request.param])
    factory = PageFactory(browser_context)
    page = factory.run(server, f"lesson_layer_{request.param}", [code for _, code in CELLS],
                       widgets=len(CELLS) - 1, viewport=VIEWPORT, timeout=120)
    page.frontend = request.param
    yield page
    factory.close_all()


def widget_of(page, key):
    page.front()
    widget = page.widget_in_cell(CELL[key])
    widget.scroll_into_view_if_needed()
    return widget


# ---- the walks -----------------------------------------------------------------------------

@pytest.mark.parametrize(("graph", "view"), WALKS, ids=[f"{g}-{v}" for g, v in WALKS])
def test_every_deposit_is_a_step_told_with_its_numbers(lessons, graph, view):
    widget = widget_of(lessons, (graph, view))
    plan = lesson_plan(lesson_graph(graph), view)
    walk(widget, plan, f"{lessons.frontend} {graph} {view}")
    assert lessons.js_errors() == []


def test_a_plus_a_overwrite_keeps_the_lost_one_on_its_edge(lessons):
    """b = a + a: two backward steps into a; after the second, the first edge reads
    "lost 1" (gw-lost) and the second "= 1", in overwrite and in compare's bug panel."""
    for view in ("overwrite", "compare"):
        widget = widget_of(lessons, ("aa", view))
        snap = snapshot(lesson_graph("aa"))
        first, second = [d.edge for d in replay(snap, "overwrite").steps[0].deposits]
        button(widget, "Reset").click()
        assert step_of(read_lesson(widget)["status"]) == (0, 2), f"{view}: b = a + a has 2 steps"
        button(widget, "Step forward").click()
        button(widget, "Step forward").click()
        state = read_lesson(widget)
        bug = state["panels"][PANEL_MODES[view].index("overwrite")]
        labels = {label["edge"]: label for label in bug["labels"]}
        assert set(labels) == {first, second}, f"{view}: labels {labels}"
        one, two = labels[first], labels[second]
        assert one["lost"] and re.fullmatch(r"lost\s*1", plain(one["text"])), f"{view}: first edge {one}"
        assert not two["lost"] and re.fullmatch(r"=\s*1", plain(two["text"])), f"{view}: second edge {two}"
        a = next(node for node in bug["nodes"] if node["label"] == "a")
        assert a["grad"]["value"] == "1", a
        lessons.screenshot_widget(widget, f"lesson-{lessons.frontend}-aa-{view}-lost")


def test_a_lost_negative_term_keeps_its_minus(lessons):
    """The diamond in overwrite mode loses c's -10: on its edge and in the inspector it reads
    "lost -10" with the minus visible (no line-through over the number)."""
    widget = widget_of(lessons, ("diamond", "overwrite"))
    button(widget, "End").click()
    snap = snapshot(lesson_graph("diamond"))
    lost = moment(snap, "overwrite", len(flat_deposits(replay(snap, "overwrite"))))["lost"]
    negative = {e: v for e, v in lost.items() if v < 0}
    assert negative, "the diamond's overwrite pass loses a negative term (c's -10)"
    c = next(i for i in range(len(snap)) if snap.name(i) == "c")
    widget.locator(f"g.gw-node[data-id='{c}']").click()     # pin c: the inspector shows its terms
    terms = lost_terms(widget)
    on_edges = {int(t["edge"]): t for t in terms if t["where"] == "edge"}
    for edge, value in lost.items():
        assert edge in on_edges, f"lost term of edge {edge} ({value:g}) not shown: {terms}"
    inspector = [t for t in terms if t["where"] == "inspector"]
    assert inspector, f"the inspector of c shows no .gw-lost-term: {terms}"
    for term in list(on_edges.values()) + inspector:
        for piece in term["pieces"]:
            assert not piece["struck"], \
                f"{term['where']}: {piece['text']!r} is struck through by {piece['struck']}"
            assert not piece["across"], f"{term['where']}: a line is drawn across {piece['text']!r}"
    for edge, value in negative.items():
        text = plain(on_edges[edge]["text"])
        assert re.search(rf"lost\s*-\s*{abs(value):g}\b", text), f"edge {edge}: {text!r}, want lost {value:g}"
    signed = [re.search(rf"-\s*{abs(v):g}\b", plain(t["text"])) for t in inspector for v in negative.values()]
    assert any(signed), \
        f"the inspector's lost term has no minus: {[t['text'] for t in inspector]}"
    lessons.screenshot_widget(widget, f"lesson-{lessons.frontend}-diamond-overwrite-lost")


def test_start_end_shows_the_finished_pass(lessons):
    widget = widget_of(lessons, "end")
    plan = lesson_plan(lesson_graph("diamond"), "overwrite")
    check_step(widget, plan, plan["length"], f"{lessons.frontend} start='end'")


@pytest.mark.parametrize("key", ["forward", "forward-compare"])
def test_forward_steps_come_first_node_by_node(lessons, key):
    graph, view = ("def", "accumulate") if key == "forward" else ("diamond", "compare")
    widget = widget_of(lessons, key)
    plan = lesson_plan(lesson_graph(graph), view, forward=True)
    assert len(plan["forward"]) == sum(1 for v in plan["snap"].values if v.children)
    walk(widget, plan, f"{lessons.frontend} {key}")


AT_STEP = r"""([el, k]) => {
  const m = /Step\s+(\d+)\s*\/\s*(\d+)/.exec(el.querySelector('.gw-step').textContent);
  return !!m && Number(m[1]) === k; }"""
ICON = "(b) => [...b.querySelectorAll('path')].map(p => p.getAttribute('d')).join(' ')"


def test_play_runs_to_the_end(lessons):
    widget = widget_of(lessons, "play")
    plan = lesson_plan(lesson_graph("def"), "compare")
    check_step(widget, plan, 0, "before Play")
    widget.locator("select[aria-label='Speed']").select_option("4")
    button(widget, "Play").click()
    lessons.page.wait_for_function(AT_STEP, arg=[widget.element_handle(), plan["length"]], timeout=15_000)
    check_step(widget, plan, plan["length"], "after Play")
    assert button(widget, "Play").is_visible() and not button(widget, "Pause").is_visible()


def test_an_eager_pass_too_long_to_send_says_why(lessons):
    """y doubled 20 times: the eager replay would take 2**21 steps. Its panel shows why
    instead of a graph; the correct panel plays as usual."""
    widget = widget_of(lessons, "eager-cap")
    root = graph_of(DOUBLING, "y")
    with pytest.raises(ValueError, match="eager"):
        replay(snapshot(root), "eager")
    state = read_lesson(widget)
    assert state["state"] == "drawn"
    correct, eager = state["panels"]
    assert correct["svg"] and len(correct["nodes"]) == len(snapshot(root))
    assert not eager["nodes"], "the eager panel draws a graph it has no replay for"
    assert re.search(r"eager", eager["text"], re.I) and re.search(r"step", eager["text"], re.I), \
        f"the eager panel does not say why it is empty: {eager['text']!r}"
    button(widget, "End").click()
    k, n = step_of(read_lesson(widget)["status"])
    assert k == n == len(flat_deposits(replay(snapshot(root), "accumulate")))
    lessons.screenshot_widget(widget, f"lesson-{lessons.frontend}-eager-cap")


def test_controls_have_names_and_their_own_icons(lessons):
    widget = widget_of(lessons, ("diamond", "compare"))
    names = ["Reset", "Step back", "Step forward", "End", "Full screen", "Keyboard help", "Fit"]
    icons = {}
    for name in names:
        b = button(widget, name)
        assert b.count() == 1, f"no button named {name!r}"
        icons[name] = b.evaluate(ICON)
    assert button(widget, "Play").count() == 1 and button(widget, "Pause").count() == 1
    assert len(set(icons.values())) == len(icons), f"two controls share an icon: {icons}"
    assert button(widget, "Full screen").get_attribute("aria-pressed") == "false"
    ARTIFACTS.mkdir(exist_ok=True)
    widget.locator(".gw-toolbar").screenshot(path=str(ARTIFACTS / f"lesson-{lessons.frontend}-toolbar.png"))
