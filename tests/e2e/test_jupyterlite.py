"""The zero-install classroom: scripts/build_lite.py builds the JupyterLite site (Pyodide
and every wheel local), `python -m http.server` serves it on 127.0.0.1, and Chromium, with
every other request aborted, opens notebook 02 as a student would, runs it in the Pyodide
kernel and sees the graph drawn with the core's numbers and stepped.

Downloads are cached (scripts/build_lite.py --cache; ~/.cache/gradwidget/lite), so a rerun
builds in about 15 s; the kernel starts in about 15-45 s."""

import hashlib
import json
import socket
import subprocess
import sys
import time

import nbformat
import pytest

from gradwidget import replay, snapshot

from .dom import button, step_of
from .jupyter import _JS_CELL_STATES, REPO, free_port
from .pages import Page, by_index, shown_numbers

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK = "02_diamond.ipynb"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("lite") / "site"
    started = time.monotonic()
    subprocess.run([sys.executable, str(REPO / "scripts/build_lite.py"), "--out", str(out), "--expose-app"],
                   check=True, timeout=900, capture_output=True)
    print(f"site built in {time.monotonic() - started:.0f} s")
    return out


@pytest.fixture(scope="module")
def served(site):
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                               "--directory", str(site)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "http.server did not start"
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()  # by its PID
        server.wait(timeout=10)


def test_site_serves_pyodide_and_every_wheel_locally(site):
    lock = json.loads((site / "static/pyodide/pyodide-lock.json").read_text())["packages"]
    local = [entry for entry in lock.values() if (site / "static/pyodide" / entry["file_name"]).exists()]
    names = {entry["name"].lower() for entry in local}
    assert {"gradwidget", "anywidget", "ipywidgets", "comm", "psygnal", "micropip", "ipython"} <= names
    for entry in local:  # the hashes are the files' own, not Pyodide's builds'
        data = (site / "static/pyodide" / entry["file_name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["file_name"]
    config = json.loads((site / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = config["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["disablePyPIFallback"] is True
    assert kernel["pyodideUrl"].startswith("./static/pyodide/")
    assert (site / "files" / NOTEBOOK).exists()


def _shows_widget(cell):
    return cell.cell_type == "code" and "GraphWidget(" in cell.source and "import" not in cell.source


def _lesson():
    """(the graph the lesson's first widget shows, as the kernel builds it: the code cells
    before that widget run here; how many widgets the lesson shows)."""
    nb = nbformat.read(REPO / "notebooks" / NOTEBOOK, as_version=4)
    namespace = {}
    for cell in nb.cells:
        if _shows_widget(cell):
            break
        if cell.cell_type == "code":
            exec(cell.source, namespace)
    first = next(cell for cell in nb.cells if _shows_widget(cell))
    root = first.source.split("GraphWidget(", 1)[1].split(",")[0].split(")")[0].strip()
    return namespace[root], sum(map(_shows_widget, nb.cells))


def test_student_runs_notebook_02_offline(browser, served):
    page = Page(browser, viewport=(1400, 1000))
    try:
        started = time.monotonic()
        page.page.goto(f"{served}/lab/index.html?path={NOTEBOOK}")
        page.page.wait_for_function(
            "(name) => { const w = window.jupyterapp?.shell?.currentWidget;"
            " const k = w?.sessionContext?.session?.kernel;"
            " return !!k && w.context.path.endsWith(name) && k.status === 'idle'; }",
            arg=NOTEBOOK, timeout=180_000, polling=500)
        print(f"kernel ready in {time.monotonic() - started:.0f} s")
        page.page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
        root, count = _lesson()
        widgets = page.page.locator(".gradwidget")
        widget = widgets.first
        page.page.wait_for_selector(".gradwidget:is([data-state=drawn], [data-state=error])", timeout=180_000)
        deadline = time.monotonic() + 120
        while True:
            states = page.page.evaluate(_JS_CELL_STATES)
            assert not [e for s in states for e in s["errors"]], states
            if all(s["count"] is not None and not s["busy"] for s in states):
                break
            assert time.monotonic() < deadline, states
            time.sleep(0.5)
        print(f"notebook run in {time.monotonic() - started:.0f} s")
        page.page.wait_for_function(
            "(n) => { const all = [...document.querySelectorAll('.gradwidget')];"
            " return all.length >= n && all.every(w => w.dataset.state !== 'layout'); }",
            arg=count, timeout=30_000)
        assert widgets.count() == count
        assert [widgets.nth(i).get_attribute("data-state") for i in range(count)] == ["drawn"] * count

        # Drawn with the core's numbers: both panels of compare mode at the end of the pass.
        snap = snapshot(root)
        widget.focus()
        page.page.keyboard.press("End")
        panels = shown_numbers(widget)
        assert [d for _t, d, _g in panels] == [by_index(snap.data())] * 2
        modes = ("accumulate", "overwrite")
        assert [g for _t, _d, g in panels] == [by_index(replay(snap, m).grad) for m in modes]

        # Stepped.
        page.page.keyboard.press("Home")
        k0, n = step_of(widget.locator(".gw-step").inner_text())
        before = shown_numbers(widget)
        button(widget, "Step forward").click()
        assert step_of(widget.locator(".gw-step").inner_text()) == (k0 + 1, n)
        assert shown_numbers(widget) != before
        print("screenshot:", page.save("jupyterlite-02"))
        assert page.blocked == []
        assert page.errors == []
    except Exception:
        page.save("FAILED-jupyterlite-02")
        raise
    finally:
        page.close()
