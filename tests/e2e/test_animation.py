"""Slides: the lesson exported as an animated SVG from the toolbar, in a static HTML page
with no kernel and every non-file request aborted. The file has one frame per step, each
the drawing at that step (the core's grads) with the step's status and narration as
caption, shown in turn by looping SMIL animations; opened by itself in Chromium it plays."""

import re

import pytest

from gradwidget import GraphWidget, replay, snapshot
from gradwidget.html import save_html

from .pages import Page
from .reference import flat_deposits, graph_of, moment, plain

pytestmark = pytest.mark.browser

CODE = "a = Value(3.0, label='a'); b = a + a; b.label = 'b'\n"


def _graph():
    return graph_of(CODE, "b")


@pytest.fixture(scope="module")
def animation(browser, tmp_path_factory):
    """The animated SVG the toolbar's Export animation button downloads from a saved page
    of `b = a + a` in compare mode, and the page it came from."""
    folder = tmp_path_factory.mktemp("animation")
    save_html(GraphWidget(_graph(), mode="compare"), folder / "lesson.html")
    page = Page(browser, viewport=(1280, 720), allow_file=True)
    try:
        page.page.goto((folder / "lesson.html").as_uri())
        page.page.wait_for_selector(".gradwidget[data-state=drawn]", timeout=60_000)
        widget = page.page.locator(".gradwidget")
        with page.page.expect_download() as download:
            widget.get_by_role("button", name="Export animation").click()
        path = folder / "lesson.svg"
        download.value.save_as(path)
        assert page.blocked == [] and page.errors == [], (page.blocked, page.errors)
        yield path.read_text(), page, folder
    finally:
        page.close()


def test_one_frame_per_step_with_the_cores_grads_and_the_narration(animation):
    svg, page, _folder = animation
    snap = snapshot(_graph())
    steps = len(flat_deposits(replay(snap, "accumulate")))
    frames = page.page.evaluate("""(text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      return [...doc.querySelectorAll('g.gw-frame')].map(g => ({
        step: Number(g.dataset.step),
        caption: [...g.querySelectorAll('text.gw-caption tspan')].map(t => t.textContent).join(' '),
        animate: g.querySelector('animate') && Object.fromEntries(
          ['attributeName', 'calcMode', 'values', 'keyTimes', 'repeatCount']
            .map(k => [k, g.querySelector('animate').getAttribute(k)])),
        panels: [...g.querySelectorAll('svg.gw-svg')].map(s => Object.fromEntries(
          [...s.querySelectorAll('g.gw-node')].map(n => [n.dataset.id,
            Number(n.querySelector('.gw-grad').getAttribute('data-value'))]))),
      }));
    }""", svg)
    assert [f["step"] for f in frames] == list(range(steps + 1))
    for k, frame in enumerate(frames):
        for panel, mode in zip(frame["panels"], ("accumulate", "overwrite"), strict=True):
            want = moment(snap, mode, k)["grad"]
            assert panel == {str(i): g for i, g in enumerate(want)}, (k, mode, panel, want)
        caption = plain(frame["caption"])
        assert f"Step {k} / {steps}" in caption, caption
        animate = frame["animate"]
        assert animate["attributeName"] == "visibility" and animate["repeatCount"] == "indefinite"
    assert "seed" in plain(frames[0]["caption"]) and "b.grad = 1" in plain(frames[0]["caption"])
    last = plain(frames[-1]["caption"])
    assert re.search(r"a\.grad = 1 \+ 1 = 2", last) and "lost" in last, last
    # One frame visible at each moment of the loop: the keyTimes tile [0, 1).
    def shown_from(animate):
        return float(animate["keyTimes"].split(";")[animate["values"].split(";").index("visible")])
    starts = sorted(shown_from(f["animate"]) for f in frames)
    assert starts[0] == 0 and starts == sorted(set(starts))


def test_the_file_plays_by_itself(animation, browser):
    """Opened alone, the animation shows frame 0, then the next frames in turn."""
    _svg, _page, folder = animation
    viewer = Page(browser, viewport=(1280, 720), allow_file=True)
    try:
        viewer.page.goto((folder / "lesson.svg").as_uri())
        visible = """() => [...document.querySelectorAll('g.gw-frame')]
          .filter(g => getComputedStyle(g).visibility === 'visible').map(g => Number(g.dataset.step))"""
        assert viewer.page.evaluate(visible) == [0]
        # Each frame's arrowheads are its own (a frame's markers are hidden with it).
        ids = viewer.page.evaluate("""() => [...document.querySelectorAll('g.gw-frame')].map(g =>
          [...g.querySelectorAll('path.gw-edge')].every(p => {
            const ref = (p.getAttribute('marker-end') || '').match(/#([^)]+)/);
            return ref && g.querySelector('#' + CSS.escape(ref[1])) !== null;
          }))""")
        assert ids and all(ids), ids
        seen = {0}
        for _ in range(40):
            viewer.page.wait_for_timeout(250)
            now = viewer.page.evaluate(visible)
            assert len(now) == 1, now
            seen.update(now)
        assert seen == set(range(len(seen))) and len(seen) >= 2, seen   # frames in order, 1.5 s each
        print("screenshot:", viewer.save("animation-a-plus-a"))
        assert viewer.blocked == [] and viewer.errors == []
    finally:
        viewer.close()


def test_export_animation_from_python_in_jupyterlab(lab_server, pages):
    """`w.export_animation(path)` in a real kernel: the page makes the file and sends it back;
    a later cell finds it written, one frame per step, with the narration."""
    cells = ["from gradwidget import Value, GraphWidget",
             CODE + "w = GraphWidget(b, mode='compare'); display(w)",
             "w.export_animation('lesson.svg')"]
    page = pages.run(lab_server, "animation", cells, widgets=1)
    steps = len(flat_deposits(replay(snapshot(_graph()), "accumulate")))
    got = None
    for _ in range(40):                      # the answer comes after the cell finished
        got = page.kernel_json("{'frames': (w.animation or '').count('class=\"gw-frame\"'), "
                               "'error': w.animation_error, 'file': os.path.exists('lesson.svg')}",
                               setup="import os")
        if got["frames"]:
            break
        page.page.wait_for_timeout(250)
    assert got == {"frames": steps + 1, "error": None, "file": True}, (got, page.console_text()[-3000:])
    same = page.kernel_json("open('lesson.svg').read() == w.animation and 'lost' in w.animation "
                            "and 'contributions' in w.animation")
    assert same is True
