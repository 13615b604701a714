// @vitest-environment happy-dom
// The whole view with a fake model; layouts come from the real Graphviz through a
// stand-in page engine (happy-dom has no Worker for the real one).
import { Graphviz } from "@hpcc-js/wasm-graphviz";
import { afterEach, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import widget from "../widget.js";
import { fakeModel } from "../dev/fake-model.js";
import { diamond, randomDag, summarized } from "./fixtures.js";

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
  el.remove();
  vi.useRealTimers();
});

async function show(traits = {}) {
  model = fakeModel({ structure: diamond.structure, values: diamond.values, ...traits });
  cleanup = widget.render({ model, el });
  await vi.waitFor(() => expect(el.querySelector(".gradwidget").dataset.state).not.toBe("layout"));
}
const $ = (selector) => el.querySelector(selector);
const $$ = (selector) => [...el.querySelectorAll(selector)];
const grad = (label) => $(`g.gw-node[data-label="${label}"] .gw-grad`).textContent;
const press = (key) => $(".gradwidget").dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));
const button = (label) => $(`button[aria-label="${label}"]`);

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
});

test("keyboard: Home resets, arrows step, the step shows in the drawing", async () => {
  await show();
  press("Home");
  expect(grad("a")).toBe("0");
  expect(grad("L")).toBe("1");
  press("ArrowRight");
  press("ArrowRight");
  expect(grad("a")).toBe("10");
  expect($$(".gw-active").map((g) => g.dataset.label)).toEqual(["f"]);
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
  expect($('g.gw-node[data-label="a"] .gw-data').textContent).toBe("5");
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

test("hover explains a node's grad term by term; a click pins it", async () => {
  await show({ mode: "compare" });
  const a = $('g.gw-node[data-label="a"]');
  a.dispatchEvent(new PointerEvent("pointerover", { bubbles: true }));
  const text = $(".gw-inspector").textContent;
  expect(text).toContain("correct (+=): a.grad = 10 (from f, left) + -6 (from d, left) = 4");
  expect(text).toContain("bug (=): a.grad = 10 (from f, left) lost → -6 (from d, left) = -6");
  expect($(".gw-inspector s.gw-lost-term").textContent).toBe("10 (from f, left)");
});

test("a summarized graph shows its counts; Draw anyway asks Python for the graph", async () => {
  await show({ ...summarized, max_nodes: 2500 });
  expect($(".gradwidget").dataset.state).toBe("summary");
  expect($$("g.gw-node")).toHaveLength(0);
  expect($(".gw-summary").textContent).toContain("65817 nodes and 98000 edges");
  for (const label of ["Play", "Step forward", "Reset", "Fit", "Export SVG"]) {
    expect(button(label).closest("[hidden]"), label).not.toBeNull(); // nothing to play
  }
  expect($(".gw-scrub").hidden).toBe(true);
  expect($('button[data-mode="compare"]').closest("[hidden]")).toBeNull(); // the mode to draw in
  $(".gw-summary button").click();
  expect(model.get("max_nodes")).toBe(65817);
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
  expect($(".gw-step").title).toBe("Step 1 / 4 · L fires");
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

describe("sliders", () => {
  const specs = [{ name: "a", min: -3, max: 3, step: 0.1, value: 2 }, { name: "c", min: 0, max: 8, step: 0.5, value: 4 }];
  const slide = (name, value) => {
    const input = $(`.gw-sliders input[aria-label="${name}"]`);
    input.value = String(value);
    input.dispatchEvent(new Event("input"));
  };
  const answer = (seq, extra = {}) => model.set("values", { ...diamond.values, seq, error: null, ...extra });

  test("one per spec, at its value", async () => {
    await show({ sliders: specs });
    const inputs = $$(".gw-sliders input[type=range]");
    expect(inputs.map((i) => [i.getAttribute("aria-label"), i.min, i.max, i.step, i.value])).toEqual([
      ["a", "-3", "3", "0.1", "2"], ["c", "0", "8", "0.5", "4"]]);
    expect($(".gw-sliders").hidden).toBe(false);
  });

  test("keep their keys from JupyterLab's shortcuts", async () => {
    await show({ sliders: specs });
    for (const input of $$(".gw-sliders input[type=range]")) {
      expect(input.getAttribute("data-lm-suppress-shortcuts")).toBe("true");
    }
  });

  test("no sliders, no slider row", async () => {
    await show();
    expect($(".gw-sliders").hidden).toBe(true);
  });

  test("one slide in flight; moves meanwhile go in the next one", async () => {
    await show({ sliders: specs });
    slide("a", 1);
    slide("a", 1.5);
    slide("c", 6);
    expect(model.sent).toHaveLength(1);
    const first = model.sent[0];
    expect(first).toMatchObject({ type: "slide", values: { a: 1 } });
    answer(first.seq - 1); // an answer to something else changes nothing
    expect(model.sent).toHaveLength(1);
    answer(first.seq);
    expect(model.sent).toHaveLength(2);
    expect(model.sent[1]).toMatchObject({ type: "slide", values: { a: 1.5, c: 6 } });
    expect(model.sent[1].seq).not.toBe(first.seq);
  });

  test("an error is shown and the slider goes back to what Python kept", async () => {
    await show({ sliders: specs });
    slide("a", -2);
    answer(model.sent[0].seq, { error: "ValueError: log of -2" });
    expect($(".gw-slider-error").textContent).toBe("ValueError: log of -2");
    expect($('.gw-sliders input[aria-label="a"]').value).toBe("2");
  });

  test("confirmed positions from Python move the sliders", async () => {
    await show({ sliders: specs });
    model.set("sliders", [{ ...specs[0], value: -1 }, specs[1]]);
    expect($('.gw-sliders input[aria-label="a"]').value).toBe("-1");
    expect($(".gw-sliders output").textContent).toBe("-1");
  });
});

test("a new structure is laid out and drawn", async () => {
  await show();
  const structure = { ...diamond.structure, key: "other", nodes: diamond.structure.nodes.map((n) => ({ ...n, label: n.label + "2" })) };
  model.set("structure", structure);
  await vi.waitFor(() => expect($('g.gw-node[data-label="a2"]')).not.toBeNull());
  expect(layouts).toBe(2);
});

test("values that arrive before their structure are held until it is drawn", async () => {
  await show();
  const next = randomDag(30, 2);
  model.set("values", next.values); // the old drawing must not choke on them
  expect(grad("a")).toBe("4");
  model.set("structure", next.structure);
  await vi.waitFor(() => expect($$("g.gw-node")).toHaveLength(next.structure.nodes.length));
  const root = $(`g.gw-node[data-id="${next.structure.root}"] .gw-grad`);
  expect(root.textContent).toBe("1");
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
