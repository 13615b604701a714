"""marimo (0.25): notebooks/marimo_diamond.py served by `marimo run` and `marimo edit`, opened
in Chromium with every request that would leave the machine aborted.

marimo renders each anywidget in a shadow root (a stylesheet in the page's head does not
reach it), serves each `marimo run` browser session as a thread of one process, and closes
a cell's comms when the cell runs again. So: two sessions one after the other each draw a
styled graph that steps and shows the core's numbers, and in `marimo edit` the widget
draws again after its cell is re-run and after the page is reloaded."""

import sys
import time

import pytest

from .dom import button, step_of
from .jupyter import REPO
from .pages import Page, ServerProcess, by_index, core_numbers, shown_numbers

pytestmark = pytest.mark.browser
marimo = pytest.importorskip("marimo")

NOTEBOOK = REPO / "notebooks" / "marimo_diamond.py"
DIAMOND = ("a, b, c = Value(2.0, 'a'), Value(3.0, 'b'), Value(4.0, 'c')\n"
           "L = (a*b + c)*(a - c); L.label = 'L'\n")
DRAWN = ".gradwidget:is([data-state=drawn], [data-state=error])"


class MarimoServer(ServerProcess):
    """`marimo <command> <notebook>` without a token, its config in the temp dir."""

    name = "marimo"

    def __init__(self, command):
        self.command = command
        super().__init__(NOTEBOOK)

    def args(self):
        return [sys.executable, "-m", "marimo", self.command, self.notebook.name, "--headless", "--no-token",
                "--host", "127.0.0.1", "--port", str(self.port)]

    def env(self):
        return {**super().env(), "HOME": str(self.tmp), "XDG_CONFIG_HOME": str(self.tmp / "config")}


def styled(widget):
    """What the stylesheet decides, read inside the widget's shadow root: a node box's fill
    (unstyled SVG fills it black) and the toolbar's buttons' border."""
    return widget.evaluate("""(root) => ({
      fill: getComputedStyle(root.querySelector('.gw-box')).fill,
      border: getComputedStyle(root.querySelector('button')).borderTopStyle,
      inShadow: root.getRootNode() instanceof ShadowRoot,
      sheet: !!root.getRootNode().querySelector?.('#gradwidget-styles'),
    })""")


def check_widget(page, where):
    """The widget on `page` is drawn in its shadow root, styled, steps, and at the end shows
    the core's numbers in both panels of compare mode."""
    page.page.wait_for_selector(DRAWN, timeout=90_000)
    widget = page.page.locator(".gradwidget")
    assert widget.get_attribute("data-state") == "drawn", \
        f"{where}: {widget.locator('.gw-stage').inner_text()!r}"
    look = styled(widget)
    assert look["inShadow"] and look["sheet"], f"{where}: {look}"
    assert look["fill"] not in ("rgb(0, 0, 0)", "black", "") and look["border"] == "solid", f"{where}: {look}"
    k0, n = step_of(widget.locator(".gw-step").inner_text())
    button(widget, "Step forward").click()
    k1, _ = step_of(widget.locator(".gw-step").inner_text())
    assert (k0, k1) == (0, 1) and n > 1, f"{where}: steps {k0} -> {k1} of {n}"
    button(widget, "End").click()
    data, grads = core_numbers(DIAMOND, "L")
    panels = shown_numbers(widget)
    assert [(title, d, g) for title, d, g in panels] == [
        ("correct (+=)", by_index(data), by_index(grads["accumulate"])),
        ("bug (=)", by_index(data), by_index(grads["overwrite"]))], where
    assert page.blocked == [], f"{where}: requests that would leave the machine: {page.blocked}"
    assert not [e for e in page.errors], f"{where}: page errors {page.errors}"
    return widget


def test_marimo_run_two_sessions_one_after_the_other(browser):
    with MarimoServer("run") as server:
        for session in (1, 2):
            page = Page(browser, viewport=(1280, 900))
            try:
                page.page.goto(server.url, timeout=60_000)
                check_widget(page, f"marimo run, session {session}")
                print("screenshot:", page.save(f"marimo-run-session{session}"))
            except Exception:
                page.save(f"FAILED-marimo-run-session{session}")
                print(server.log_tail())
                raise
            finally:
                page.close()


def test_marimo_edit_rerun_and_reload(browser):
    with MarimoServer("edit") as server:
        page = Page(browser, viewport=(1280, 900))
        try:
            page.page.goto(server.url, timeout=60_000)
            runs = page.page.locator("[data-testid=cell-column] [data-testid=run-button]")
            runs.first.wait_for(timeout=60_000)
            cells = [runs.nth(i) for i in range(runs.count()) if runs.nth(i).is_enabled()]
            assert len(cells) >= 2, f"marimo edit: {len(cells)} cells to run"
            for run in cells[:2]:                 # the import, then the widget's cell
                run.click()
                time.sleep(0.5)
            check_widget(page, "marimo edit, first run")
            cells[1].click()                      # the widget's cell again: its comms are closed
            page.page.wait_for_timeout(1500)
            check_widget(page, "marimo edit, cell re-run")
            page.page.reload()
            check_widget(page, "marimo edit, page reloaded")
            print("screenshot:", page.save("marimo-edit-reloaded"))
        except Exception:
            page.save("FAILED-marimo-edit")
            print(server.log_tail())
            raise
        finally:
            page.close()
