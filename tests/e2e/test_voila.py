"""Voilà (0.5): a notebook with a GraphWidget served as an app, opened in Chromium with every
request that would leave the machine aborted. The graph is drawn with the core's numbers,
Step forward steps, the mode switch shows both replays, and a slider moves the numbers to
what the core computes for the new leaf value (a real kernel round trip)."""

import re

import pytest

from .dom import button, step_of
from .jupyter import write_notebook
from .pages import Page, VoilaServer, by_index, core_numbers, shown_numbers

pytestmark = pytest.mark.browser

DIAMOND = ("a, b, c = Value(2.0, 'a'), Value(3.0, 'b'), Value(4.0, 'c')\n"
           "L = (a*b + c)*(a - c); L.label = 'L'\n")
SLIDERS = {"a": (-3, 3, 0.5)}
CELLS = ["from gradwidget import Value, GraphWidget",
         DIAMOND + f"GraphWidget(L, sliders={SLIDERS!r})"]
# Voilà's page template links Font Awesome from a CDN; the widget uses none of it.
VOILA_OWN = re.compile(r"font-?awesome", re.I)


@pytest.fixture(scope="module")
def voila(browser, tmp_path_factory):
    notebook = write_notebook(tmp_path_factory.mktemp("voila"), "diamond.ipynb", CELLS)
    with VoilaServer(notebook) as server:
        page = Page(browser, viewport=(1280, 1000))
        page.server = server
        try:
            page.page.goto(server.url, timeout=60_000)
            page.page.wait_for_selector(".gradwidget:is([data-state=drawn], [data-state=error])",
                                        timeout=90_000)
            yield page
        finally:
            page.close()


@pytest.fixture
def widget(voila):
    return voila.page.locator(".gradwidget")


def _end(widget):
    widget.focus()
    widget.page.keyboard.press("End")


def test_draws_the_cores_numbers_and_nothing_leaves_the_machine(voila, widget):
    try:
        assert widget.get_attribute("data-state") == "drawn"
        _end(widget)
        data, grads = core_numbers(DIAMOND, "L")
        [(_title, shown_data, shown_grads)] = shown_numbers(widget)
        assert shown_data == by_index(data)
        assert shown_grads == by_index(grads["accumulate"])
        assert [url for url in voila.blocked if not VOILA_OWN.search(url)] == []
        assert voila.errors == []
        print("screenshot:", voila.save("voila-diamond"))
    except Exception:
        voila.save("FAILED-voila-draw")
        print(voila.server.log_tail())
        raise


def test_step_forward(voila, widget):
    try:
        widget.focus()
        voila.page.keyboard.press("Home")
        k0, n = step_of(widget.locator(".gw-step").inner_text())
        [(_t, _d, before)] = shown_numbers(widget)
        button(widget, "Step forward").click()
        k1, n1 = step_of(widget.locator(".gw-step").inner_text())
        [(_t, _d, after)] = shown_numbers(widget)
        assert (k1, n1) == (k0 + 1, n) and n > 1
        assert after != before  # a step delivers a contribution
    except Exception:
        voila.save("FAILED-voila-step")
        raise


def test_mode_switch_shows_both_replays(voila, widget):
    try:
        widget.locator("button[data-mode=compare]").click()
        voila.page.wait_for_function("() => document.querySelectorAll('.gradwidget .gw-panel').length === 2")
        _end(widget)
        _data, grads = core_numbers(DIAMOND, "L")
        panels = shown_numbers(widget)
        assert [g for _t, _d, g in panels] == [by_index(grads["accumulate"]), by_index(grads["overwrite"])]
        print("screenshot:", voila.save("voila-compare"))
        widget.locator("button[data-mode=accumulate]").click()
        voila.page.wait_for_function("() => document.querySelectorAll('.gradwidget .gw-panel').length === 1")
    except Exception:
        voila.save("FAILED-voila-mode")
        raise


def test_slider_moves_the_numbers_to_the_cores(voila, widget):
    try:
        slider = widget.locator('.gw-sliders input[aria-label="a"]')
        slider.focus()
        voila.page.keyboard.press("ArrowRight")  # a: 2 -> 2.5, one step
        data, grads = core_numbers(DIAMOND, "L", {"a": 2.5})
        voila.page.wait_for_function(
            "(want) => Number(document.querySelector('.gradwidget g.gw-node[data-label=a] .gw-data')"
            "?.getAttribute('data-value')) === want", arg=data[0], timeout=10_000)
        _end(widget)
        [(_title, shown_data, shown_grads)] = shown_numbers(widget)
        assert shown_data == by_index(data)
        assert shown_grads == by_index(grads["accumulate"])
        assert widget.locator(".gw-notice").inner_text().strip() == ""
        print("screenshot:", voila.save("voila-slider"))
    except Exception:
        voila.save("FAILED-voila-slider")
        raise
