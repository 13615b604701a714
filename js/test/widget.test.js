// @vitest-environment happy-dom
// The whole view with a fake model, on payloads made by Python (fixtures/, written by
// scripts/js_fixtures.py); layouts come from the real Graphviz through a stand-in page
// engine (happy-dom has no Worker for the real one).
import { Graphviz } from "@hpcc-js/wasm-graphviz";
import { afterEach, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import widget from "../widget.js";
import { fakeModel } from "../dev/fake-model.js";
import diamond from "./fixtures/diamond.json";
import mlp from "./fixtures/mlp.json";
import neuron from "./fixtures/neuron.json";
import summarized from "./fixtures/summary.json";

let layouts;
beforeAll(async () => {
  const graphviz = await Graphviz.load();
  globalThis.__gradwidget_layout__ = Promise.resolve({
    layout: async (dot) => {
      layouts++;
      return graphviz.layout(dot, "json0", "dot");
    },
  });
});

let el, model, cleanup;
beforeEach(() => {
  layouts = 0;
  el = document.createElement("div");
  document.body.append(el);
});
afterEach(() => {
  cleanup?.();
  cleanup = null;
  el.remove();
  vi.useRealTimers();
});

const drawnIn = (host) => vi.waitFor(() => expect(host.querySelector(".gradwidget").dataset.state).not.toBe("layout"));
async function show(traits = {}, payload = diamond) {
  model = fakeModel({ structure: payload.structure, values: payload.values, ...traits });
  cleanup = widget.render({ model, el });
  await drawnIn(el);
}
const $ = (selector) => el.querySelector(selector);
const $$ = (selector) => [...el.querySelectorAll(selector)];
const node = (label) => $(`g.gw-node[data-label="${label}"]`);
const grad = (label) => node(label).querySelector(".gw-grad").textContent;
const press = (key) => $(".gradwidget").dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));
const button = (label) => $(`button[aria-label="${label}"]`);
const notice = () => $(".gw-notice").textContent;

test("draws the diamond with its final grads and all the controls", async () => {
  await show();
  expect($$("g.gw-node")).toHaveLength(7);
  expect($$(".gw-edge")).toHaveLength(8);
  expect(["a", "b", "c"].map(grad)).toEqual(["4", "-4", "-12"]);
  for (const label of ["Play", "Pause", "Step forward", "Step back", "Reset", "Fit", "Zoom in", "Zoom out", "Export SVG"]) {
    expect(button(label), label).not.toBeNull();
  }
  expect($(".gradwidget").tabIndex).toBe(0);
  expect($("select[aria-label=Speed]")).not.toBeNull();
  expect(notice()).toBe("");
});

test("keyboard: Home resets, arrows step, the step shows in the drawing", async () => {
  await show();
  press("Home");
  expect(grad("a")).toBe("0");
  expect(grad("L")).toBe("1");
  press("ArrowRight");
  press("ArrowRight");
  expect(grad("a")).toBe("10");
  expect($$(".gw-active").map((g) => g.dataset.label)).toEqual(["g"]);
  press("ArrowLeft");
  expect(grad("a")).toBe("0");
});

test("Play runs to the end on a timer and swaps Play for Pause", async () => {
  vi.useFakeTimers();
  await show();
  button("Play").click();
  expect(button("Play").hidden).toBe(true);
  expect(button("Pause").hidden).toBe(false);
  expect(grad("a")).toBe("0"); // from the end, play starts over
  await vi.advanceTimersByTimeAsync(5000);
  expect(grad("a")).toBe("4");
  expect(button("Play").hidden).toBe(false);
});

test("Space toggles play and pause", async () => {
  await show();
  press(" ");
  expect(button("Play").hidden).toBe(true);
  press(" ");
  expect(button("Play").hidden).toBe(false);
});

test("a values change updates numbers without relayout or moving anything", async () => {
  await show();
  const positions = () => $$("g.gw-node").map((g) => g.getAttribute("transform"));
  const before = positions();
  const nodesBefore = $$("g.gw-node");
  model.set("values", { ...diamond.values, data: [5, 3, 15, 4, 19, 1, 19] });
  expect(node("a").querySelector(".gw-data").textContent).toBe("5");
  expect(positions()).toEqual(before);
  expect($$("g.gw-node").every((g, i) => g === nodesBefore[i])).toBe(true);
  expect(layouts).toBe(1);
});

