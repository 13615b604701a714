// @vitest-environment happy-dom
// The whole view with a fake model, on payloads made by Python (fixtures/, written by
// scripts/js_fixtures.py); layouts come from the real Graphviz through a stand-in page
// engine (happy-dom has no Worker for the real one).
import { Graphviz } from "@hpcc-js/wasm-graphviz";
import { afterEach, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import widget from "../widget.js";
import { fakeModel } from "../dev/fake-model.js";
import modes from "../../gradwidget/modes.json";
import doubled from "./fixtures/a_plus_a.json";
import diamond from "./fixtures/diamond.json";
import mlp from "./fixtures/mlp.json";
import neuron from "./fixtures/neuron.json";
import summarized from "./fixtures/summary.json";
import { computedNodes, depositList } from "./lesson-fixtures.js";

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
const narration = () => $(".gw-narration");
const END = depositList(diamond, "accumulate").length; // the diamond's lesson: one step per deposit
// every node's grad, at full precision, by id
const grads = (host = el) => [...host.querySelectorAll("g.gw-node")].sort((x, y) => x.dataset.id - y.dataset.id)
  .map((g) => Number(g.querySelector(".gw-grad").getAttribute("data-value")));

test("draws the diamond with its final grads (start: end) and all the controls", async () => {
  await show({ start: "end" });
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

test("a new widget starts at step 0: only the root seeded; End and Play reach Python's final grads", async () => {
  vi.useFakeTimers();
  await show();
  const { structure: s, values: v } = diamond;
  expect(grads()).toEqual(s.nodes.map((n) => (n.id === s.root ? 1 : 0)));
  expect($(".gw-step").textContent).toBe(`Step 0 / ${END} · seed L.grad = 1`);
  expect($$(".gw-active")).toHaveLength(0);
  press("End");
  expect(grads()).toEqual(v.replays.accumulate.grad);
  press("Home");
  expect(grads()).toEqual(s.nodes.map((n) => (n.id === s.root ? 1 : 0)));
  button("Play").click();
  await vi.advanceTimersByTimeAsync(600); // one step
  expect(grads()).not.toEqual(v.replays.accumulate.grad);
  await vi.advanceTimersByTimeAsync(END * 1000);
  expect(grads()).toEqual(v.replays.accumulate.grad);
  expect($(".gw-step").textContent).toMatch(new RegExp(`^Step ${END} / ${END} \\(done\\)`));
  $('button[data-mode="overwrite"]').click(); // another mode at its end too
  expect(grads()).toEqual(v.replays.overwrite.grad);
});

test("start: end shows the finished pass; the End button keeps it there", async () => {
  await show({ start: "end" });
  expect(grads()).toEqual(diamond.values.replays.accumulate.grad);
  button("Reset").click();
  expect(grad("a")).toBe("0");
  button("End").click();
  expect(grads()).toEqual(diamond.values.replays.accumulate.grad);
});

test("keyboard: Home resets, arrows step one deposit each, the step shows in the drawing", async () => {
  await show({ start: "end" });
  press("Home");
  expect(grad("a")).toBe("0");
  expect(grad("L")).toBe("1");
  press("ArrowRight"); // L's deposit into e
  expect(grad("e")).toBe("-2");
  expect(grad("g")).toBe("0");
  press("ArrowRight"); // L's deposit into g
  expect(grad("g")).toBe("10");
  expect(grad("a")).toBe("0");
  expect($$(".gw-active").map((g) => g.dataset.label)).toEqual(["L"]);
  press("ArrowRight"); // g's deposit into a
  expect(grad("a")).toBe("10");
  expect(grad("c")).toBe("0");
  expect($$(".gw-active").map((g) => g.dataset.label)).toEqual(["g"]);
  press("ArrowLeft");
  expect(grad("a")).toBe("0");
});

test("Play runs to the end on a timer and swaps Play for Pause; from the end it starts over", async () => {
  vi.useFakeTimers();
  await show({ start: "end" });
  button("Play").click();
  expect(button("Play").hidden).toBe(true);
  expect(button("Pause").hidden).toBe(false);
  expect(grad("a")).toBe("0"); // from the end, play starts over
  await vi.advanceTimersByTimeAsync(END * 600);
  expect(grad("a")).toBe("4");
  expect(button("Play").hidden).toBe(false);
});

test("forward: the lesson plays the forward pass first, pending nodes show '?'", async () => {
  await show({ forward: true });
  const { structure: s, values: v } = diamond;
  const F = computedNodes(s).length;
  expect($(".gw-step").textContent).toBe(`Step 0 / ${F + END} · forward pass`);
  expect($$("g.gw-pending").map((g) => Number(g.dataset.id))).toEqual(computedNodes(s));
  expect(node("d").querySelector(".gw-data").textContent).toBe("?");
  expect(grad("L")).toBe("0");
  press("ArrowRight");
  expect($(".gw-step").textContent).toBe(`Step 1 / ${F + END} · forward: d`);
  expect(node("d").querySelector(".gw-data").getAttribute("data-value")).toBe(String(v.data[2]));
  expect($$("g.gw-pending").map((g) => g.dataset.label)).toEqual(["e", "g", "L"]);
  for (let k = 1; k < F; k++) press("ArrowRight");
  expect($$("g.gw-pending")).toHaveLength(0);
  expect(grad("L")).toBe("1");
  press("End");
  expect(grads()).toEqual(v.replays.accumulate.grad);
  model.set("forward", false); // the lesson changes: back to its start, without the forward pass
  expect($(".gw-step").textContent).toBe(`Step 0 / ${END} · seed L.grad = 1`);
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
  await show({ start: "end" });
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
  await show({ start: "end" });
  model.set("mode", "overwrite");
  expect(["a", "b", "c"].map(grad)).toEqual(["-6", "-4", "-2"]);
});

describe("a mode that is not a view", () => {
  test.each(["__proto__", "constructor", "toString", "hasOwnProperty", "nope", 3])(
    "%s: the accumulate view, and a notice that says so", async (mode) => {
      await show({ mode, start: "end" });
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
  await show({ mode: "compare", start: "end" });
  node("a").dispatchEvent(new PointerEvent("pointerover", { bubbles: true }));
  const text = $(".gw-inspector").textContent;
  expect(text).toContain("correct (+=): a.grad = 10 (from g, left) + -6 (from d, left) = 4");
  expect(text).toContain("bug (=): a.grad = 10 (from g, left) lost → -6 (from d, left) = -6");
  expect($(".gw-inspector span.gw-lost-term").textContent).toBe("10 (from g, left)");
  expect($(".gw-inspector s")).toBeNull();
  node("a").dispatchEvent(new MouseEvent("click", { bubbles: true }));
  press("Home"); // pinned: the explanation follows the steps
  expect($(".gw-inspector").textContent).toContain("correct (+=): a.grad = 0 (nothing received yet)");
});

describe("the narration", () => {
  const lines = () => $$(".gw-narration .gw-narration-line");

  test("a polite live line inside the widget that tells each step anew", async () => {
    await show();
    const box = narration();
    expect(box).not.toBeNull();
    expect(box.closest(".gradwidget")).toBe($(".gradwidget"));
    expect(box.getAttribute("aria-live")).toBe("polite");
    expect(box.hidden).toBe(false);
    expect(box.textContent).toContain("L.grad = 1");
    const seen = [box.textContent];
    const list = depositList(diamond, "accumulate");
    list.forEach((d) => {
      press("ArrowRight");
      const text = narration().textContent;
      expect(text).not.toBe(seen.at(-1)); // each step is said again
      expect(text).toContain(`${diamond.structure.nodes[d.into].label}.grad`);
      seen.push(text);
    });
    expect(new Set(seen).size).toBe(list.length + 1);
    expect(narration()).toBe(box); // the same live region, its text replaced
    press("ArrowLeft");
    expect(narration().textContent).toBe(seen.at(-2));
  });

  test("compare: one line per panel, titled by the panel's title, where the modes differ", async () => {
    await show({ mode: "compare" });
    const titles = modes.views.compare.panels.map((replay) => modes.replays[replay].title);
    const list = depositList(diamond, "accumulate");
    const k = list.findIndex((d) => d.nth === 2) + 1; // the first deposit the = bug gets wrong
    for (let i = 0; i < k; i++) press("ArrowRight");
    expect(lines()).toHaveLength(2);
    expect(lines().map((line) => line.querySelector("strong").textContent)).toEqual(titles.map((t) => `${t}: `));
    const [sum, bug] = lines().map((line) => line.textContent);
    expect(sum).toContain("\u221210 + \u22122 = \u221212");
    expect(bug).toMatch(/lost/);
    expect(sum).not.toMatch(/lost/);
  });

  test("compare: where both panels say the same, they share one line", async () => {
    await show({ mode: "compare" });
    press("ArrowRight"); // L's deposit into e: the same in both modes
    expect(lines()).toHaveLength(1);
    expect(lines()[0].querySelector("strong")).toBeNull();
    expect(lines()[0].textContent).toContain("e.grad = \u22122");
  });

  test("a + a overwrite: the 2nd step says the 1 a held is lost", async () => {
    await show({ mode: "overwrite" }, doubled);
    press("ArrowRight");
    expect(narration().textContent).not.toMatch(/lost/);
    press("ArrowRight");
    expect(narration().textContent).toMatch(/a\.grad = 1\b.*lost/);
    expect(grad("a")).toBe("1");
  });

  test("an eager panel whose replay Python could not make shows the reason in the panel", async () => {
    const error = "the eager replay of this graph needs more than 5,000 steps (it revisits a reused node once per path)";
    const values = { ...diamond.values, replays: { ...diamond.values.replays, eager: { steps: [], grad: [], error } } };
    await show({ mode: "compare-eager" }, { structure: diamond.structure, values });
    const panels = $$(".gw-panel");
    expect(panels.map((p) => p.querySelector(".gw-panel-title").textContent))
      .toEqual(modes.views["compare-eager"].panels.map((replay) => modes.replays[replay].title));
    const failed = panels[1].querySelector(".gw-panel-error");
    expect(failed).not.toBeNull();
    expect(failed.hidden).toBe(false);
    expect(failed.textContent).toBe(error);
    expect(panels[0].querySelector(".gw-panel-error:not([hidden])")).toBeNull();
    // the correct panel still plays its lesson; the line of the eager one says why it cannot
    press("End");
    expect(grads(panels[0])).toEqual(diamond.values.replays.accumulate.grad);
    expect(lines().map((line) => line.textContent).join("\n")).toContain(error);
    // new values with the replay there: the message goes
    model.set("values", { ...values, replays: { ...values.replays, eager: diamond.values.replays.accumulate } });
    expect($$(".gw-panel")[1].querySelector(".gw-panel-error:not([hidden])")).toBeNull();
  });
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
  expect(status()).toBe(`Step 0 / ${END} · seed L.grad = 1`);
  press("ArrowRight");
  expect(status()).toBe(`Step 1 / ${END} · L \u2192 e`);
  expect($(".gw-step").title).toBe(`Step 1 / ${END} · \u2068L\u2069 \u2192 \u2068e\u2069`); // names isolated in the tooltip too
  press("End");
  expect(status()).toBe(`Step ${END} / ${END} (done) · d \u2192 b`);
  expect([...$$(".gw-step-part")].map((p) => p.textContent)).toEqual([`Step ${END} / ${END} (done)`, "d \u2192 b"]);
});

test("unlabelled nodes go by Python's names in the drawing, the status and the inspector: never an id", async () => {
  await show({}, neuron);
  const widgetText = () => $(".gradwidget").textContent;
  press("Home");
  for (let step = 0; step <= depositList(neuron, "accumulate").length; step++) {
    expect($(".gw-narration").textContent).not.toMatch(/#\d/);
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
    await show({ start: "end" });
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
  await show({ start: "end" });
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
    await show({ sliders: diamond.sliders, start: "end" });
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
    await show({ sliders: diamond.sliders, start: "end" });
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

test("an export_svg request (the _request trait) is answered once with its id and the drawing as SVG text", async () => {
  await show();
  model.set("_request", { id: 3, type: "export_svg" });
  await vi.waitFor(() => expect(model.sent).toHaveLength(1));
  const { type, id, svg } = model.sent[0];
  expect([type, id]).toEqual(["svg", 3]);
  expect(svg.startsWith("<svg")).toBe(true);
  expect(svg).toContain("gw-node");
  expect(svg).toContain(".gw-edge {");
  model.set("_request", { ...model.get("_request") }); // the same request again: not answered twice
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(model.sent).toHaveLength(1);
});

test("a request made before the view was drawn is answered when it is (the cell after display())", async () => {
  await show({ _request: { id: 1, type: "export_animation" } });
  await vi.waitFor(() => expect(model.sent).toHaveLength(1));
  const { type, id, svg } = model.sent[0];
  expect([type, id]).toEqual(["animation", 1]);
  const frames = new DOMParser().parseFromString(svg, "image/svg+xml").querySelectorAll("g.gw-frame");
  expect(frames.length).toBe(diamond.values.replays.accumulate.steps.flatMap((s) => s.deposits).length + 1);
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
  press("ArrowRight"); // g's deposit into a: the status and the narration name the label
  expect($(".gw-step bdi:last-of-type").textContent).toBe(evil);
  expect([...$$(".gw-narration bdi")].map((b) => b.textContent)).toContain(evil);
  $('g.gw-node[data-id="0"]').dispatchEvent(new PointerEvent("pointerover", { bubbles: true }));
  const holders = textNodes($(".gradwidget")).filter((t) => t.data.includes("\u202E")).map((t) => t.parentElement);
  expect(holders.length).toBeGreaterThanOrEqual(5); // the drawing, the inspector, the slider, the status, the narration
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
