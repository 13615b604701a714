"""Saved notebooks: how much each GraphWidget adds to the file, and what a user sees when
opening a saved notebook in JupyterLab without running it.

How widget state gets into a notebook and back on the page (jupyterlab_widgets 3.0.x):
- nbclient / `nbconvert --execute` always store the state of every live widget model in the
  notebook metadata `widgets` -> `application/vnd.jupyter.widget-state+json`.
- JupyterLab itself saves that state only when the setting `saveState` of
  `@jupyter-widgets/jupyterlab-manager` is on (Settings menu > "Save Widget State
  Automatically"); it is off by default, so a notebook run and saved in Lab keeps only
  the outputs' model ids and shows nothing where the widgets were.
- On opening a notebook, Lab's widget manager, once the kernel session is ready, restores
  the kernel's live models and then the metadata state (`_loadFromNotebook`): views then
  render from it without running any cell.
- But the widget renderer is not "safe": in an untrusted notebook (one this user did not
  run or sign, e.g. executed by nbclient elsewhere) Lab shows the text/plain fallback
  instead. Trusting it (File > Trust Notebook, `jupyter trust`) makes the widgets appear.
"""

import json
import os
import shutil
import time

import nbformat
import pytest
from nbclient import NotebookClient

from .dom import active_ids, by_label, grads, read_widget
from .jupyter import WIDGET, open_and_run

pytestmark = pytest.mark.browser

STATE = "application/vnd.jupyter.widget-state+json"
N = 5
MB = 1_000_000
KB = 1_000


def _graph_cell(i, show):
    code = (f"a, b, c = Value({i + 1}.0, 'a'), Value(3.0, 'b'), Value(4.0, 'c')\n"
            "L = (a*b + c)*(a - c); L.label = 'L'; L.backward()\n")
    return code + ("GraphWidget(L, start='end')" if show else "None")   # drawn finished


def _cells(shown):
    return ["from gradwidget import Value, GraphWidget"] + [_graph_cell(i, i < shown) for i in range(N)]


def _expected_grads(i):
    """Hand-derived grads of L = (a*b + c)*(a - c) at a = i+1, b = 3, c = 4."""
    a, b, c = i + 1.0, 3.0, 4.0
    return {"a": b * (a - c) + (a * b + c), "b": a * (a - c), "c": (a - c) - (a * b + c)}


def _execute(server, name, cells):
    path = server.write_notebook(name, cells)
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(server.root)}}).execute(env=server.env())
    nbformat.write(nb, path)
    return path, nb


@pytest.fixture(scope="module")
def executed(lab_server):
    """Notebooks with 0, 1 and 5 widgets shown (same code otherwise), run by nbclient."""
    return {shown: _execute(lab_server, f"saved_{shown}.ipynb", _cells(shown)) for shown in (0, 1, N)}


def _models(nb):
    return nb.metadata.get("widgets", {}).get(STATE, {}).get("state", {})


def test_saved_size_per_widget(executed):
    size = {shown: os.path.getsize(path) for shown, (path, _nb) in executed.items()}
    first = size[1] - size[0]
    further = (size[N] - size[1]) / (N - 1)
    report = f"sizes {size}: first widget +{first / KB:.1f} KB, each further +{further / KB:.1f} KB"
    print(report)

    # The state really holds the widgets: N graph models, and the 800 KB engine exactly once.
    models = _models(executed[N][1])
    graphs = [m["state"] for m in models.values() if "structure" in m["state"]]
    engines = [m["state"] for m in models.values() if "_worker" in m["state"]]
    assert len(graphs) == N and len(engines) == 1, report
    assert all(len(g["structure"]["nodes"]) == 7 for g in graphs)
    assert len(_models(executed[1][1])) >= 2 and not _models(executed[0][1])

    assert first <= 1 * MB, report
    # Each further widget stores its graph and a 1 KB loader: the view (~75 KB) travels
    # once, in the engine's state, with the worker.
    assert further <= 20 * KB, report
    assert sum("_view" in m["state"] for m in models.values()) == 1, report


def _open_saved(page, name):
    page.open(name)
    # Nothing runs: every code cell keeps the execution count it was saved with.
    assert all(s["count"] is not None and not s["busy"] for s in page.cell_states())


