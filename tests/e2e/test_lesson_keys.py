"""Keys and the mouse wheel in JupyterLab and Notebook 7: while the widget has focus, Space,
the arrows, Home, End and "?" drive the lesson and never reach the notebook (its active
cell stays, no heading collapses); the wheel over a graph scrolls the page unless the graph
was clicked or Ctrl is held. The notebook has headings and enough text around the widget
to scroll (and to collapse, if a key got through)."""

import pytest

from .conftest import PageFactory
from .dom import button, notebook_state, read_lesson, step_of, viewboxes
from .reference import LESSON_GRAPHS, lesson_graph, lesson_plan

pytestmark = [pytest.mark.browser, pytest.mark.lesson_layer]

VIEWPORT = (1280, 720)
PROSE = "\n\n".join(f"Paragraph {i}: text to scroll past, as in a real lesson." for i in range(12))
CELLS = [
    ("markdown", "# Keys\n\n" + PROSE),
    "from gradwidget import Value, GraphWidget",
    ("markdown", "## The diamond"),
    LESSON_GRAPHS["diamond"][0] + "GraphWidget(L, mode='compare')",
    ("markdown", "## After the graph\n\n" + PROSE),
    ("markdown", "### More\n\n" + PROSE),
    "1 + 1",
]
GRAPH_CELL = 1  # the widget's code cell, counting code cells only
FRONTENDS = {"lab": "lab_server", "notebook7": "notebook7_server"}


@pytest.fixture(scope="module", params=list(FRONTENDS))
def keys_page(request, browser_context):
    server = request.getfixturevalue(FRONTENDS[request.param])
    factory = PageFactory(browser_context)
    page = factory.run(server, f"lesson_keys_{request.param}", CELLS, viewport=VIEWPORT)
    page.frontend = request.param
    yield page
    factory.close_all()


def graph_widget(page):
    """The widget, in view, with every heading of the notebook expanded again (a key that got
    through to the notebook in an earlier test may have collapsed one)."""
    page.front()
    page.page.evaluate("() => window.jupyterapp.commands.execute('notebook:expand-all-headings')")
    widget = page.widget_in_cell(GRAPH_CELL)
    widget.scroll_into_view_if_needed()
    return widget


def status_step(widget):
    return step_of(read_lesson(widget)["status"])


def test_keys_drive_the_lesson_and_stay_in_the_widget(keys_page):
    page, widget = keys_page, graph_widget(keys_page)
    n = lesson_plan(lesson_graph("diamond"), "compare")["length"]
    keyboard = page.page.keyboard
    # Focus the widget as a user does: a click on its toolbar's status (not a control).
    widget.locator(".gw-step").click()
    before = notebook_state(widget)
    assert before["focusInside"], f"a click on the widget does not focus it: {before}"

    def press(key, want, what):
        keyboard.press(key)
        state = notebook_state(widget)
        assert state["focusInside"], f"{page.frontend}: after {key} the focus left the widget: {state}"
        assert state["active"] == before["active"], \
            f"{page.frontend}: {key} changed the active cell {before['active']} -> {state['active']}"
        assert state["collapsed"] == 0 and state["hidden"] == before["hidden"], \
            f"{page.frontend}: {key} collapsed or hid cells: {state}"
        if want is not None:
            status = read_lesson(widget)["status"]
            assert step_of(status)[0] == want, f"{page.frontend}: {key} ({what}): {status!r}"

    press("Home", 0, "reset")
    press("ArrowRight", 1, "step forward")
    press("ArrowRight", 2, "step forward")
    press("ArrowLeft", 1, "step back")
    press("End", n, "end")
    press("Home", 0, "reset")
    # "?": the key help, which lists the keys.
    press("?", 0, "help")
    help_box = widget.locator(".gw-help")
    assert help_box.count() == 1 and help_box.is_visible(), f"{page.frontend}: '?' shows no .gw-help"
    text = help_box.text_content()
    for key in ("Space", "Home", "End", "?"):
        assert key in text, f"{page.frontend}: the key help does not list {key!r}: {text!r}"
    assert any(arrow in text for arrow in ("→", "Right", "arrow")), text
    press("?", 0, "help again")
    # Space plays to the end; Space again pauses (at 4x: 2 steps per 125 ms).
    widget.locator("select[aria-label='Speed']").select_option("4")
    widget.locator(".gw-step").click()
    press("Home", 0, "reset")
    press(" ", None, "play")
    assert button(widget, "Pause").is_visible(), f"{page.frontend}: Space did not start playing"
    page.page.wait_for_function(
        r"""([el, n]) => { const m = /Step\s+(\d+)/.exec(el.querySelector('.gw-step').textContent);
             return !!m && Number(m[1]) === n; }""", arg=[widget.element_handle(), n], timeout=15_000)
    assert button(widget, "Play").is_visible(), f"{page.frontend}: the player did not stop at the end"
    press("Home", 0, "reset")
    press(" ", None, "play")
    press(" ", None, "pause")
    k = status_step(widget)[0]
    assert button(widget, "Play").is_visible() and k < n, f"{page.frontend}: Space did not pause (step {k})"
    page.page.wait_for_timeout(400)
    assert status_step(widget)[0] == k, f"{page.frontend}: still playing after Space paused it"
    assert page.js_errors() == []


