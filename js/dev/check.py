"""Looks at the built widget in headless Chromium: screenshots, console errors, timings.

Usage (from the repo root, after `npm run build`):
    python js/dev/check.py [OUT_DIR]        # default OUT_DIR: test-artifacts/js
    python js/dev/check.py --serve [PORT]   # only serve the harness (default port 8765)
Serves the repo on 127.0.0.1 (a free port), opens js/dev/index.html with several cases,
saves PNGs to OUT_DIR (1280x720 pages), prints layout and update timings, and exits 1 on
any console error. The server also answers /js/dev/random.json?n=&seed= with the payload
of a layered graph of about n nodes, made by Python (scripts/js_fixtures.py).
"""

import asyncio
import functools
import http.server
import json
import pathlib
import sys
import threading
import urllib.parse

from playwright.async_api import async_playwright

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from js_fixtures import layered_payload  # noqa: E402

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# name, query, actions (key:K, hover:LABEL, click:SELECTOR), optional page options
# ({"viewport": (w, h), "zoom": z}: z emulates browser zoom as Chromium does it, a viewport
# of w/z x h/z CSS px at z device pixels per CSS px).
PROJECTOR = {"viewport": (1280, 720)}
SHOTS = [
    ("diamond-final", "case=diamond", []),
    ("diamond-step2-hover-a", "case=diamond", ["key:Home", "key:ArrowRight", "key:ArrowRight", "hover:a"]),
    ("diamond-compare-hover-c", "case=diamond&mode=compare", ["hover:c"]),
    (
        "diamond-compare-dark-step3",
        "case=diamond&mode=compare&theme=dark",
        ["key:Home", "key:ArrowRight", "key:ArrowRight", "key:ArrowRight", "click:g.gw-node[data-label=c]"],
    ),
    ("doubled-a-plus-a", "case=doubled", ["hover:a"]),
    ("doubled-start", "case=doubled", [], PROJECTOR),
    ("diamond-forward-step2", "case=diamond&forward=1", ["key:ArrowRight", "key:ArrowRight"], PROJECTOR),
    ("diamond-step5", "case=diamond", ["key:ArrowRight"] * 5, PROJECTOR),
    ("lecture-compare-step4-scale1.5", "case=lecture&mode=compare&scale=1.5", ["key:ArrowRight"] * 4,
     PROJECTOR),
    (
        "label-is-text-and-isolated",
        "case=evil",
        ["key:Home", "key:ArrowRight", "key:ArrowRight", "hover-id:3"],
    ),
    ("two-widgets-compare", "case=diamond&mode=compare&widgets=2", []),
    ("neuron-names", "case=neuron", ["key:Home", "hover-id:8"]),
    ("stale-and-no-kernel", "case=sliders&nokernel=1", ["stale", "slide:a", "wait:3300"]),
    ("unknown-mode", "case=diamond&mode=__proto__", []),
    ("summary-above-max-nodes", "case=big", []),
    ("random-200", "case=random&n=200", []),
    ("sliders", "case=sliders&mode=compare", ["key:Home", "key:ArrowRight"]),
    ("no-worker-fallback", "case=diamond&noworker=1", []),
    (
        "neuron-scale1.5-1280x720",
        "case=neuron&scale=1.5",
        ["key:Home", "key:ArrowRight", "key:ArrowRight", "key:ArrowRight"],
        PROJECTOR,
    ),
    (
        "neuron-scale1.5-zoom200",
        "case=neuron&scale=1.5",
        ["key:Home", "key:ArrowRight", "key:ArrowRight"],
        {**PROJECTOR, "zoom": 2},
    ),
    ("neuron-scale1-zoom200", "case=neuron", ["key:End"], {**PROJECTOR, "zoom": 2}),
    (
        "diamond-compare-zoom200-help",
        "case=diamond&mode=compare",
        ["key:Home", "key:?"],
        {**PROJECTOR, "zoom": 2},
    ),
    ("doubled-overwrite-lost", "case=doubled&mode=overwrite", ["key:End"], PROJECTOR),
    ("diamond-overwrite-lost-dark", "case=diamond&mode=overwrite&theme=dark", ["key:End"], PROJECTOR),
    ("lecture-compare-scale1.5", "case=lecture&mode=compare&scale=1.5", ["key:End"], PROJECTOR),
    ("neuron-fullscreen", "case=neuron&scale=1.5", ["key:Home", "key:ArrowRight", "fullscreen"], PROJECTOR),
    ("mlp-fit", "case=mlp", [], PROJECTOR),
]