def test_untrusted_then_trusted_saved_notebook_renders_from_state(lab_server, pages, executed):
    path, _nb = executed[N]
    page = pages.new(lab_server, "saved-untrusted")
    _open_saved(page, path.name)
    counts_before = [s["count"] for s in page.cell_states()]

    # Untrusted (nbclient does not sign): the unsafe widget renderer is not used, the
    # outputs show their text/plain fallback. This is what a user sees first.
    page.page.wait_for_timeout(1500)  # let the widget manager restore the saved state
    assert page.page.locator(WIDGET).count() == 0
    fallback = page.page.locator(".jp-OutputArea-output").all_text_contents()
    assert len(fallback) == N and all("GraphWidget" in text for text in fallback), fallback
    page.save_artifacts("saved-untrusted-page")

    # File > Trust Notebook, as a user would: the widgets now render from the saved state.
    page.page.evaluate("() => { window.jupyterapp.commands.execute('notebook:trust'); }")
    page.page.locator(".jp-Dialog .jp-mod-accept").click()
    page.wait_widgets(N, timeout=30)
    widgets = page.page.locator(WIDGET)
    assert widgets.count() == N
    for i in range(N):
        widget = widgets.nth(i)
        assert widget.get_attribute("data-state") == "drawn"
        [panel] = read_widget(widget)
        assert len(panel["nodes"]) == 7 and len(panel["edges"]) == 8
        assert grads(panel, "abc") == _expected_grads(i), f"widget {i}"
    # Playback is page-side only: it works on a restored widget with no live model behind it.
    first = widgets.nth(0)
    first.locator("button[aria-label='Reset']").click()
    [at_0] = read_widget(first)
    assert active_ids(at_0) == [] and by_label(at_0)["a"]["grad"]["value"] == "0"
    first.locator("button[aria-label='Step forward']").click()
    [at_1] = read_widget(first)
    assert active_ids(at_1) == [by_label(at_1)["L"]["id"]]  # the root fires first
    assert [s["count"] for s in page.cell_states()] == counts_before  # still nothing ran
    page.screenshot_widget(first, "saved-restored-widget")
    page.save_artifacts("saved-trusted-page")
    assert page.js_errors() == []


SAVE_STATE = "@jupyter-widgets/jupyterlab-manager:saveWidgetState"


def _set_save_state(page, on):
    toggled = page.page.evaluate(f"() => window.jupyterapp.commands.isToggled('{SAVE_STATE}')")
    if toggled != on:
        page.page.evaluate(f"() => window.jupyterapp.commands.execute('{SAVE_STATE}')")
        page.page.wait_for_function(
            f"(on) => window.jupyterapp.commands.isToggled('{SAVE_STATE}') === on", arg=on, timeout=10_000)


def _save_and_read(page, path):
    """docmanager:save, then the file as saved once it has the outputs."""
    before = os.path.getmtime(path)
    page.page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if os.path.getmtime(path) != before:
            nb = nbformat.read(path, as_version=4)
            if all(cell.get("outputs") for cell in nb.cells[1:3]):
                return nb
        time.sleep(0.1)
    raise AssertionError(f"{path.name} was not saved with its outputs")


def test_lab_saved_notebook_reopens_with_widgets_only_with_save_state(lab_server, pages):
    """A Lab user: run, save, reopen. With the default settings the saved file has no
    widget state and the reopened notebook shows "Error displaying widget: model not found";
    with "Save Widget State Automatically" on, it draws the graphs without running."""
    name, name_off = "lab_saved.ipynb", "lab_saved_default.ipynb"
    path = lab_server.write_notebook(name, _cells(2))
    page = pages.new(lab_server, "lab-save")
    open_and_run(page, name, widgets=2)
    try:
        _set_save_state(page, False)  # Lab's default
        saved_default = _save_and_read(page, path)
        shutil.copyfile(path, lab_server.root / name_off)  # same content: same signature
        _set_save_state(page, True)
        saved_state = _save_and_read(page, path)
    finally:
        _set_save_state(page, False)  # the setting is the server's: leave it as found
    pages.close(page)

    assert not _models(saved_default), "Lab saved widget state although saveState was off"
    models = _models(saved_state)
    assert sum("structure" in m["state"] for m in models.values()) == 2
    assert json.dumps(saved_state.metadata).count('"_worker"') == 1  # the engine once

    reopened = pages.new(lab_server, "lab-reopen-state")
    _open_saved(reopened, name)
    reopened.wait_widgets(2, timeout=30)
    widgets = reopened.page.locator(WIDGET)
    for i in range(2):
        assert grads(read_widget(widgets.nth(i))[0], "abc") == _expected_grads(i)
    reopened.screenshot_widget(widgets.nth(1), "lab-saved-reopened-widget")
    assert reopened.js_errors() == []
    pages.close(reopened)

    # What a user with the default settings sees (Jupyter's behaviour, not the widget's;
    # the widget manager also logs "Error: widget model not found" for each output).
    default = pages.new(lab_server, "lab-reopen-default")
    _open_saved(default, name_off)
    default.page.wait_for_function(
        "() => document.querySelectorAll('.jp-OutputArea-output').length === 2 && "
        "[...document.querySelectorAll('.jp-OutputArea-output')].every(o =>"
        "  o.textContent.trim() && !o.textContent.includes('Loading widget'))",
        timeout=30_000)
    assert default.page.locator(WIDGET).count() == 0
    shown = default.page.locator(".jp-OutputArea-output").all_text_contents()
    assert shown == ["Error displaying widget: model not found"] * 2, shown
    default.save_artifacts("lab-saved-default-reopened")
