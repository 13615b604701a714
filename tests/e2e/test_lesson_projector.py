"""Readable on a projector: at 1280x720 with the presentation setting (scale=1.5) every
number of notebook 03's graph is at least 16 CSS px tall on screen, at every step, in
JupyterLab and Notebook 7; browser zoom (Ctrl-+, emulated as Chromium does it: a narrower
viewport in CSS px at a higher device pixel ratio) and Lab's presentation mode never make
the text smaller in CSS px. Screenshots at 1280x720 go to test-artifacts/lesson-projector-*.
"""

import base64

import pytest

from .conftest import PageFactory
from .dom import NUMBER_SELECTOR, button, read_lesson, step_of, text_sizes
from .jupyter import ARTIFACTS
from .reference import lesson_code

pytestmark = [pytest.mark.browser, pytest.mark.lesson_layer]

VIEWPORT = (1280, 720)
SCALE = 1.5
MIN_PX = 16.0
CELLS = [*lesson_code("03_neuron.ipynb"), f"GraphWidget(o, scale={SCALE})"]
FRONTENDS = {"lab": "lab_server", "notebook7": "notebook7_server"}


@pytest.fixture(scope="module", params=list(FRONTENDS))
def projector(request, browser_context):
    server = request.getfixturevalue(FRONTENDS[request.param])
    factory = PageFactory(browser_context)
    page = factory.run(server, f"lesson_projector_{request.param}", CELLS,
                       widgets=sum("GraphWidget(" in c for c in CELLS), viewport=VIEWPORT)
    page.frontend = request.param
    yield page
    factory.close_all()


def presentation_widget(page):
    page.front()
    widget = page.widget_in_cell(len(CELLS) - 1)
    widget.scroll_into_view_if_needed()
    return widget


def smallest(widget, where):
    sizes = text_sizes(widget)
    assert sizes, f"{where}: no numbers drawn"
    return min(sizes, key=lambda s: s["css"])


def test_every_number_of_the_neuron_is_16px_at_every_step(projector):
    page, widget = projector, presentation_widget(projector)
    button(widget, "Reset").click()
    _, n = step_of(read_lesson(widget)["status"])
    small = []
    contribs = 0
    for k in range(n + 1):
        if k:
            button(widget, "Step forward").click()
        sizes = text_sizes(widget)
        assert {s["cls"].split()[0] for s in sizes} >= {"gw-data", "gw-grad"}, sizes[:3]
        contribs += sum("gw-contrib" in s["cls"] for s in sizes)
        small += [(k, s["cls"], s["text"], round(s["css"], 2)) for s in sizes if s["css"] < MIN_PX - 0.01]
    assert contribs, "no contribution was written on an edge while stepping"
    assert not small, f"{page.frontend}: numbers below {MIN_PX} CSS px at scale={SCALE}: {small[:10]}"
    ARTIFACTS.mkdir(exist_ok=True)
    button(widget, "Reset").click()
    for _ in range(3):
        button(widget, "Step forward").click()
    widget.scroll_into_view_if_needed()
    page.page.screenshot(path=str(ARTIFACTS / f"lesson-projector-{page.frontend}-1280x720.png"))
    page.screenshot_widget(widget, f"lesson-projector-{page.frontend}-widget")
    assert page.js_errors() == []


@pytest.mark.parametrize("zoom", [1.25, 1.5, 2.0])
def test_browser_zoom_never_makes_the_graph_text_smaller(projector, zoom):
    page = projector
    widgets = {"default": page.widget_in_cell(len(CELLS) - 2), "scale": presentation_widget(page)}
    before = {}
    for key, widget in widgets.items():
        widget.scroll_into_view_if_needed()
        button(widget, "End").click()
        before[key] = smallest(widget, f"{key} at 100%")
    cdp = page.page.context.new_cdp_session(page.page)
    try:
        cdp.send("Emulation.setDeviceMetricsOverride", {
            "width": round(VIEWPORT[0] / zoom), "height": round(VIEWPORT[1] / zoom),
            "deviceScaleFactor": zoom, "mobile": False})
        page.page.wait_for_function(f"() => Math.abs(window.devicePixelRatio - {zoom}) < 1e-6"
                                    f" && Math.abs(window.innerWidth - {VIEWPORT[0] / zoom}) < 2")
        page.page.wait_for_timeout(500)          # the stage's ResizeObserver refits
        for key, widget in widgets.items():
            widget.scroll_into_view_if_needed()
            after = smallest(widget, f"{key} at {zoom:.0%}")
            assert after["css"] >= before[key]["css"] - 0.01, \
                f"{page.frontend} {key}: at {zoom:.0%} zoom the smallest number is " \
                f"{after['css']:.2f} CSS px, " \
                f"at 100% {before[key]['css']:.2f} ({after['text']!r})"
        # Playwright's own screenshot would put its viewport back first: ask Chromium.
        shot = ARTIFACTS / f"lesson-projector-{page.frontend}-zoom{int(zoom * 100)}.png"
        shot.write_bytes(base64.b64decode(cdp.send("Page.captureScreenshot", {"format": "png"})["data"]))
    finally:
        cdp.send("Emulation.clearDeviceMetricsOverride")
        cdp.detach()
        page.page.set_viewport_size({"width": VIEWPORT[0], "height": VIEWPORT[1]})
        page.page.wait_for_timeout(300)


def test_presentation_mode_never_makes_the_graph_text_smaller(projector):
    page = projector
    if page.frontend != "lab":
        pytest.skip("presentation mode is a JupyterLab command")
    widget = page.widget_in_cell(len(CELLS) - 2)
    widget.scroll_into_view_if_needed()
    button(widget, "End").click()
    before = smallest(widget, "before presentation mode")
    page.page.evaluate("() => window.jupyterapp.commands.execute('application:toggle-presentation-mode')")
    try:
        page.page.wait_for_function("() => window.jupyterapp.shell.presentationMode === true")
        page.page.wait_for_timeout(500)
        widget.scroll_into_view_if_needed()
        after = smallest(widget, "in presentation mode")
        assert after["css"] >= before["css"] - 0.01, \
            f"presentation mode shrinks the graph's numbers: {before['css']:.2f} -> {after['css']:.2f} CSS px"
        page.page.screenshot(path=str(ARTIFACTS / "lesson-projector-lab-presentation.png"))
    finally:
        page.page.evaluate("() => window.jupyterapp.commands.execute('application:toggle-presentation-mode')")


def test_the_default_scale_keeps_13px(projector):
    """Without the presentation setting the fitted drawing still never scales text below
    13 px (the neuron is wider than the notebook at 1280x720: it fits by panning)."""
    widget = projector.widget_in_cell(len(CELLS) - 2)
    widget.scroll_into_view_if_needed()
    button(widget, "End").click()
    small = [s for s in text_sizes(widget, NUMBER_SELECTOR) if s["css"] < 13 - 0.01]
    assert not small, f"{projector.frontend}: numbers below 13 CSS px at scale 1: {small[:5]}"
