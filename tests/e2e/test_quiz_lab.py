"""Quiz mode in a real JupyterLab page (headless Chromium), with real key input: a student
predicts a.grad wrong then right, gets a hint, types nonsense, shows c's derivation; the
marks, aria-invalid, the score and the hidden grads are checked in the page, and
`quiz_results` is read back from the kernel. Then the same quiz in a saved notebook
opened without running it (no live model behind the widget), and in a static HTML page.

The diamond: L = (a*b + c)*(a - c) at a, b, c = 2, 3, 4; a.grad 4, c.grad -12.
"""

import nbformat
import pytest
from nbclient import NotebookClient

from gradwidget import GraphWidget, Value
from gradwidget.html import save_html

from .dom import button, by_label, read_widget
from .jupyter import WIDGET
from .pages import Page

pytestmark = pytest.mark.browser

DIAMOND = ("a, b, c = Value(2.0, 'a'), Value(3.0, 'b'), Value(4.0, 'c')\n"
           "d = a*b; d.label = 'd'; e = d + c; e.label = 'e'; g = a - c; g.label = 'g'\n"
           "L = e*g; L.label = 'L'\n")
CELLS = ["from gradwidget import Value, GraphWidget",
         DIAMOND + "w = GraphWidget(L, quiz=['a', 'c']); display(w)"]


@pytest.fixture(scope="module")
def quiz_page(lab_server, module_pages):
    return module_pages.run(lab_server, "quiz", CELLS, widgets=1)


def field(widget, label):
    return widget.get_by_role("textbox", name=f"predict {label}.grad", exact=True)


def row(widget, label):
    return widget.locator(".gw-quiz-row").filter(
        has=widget.page.get_by_role("textbox", name=f"predict {label}.grad", exact=True))


def score(widget):
    return widget.locator(".gw-quiz-score").text_content()


def shown_grad(widget, label):
    node = by_label(read_widget(widget)[0])[label]
    return node["grad"]["text"], node["grad"]["value"]


def test_quiz_in_lab_with_real_keys(quiz_page):
    page = quiz_page.front()
    widget = page.locator(WIDGET)
    assert widget.get_attribute("data-state") == "drawn"
    quiz = widget.locator(".gw-quiz")
    assert quiz.is_visible() and widget.locator(".gw-quiz-row").count() == 2
    assert score(widget) == "0 / 2 right"
    assert widget.locator(".gw-quiz-score").get_attribute("aria-live") == "polite"

    # The asked grads are hidden wherever they would show; the others are not.
    button(widget, "End").click()
    assert shown_grad(widget, "a") == ("?", "") and shown_grad(widget, "c") == ("?", "")
    assert shown_grad(widget, "b") == ("-4", "-4")
    # Step to the first deposit into a: its edge label and the narration keep the number.
    button(widget, "Reset").click()
    for _ in range(8):
        button(widget, "Step forward").click()
        if "passes a contribution to a" in widget.locator(".gw-narration").text_content():
            break
    told = widget.locator(".gw-narration").text_content()
    assert "predict a.grad first" in told and not any(ch.isdigit() for ch in told), told
    assert widget.locator(".gw-edge-label .gw-contrib").all_text_contents() == ["?"]
    button(widget, "End").click()

    # A click on node a focuses its field; the inspector says "?" too.
    widget.locator(".gw-node[data-label='a']").click()
    assert field(widget, "a").evaluate("(el) => el === document.activeElement")
    assert "a.grad = ? (predict it first" in widget.locator(".gw-inspector").text_content()

    # Wrong, typed for real and Enter.
    page.keyboard.type("3")
    page.keyboard.press("Enter")
    a = row(widget, "a")
    assert a.get_attribute("data-status") == "wrong"
    assert field(widget, "a").get_attribute("aria-invalid") == "true"
    assert a.locator(".gw-quiz-mark").text_content().startswith("✗ not right: 3 is not a.grad")
    assert score(widget) == "0 / 2 right"
    assert shown_grad(widget, "a")[0] == "?"

    # Bad input: a message by the field, no score change, no page error.
    for bad in ("abc", "", "1/0", "1e999", "NaN"):
        field(widget, "a").fill(bad)
        field(widget, "a").press("Enter")
        message = a.locator(".gw-quiz-message").text_content()
        assert "type a number, like -2 or 0.5" in message, (bad, message)
        assert score(widget) == "0 / 2 right"
    quiz_page.screenshot_widget(widget, "quiz-lab-bad-input")

    # The hint: the chain-rule terms, not the total.
    a.get_by_role("button", name="Hint").click()
    hint = a.locator(".gw-quiz-hint").text_content()
    times = "\u00d7"
    assert (f"a.grad = ∂d/∂a {times} d.grad + ∂g/∂a {times} g.grad = 3 {times} d.grad + "
            f"1 {times} g.grad") in hint, hint
    assert " 4" not in hint
    quiz_page.screenshot_widget(widget, "quiz-lab-hint")

    # Right, as a fraction, with the Check button this time.
    field(widget, "a").fill("")
    field(widget, "a").press_sequentially("8/2")
    a.get_by_role("button", name="Check").click()
    assert a.get_attribute("data-status") == "right"
    assert field(widget, "a").get_attribute("aria-invalid") is None
    assert a.locator(".gw-quiz-mark").text_content() == "✓ right: a.grad = 4 (2 tries)."
    assert score(widget) == "1 / 2 right"
    assert shown_grad(widget, "a") == ("4", "4")

    # c: hint, then the derivation: shown, not counted right.
    c = row(widget, "c")
    c.get_by_role("button", name="Hint").click()
    c.get_by_role("button", name="Show the derivation").click()
    derivation = c.locator(".gw-quiz-derivation").text_content()
    assert "c.grad = \u221210 + \u22122 = \u221212" in derivation, derivation
    assert c.get_attribute("data-status") == "revealed"
    assert shown_grad(widget, "c") == ("-12", "-12")
    assert score(widget) == "1 / 2 right"
    quiz_page.screenshot_widget(widget, "quiz-lab-answered")
    page.set_viewport_size({"width": 1280, "height": 720})
    widget.locator(".gw-quiz").scroll_into_view_if_needed()
    quiz_page.save_artifacts("quiz-lab-1280x720")
    page.set_viewport_size({"width": 1400, "height": 1000})

    # Python checked the same answers itself (the bad ones never reached it).
    results = quiz_page.kernel_json(
        "{'results': w.quiz_results, 'score': w.quiz_score, 'error': w.values['error']}")
    assert results == {"results": {
        "a": {"answer": 4.0, "right": True, "tries": 2, "revealed": False},
        "c": {"answer": None, "right": False, "tries": 0, "revealed": True}},
        "score": [1, 2], "error": None}

    # reset_quiz() from Python: the page hides the grads again.
    quiz_page.run_new_cell("w.reset_quiz()")
    page.wait_for_function("(w) => w.querySelector('.gw-quiz-score').textContent === '0 / 2 right'",
                           arg=widget.element_handle(), timeout=10_000)
    assert shown_grad(widget, "a")[0] == "?" and row(widget, "a").get_attribute("data-status") == "open"
    assert quiz_page.js_errors() == []