def test_keys_on_a_focused_button_step_too(keys_page):
    """Focus on a toolbar button (after a click) is inside the widget: arrows still step."""
    page, widget = keys_page, graph_widget(keys_page)
    button(widget, "Reset").click()
    before = notebook_state(widget)
    page.page.keyboard.press("ArrowRight")
    assert status_step(widget)[0] == 1
    after = notebook_state(widget)
    assert after["active"] == before["active"] and after["collapsed"] == 0 and after["focusInside"], after


def test_wheel_scrolls_the_page_unless_the_graph_was_clicked_or_ctrl_is_held(keys_page):
    page, widget = keys_page, graph_widget(keys_page)
    mouse = page.page.mouse
    svg = widget.locator("svg.gw-svg").first
    # Start with the focus outside the widget: a click on the text cell above it.
    page.page.locator(".jp-MarkdownCell").nth(1).click()
    widget.scroll_into_view_if_needed()
    box = svg.bounding_box()           # somewhere on the graph's background, not on a node
    mouse.move(box["x"] + 6, box["y"] + box["height"] - 6)
    start = notebook_state(widget)
    assert start["scrollTop"] is not None, "the notebook does not scroll: the test needs more text"
    views = viewboxes(widget)
    mouse.wheel(0, 120)
    page.page.wait_for_timeout(300)
    moved = notebook_state(widget)
    assert moved["scrollTop"] > start["scrollTop"], \
        f"{page.frontend}: the wheel over the graph did not scroll the page " \
        f"({start['scrollTop']} -> {moved['scrollTop']})"
    assert viewboxes(widget) == views, f"{page.frontend}: the wheel zoomed a graph that was not clicked"

    # Ctrl + wheel zooms (and the page stays).
    widget.scroll_into_view_if_needed()
    box = svg.bounding_box()
    mouse.move(box["x"] + 6, box["y"] + box["height"] - 6)
    start, views = notebook_state(widget), viewboxes(widget)
    page.page.keyboard.down("Control")
    mouse.wheel(0, -120)
    page.page.keyboard.up("Control")
    page.page.wait_for_timeout(300)
    assert viewboxes(widget) != views, f"{page.frontend}: Ctrl + wheel did not zoom the graph"
    assert notebook_state(widget)["scrollTop"] == start["scrollTop"], "Ctrl + wheel scrolled the page"
    button(widget, "Fit").click()

    # After a click on the graph, the wheel zooms it. (JupyterLab scrolls the notebook when a
    # click makes the widget's cell the active one: the pointer goes back over the graph.)
    page.page.locator(".jp-MarkdownCell").nth(1).click()
    widget.scroll_into_view_if_needed()
    box = svg.bounding_box()
    mouse.click(box["x"] + 6, box["y"] + box["height"] - 6)
    page.page.wait_for_timeout(300)
    box = svg.bounding_box()
    mouse.move(box["x"] + 6, box["y"] + box["height"] - 6)
    start, views = notebook_state(widget), viewboxes(widget)
    mouse.wheel(0, -120)
    page.page.wait_for_timeout(300)
    assert viewboxes(widget) != views, f"{page.frontend}: the wheel over a clicked graph did not zoom it"
    assert notebook_state(widget)["scrollTop"] == start["scrollTop"], "the wheel scrolled too"
    button(widget, "Fit").click()
    assert page.js_errors() == []