# The smallest number drawn (font size x on-screen scale, CSS px) and the toolbar's rows.
MEASURE_JS = """() => {
  const root = document.querySelector('.gradwidget');
  const onScreen = (t) => Math.hypot(t.getScreenCTM().a, t.getScreenCTM().b);
  const sizes = [...root.querySelectorAll('.gw-data, .gw-grad, .gw-contrib')]
    .filter((t) => /\\d/.test(t.textContent) && getComputedStyle(t).display !== 'none')
    .map((t) => parseFloat(getComputedStyle(t).fontSize) * onScreen(t));
  const tops = new Set([...root.querySelectorAll('.gw-toolbar > :not([hidden]):not(.gw-help)')]
    .filter((e) => getComputedStyle(e).display !== 'none')
    .map((e) => { const r = e.getBoundingClientRect(); return Math.round((r.top + r.bottom) / 2 / 12); }));
  return { minPx: sizes.length ? +Math.min(...sizes).toFixed(2) : null, numbers: sizes.length,
           toolbarRows: tops.size, more: root.querySelector('.gw-canvas')?.dataset.more ?? null,
           dpr: devicePixelRatio, width: innerWidth, fullscreen: document.fullscreenElement === root };
}"""

READY = (
    "document.querySelector('.gradwidget')?.dataset.state"
    " && document.querySelector('.gradwidget').dataset.state !== 'layout'"
)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/js/dev/random.json":
            return super().do_GET()
        query = urllib.parse.parse_qs(url.query)
        n, seed = int(query.get("n", ["200"])[0]), int(query.get("seed", ["1"])[0])
        body = json.dumps(layered_payload(n, seed)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve(port=0):
    handler = functools.partial(QuietHandler, directory=str(ROOT))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


async def open_case(browser, base, query, errors, options=None):
    options = options or {}
    width, height = options.get("viewport", (1280, 720))
    zoom = options.get("zoom", 1)
    page = await browser.new_page(
        viewport={"width": round(width / zoom), "height": round(height / zoom)}, device_scale_factor=zoom
    )
    page.on("console", lambda m: m.type == "error" and errors.append(f"{query}: {m.text}"))
    page.on("pageerror", lambda e: errors.append(f"{query}: {e}"))
    await page.goto(f"{base}/js/dev/index.html?{query}")
    await page.wait_for_function(READY, timeout=120_000)
    return page


async def screenshots(browser, base, out, errors):
    for name, query, actions, *options in SHOTS:
        page = await open_case(browser, base, query, errors, *options)
        for action in actions:
            kind, _, arg = action.partition(":")
            if kind == "key":
                await page.focus(".gradwidget")
                await page.keyboard.press(arg)
            elif kind == "hover":
                await page.hover(f'g.gw-node[data-label="{arg}"]')
            elif kind == "hover-id":
                await page.hover(f'g.gw-node[data-id="{arg}"]')
            elif kind == "click":
                await page.click(arg)
            elif kind == "slide":  # one step right on the slider `arg`
                await page.focus(f'.gw-sliders input[aria-label="{arg}"]')
                await page.keyboard.press("ArrowRight")
            elif kind == "stale":  # what Python sends after leaf data changed without forward()
                await page.evaluate("""() => { const m = window.harness.model;
                  const stale = 'a.data changed since the last forward(): call L.forward() to recompute';
                  m.set('values', { ...m.get('values'), stale }); }""")
            elif kind == "wait":
                await page.wait_for_timeout(int(arg))
            elif kind == "fullscreen":  # the Full screen button, as a user clicks it
                await page.click('button[aria-label="Full screen"]')
                await page.wait_for_function("document.fullscreenElement !== null")
                await page.wait_for_timeout(300)
        await page.wait_for_timeout(100)
        full = await page.evaluate("document.fullscreenElement !== null")
        target = page if full else await page.query_selector("#host")
        await target.screenshot(path=str(out / f"{name}.png"))
        print(f"  {out / (name + '.png')}", json.dumps(await page.evaluate(MEASURE_JS)))
        await page.close()


# In one page (engine warm): lay out random DAGs of several sizes, watching for long
# main-thread tasks, then time values-only updates and player steps.
TIMINGS_JS = """async (sizes) => {
  const layered = async (n, seed) => (await fetch(`/js/dev/random.json?n=${n}&seed=${seed}`)).json();
  const { model } = window.harness;
  const root = document.querySelector('.gradwidget');
  const waitDrawn = () => new Promise((resolve) => {
    const poll = () => (root.dataset.state === 'drawn' ? resolve() : setTimeout(poll, 5));
    poll();
  });
  const results = { layout: {} };
  for (const n of sizes) {
    const graph = await layered(n, 11);
    // While the worker lays out, the page should stay responsive: the longest gap
    // between 10 ms timer ticks, counted only while the state is still "layout".
    let last = performance.now();
    let longestGap = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      if (root.dataset.state === 'layout') longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 10);
    const t0 = performance.now();
    model.set('values', graph.values);
    model.set('structure', graph.structure);
    await waitDrawn();
    const total = performance.now() - t0;
    clearInterval(ticker);
    results.layout[n] = { nodes: graph.structure.nodes.length, edges: graph.structure.edges.length,
      layoutAndDrawMs: Math.round(total), layoutMs: Number(root.dataset.layoutMs),
      longestBlockDuringLayoutMs: Math.round(longestGap) };
  }
  const graph = await layered(200, 5);
  model.set('values', graph.values);
  model.set('structure', graph.structure);
  await waitDrawn();
  const times = [];
  for (let i = 0; i < 20; i++) {
    const values = { ...graph.values, data: graph.values.data.map((x) => x * (1 + i / 100)) };
    const t = performance.now();
    model.set('values', values);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const steps = [];
  root.focus();
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    root.dispatchEvent(new KeyboardEvent('keydown', { key: i === 0 ? 'Home' : 'ArrowRight', bubbles: true }));
    steps.push(performance.now() - t);
  }
  steps.sort((a, b) => a - b);
  results.valuesUpdate200 = { nodes: graph.structure.nodes.length,
    medianMs: +times[10].toFixed(2), maxMs: +times[19].toFixed(2) };
  results.step200 = { medianMs: +steps[10].toFixed(2), maxMs: +steps[19].toFixed(2) };
  return results;
}"""


async def main():
    if sys.argv[1:2] == ["--serve"]:
        server = serve(int(sys.argv[2]) if len(sys.argv) > 2 else 8765)
        print(f"http://127.0.0.1:{server.server_port}/js/dev/?case=diamond (Ctrl-C stops)")
        threading.Event().wait()
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "test-artifacts" / "js")
    out.mkdir(parents=True, exist_ok=True)
    server = serve()
    base = f"http://127.0.0.1:{server.server_port}"
    errors = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        print("screenshots:")
        await screenshots(browser, base, out, errors)
        page = await open_case(browser, base, "case=diamond", errors)
        print(
            "first layout in a fresh page (worker start + Graphviz load):",
            await page.evaluate("document.querySelector('.gradwidget').dataset.layoutMs"),
            "ms",
        )
        timings = await page.evaluate(TIMINGS_JS, [50, 200, 1000, 2000])
        print("timings:", json.dumps(timings, indent=2))
        await browser.close()
    server.shutdown()
    if errors:
        print("console errors:", *errors, sep="\n  ")
        sys.exit(1)
    print("no console errors")


if __name__ == "__main__":
    asyncio.run(main())