test("mode switch writes the trait; compare shows two panels on one player", async () => {
  await show();
  $('button[data-mode="compare"]').click();
  expect(model.get("mode")).toBe("compare");
  expect(model.saved).toBe(1);
  const panels = $$(".gw-panel");
  expect(panels.map((p) => p.querySelector(".gw-panel-title").textContent)).toEqual(["correct (+=)", "bug (=)"]);
  const gradsIn = (panel) => ["a", "b", "c"].map((l) => panel.querySelector(`g.gw-node[data-label="${l}"] .gw-grad`).textContent);
  expect(gradsIn(panels[0])).toEqual(["4", "-4", "-12"]);
  expect(gradsIn(panels[1])).toEqual(["-6", "-4", "-2"]);
  expect(panels[1].querySelectorAll("path.gw-edge.gw-lost")).toHaveLength(2);
  expect(panels[0].querySelectorAll("path.gw-edge.gw-lost")).toHaveLength(0);
  const position = (panel) => [...panel.querySelectorAll("g.gw-node")].map((g) => g.getAttribute("transform"));
  expect(position(panels[0])).toEqual(position(panels[1]));
  press("Home");
  expect(gradsIn(panels[1])).toEqual(["0", "0", "0"]);
});

test("a mode change from Python redraws", async () => {
  await show();
  model.set("mode", "overwrite");
  expect(["a", "b", "c"].map(grad)).toEqual(["-6", "-4", "-2"]);
});

describe("a mode that is not a view", () => {
  test.each(["__proto__", "constructor", "toString", "hasOwnProperty", "nope", 3])(
    "%s: the accumulate view, and a notice that says so", async (mode) => {
      await show({ mode });
      expect($(".gradwidget").dataset.state).toBe("drawn");
      expect($$(".gw-panel")).toHaveLength(1);
      expect(["a", "b", "c"].map(grad)).toEqual(["4", "-4", "-12"]);
      expect(notice()).toContain(`Unknown mode ${mode}: showing accumulate`);
      expect($('button[data-mode="accumulate"]').getAttribute("aria-pressed")).toBe("true");
      model.set("mode", "compare");
      expect(notice()).toBe("");
      expect($$(".gw-panel")).toHaveLength(2);
    });

  test("set while drawn, it does not throw either", async () => {
    await show({ mode: "compare" });
    expect(() => model.set("mode", "__proto__")).not.toThrow();
    expect($$(".gw-panel")).toHaveLength(1);
    press("Home");
    expect(grad("a")).toBe("0");
  });
});

test("hover explains a node's grad term by term; a click pins it", async () => {
  await show({ mode: "compare" });
  node("a").dispatchEvent(new PointerEvent("pointerover", { bubbles: true }));
  const text = $(".gw-inspector").textContent;
  expect(text).toContain("correct (+=): a.grad = 10 (from g, left) + -6 (from d, left) = 4");
  expect(text).toContain("bug (=): a.grad = 10 (from g, left) lost → -6 (from d, left) = -6");
  expect($(".gw-inspector s.gw-lost-term").textContent).toBe("10 (from g, left)");
});

test("a summarized graph shows its counts; Draw anyway asks Python for the graph", async () => {
  const { nodes, edges } = summarized.structure.summary;
  await show({ max_nodes: summarized.max_nodes }, summarized);
  expect($(".gradwidget").dataset.state).toBe("summary");
  expect($$("g.gw-node")).toHaveLength(0);
  expect($(".gw-summary").textContent).toContain(`${nodes} nodes and ${edges} edges`);
  for (const label of ["Play", "Step forward", "Reset", "Fit", "Export SVG"]) {
    expect(button(label).closest("[hidden]"), label).not.toBeNull(); // nothing to play
  }
  expect($(".gw-scrub").hidden).toBe(true);
  expect($('button[data-mode="compare"]').closest("[hidden]")).toBeNull(); // the mode to draw in
  $(".gw-summary button").click();
  expect(model.get("max_nodes")).toBe(nodes);
  expect(model.saved).toBe(1);
  model.set("values", diamond.values); // what Python then sends
  model.set("structure", diamond.structure);
  await vi.waitFor(() => expect($$("g.gw-node")).toHaveLength(7));
  expect(button("Play").closest("[hidden]")).toBeNull();
  expect($(".gw-scrub").hidden).toBe(false);
});

