"""Strict pages: the widget under every combination of what a Content-Security-Policy may
forbid the layout engine (blob workers, eval, WebAssembly eval), served with the header by a
local HTTP server. Each page ends drawn, or with a clear message naming what the page
forbids, within 5 s of the widget appearing: never stuck at "Laying out…".

The page is the dev harness (js/dev/index.html): the built bundle rendered with a stand-in
model on the diamond payload Python made (js/test/fixtures/diamond.json), put at the end of
the lesson (`start=end`), where every grad is the replay's."""

import itertools
import json
import time

import pytest

from .dom import by_id, read_widget
from .jupyter import REPO
from .pages import Page, StaticServer

pytestmark = pytest.mark.browser

DIAMOND = json.loads((REPO / "js/test/fixtures/diamond.json").read_text())
SETTLED = ".gradwidget:is([data-state=drawn], [data-state=error])"


def policy(workers, eval_, wasm):
    script = " ".join(["'self'", *(["'unsafe-eval'"] if eval_ else []),
                       *(["'wasm-unsafe-eval'"] if wasm else [])])
    worker = "blob:" if workers else "'none'"
    return (f"default-src 'self'; script-src {script}; worker-src {worker}; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data:")


def expected(workers, eval_, wasm):
    """(state, where the layout ran or the words the message must hold). 'unsafe-eval'
    also allows WebAssembly; a blob worker inherits the page's policy."""
    if workers and (wasm or eval_):
        return "drawn", "worker"
    if not workers and eval_:
        return "drawn", "main thread"
    if workers:  # the worker starts but may not compile Graphviz; the page may not eval it
        return "error", ["'wasm-unsafe-eval'", "'unsafe-eval'"]
    return "error", ["blob: in worker-src", "'unsafe-eval'"]


MATRIX = list(itertools.product([True, False], repeat=3))


@pytest.mark.parametrize(("workers", "eval_", "wasm"), MATRIX,
                         ids=[f"workers-{w}-eval-{e}-wasm-{m}" for w, e, m in MATRIX])
def test_strict_page_draws_or_says_why_within_5s(browser, workers, eval_, wasm):
    csp = policy(workers, eval_, wasm)
    state, detail = expected(workers, eval_, wasm)
    with StaticServer(REPO, {"Content-Security-Policy": csp}) as server:
        page = Page(browser)
        try:
            page.page.goto(server.url("js/dev/index.html?case=diamond&start=end"))
            widget = page.page.locator(".gradwidget")
            widget.wait_for(timeout=15_000)  # rendered: from here the layout engine starts
            started = time.monotonic()
            # Selectors, not wait_for_function: Playwright evaluates a predicate with eval,
            # which these very policies forbid.
            page.page.wait_for_selector(SETTLED, timeout=5_000)
            seconds = time.monotonic() - started
            assert widget.get_attribute("data-state") == state, csp
            if state == "drawn":
                where = page.page.evaluate("async () => (await globalThis.__gradwidget_layout__).where")
                assert where == detail, csp
                panel = read_widget(widget)[0]
                shown = {i: float(node["grad"]["value"]) for i, node in by_id(panel).items()}
                sent = DIAMOND["values"]["replays"][DIAMOND["mode"]]["grad"]
                assert shown == dict(enumerate(sent)), csp
            else:
                message = widget.locator(".gw-error").inner_text()
                start = "Could not lay out the graph: the layout engine could not start ("
                assert message.startswith(start), message
                for words in detail:
                    assert words in message, (csp, message)
                assert widget.locator("g.gw-node").count() == 0
            print(f"{csp}: {state} in {seconds:.2f} s")
            if not workers and not eval_:
                page.save(f"csp-no-workers-no-eval{'-wasm' if wasm else ''}")
            assert page.blocked == []
        except Exception:
            page.save(f"FAILED-csp-{workers}-{eval_}-{wasm}")
            raise
        finally:
            page.close()
