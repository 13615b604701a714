"""Static HTML, opened from a file with every other request aborted (and counted): the page
made by `gradwidget.html.save_html` (one self-contained file) and the notebook exported by
scripts/export_html.py (nbconvert + local widget manager). No kernel, no network: every graph
is drawn with the core's numbers, Step forward steps, compare mode shows both replays, the
inspector explains a grad, and a slider says it needs a kernel and goes back."""

import os
import subprocess
import sys

import pytest

from gradwidget import GraphWidget, Value, replay, snapshot
from gradwidget.html import save_html

from .dom import button, step_of
from .jupyter import REPO, write_notebook
from .pages import Page, by_index, core_numbers, shown_numbers

pytestmark = pytest.mark.browser

DIAMOND = ("a, b, c = Value(2.0, 'a'), Value(3.0, 'b'), Value(4.0, 'c')\n"
           "L = (a*b + c)*(a - c); L.label = 'L'\n")
SLIDERS = {"a": (-3, 3, 0.5)}
NO_KERNEL = "Sliders need a running kernel"


def _diamond():
    namespace = {"Value": Value}
    exec(DIAMOND, namespace)
    return namespace["L"]


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """One file from save_html: the diamond with a slider, and the diamond in compare mode."""
    path = tmp_path_factory.mktemp("static") / "diamond.html"
    save_html([GraphWidget(_diamond(), sliders=SLIDERS), GraphWidget(_diamond(), mode="compare")], path)
    return path


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A notebook run and exported by scripts/export_html.py (its kernel imports this tree)."""
    folder = tmp_path_factory.mktemp("export")
    notebook = write_notebook(folder, "lesson.ipynb", [
        ("markdown", "# A saved lesson"),
        "from gradwidget import Value, GraphWidget",
        DIAMOND + f"GraphWidget(L, sliders={SLIDERS!r})",
        'GraphWidget(L, mode="compare")',
    ])
    out = folder / "lesson.html"
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    subprocess.run([sys.executable, str(REPO / "scripts/export_html.py"), str(notebook), str(out)],
                   check=True, env=env, timeout=300, capture_output=True)
    return out


def _open(browser, path, tag):
    page = Page(browser, viewport=(1280, 1100), allow_file=True)
    page.tag = tag
    page.page.goto(path.as_uri())
    page.page.wait_for_function(
        "() => document.querySelectorAll('.gradwidget').length === 2 && [...document.querySelectorAll"
        "('.gradwidget')].every(w => ['drawn', 'error'].includes(w.dataset.state))", timeout=30_000)
    return page


@pytest.mark.parametrize("source", ["save_html", "export_html"])
def test_static_page_plays_with_no_kernel_and_no_network(browser, request, source):
    path = request.getfixturevalue("saved" if source == "save_html" else "exported")
    page = _open(browser, path, source)
    try:
        _check_page(page)
        print("screenshot:", page.save(f"static-{source}"))
        _check_slider_needs_kernel(page)
        print("screenshot:", page.save(f"static-{source}-slider"))
        assert page.blocked == []
        assert page.errors == []
    except Exception:
        page.save(f"FAILED-static-{source}")
        raise
    finally:
        page.close()


def _check_page(page):
    single, compare = page.page.locator(".gradwidget").nth(0), page.page.locator(".gradwidget").nth(1)
    assert [w.get_attribute("data-state") for w in (single, compare)] == ["drawn", "drawn"]
    data, grads = core_numbers(DIAMOND, "L")

    # Every graph drawn, with the core's numbers at the end of the pass.
    for widget, modes in ((single, ["accumulate"]), (compare, ["accumulate", "overwrite"])):
        widget.focus()
        page.page.keyboard.press("End")
        panels = shown_numbers(widget)
        assert [d for _t, d, _g in panels] == [by_index(data)] * len(modes)
        assert [g for _t, _d, g in panels] == [by_index(grads[mode]) for mode in modes]

    # Step forward from the start: one step further, a contribution delivered.
    single.focus()
    page.page.keyboard.press("Home")
    k0, n = step_of(single.locator(".gw-step").inner_text())
    [(_t, _d, before)] = shown_numbers(single)
    button(single, "Step forward").click()
    k1, n1 = step_of(single.locator(".gw-step").inner_text())
    [(_t, _d, after)] = shown_numbers(single)
    assert (k1, n1) == (k0 + 1, n) and n > 1 and after != before

    # Play runs the animation to the end by itself.
    button(single, "Play").click()
    page.page.wait_for_function(
        "(n) => /Step\\s+" + str(n) + "\\s*\\/\\s*" + str(n) + "/.test("
        "document.querySelector('.gradwidget .gw-step').textContent)", arg=n, timeout=20_000)

    # The mode switch works without a kernel too.
    single.locator("button[data-mode=compare]").click()
    page.page.wait_for_function(
        "() => document.querySelector('.gradwidget').querySelectorAll('.gw-panel').length === 2")
    single.locator("button[data-mode=accumulate]").click()

    # The inspector explains a pinned node's grad with the core's number.
    compare.locator('.gw-panel').first.locator('g.gw-node[data-label="a"]').click()
    text = compare.locator(".gw-inspector").inner_text().replace("\u2212", "-")
    sums = [float(line.rsplit("=", 1)[1]) for line in text.splitlines() if "a.grad =" in line]
    assert sums == [grads["accumulate"][0], grads["overwrite"][0]], text
    # The overwrite panel's sum marks every term of a that a later deposit replaced as lost
    # (span.gw-lost-term, followed by "lost"), with the core's numbers.
    lost = [float(t.replace("\u2212", "-").split()[0])
            for t in compare.locator(".gw-inspector .gw-lost-term").all_inner_texts()]
    assert lost == _lost_terms(DIAMOND, "L", 0), text
    assert text.count(" lost") == len(lost), text


def _lost_terms(code, root, node):
    """The terms the overwrite replay deposits into `node` that a later one replaces."""
    namespace = {"Value": Value}
    exec(code, namespace)
    rep = replay(snapshot(namespace[root]), "overwrite")
    return [d.value for step in rep.steps for d in step.deposits if d.into == node][:-1]


def _check_slider_needs_kernel(page):
    widget = page.page.locator(".gradwidget").nth(0)
    slider = widget.locator('.gw-sliders input[aria-label="a"]')
    assert slider.input_value() == "2"
    slider.focus()
    page.page.keyboard.press("ArrowRight")
    assert slider.input_value() == "2.5"
    # No kernel answers: within a few seconds the page says so and puts the slider back.
    page.page.wait_for_function(
        "(text) => document.querySelector('.gradwidget .gw-notice').textContent.includes(text)",
        arg=NO_KERNEL, timeout=6_000)
    assert slider.input_value() == "2"
    data, _grads = core_numbers(DIAMOND, "L")
    assert shown_numbers(widget)[0][1] == by_index(data)  # the numbers it was saved with


def test_saved_labels_stay_text(browser, tmp_path):
    """A label is user text: in the saved page's state it cannot end the script it sits in."""
    evil = "</script><img src=x onerror=window.__pwned=1><!--"
    x = Value(2.0, evil)
    y = x * x
    y.label = "y"
    path = save_html(GraphWidget(y), tmp_path / "evil.html")
    page = Page(browser, allow_file=True)
    try:
        page.page.goto(path.as_uri())
        page.page.wait_for_selector(".gradwidget[data-state=drawn]", timeout=30_000)
        labels = page.page.locator("g.gw-node").evaluate_all("(gs) => gs.map(g => g.dataset.label)")
        assert sorted(labels) == sorted([evil, "y"])
        assert page.page.evaluate("() => window.__pwned") is None
        assert page.page.locator("img").count() == 0
        assert page.blocked == [] and page.errors == []
    finally:
        page.close()
