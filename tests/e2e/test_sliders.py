"""Sliders in a real JupyterLab page, moved with real mouse and keyboard input: the numbers
follow, the nodes stay, a fast drag against a slow kernel is merged, and a move into an
undefined region (log of a negative number) is refused and put back.

One "classroom" notebook is run once for the module. Its kernel is made slower than the
mouse: a second message handler logs every slide message (the kernel round trips) and
sleeps after the widget has answered, so the page's next message waits in the kernel's
queue and moves made meanwhile must be merged. How fast the page settles is measured by
benchmarks/widget_timing.py, not here. The widgets start at the end of their lesson
(start="end", as lesson 4's do), where every grad is the replay's.
"""

import pytest

from .dom import (
    click_slider,
    drag_slider,
    geometry,
    nodes_kept,
    numbers,
    read_widget,
    record_inputs,
    recorded_inputs,
    same_geometry,
    slide_log,
    slider,
    slider_error,
    slider_list,
    slider_point,
    slider_positions,
    slider_value,
    tag_nodes,
    wait_slider_settled,
    watch_slides,
)
from .reference import DIAMOND, assert_shows, check_moved, diamond, graph_of, with_leaves

pytestmark = pytest.mark.browser

SLOW = 0.15  # s the kernel spends on each slide message of the diamond
DIAMOND_SLIDERS = {"a": (-3, 3, 0.1), "b": (-3, 3, 0.1), "c": (-5, 5, 0.1)}
LOG = "x = Value(1.0, 'x'); y = x.log(); y.label = 'y'\n"
LOG_SLIDERS = {"x": (-1, 3, 0.1)}

CLASSROOM = [
    ("imports", "import json, time\nfrom gradwidget import Value, GraphWidget"),
    ("diamond", DIAMOND + f"w = GraphWidget(L, sliders={DIAMOND_SLIDERS!r}, start='end')\n"
                "slides = []\n"
                "def slow(widget, content, buffers):\n"
                "    if isinstance(content, dict) and content.get('type') == 'slide':\n"
                "        slides.append(content)\n"
                f"        time.sleep({SLOW})\n"
                "w.on_msg(slow)\nw"),
    ("log", LOG + f"GraphWidget(y, sliders={LOG_SLIDERS!r}, start='end')"),
]
CELL = {key: i for i, (key, _) in enumerate(CLASSROOM)}


@pytest.fixture(scope="module")
def classroom(lab_server, module_pages):
    return module_pages.run(lab_server, "classroom", [code for _, code in CLASSROOM], widgets=2)


def test_slider_click_drag_and_keys_update_numbers_not_layout(classroom):
    page = classroom.front()
    widget = classroom.widget_in_cell(CELL["diamond"])
    L = diamond()
    assert [s["name"] for s in slider_list(widget)] == list(DIAMOND_SLIDERS)
    assert_shows(widget, with_leaves(L, slider_positions(widget)), "accumulate", "start")
    tag_nodes(widget)
    before = geometry(widget)

    # A click on a's track: the thumb jumps there (one input event).
    start = slider_value(widget, "a")
    moved = click_slider(page, widget, "a", -1.5)
    assert moved != start and moved < 0, (start, moved)
    wait_slider_settled(widget, "a")
    check_moved(widget, L, "accumulate", before, f"click a -> {moved}")
    classroom.screenshot_widget(widget, "classroom-diamond_after_click")

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
    classroom.screenshot_widget(widget, "classroom-diamond_after_keys")
    assert classroom.js_errors() == []


def test_fast_drag_is_merged_and_ends_at_the_last_position(classroom):
    page = classroom.front()
    widget = classroom.widget_in_cell(CELL["diamond"])
    L = diamond()
    tag_nodes(widget)
    before = geometry(widget)
    record_inputs(widget, "c")
    model_id = classroom.kernel_json("w.model_id")
    watch_slides(page, model_id)
    start = slider_value(widget, "c")
    target = -4.5 if start > 0 else 4.5

    final = drag_slider(page, widget, "c", target, steps=40)   # no waiting between moves
    wait_slider_settled(widget, "c", quiet=300, timeout=20_000)
    events = len(recorded_inputs(widget, "c"))

    assert abs(final - target) <= 0.15, (start, target, final)
    assert events >= 20, f"only {events} input events for a 40-move drag"
    # The final state is the core's at the final position, and it stays so.
    check_moved(widget, L, "accumulate", before, f"fast drag c -> {final}")
    shown = numbers(read_widget(widget)[0])
    page.wait_for_timeout(400)
    assert numbers(read_widget(widget)[0]) == shown, "a late (stale) update arrived after the drag settled"
    assert slider_value(widget, "c") == final

    # One slide in flight at a time: the page sent each slide after the answer to the one
    # before, and the last one was answered.
    log, answered = slide_log(page, model_id)
    sent = [seq for seq, _ in log]
    assert all(had == prev for (_, had), prev in zip(log[1:], sent, strict=False)), log
    assert sent and answered == sent[-1], (log, answered)
    # The kernel got those messages, fewer than there were moves, in order, the last one
    # at the final position.
    slides = [s for s in classroom.kernel_json("slides") if s["seq"] in sent]
    assert [s["seq"] for s in slides] == sent, (slides, sent)
    assert slides[-1]["values"]["c"] == final, (slides[-1:], final)
    assert len(slides) < events, f"{len(slides)} kernel round trips for {events} input events: nothing merged"
    classroom.screenshot_widget(widget, "classroom-diamond_after_fast_drag")
    assert classroom.js_errors() == []


def test_slider_into_log_of_negative_shows_error_and_goes_back(classroom):
    page = classroom.front()
    widget = classroom.widget_in_cell(CELL["log"])
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
    assert slider_positions(widget)["x"] == good
    assert numbers(read_widget(widget)[0]) == numbers_good, "the numbers changed after an error"
    assert same_geometry(before, geometry(widget)) == [] and nodes_kept(widget)
    assert widget.get_attribute("data-state") == "drawn"
    classroom.screenshot_widget(widget, "classroom-log_error")

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
    assert_shows(widget, with_leaves(y, {"x": last_good}), "accumulate",
                 f"drag x below 0, back at {last_good}")
    assert same_geometry(before, geometry(widget)) == [] and nodes_kept(widget)
    classroom.screenshot_widget(widget, "classroom-log_error_after_drag")
    assert classroom.js_errors() == []


# JupyterLab's command-mode shortcuts ('.jp-Notebook.jp-mod-commandMode … :focus') would
# take ArrowRight/Left/Up/Down from a focused slider; js/sliders.js opts its inputs out.
def test_slider_arrow_keys_move_the_slider(classroom):
    page = classroom.front()
    widget = classroom.widget_in_cell(CELL["diamond"])
    L = diamond()
    slider(widget, "a").scroll_into_view_if_needed()   # the earlier tests scrolled the notebook
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
    assert_shows(widget, with_leaves(L, slider_positions(widget)), "accumulate", "arrow keys")
