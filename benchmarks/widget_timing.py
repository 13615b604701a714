"""How quickly the classroom features answer in a real headless JupyterLab page: the timings
that the end-to-end tests (tests/e2e/, which check behaviour only) do not assert.

    python benchmarks/widget_timing.py [--rounds 5] [--skip drag|training]

Not part of pytest. Starts its own JupyterLab with the e2e harness (tests/e2e/jupyter.py).

Fast drag against a slow kernel (the diamond of tests/e2e/test_sliders.py, whose kernel
sleeps SLOW s after each slide message, so moves made meanwhile must be merged). Alternated
rounds of the peer, one click on a slider's track (a single round trip: click to the leaf
showing the new value), and a drag of 40 mouse moves without waiting (release to the leaf
showing the final position, every panel quiet). Reported: medians and the median per-round
ratio drag settle / one round trip. A page that merges moves settles within about two
round trips of the release; a backlog grows with the drag.

Training view responsiveness (notebooks/05_training.ipynb's model and loss): alternated
rounds of the loop with `view.update(loss)` on every step and the peer, the same loop with
the view shown but not updated. While the loop runs: the page's longest gap between 20 ms
timer ticks (a blocked main thread) and the round trip of a Playwright `page.evaluate`
(what a user's click waits for), sampled continuously. Reported: medians and ratios.
Headless Chromium runs with --disable-gpu; the machine is shared: expect noise.
"""

import argparse
import pathlib
import statistics
import sys
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.e2e.dom import click_slider, drag_slider, slider_value, wait_slider_settled  # noqa: E402
from tests.e2e.jupyter import JupyterServer, NotebookPage, launch_browser, open_and_run  # noqa: E402
from tests.e2e.reference import lesson_code  # noqa: E402
from tests.e2e.test_sliders import CELL, CLASSROOM, SLOW  # noqa: E402


def median_ratio(pairs):
    return statistics.median(a / b for a, b in pairs)


# ---- fast drag ------------------------------------------------------------------------------

def settle_s(widget, name):
    """Seconds until the leaf `name` shows the slider's value (every panel, 100 ms quiet)."""
    start = time.monotonic()
    wait_slider_settled(widget, name, quiet=100, timeout=30_000)
    return time.monotonic() - start - 0.1


def drag_rounds(browser, server, rounds):
    page = NotebookPage(browser, server)
    open_and_run(page, server.write_notebook("timing_drag.ipynb", [code for _, code in CLASSROOM]).name,
                 widgets=2)
    widget = page.widget_in_cell(CELL["diamond"])
    clicks, drags = [], []
    for r in range(rounds):
        side = 1 if r % 2 else -1
        start = time.monotonic()
        click_slider(page.page, widget, "a", side * 1.5)
        wait_slider_settled(widget, "a", quiet=100, timeout=30_000)
        clicks.append(time.monotonic() - start - 0.1)
        final = drag_slider(page.page, widget, "c", side * 4.5, steps=40)  # no waiting between moves
        drags.append(settle_s(widget, "c"))
        assert slider_value(widget, "c") == final, "the page did not end at the final position"
        print(f"  round {r + 1}: click {clicks[-1] * 1000:.0f} ms, drag settled "
              f"{drags[-1] * 1000:.0f} ms after the release", flush=True)
    errors = page.js_errors()
    page.close()
    return clicks, drags, errors


# ---- training view --------------------------------------------------------------------------

TRAIN = '''
def train(steps, show):
    global model
    model = nn.MLP(2, [8, 8, 1])
    for step in range(steps):
        loss, accuracy = total_loss()
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= (0.5 - 0.4 * step / steps) * p.grad
        if show:
            view.update(loss)
    view.flush()
'''

JS_GAP = """() => { const rec = window.__gwGap = {max: 0, last: performance.now()};
  rec.timer = setInterval(() => { const t = performance.now();
    rec.max = Math.max(rec.max, t - rec.last); rec.last = t; }, 20); }"""
JS_GAP_READ = "() => { clearInterval(window.__gwGap.timer); return window.__gwGap.max; }"


def training_round(page, show, steps):
    """(longest main-thread gap ms, median and max page.evaluate round trip ms) of one loop."""
    page.page.evaluate(JS_GAP)
    n = page.start_new_cell(f"train({steps}, {show})")
    evaluate = []
    while True:
        t = time.monotonic()
        done = page.new_cell_done(n)
        evaluate.append((time.monotonic() - t) * 1000)
        if done:
            break
        time.sleep(0.02)
    page.wait_new_cell(n, timeout=300)
    return page.page.evaluate(JS_GAP_READ), statistics.median(evaluate), max(evaluate)


def training_rounds(browser, server, rounds, steps):
    code = lesson_code("05_training.ipynb")
    setup = [c for c in code if "for step in range" not in c and "GraphWidget(total_loss" not in c]
    page = NotebookPage(browser, server)
    open_and_run(page, server.write_notebook("timing_training.ipynb", [*setup, TRAIN]).name, widgets=1)
    page.front()
    runs = {True: [], False: []}
    for r in range(rounds):
        for show in (r % 2 == 0, r % 2 == 1):  # alternate which goes first
            runs[show].append(training_round(page, show, steps))
            gap, ev, ev_max = runs[show][-1]
            print(f"  round {r + 1}, {'with' if show else 'without'} view.update: longest main-thread "
                  f"gap {gap:.0f} ms, page.evaluate median {ev:.0f} ms (max {ev_max:.0f})", flush=True)
    errors = page.js_errors()
    page.close()
    return runs, errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=60, help="training steps per round")
    parser.add_argument("--skip", choices=["drag", "training"])
    args = parser.parse_args()

    server = JupyterServer("lab").start()
    errors = []
    try:
        with sync_playwright() as p:
            browser = launch_browser(p)
            if args.skip != "drag":
                print(f"fast drag against a kernel that sleeps {SLOW * 1000:.0f} ms per slide:")
                clicks, drags, errs = drag_rounds(browser, server, args.rounds)
                errors += errs
            if args.skip != "training":
                print(f"training view ({args.steps} steps per round):")
                runs, errs = training_rounds(browser, server, args.rounds, args.steps)
                errors += errs
            browser.close()
    finally:
        server.stop()

    print()
    if args.skip != "drag":
        print(f"| {args.rounds} alternated rounds | median | min-max |")
        print("|---|---|---|")
        for name, values in (("one click: input → numbers (one round trip)", clicks),
                             ("fast drag: release → final numbers", drags)):
            ms = sorted(v * 1000 for v in values)
            print(f"| {name} | {statistics.median(ms):.0f} ms | {ms[0]:.0f}-{ms[-1]:.0f} |")
        print(f"| **drag settle / one round trip** (median per round) | "
              f"**{median_ratio(zip(drags, clicks, strict=True)):.2f}** | |")
        print()
    if args.skip != "training":
        print(f"| {args.rounds} alternated rounds | with view.update | without | ratio (median per round) |")
        print("|---|---|---|---|")
        pairs = list(zip(runs[True], runs[False], strict=True))
        for i, name in ((0, "longest main-thread gap"), (1, "page.evaluate round trip, median"),
                        (2, "page.evaluate round trip, max")):
            with_, without = (statistics.median(run[i] for run in runs[show]) for show in (True, False))
            ratio = median_ratio((a[i], b[i]) for a, b in pairs)
            print(f"| {name} | {with_:.0f} ms | {without:.0f} ms | {ratio:.2f}x |")
    if errors:
        print("\nJS errors on the pages:\n" + "\n".join(errors))


if __name__ == "__main__":
    main()
