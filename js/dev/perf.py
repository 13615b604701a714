"""Times drawing and values-only refreshes in the dev harness (no Jupyter), repeatably.

Usage (from the repo root, after `npm run build`):
    python js/dev/perf.py [--sizes 200,2000] [--repeat 5] [--width 1100]
For each size: a layered graph made by Python (js/dev/random.json, see check.py) is laid out
once (the engine caches the answer), then drawn `repeat` more times from the cached layout,
so the numbers are the browser's own cost: `draw` = set structure -> data-state "drawn" (JS:
parse, build, insert, first values), `paint` = -> next frame (requestAnimationFrame + 0 ms
timeout: style, layout, paint), plus Chromium's style-recalc and layout time over the whole
run. Then values-only refreshes: JS time (the widget's own data-refresh-ms) and time to next
frame.
Prints medians and (min-max).
"""
import argparse
import asyncio
import statistics
import sys

from playwright.async_api import async_playwright

sys.path.insert(0, __import__("os").path.dirname(__file__))
from check import ARGS, READY, serve

JS = """async ({ n, repeat, refreshes }) => {
  const graph = await (await fetch(`/js/dev/random.json?n=${n}&seed=3`)).json();
  const { model } = window.harness;
  const root = document.querySelector('.gradwidget');
  const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const drawn = () => new Promise((resolve) => {
    const mo = new MutationObserver(() => {
      if (root.dataset.state === 'drawn') { mo.disconnect(); resolve(performance.now()); }
    });
    mo.observe(root, { attributes: true, attributeFilter: ['data-state'] });
  });
  let wait = drawn();
  model.set('values', graph.values);
  model.set('structure', graph.structure);
  await wait; await frame(); await frame();
  const draws = [];
  for (let i = 0; i < repeat; i++) {
    wait = drawn();
    const t0 = performance.now();
    model.set('structure', { ...graph.structure }); // same DOT: the engine's cache answers
    const t1 = await wait;
    await frame();
    draws.push({ draw: t1 - t0, paint: performance.now() - t0 });
    await frame();
  }
  const values = [];
  for (let i = 0; i < refreshes; i++) {
    const t0 = performance.now();
    model.set('values', { ...graph.values, data: graph.values.data.map((x) => x * (1 + (i + 1) / 50)) });
    const js = performance.now() - t0;
    await frame();
    values.push({ js, hook: Number(root.dataset.refreshMs), frame: performance.now() - t0 });
    await frame();
  }
  return { nodes: graph.structure.nodes.length, draws, values };
}"""


def stats(xs):
    xs = sorted(xs)
    return f"{statistics.median(xs):7.1f} ({xs[0]:.0f}-{xs[-1]:.0f})"


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="200,2000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--refreshes", type=int, default=10)
    parser.add_argument("--width", type=int, default=1100)
    parser.add_argument("--mode", default="accumulate")
    args = parser.parse_args()
    server = serve()
    base = f"http://127.0.0.1:{server.server_port}"
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = await browser.new_page(viewport={"width": args.width + 48, "height": 900})
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        await page.goto(f"{base}/js/dev/index.html?case=diamond&mode={args.mode}")
        await page.wait_for_function(READY, timeout=120_000)
        cdp = await page.context.new_cdp_session(page)
        await cdp.send("Performance.enable")
        for n in [int(s) for s in args.sizes.split(",")]:
            before = {m["name"]: m["value"] for m in (await cdp.send("Performance.getMetrics"))["metrics"]}
            r = await page.evaluate(JS, {"n": n, "repeat": args.repeat, "refreshes": args.refreshes})
            after = {m["name"]: m["value"] for m in (await cdp.send("Performance.getMetrics"))["metrics"]}
            spent = {k: (after[k] - before[k]) * 1000
                     for k in ("ScriptDuration", "RecalcStyleDuration", "LayoutDuration")}
            print(f"{n:>5} ({r['nodes']} nodes): draw {stats([d['draw'] for d in r['draws']])} | "
                  f"paint {stats([d['paint'] for d in r['draws']])} | "
                  f"values js {stats([v['js'] for v in r['values']])} | "
                  f"values frame {stats([v['frame'] for v in r['values']])} | "
                  f"whole run: style {spent['RecalcStyleDuration']:.0f} layout {spent['LayoutDuration']:.0f} "
                  f"script {spent['ScriptDuration']:.0f} ms", flush=True)
        if errors:
            print("page errors:", *errors, sep="\n  ")
        await browser.close()
    server.shutdown()


asyncio.run(main())