test("the step status: parts that wrap only between them, the end marked done", async () => {
  await show();
  const status = () => $(".gw-step").textContent;
  expect(status()).toBe("Step 4 / 4 (done) · d fires");
  expect([...$$(".gw-step-part")].map((p) => p.textContent)).toEqual(["Step 4 / 4 (done)", "d fires"]);
  press("Home");
  expect(status()).toBe("Step 0 / 4 · seed L.grad = 1");
  press("ArrowRight");
  expect(status()).toBe("Step 1 / 4 · L fires");
  expect($(".gw-step").title).toBe("Step 1 / 4 · \u2068L\u2069 fires"); // the name isolated in the tooltip too
});

test("unlabelled nodes go by Python's names in the drawing, the status and the inspector: never an id", async () => {
  await show({}, neuron);
  const widgetText = () => $(".gradwidget").textContent;
  press("Home");
  for (let step = 0; step <= neuron.values.replays.accumulate.steps.length; step++) {
    expect($(".gw-step").textContent).not.toMatch(/#\d/);
    press("ArrowRight");
  }
  for (const g of $$("g.gw-node")) {
    g.dispatchEvent(new PointerEvent("pointerover", { bubbles: true }));
    expect(widgetText()).not.toMatch(/#\d/);
  }
  const root = neuron.structure.nodes[neuron.structure.root];
  press("Home");
  expect($(".gw-step").textContent).toMatch(/^Step 0 \/ \d+ · seed /);
  expect($(".gw-step").textContent).toContain(root.name.slice(0, 17));
});

test("timing hooks: data-draw-ms, data-refresh-ms and performance marks", async () => {
  performance.clearMarks?.();
  await show();
  const root = $(".gradwidget");
  expect(Number(root.dataset.drawMs)).toBeGreaterThanOrEqual(0);
  expect(root.dataset.refreshMs).toBeUndefined();
  model.set("values", { ...diamond.values, data: [5, 3, 15, 4, 19, 1, 19] });
  expect(Number(root.dataset.refreshMs)).toBeGreaterThanOrEqual(0);
  const values = performance.getEntriesByName("gradwidget:values");
  expect(values).toHaveLength(1);
  expect(values[0].detail.nodes).toBe(7);
  expect(performance.getEntriesByName("gradwidget:drawn").at(-1).detail.nodes).toBe(7);
});

describe("values belong to the structure with their key", () => {
  test("values for another structure, even with as many nodes, are not drawn on this one", async () => {
    await show();
    model.set("values", { ...diamond.values, key: "another graph", data: [9, 9, 9, 9, 9, 9, 9] });
    expect(node("a").querySelector(".gw-data").textContent).toBe("2");
    press("Home"); // the player still plays the drawn graph's own replay
    expect(grad("a")).toBe("0");
    press("End");
    expect(grad("a")).toBe("4");
  });

  test("values that arrive before their structure are held until it is drawn", async () => {
    await show();
    model.set("values", mlp.values); // the old drawing must not choke on them
    expect(grad("a")).toBe("4");
    model.set("structure", mlp.structure);
    await vi.waitFor(() => expect($$("g.gw-node")).toHaveLength(mlp.structure.nodes.length));
    expect($(`g.gw-node[data-id="${mlp.structure.root}"] .gw-grad`).textContent).toBe("1");
    const leaf = mlp.structure.nodes.findIndex((n) => !n.op);
    expect($(`g.gw-node[data-id="${leaf}"] .gw-data`).getAttribute("data-value")).toBe(String(mlp.values.data[leaf]));
  });

  test("a structure that arrives before its values shows no numbers of another graph", async () => {
    await show();
    model.set("structure", mlp.structure);
    await vi.waitFor(() => expect($$("g.gw-node")).toHaveLength(mlp.structure.nodes.length));
    expect($$(".gw-data").every((t) => t.textContent === "")).toBe(true);
    model.set("values", mlp.values);
    expect($(`g.gw-node[data-id="${mlp.structure.root}"] .gw-grad`).textContent).toBe("1");
  });
});

test("stale numbers are said in the notice, a polite status line", async () => {
  await show();
  const stale = "a.data changed since the last forward(): call L.forward() to recompute";
  model.set("values", { ...diamond.values, stale });
  const box = $(".gw-notice");
  expect(box.getAttribute("role")).toBe("status");
  expect(box.getAttribute("aria-live")).toBe("polite");
  expect(box.closest(".gradwidget")).not.toBeNull();
  expect(box.textContent).toBe(stale);
  expect(grad("a")).toBe("4"); // the numbers drawn are the ones the graph holds
  model.set("values", { ...diamond.values, stale: null });
  expect(box.textContent).toBe("");
});

test("an error Python reports outside a slide (a refresh that failed, a refused page write) is in the notice", async () => {
  await show();
  model.set("values", { ...diamond.values, seq: null, error: "mode must be one of 'accumulate', 'overwrite', 'compare', got 'x'" });
  expect(notice()).toBe("mode must be one of 'accumulate', 'overwrite', 'compare', got 'x'");
  model.set("values", { ...diamond.values, seq: null, error: null });
  expect(notice()).toBe("");
});

describe("sliders", () => {
  const slide = (name, value) => {
    const input = $(`.gw-sliders input[aria-label="${name}"]`);
    input.value = String(value);
    input.dispatchEvent(new Event("input"));
  };
  const answer = (seq, extra = {}) => model.set("values", { ...diamond.values, seq, error: null, ...extra });
  const sliderValue = (name) => $(`.gw-sliders input[aria-label="${name}"]`).value;

  test("one per spec, at its value", async () => {
    await show({ sliders: diamond.sliders });
    const inputs = $$(".gw-sliders input[type=range]");
    expect(inputs.map((i) => [i.getAttribute("aria-label"), Number(i.min), Number(i.max), Number(i.step), Number(i.value)]))
      .toEqual(diamond.sliders.map((s) => [s.name, s.min, s.max, s.step, s.value]));
    expect($(".gw-sliders").hidden).toBe(false);
  });

  test("keep their keys from JupyterLab's shortcuts", async () => {
    await show({ sliders: diamond.sliders });
    for (const input of $$(".gw-sliders input[type=range]")) {
      expect(input.getAttribute("data-lm-suppress-shortcuts")).toBe("true");
    }
  });

  test("no sliders, no slider row", async () => {
    await show();
    expect($(".gw-sliders").hidden).toBe(true);
  });

  test("one slide in flight; moves meanwhile go in the next one", async () => {
    await show({ sliders: diamond.sliders });
    slide("a", 1);
    slide("a", 1.5);
    slide("c", 2);
    expect(model.sent).toHaveLength(1);
    const first = model.sent[0];
    expect(first).toMatchObject({ type: "slide", values: { a: 1 } });
    answer(first.seq - 1); // an answer to something else changes nothing
    expect(model.sent).toHaveLength(1);
    answer(first.seq);
    expect(model.sent).toHaveLength(2);
    expect(model.sent[1]).toMatchObject({ type: "slide", values: { a: 1.5, c: 2 } });
    expect(model.sent[1].seq).not.toBe(first.seq);
  });

  test("an error is shown and the slider goes back to what Python kept", async () => {
    await show({ sliders: diamond.sliders });
    slide("a", -2);
    answer(model.sent[0].seq, { error: "ValueError: log of -2" });
    expect($(".gw-slider-error").textContent).toBe("ValueError: log of -2");
    expect(sliderValue("a")).toBe("2");
  });

  test("confirmed positions from Python move the sliders", async () => {
    await show({ sliders: diamond.sliders });
    model.set("sliders", [{ ...diamond.sliders[0], value: -1 }, diamond.sliders[1]]);
    expect(sliderValue("a")).toBe("-1");
    expect($(".gw-sliders output").textContent).toBe("-1");
  });

  test("with no kernel to answer, a slide is put back after 3 s and the notice says why", async () => {
    vi.useFakeTimers();
    await show({ sliders: diamond.sliders });
    slide("a", 1);
    expect(model.sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2900);
    expect(notice()).toBe("");
    expect(sliderValue("a")).toBe("1");
    await vi.advanceTimersByTimeAsync(200);
    expect(sliderValue("a")).toBe("2");
    expect($(".gw-sliders output").textContent).toBe("2");
    expect(notice()).toMatch(/^Sliders need a running kernel: /);
    expect(grad("a")).toBe("4"); // nothing moved
    slide("c", 2); // a later slide is sent again, and an answer clears the notice
    expect(model.sent).toHaveLength(2);
    answer(model.sent[1].seq);
    expect(notice()).toBe("");
  });

  test("with no comm to send through (kernel restarted or shut down), sending does not throw; the slide is put back after 3 s", async () => {
    vi.useFakeTimers();
    await show({ sliders: diamond.sliders });
    model.send = () => { throw new Error("Cannot send"); }; // what the widget manager does then
    expect(() => slide("a", 1)).not.toThrow();
    expect(sliderValue("a")).toBe("1");
    await vi.advanceTimersByTimeAsync(3100);
    expect(sliderValue("a")).toBe("2");
    expect(notice()).toMatch(/^Sliders need a running kernel: /);
    expect(grad("a")).toBe("4");
  });
});

test("a new structure is laid out and drawn", async () => {
  await show();
  const structure = { ...diamond.structure, key: "other", nodes: diamond.structure.nodes.map((n) => ({ ...n, label: n.label + "2", name: n.label + "2" })) };
  model.set("structure", structure);
  await vi.waitFor(() => expect(node("a2")).not.toBeNull());
  expect(layouts).toBe(2);
});

test("export_svg is answered with the drawing as SVG text", async () => {
  await show();
  model.receive({ type: "export_svg" });
  await vi.waitFor(() => expect(model.sent).toHaveLength(1));
  const { type, svg } = model.sent[0];
  expect(type).toBe("svg");
  expect(svg.startsWith("<svg")).toBe(true);
  expect(svg).toContain("gw-node");
  expect(svg).toContain(".gw-edge {");
});

test("the cleanup removes listeners and the view", async () => {
  await show();
  expect(model.listenerCount()).toBeGreaterThan(0);
  cleanup();
  cleanup = null;
  expect(model.listenerCount()).toBe(0);
  expect($(".gradwidget")).toBeNull();
});

test("two widgets on one page, each from its own copy of the module: every edge keeps its own arrowhead", async () => {
  const hosts = [];
  const cleanups = [];
  for (let i = 0; i < 2; i++) {
    vi.resetModules(); // as when each widget's ESM is evaluated on its own
    const { default: copy } = await import("../widget.js");
    const host = document.createElement("div");
    document.body.append(host);
    cleanups.push(copy.render({ model: fakeModel({ structure: diamond.structure, values: diamond.values, mode: "compare" }), el: host }));
    await drawnIn(host);
    hosts.push(host);
  }
  const ids = [...document.querySelectorAll("marker")].map((m) => m.id);
  expect(ids.length).toBe(2 * 2 * 3); // two widgets, two panels, three arrow styles
  expect(new Set(ids).size).toBe(ids.length);
  for (const svg of document.querySelectorAll("svg.gw-svg")) {
    for (const edge of svg.querySelectorAll("path.gw-edge")) {
      const id = edge.getAttribute("marker-end").match(/^url\(#(.+)\)$/)[1];
      expect(svg.contains(document.getElementById(id)), id).toBe(true);
    }
  }
  cleanups.forEach((fn) => fn());
  hosts.forEach((host) => host.remove());
});

test("a label with bidi controls cannot reorder the text around it", async () => {
  const evil = "\u202Eevil";
  const structure = { ...diamond.structure, key: "evil", nodes: diamond.structure.nodes.map((n) => (n.label === "a" ? { ...n, label: evil, name: evil } : n)) };
  const sliders = [{ ...diamond.sliders[0], name: evil }];
  await show({ sliders }, { structure, values: { ...diamond.values, key: "evil" } });
  press("Home");
  press("ArrowRight");
  press("ArrowRight");
  press("ArrowRight");
  press("ArrowRight"); // "… fires" names d, whose input is the label
  $('g.gw-node[data-id="0"]').dispatchEvent(new PointerEvent("pointerover", { bubbles: true }));
  const holders = textNodes($(".gradwidget")).filter((t) => t.data.includes("\u202E")).map((t) => t.parentElement);
  expect(holders.length).toBeGreaterThanOrEqual(3); // the drawing, the inspector, the slider
  for (const holder of holders) {
    const isolated = holder.tagName === "BDI" || getComputedStyle(holder).unicodeBidi === "isolate";
    expect(isolated, holder.outerHTML).toBe(true);
    expect(holder.textContent).toBe(holder.tagName === "BDI" ? evil : evil.slice(0, 18)); // nothing else inside
  }
  expect($(".gw-inspector").textContent).toContain(`${evil} = 2 (leaf)`);
  expect($("img, script")).toBeNull();
});

function textNodes(root) {
  const walker = root.ownerDocument.createTreeWalker(root, 4 /* NodeFilter.SHOW_TEXT */);
  const out = [];
  while (walker.nextNode()) out.push(walker.currentNode);
  return out;
}
