"""One step of the player in a huge drawing, in a real headless JupyterLab page: the time
from the key press (→) to the next frame painted after it, against the same on the
diamond (a teaching graph), in the same page, alternated.

    python benchmarks/widget_big_step.py [--rounds 5] [--steps 10] [--nodes 6000]

Not part of pytest. The big drawing is benchmarks/graphs.py's layered graph of about
--nodes values with every group open (`expand_all()`: every scalar drawn, laid out in the
worker), the player at its start; each round presses → --steps times on one widget, then
on the other (the first rotating), one press per 150 ms. A press is timed in the page:
from the keydown (a capture listener on the window, before the widget's) to the second
requestAnimationFrame callback after it (the frame the step's changes are painted in).
Reported: median and max per round, medians over the rounds, and their ratio.
"""

import argparse
import pathlib
import statistics
import sys

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.e2e.jupyter import JupyterServer, NotebookPage, launch_browser  # noqa: E402

CELLS = [
    "import sys; sys.path.insert(0, {bench!r})\n"
    "from graphs import layered\nfrom gradwidget import GraphWidget, Value\n"
    "big = GraphWidget(layered({nodes}, 1), max_nodes={nodes} + 100).expand_all(); display(big)",
    "a, b, c = Value(2.0, label='a'), Value(3.0, label='b'), Value(4.0, label='c')\n"
    "L = (a * b + c) * (a - c); L.label = 'L'\ndisplay(GraphWidget(L))",
]

WATCH = """() => {
  window.__gwPress = [];
  addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowRight') return;
    const t0 = performance.now();
    requestAnimationFrame(() => requestAnimationFrame(() => window.__gwPress.push(performance.now() - t0)));
  }, true);
}"""


def steps(page, index, count):
    widget = page.page.locator(".gradwidget").nth(index)
    widget.locator("button[aria-label='Reset']").click()
    widget.focus()
    page.page.evaluate("() => { window.__gwPress = []; }")
    for _ in range(count):
        page.page.keyboard.press("ArrowRight")
        page.page.wait_for_timeout(150)
    page.page.wait_for_timeout(200)
    return page.page.evaluate("() => window.__gwPress")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--nodes", type=int, default=6000)
    args = parser.parse_args()
    bench = str(REPO / "benchmarks")
    server = JupyterServer().start()
    try:
        with sync_playwright() as p:
            browser = launch_browser(p)
            page = NotebookPage(browser, server, viewport=(1280, 720))
            cells = [CELLS[0].format(bench=bench, nodes=args.nodes), CELLS[1]]
            page.open(server.write_notebook("big_step.ipynb", cells).name)
            page.run_all(timeout=180)
            page.page.wait_for_function(
                "() => [...document.querySelectorAll('.gradwidget')].length === 2 && "
                "[...document.querySelectorAll('.gradwidget')].every(w => w.dataset.state === 'drawn')",
                timeout=180_000)
            drawn = page.page.evaluate("() => document.querySelectorAll('.gradwidget')[0]"
                                       ".querySelectorAll('.gw-svg .gw-node').length")
            page.page.evaluate(WATCH)
            big, small = [], []
            for r in range(args.rounds):
                order = [(0, big), (1, small)] if r % 2 == 0 else [(1, small), (0, big)]
                for index, into in order:
                    times = steps(page, index, args.steps)
                    into.append((statistics.median(times), max(times)))
                    print(f"round {r + 1} {'big' if index == 0 else 'diamond'}: median "
                          f"{into[-1][0]:.1f} ms, max {into[-1][1]:.1f} ms over {len(times)} presses")
            page.close()
            browser.close()
    finally:
        server.stop()
    med = statistics.median
    ratio = med(b[0] / s[0] for b, s in zip(big, small, strict=True))
    print(f"\n{drawn} nodes drawn: step to paint median {med(b[0] for b in big):.1f} ms "
          f"(max {max(b[1] for b in big):.1f}); diamond {med(s[0] for s in small):.1f} ms "
          f"(max {max(s[1] for s in small):.1f}); ratio {ratio:.2f}")


if __name__ == "__main__":
    main()