def _saved_notebook(server, name):
    path = server.write_notebook(name, [CELLS[0], DIAMOND + "GraphWidget(L, quiz=True)"])
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(server.root)}}).execute(env=server.env())
    nbformat.write(nb, path)
    return path


def _answer_all(widget, page):
    """Answers the whole quiz from the page alone: a wrong try, then every grad right."""
    rights = {"a": "4", "b": "-4", "c": "-12", "d": "-2", "e": "-2", "g": "10"}
    assert widget.locator(".gw-quiz-row").count() == 6 and score(widget) == "0 / 6 right"
    field(widget, "g").fill("-10")
    field(widget, "g").press("Enter")
    assert field(widget, "g").get_attribute("aria-invalid") == "true"
    for label, value in rights.items():
        field(widget, label).click()
        page.keyboard.press("Control+A")
        page.keyboard.type(value)
        page.keyboard.press("Enter")
        assert row(widget, label).get_attribute("data-status") == "right", label
    assert score(widget) == "6 / 6 right"
    button(widget, "End").click()
    assert shown_grad(widget, "c") == ("-12", "-12")


def test_quiz_in_a_saved_notebook_without_running_it(lab_server, pages):
    path = _saved_notebook(lab_server, "quiz_saved.ipynb")
    page = pages.new(lab_server, "quiz-saved")
    page.open(path.name)
    page.page.evaluate("() => { window.jupyterapp.commands.execute('notebook:trust'); }")
    page.page.locator(".jp-Dialog .jp-mod-accept").click()
    page.wait_widgets(1, timeout=30)
    assert all(s["count"] is not None and not s["busy"] for s in page.cell_states())  # nothing ran
    widget = page.page.locator(WIDGET)
    _answer_all(widget, page.page)
    page.screenshot_widget(widget, "quiz-saved-notebook")
    assert page.js_errors() == []


def test_quiz_in_a_static_html_page(browser, tmp_path):
    namespace = {"Value": Value}
    exec(DIAMOND, namespace)
    out = tmp_path / "quiz.html"
    save_html(GraphWidget(namespace["L"], quiz=True), out)
    page = Page(browser, viewport=(1280, 720), allow_file=True)
    try:
        page.page.goto(out.as_uri())
        page.page.wait_for_function("() => document.querySelector('.gradwidget')?.dataset.state === 'drawn'",
                                    timeout=30_000)
        widget = page.page.locator(WIDGET)
        _answer_all(widget, page.page)
        print("screenshot:", page.save("quiz-static-html"))
        assert page.errors == [] and page.blocked == []
    finally:
        page.close()
