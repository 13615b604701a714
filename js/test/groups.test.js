// @vitest-environment happy-dom
// Grouped graphs, on payloads Python made (fixtures/, scripts/js_fixtures.py): a network
// MLP(2, [16, 16, 1]) in its default view (layers open as frames, each neuron one box),
// the same with neuron L1.N3 open, and a batch loss whose shared parameters are one box of
// 17 outputs. Real Graphviz layouts; the drawing, the keys, the narration and the view.
import { Graphviz } from "@hpcc-js/wasm-graphviz";
import { afterEach, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import { drawStructure, updateValues } from "../draw.js";
import { bindKeys } from "../keyboard.js";
import { FRAME_TITLE_H, clusterIndex, frameTitle, frameTitleWidth, orderLayers, parseLayout, toDot } from "../layout.js";
import { narrate } from "../narration.js";
import { lessonAt, replayAt } from "../replay.js";
import { plainText } from "../text.js";
import widget from "../widget.js";
import { fakeModel } from "../dev/fake-model.js";
import batch from "./fixtures/batch.json";
import diamond from "./fixtures/diamond.json";
import mlp16 from "./fixtures/mlp16.json";
import open from "./fixtures/mlp16_open.json";
import { computedNodes, depositList, num } from "./lesson-fixtures.js";

let graphviz;
beforeAll(async () => {
  graphviz = await Graphviz.load();
});
// The layout as the view draws it (view.js): Graphviz's, then a layer's neurons put in order.
const layouts = new Map(); // structure -> its layout (dot runs once per fixture)
const run = (structure) => {
  if (!layouts.has(structure)) layouts.set(structure, orderLayers(parseLayout(graphviz.layout(toDot(structure), "json0", "dot")), structure));
  return layouts.get(structure);
};

const inside = (box, outer, tol = 0.5) =>
  box.x >= outer.x - tol && box.y >= outer.y - tol && box.x + box.w <= outer.x + outer.w + tol && box.y + box.h <= outer.y + outer.h + tol;
const overlap = (a, b, tol = 0.5) =>
  Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x) > tol && Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y) > tol;
const byName = (structure, name) => structure.nodes.find((n) => n.name === name);
const GROUPED = [["mlp16", mlp16], ["mlp16_open", open], ["batch", batch]];

describe("the fixtures are what these tests need", () => {
  test("mlp16: 2 inputs and 33 neuron boxes in 3 open layers inside the open MLP; no parallel edges", () => {
    const { structure: s } = mlp16;
    expect(s.nodes).toHaveLength(35);
    expect(s.nodes.filter((n) => n.group)).toHaveLength(33);
    expect(s.clusters.map((c) => [c.key, c.parent])).toEqual([["MLP", null], ["MLP/L1", "MLP"], ["MLP/L2", "MLP"], ["MLP/L3", "MLP"]]);
    expect(s.groups.expanded).toEqual(["MLP", "MLP/L1", "MLP/L2", "MLP/L3"]);
    expect(s.groups.keys).toHaveLength(s.groups.count);
  });

  test("mlp16_open: L1.N3 is a frame of its 8 values, inside L1; its box is gone", () => {
    const { structure: s } = open;
    expect(s.clusters.find((c) => c.key === "MLP/L1/L1.N3")).toMatchObject({ parent: "MLP/L1", size: 8 });
    expect(s.nodes.filter((n) => n.cluster === "MLP/L1/L1.N3")).toHaveLength(8);
    expect(s.nodes.some((n) => n.group?.key === "MLP/L1/L1.N3")).toBe(false);
  });

  test("batch: one box of shared parameters with 17 outputs, edges that stand for several", () => {
    const params = byName(batch.structure, "MLP parameters");
    expect(params.group).toEqual({ key: "MLP parameters", kind: "parameters", size: 17, outputs: 17 });
    expect(batch.structure.edges.filter((e) => e.count > 1).length).toBeGreaterThan(0);
  });
});

describe("layout of a grouped graph (real Graphviz)", () => {
  test.each(GROUPED)("%s: every node inside its frame, every frame inside its parent's", (_, { structure: s }) => {
    const layout = run(s);
    const index = clusterIndex(s);
    expect(Object.keys(layout.clusters).map(Number).sort((a, b) => a - b)).toEqual(s.clusters.map((_, i) => i));
    const problems = [];
    for (const node of s.nodes) {
      if (node.cluster == null) continue;
      // in its own frame and in every frame around it
      for (let key = node.cluster; key != null; key = s.clusters[index.get(key)].parent) {
        if (!inside(layout.nodes[node.id], layout.clusters[index.get(key)])) problems.push(`node ${node.name} outside ${key}`);
      }
    }
    for (const [i, c] of s.clusters.entries()) {
      if (c.parent != null && !inside(layout.clusters[i], layout.clusters[index.get(c.parent)])) problems.push(`frame ${c.key} outside ${c.parent}`);
    }
    // and nothing of another frame inside it: sibling frames do not overlap
    for (const [i, a] of s.clusters.entries()) {
      for (const [j, b] of s.clusters.entries()) {
        if (j > i && a.parent === b.parent && overlap(layout.clusters[i], layout.clusters[j])) problems.push(`frames ${a.key} x ${b.key}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test.each(GROUPED)("%s: no two node boxes overlap, and none is under a frame's title", (_, { structure: s }) => {
    const layout = run(s);
    const problems = [];
    const boxes = s.nodes.map((n) => [n.name, layout.nodes[n.id]]);
    for (const [i, [a, boxA]] of boxes.entries()) {
      for (const [b, boxB] of boxes.slice(i + 1)) if (overlap(boxA, boxB)) problems.push(`${a} x ${b}`);
    }
    for (const [i, c] of s.clusters.entries()) {
      const frame = layout.clusters[i];
      const title = { x: frame.x + 6, y: frame.y + 4, w: Math.ceil(frameTitleWidth(c)), h: FRAME_TITLE_H - 4 }; // draw.js
      for (const [name, box] of boxes) if (overlap(title, box)) problems.push(`title of ${c.key} x ${name}`);
    }
    expect(problems).toEqual([]);
  });

  test.each(GROUPED)("%s: a frame's title is never wider than its frame", (_, { structure: s }) => {
    const layout = run(s);
    for (const [i, c] of s.clusters.entries()) {
      // draw.js puts the title 6 units in from the frame's left side
      expect(6 + Math.ceil(frameTitleWidth(c)), `${c.key}: ${frameTitle(c)}`).toBeLessThanOrEqual(layout.clusters[i].w);
    }
  });

  test("a group with a long name: its frame is made as wide as its title", () => {
    const long = "output layer of the network, one linear neuron";
    const s = { ...mlp16.structure, key: "long", clusters: mlp16.structure.clusters.map((c) => (c.key === "MLP/L3" ? { ...c, name: long } : c)) };
    const layout = run(s);
    const i = clusterIndex(s).get("MLP/L3");
    const neuron = layout.nodes[byName(s, "L3.N1").id];
    expect(frameTitle(s.clusters[i])).toBe(`\u25be ${long} \u00b7 49 values`);
    expect(frameTitleWidth(s.clusters[i])).toBeGreaterThan(neuron.w + 40); // wider than what the frame holds
    expect(6 + Math.ceil(frameTitleWidth(s.clusters[i]))).toBeLessThanOrEqual(layout.clusters[i].w);
    expect(inside(layout.clusters[i], layout.clusters[clusterIndex(s).get("MLP")])).toBe(true);
  });

  test.each([["mlp16", mlp16], ["mlp16_open", open]])("%s: the neurons of each layer in order, N1 at the top", (_, { structure: s }) => {
    const layout = run(s);
    for (const layer of ["L1", "L2"]) {
      const boxes = s.nodes.filter((n) => n.cluster === `MLP/${layer}` && n.group)
        .map((n) => ({ n: Number(n.name.split(".N")[1]), y: layout.nodes[n.id].y }));
      expect(boxes.length, layer).toBe(layer === "L1" && s === open.structure ? 15 : 16);
      const top = [...boxes].sort((a, b) => a.y - b.y).map((b) => b.n);
      expect(top, layer).toEqual([...top].sort((a, b) => a - b));
    }
    const l1 = (n) => layout.nodes[byName(s, `L1.N${n}`).id].y;
    expect(l1(1)).toBeLessThan(l1(2));
    expect(l1(15)).toBeLessThan(l1(16));
  });

  test("the check itself finds a node outside its frame", () => {
    const s = mlp16.structure;
    const layout = run(s);
    const frame = layout.clusters[clusterIndex(s).get("MLP/L1")];
    expect(inside(layout.nodes[byName(s, "L1.N1").id], frame)).toBe(true);
    expect(inside({ ...layout.nodes[byName(s, "L1.N1").id], x: frame.x + frame.w - 10 }, frame)).toBe(false);
    expect(inside(layout.nodes[byName(s, "L2.N1").id], frame)).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------
// The drawing

function draw(structure) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  document.body.append(svg);
  return { svg, drawing: drawStructure(svg, run(structure), structure) };
}
const showAt = (drawing, { structure, values }, k, mode = "accumulate", data = values.data) =>
  updateValues(drawing, { data, at: replayAt(structure, values.replays[mode], k, mode), mode });
const box = (svg, structure, name) => svg.querySelector(`g.gw-node[data-id="${byName(structure, name).id}"]`);
const lengthOf = ({ structure, values }, mode = "accumulate") => depositList({ structure, values }, mode).length;

describe("drawing a grouped graph", () => {
  afterEach(() => document.body.replaceChildren());

  test("mlp16: 33 group boxes, each a button that opens its group, named for a screen reader", () => {
    const { svg } = draw(mlp16.structure);
    const boxes = [...svg.querySelectorAll("g.gw-groupbox")];
    expect(boxes).toHaveLength(33);
    expect(svg.querySelectorAll("g.gw-node")).toHaveLength(35);
    for (const g of boxes) {
      const node = mlp16.structure.nodes[Number(g.dataset.id)];
      const where = node.name;
      expect(g.classList.contains("gw-node"), where).toBe(true);
      expect(g.getAttribute("role"), where).toBe("button");
      expect(g.getAttribute("tabindex"), where).toBe("0");
      expect(g.getAttribute("aria-expanded"), where).toBe("false");
      expect(g.getAttribute("data-toggle"), where).toBe(node.group.key);
      expect(g.getAttribute("data-open"), where).toBe("false");
      expect(g.getAttribute("aria-label"), where).toBe(`${node.name}: neuron of ${node.group.size} values; expand`);
      expect(g.querySelector("rect.gw-group-inner"), where).not.toBeNull();
      expect(g.querySelector(".gw-label").textContent, where).toBe(node.name);
      expect(g.querySelector(".gw-op").textContent, where).toBe(`\u25b8 ${node.group.size}`); // it opens, and holds that many
    }
    expect(box(svg, mlp16.structure, "L2.N7").getAttribute("aria-label")).toBe("L2.N7: neuron of 50 values; expand");
    // the inputs are plain values: no button, no inner border
    for (const name of ["x1", "x2"]) {
      const g = box(svg, mlp16.structure, name);
      expect(g.classList.contains("gw-groupbox")).toBe(false);
      expect(g.hasAttribute("data-toggle")).toBe(false);
      expect(g.hasAttribute("role")).toBe(false);
      expect(g.querySelector("rect.gw-group-inner")).toBeNull();
    }
  });

  test("mlp16: the open groups are frames, outermost first, whose titles close them", () => {
    const { svg } = draw(mlp16.structure);
    const layout = run(mlp16.structure);
    const frames = [...svg.querySelectorAll("g.gw-frames > g.gw-frame[data-key]")];
    expect(frames.map((f) => f.dataset.key)).toEqual(["MLP", "MLP/L1", "MLP/L2", "MLP/L3"]);
    expect(frames.map((f) => f.querySelector("g.gw-frame-title .gw-frame-text").textContent))
      .toEqual(["\u25be MLP \u00b7 3 layers", "\u25be L1 \u00b7 16 neurons", "\u25be L2 \u00b7 16 neurons", "\u25be L3 \u00b7 49 values"]);
    frames.forEach((frame, i) => {
      const rect = frame.querySelector("rect.gw-frame-box");
      const geometry = layout.clusters[i];
      expect(["x", "y", "width", "height"].map((a) => Number(rect.getAttribute(a)))).toEqual([geometry.x, geometry.y, geometry.w, geometry.h]);
      const title = frame.querySelector("g.gw-frame-title");
      expect(title.getAttribute("data-toggle")).toBe(frame.dataset.key);
      expect(title.getAttribute("data-open")).toBe("true");
      expect(title.getAttribute("role")).toBe("button");
      expect(title.getAttribute("tabindex")).toBe("0");
      expect(title.getAttribute("aria-expanded")).toBe("true");
      expect(title.getAttribute("aria-label")).toMatch(/^Collapse /);
    });
    expect(frames[1].querySelector("g.gw-frame-title").getAttribute("aria-label")).toBe("Collapse L1 (layer of 128 values)");
    // frames are under the edges and nodes
    const layers = [...svg.children].filter((c) => c.tagName.toLowerCase() === "g").map((g) => g.getAttribute("class"));
    expect(layers.indexOf("gw-frames")).toBeLessThan(layers.indexOf("gw-edges"));
    expect(layers.indexOf("gw-edges")).toBeLessThan(layers.indexOf("gw-nodes"));
  });

  test("mlp16_open: the open neuron is a frame of its values, titled by them; L1.N3's box is gone", () => {
    const { svg } = draw(open.structure);
    const frame = svg.querySelector('g.gw-frame[data-key="MLP/L1/L1.N3"]');
    expect(frame).not.toBeNull();
    expect(frame.querySelector(".gw-frame-text").textContent).toBe("\u25be L1.N3 \u00b7 8 values");
    expect(svg.querySelector('g.gw-groupbox[data-toggle="MLP/L1/L1.N3"]')).toBeNull();
    expect(svg.querySelectorAll("g.gw-groupbox")).toHaveLength(32);
    expect(box(svg, open.structure, "L1.N3").querySelector(".gw-op").textContent).toBe("relu"); // its output, a value
  });

  test("a one-output box shows its output's data and grad, as Python computed them", () => {
    const { svg, drawing } = draw(mlp16.structure);
    showAt(drawing, mlp16, lengthOf(mlp16));
    const s = mlp16.structure;
    for (const name of ["L1.N3", "L2.N9", "L3.N1"]) {
      const { id } = byName(s, name);
      const g = box(svg, s, name);
      expect(g.querySelector(".gw-data").getAttribute("data-value"), name).toBe(String(mlp16.values.data[id]));
      expect(Number(g.querySelector(".gw-grad").getAttribute("data-value")), name).toBe(mlp16.values.replays.accumulate.grad[id]);
    }
  });

  test("batch: the shared parameters' box counts its values and outputs, and no update writes over them", () => {
    const { svg, drawing } = draw(batch.structure);
    const params = box(svg, batch.structure, "MLP parameters");
    const { id } = byName(batch.structure, "MLP parameters");
    expect(params.classList.contains("gw-groupbox")).toBe(true);
    expect(params.classList.contains("gw-outputs")).toBe(true);
    expect(params.getAttribute("aria-label")).toBe("MLP parameters: parameters of 17 values; expand");
    const rows = () => [...params.querySelectorAll(".gw-rows tspan")].map((t) => t.textContent);
    expect(rows()).toEqual(["values", "17", "outputs", "17"]);
    const end = lengthOf(batch);
    const data = batch.values.data.map((x, i) => (i === id ? 123.5 : x)); // even a number of its own
    for (const [k, mode, values] of [[0, "accumulate", batch.values.data], [6, "accumulate", data], [end, "accumulate", data], [end, "overwrite", batch.values.data]]) {
      showAt(drawing, batch, k, mode, values);
      expect(rows(), `step ${k} ${mode}`).toEqual(["values", "17", "outputs", "17"]);
      expect(params.querySelector(".gw-data").hasAttribute("data-value")).toBe(false);
      expect(params.getAttribute("data-heat")).toBe("0"); // no one grad: no heat
    }
    // the other boxes show numbers
    const neuron = box(svg, batch.structure, "L1.N3");
    expect(neuron.classList.contains("gw-outputs")).toBe(false);
    expect([...neuron.querySelectorAll(".gw-rows .gw-key")].map((t) => t.textContent)).toEqual(["data", "grad"]);
    expect(neuron.querySelector(".gw-data").textContent).not.toBe("");
  });

  test("heat: each node's |grad| against the largest drawn, as a level 0 to 4", () => {
    const { svg, drawing } = draw(mlp16.structure);
    const s = mlp16.structure;
    const heatOf = (id) => svg.querySelector(`g.gw-node[data-id="${id}"]`).getAttribute("data-heat");
    for (const mode of ["accumulate", "overwrite"]) {
      showAt(drawing, mlp16, lengthOf(mlp16, mode), mode);
      const grad = mlp16.values.replays[mode].grad.map(Math.abs);
      const top = Math.max(...grad);
      const hottest = grad.indexOf(top);
      expect(heatOf(hottest), mode).toBe("4");
      for (const node of s.nodes) {
        const where = `${mode}: ${node.name}, |grad| ${grad[node.id]}`;
        const level = Number(heatOf(node.id));
        expect(level, where).toBe(Math.ceil((4 * grad[node.id]) / top)); // 0 only for a zero grad
        expect(level > 0, where).toBe(grad[node.id] > 0);
      }
    }
    // accumulate: the largest grad is not the output's seed
    showAt(drawing, mlp16, lengthOf(mlp16));
    expect(s.nodes[mlp16.values.replays.accumulate.grad.map(Math.abs).reduce((b, x, i, all) => (x > all[b] ? i : b), 0)].name).toBe("L1.N5");
    expect(heatOf(s.root)).not.toBe("4");
    // overwrite: the = bug leaves L1's neurons without a gradient
    showAt(drawing, mlp16, lengthOf(mlp16, "overwrite"), "overwrite");
    expect(heatOf(byName(s, "L1.N5").id)).toBe("0");
    expect(heatOf(byName(s, "x1").id)).toBe("0");
    // the start: only the seed
    showAt(drawing, mlp16, 0);
    expect(s.nodes.map((n) => heatOf(n.id))).toEqual(s.nodes.map((n) => (n.id === s.root ? "4" : "0")));
  });

  test("heat on edges: the largest contribution written is 4, an edge that carried nothing 0", () => {
    const { svg, drawing } = draw(mlp16.structure);
    const end = lengthOf(mlp16);
    showAt(drawing, mlp16, end);
    const last = new Map(); // edge -> its last |contribution|
    for (const d of depositList(mlp16, "accumulate")) last.set(d.edge, Math.abs(d.value));
    const top = Math.max(...last.values());
    for (const edge of mlp16.structure.edges) {
      const level = svg.querySelector(`path.gw-edge[data-id="${edge.id}"]`).getAttribute("data-heat");
      expect(Number(level), `edge ${edge.id}`).toBe(top > 0 && last.get(edge.id) > 0 ? Math.ceil((4 * last.get(edge.id)) / top) : 0);
    }
    expect(svg.querySelectorAll('path.gw-edge[data-heat="4"]').length).toBeGreaterThan(0);
    showAt(drawing, mlp16, 0);
    expect([...svg.querySelectorAll("path.gw-edge")].every((p) => p.getAttribute("data-heat") === "0")).toBe(true);
  });

  test("a graph without groups gets no heat at all", () => {
    const { svg, drawing } = draw(diamond.structure);
    showAt(drawing, diamond, lengthOf(diamond));
    expect(svg.querySelectorAll("[data-heat]")).toHaveLength(0);
    expect(svg.querySelectorAll(".gw-heat, .gw-groupbox, .gw-frame, [data-toggle]")).toHaveLength(0);
  });
});

// ---------------------------------------------------------------------------------------
// Keys on a group's box or title

describe("Enter and Space on a group", () => {
  let root, svg, actions, activated, notebookSaw, unbind;
  const notebookCapture = (event) => notebookSaw.push(["capture", event.key]);
  const notebookBubble = (event) => notebookSaw.push(["bubble", event.key]);
  beforeEach(() => {
    actions = [];
    activated = [];
    notebookSaw = [];
    root = document.createElement("div");
    root.className = "gradwidget";
    root.tabIndex = 0;
    document.body.append(root);
    svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    root.append(svg);
    drawStructure(svg, run(mlp16.structure), mlp16.structure);
    document.addEventListener("keydown", notebookCapture, true); // Notebook 7's Lumino
    document.addEventListener("keydown", notebookBubble); // JupyterLab's
    unbind = bindKeys(root, (action) => actions.push(action), (el) => activated.push(el));
  });
  afterEach(() => {
    unbind();
    document.removeEventListener("keydown", notebookCapture, true);
    document.removeEventListener("keydown", notebookBubble);
    document.body.replaceChildren();
  });
  const press = (target, key, init = {}) => {
    const event = new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true, ...init });
    const stop = vi.spyOn(event, "stopPropagation");
    target.dispatchEvent(event);
    return { event, stopped: stop.mock.calls.length > 0 };
  };
  const groupBox = () => svg.querySelector('g.gw-groupbox[data-toggle="MLP/L1/L1.N3"]');
  const frameTitleEl = () => svg.querySelector('g.gw-frame-title[data-toggle="MLP/L2"]');

  test("on a box or a frame's title they activate it, and are stopped before the notebook", () => {
    for (const [el, key] of [[groupBox(), "Enter"], [groupBox(), " "], [frameTitleEl(), "Enter"], [frameTitleEl(), " "]]) {
      const { event, stopped } = press(el, key);
      expect(event.defaultPrevented, key).toBe(true);
      expect(stopped, key).toBe(true);
    }
    expect(activated).toEqual([groupBox(), groupBox(), frameTitleEl(), frameTitleEl()]);
    expect(actions).toEqual([]); // Space did not also play
    expect(notebookSaw).toEqual([]);
  });

  test("also from inside the box (its text)", () => {
    press(groupBox().querySelector(".gw-label"), "Enter");
    expect(activated).toEqual([groupBox()]);
  });

  test("other keys on a group still drive the player", () => {
    for (const key of ["ArrowRight", "ArrowLeft", "Home", "End"]) {
      const { event } = press(groupBox(), key);
      expect(event.defaultPrevented, key).toBe(true);
    }
    expect(actions).toEqual(["stepForward", "stepBack", "reset", "end"]);
    expect(activated).toEqual([]);
    expect(notebookSaw).toEqual([]);
  });

  test("with a modifier they are not the group's", () => {
    press(groupBox(), "Enter", { shiftKey: false, ctrlKey: true });
    press(groupBox(), "Enter", { metaKey: true });
    expect(activated).toEqual([]);
    expect(notebookSaw.filter(([phase]) => phase === "capture")).toHaveLength(2);
  });

  test("Enter anywhere else in the widget still reaches the notebook; Space still plays", () => {
    const { event, stopped } = press(root, "Enter");
    expect(event.defaultPrevented).toBe(false);
    expect(stopped).toBe(false);
    press(box(svg, mlp16.structure, "x1"), "Enter"); // a plain value
    expect(activated).toEqual([]);
    expect(notebookSaw).toEqual([["capture", "Enter"], ["bubble", "Enter"], ["capture", "Enter"], ["bubble", "Enter"]]);
    press(root, " ");
    expect(actions).toEqual(["toggle"]);
    expect(activated).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------
// The narration through a group's box

const say = ({ structure, values }, k, mode = "accumulate", forward = false) =>
  plainText(narrate(structure, values, lessonAt(structure, values.replays[mode], k, mode, forward), { mode, forward }));

describe("the narration through a group's box", () => {
  test("mlp16, steps 1 to 3: the firing group, the values inside it, local × upstream = the deposit", () => {
    const s = mlp16.structure;
    const list = depositList(mlp16, "accumulate");
    for (let k = 1; k <= 3; k++) {
      const d = list[k - 1];
      const out = s.nodes[d.node];
      const input = s.nodes[d.into];
      const local = mlp16.values.local[d.edge];
      expect(out.group, `step ${k}`).toBeDefined();
      expect(local * d.upstream).toBeCloseTo(d.value, 12); // the chain rule holds across the box
      const partial = `\u2202${out.name}/\u2202${input.name}`;
      const text = say(mlp16, k);
      expect(text, `step ${k}`).toContain(`${partial} = ${num(local)}, through the ${out.group.size} values inside ${out.name}. `);
      expect(text, `step ${k}`).toContain(`${input.name} gets ${partial} \u00d7 ${out.name}.grad = ${num(local)} \u00d7 ${num(d.upstream)} = ${num(d.value)}. `);
      expect(text, `step ${k}`).toContain(`${input.name}.grad = `);
    }
    expect(say(mlp16, 1)).toBe("\u2202L3.N1/\u2202L2.N16 = \u22120.2489, through the 49 values inside L3.N1. " +
      "L2.N16 gets \u2202L3.N1/\u2202L2.N16 \u00d7 L3.N1.grad = \u22120.2489 \u00d7 1 = \u22120.2489. L2.N16.grad = \u22120.2489, its only contribution.");
    expect(say(mlp16, 2)).toContain("through the 50 values inside L2.N16");
    expect(say(mlp16, 2)).toContain("the 1st of 16 contributions");
  });

  test("mlp16, every step of accumulate and overwrite: the chain rule across the box, as the replay agrees", () => {
    for (const mode of ["accumulate", "overwrite"]) {
      depositList(mlp16, mode).forEach((d, i) => {
        const text = say(mlp16, i + 1, mode);
        const local = mlp16.values.local[d.edge];
        expect(text, `${mode} step ${i + 1}`).toContain(`= ${num(local)} \u00d7 ${num(d.upstream)} = ${num(d.value)}. `);
      });
    }
  });

  test("where the replay's number is not local × upstream (eager), the plain sentence: it gets v from inside", () => {
    const s = mlp16.structure;
    const list = depositList(mlp16, "eager");
    const k = list.findIndex((d) => Math.abs(mlp16.values.local[d.edge] * d.upstream - d.value) > 1e-6) + 1;
    expect(k).toBeGreaterThan(0);
    const d = list[k - 1];
    const text = say(mlp16, k, "eager");
    expect(text).toContain(`${s.nodes[d.into].name} gets ${num(d.value)} from inside ${s.nodes[d.node].name}, as the eager replay passes it on inside. `);
    expect(text).not.toContain("through the");
    expect(text).not.toContain(num(mlp16.values.local[d.edge] * d.upstream));
  });

  test("a hand-made moment whose deposit disagrees with the chain rule gets the plain sentence too", () => {
    const s = mlp16.structure;
    const steps = mlp16.values.replays.accumulate.steps.map((step, i) => (i === 0
      ? { ...step, deposits: step.deposits.map((d) => ({ ...d, value: 5, total: 5 })) } : step));
    const values = { ...mlp16.values, replays: { ...mlp16.values.replays, accumulate: { ...mlp16.values.replays.accumulate, steps } } };
    expect(say({ structure: s, values }, 1)).toBe("L2.N16 gets 5 from inside L3.N1. L2.N16.grad = 5, its only contribution.");
    // and with no local derivative at all
    const local = mlp16.values.local.map(() => null);
    expect(say({ structure: s, values: { ...mlp16.values, local } }, 1)).toBe(
      "L2.N16 gets \u22120.2489 from inside L3.N1. L2.N16.grad = \u22120.2489, its only contribution.");
  });

  test("a deposit into a box of several outputs goes to one of its values", () => {
    const s = batch.structure;
    const list = depositList(batch, "accumulate");
    const params = byName(s, "MLP parameters");
    const into = list.map((d, i) => [d, i + 1]).filter(([d]) => d.into === params.id);
    expect(into.length).toBeGreaterThanOrEqual(3 * 5); // each call's 5 neurons send it their terms
    const ordinal = (n) => ["1st", "2nd", "3rd"][n - 1] ?? `${n}th`;
    for (const [d, k] of into) {
      const text = say(batch, k);
      expect(text, `step ${k}`).toContain(`MLP parameters gets ${num(d.value)} from inside ${s.nodes[d.node].name}`);
      expect(text, `step ${k}`).toContain(`It goes to one of the 17 values of MLP parameters, the ${ordinal(d.nth)} of ${into.length} contributions into it.`);
      expect(text, `step ${k}`).not.toContain("through the");
      expect(text, `step ${k}`).not.toContain("MLP parameters.grad"); // it has no one grad
    }
  });

  test("the forward pass: a group's box is computed inside it, from its inputs", () => {
    const s = mlp16.structure;
    const order = computedNodes(s);
    expect(order).toHaveLength(33);
    const first = s.nodes[order[0]];
    expect(say(mlp16, 1, "accumulate", true)).toBe(`Forward: L1.N1 = ${num(mlp16.values.data[first.id])}, computed inside it (8 values) from x1, x2.`);
    const l2 = order.indexOf(byName(s, "L2.N1").id) + 1;
    expect(say(mlp16, l2, "accumulate", true)).toBe(`Forward: L2.N1 = ${num(mlp16.values.data[byName(s, "L2.N1").id])}, ` +
      "computed inside it (50 values) from L1.N1, L1.N2, L1.N3, L1.N4, and 12 more.");
    const last = say(mlp16, order.length, "accumulate", true); // the output: the backward pass is seeded
    expect(last).toMatch(/^Forward: L3\.N1 = .*, computed inside it \(49 values\) from L2\.N1, L2\.N2, L2\.N3, L2\.N4, and 12 more\. /);
    expect(last).toContain("the seed L3.N1.grad = 1.");
  });
});

// ---------------------------------------------------------------------------------------
// The whole view: opening and closing groups asks Python (the `expanded` trait)

describe("the view opens and closes groups through the expanded trait", () => {
  let el, model, cleanup;
  beforeAll(() => {
    globalThis.__gradwidget_layout__ = Promise.resolve({ layout: async (dot) => graphviz.layout(dot, "json0", "dot") });
  });
  beforeEach(() => {
    el = document.createElement("div");
    document.body.append(el);
  });
  afterEach(() => {
    cleanup?.();
    cleanup = null;
    el.remove();
    vi.useRealTimers();
  });
  const $ = (selector) => el.querySelector(selector);
  const drawn = () => vi.waitFor(() => expect($(".gradwidget").dataset.state).toBe("drawn"));
  async function show(payload, traits = {}) {
    model = fakeModel({ structure: payload.structure, values: payload.values, start: payload.start, ...traits });
    cleanup = widget.render({ model, el });
    await drawn();
  }
  // What Python does with a new `expanded`: the graph drawn that way, its values first.
  async function answer(payload) {
    const before = $(".gw-svg");
    model.set("values", payload.values);
    model.set("structure", payload.structure);
    await vi.waitFor(() => expect($(".gw-svg")).not.toBe(before)); // drawn anew
    await drawn();
    expect(el.querySelectorAll("g.gw-node")).toHaveLength(payload.structure.nodes.length);
  }
  const click = (target) => {
    target.dispatchEvent(new PointerEvent("pointerdown", { bubbles: true, button: 0, clientX: 10, clientY: 10 }));
    target.dispatchEvent(new PointerEvent("pointerup", { bubbles: true, button: 0, clientX: 10, clientY: 10 }));
  };
  const groupBox = (key) => $(`g.gw-groupbox[data-toggle="${key}"]`);
  const frameTitleOf = (key) => $(`g.gw-frame-title[data-toggle="${key}"]`);
  const button = (label) => $(`button[aria-label="${label}"]`);
  const notice = () => $(".gw-notice").textContent;
  const DEFAULT = mlp16.structure.groups.expanded;

  test("a click on a group's box asks for the groups open now and that one", async () => {
    await show(mlp16);
    expect(model.get("expanded")).toBeUndefined();
    click(groupBox("MLP/L1/L1.N3").querySelector(".gw-data"));
    expect(model.get("expanded")).toEqual([...DEFAULT, "MLP/L1/L1.N3"].sort());
    expect(model.get("expanded")).toEqual(open.structure.groups.expanded);
    expect(model.saved).toBe(1);
    expect(notice()).toBe("");
  });

  test("a click on an open group's title asks for the others only", async () => {
    await show(open);
    click(frameTitleOf("MLP/L1/L1.N3"));
    expect(model.get("expanded")).toEqual(DEFAULT);
    click(frameTitleOf("MLP/L2")); // not answered yet: from what is drawn, L1.N3 still open
    expect(model.get("expanded")).toEqual(["MLP", "MLP/L1", "MLP/L1/L1.N3", "MLP/L3"]);
    expect(model.saved).toBe(2);
  });

  test("the view draws a layer's neurons in order, N1 at the top", async () => {
    await show(mlp16);
    for (const layer of ["L1", "L2"]) {
      const ys = [];
      for (let n = 1; n <= 16; n++) {
        const g = groupBox(`MLP/${layer}/${layer}.N${n}`);
        ys.push(Number(g.getAttribute("transform").match(/translate\(([-\d.]+),([-\d.]+)\)/)[2]));
      }
      expect(ys, layer).toEqual([...ys].sort((a, b) => a - b));
      expect(new Set(ys).size, layer).toBe(16);
    }
  });

  test("a click on a plain value opens nothing", async () => {
    await show(mlp16);
    click($(`g.gw-node[data-id="${byName(mlp16.structure, "x1").id}"]`));
    expect(model.get("expanded")).toBeUndefined();
    expect(model.saved).toBe(0);
  });

  test("Enter on a focused box asks too; once Python's graph is drawn its frame's title has the focus", async () => {
    await show(mlp16);
    const g = groupBox("MLP/L1/L1.N3");
    g.focus();
    expect(document.activeElement).toBe(g);
    g.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }));
    expect(model.get("expanded")).toEqual(open.structure.groups.expanded);
    await answer(open);
    await vi.waitFor(() => expect(document.activeElement).toBe(frameTitleOf("MLP/L1/L1.N3")));
    // and back: Space on the title, the box is focused again
    frameTitleOf("MLP/L1/L1.N3").dispatchEvent(new KeyboardEvent("keydown", { key: " ", bubbles: true, cancelable: true }));
    expect(model.get("expanded")).toEqual(DEFAULT);
    await answer(mlp16);
    await vi.waitFor(() => expect(document.activeElement).toBe(groupBox("MLP/L1/L1.N3")));
  });

  test("Expand all sends every group's key, Collapse all none", async () => {
    await show(mlp16);
    const buttons = $(".gw-groups");
    expect(buttons.hidden).toBe(false);
    expect(button("Expand all groups").closest("[hidden]")).toBeNull();
    expect(button("Expand all groups").dataset.action).toBe("expand-all");
    expect(button("Collapse all groups").dataset.action).toBe("collapse-all");
    button("Expand all groups").click();
    expect(model.get("expanded")).toEqual(mlp16.structure.groups.keys);
    expect(model.get("expanded")).toHaveLength(54);
    button("Collapse all groups").click();
    expect(model.get("expanded")).toEqual([]);
    expect(model.saved).toBe(2);
  });

  test("a graph without groups has no such buttons; a grouped one that replaces it does", async () => {
    await show(diamond);
    expect(button("Expand all groups").closest("[hidden]")).not.toBeNull();
    expect(button("Collapse all groups").closest("[hidden]")).not.toBeNull();
    expect($(".gw-svg").getAttribute("role")).toBe("img");
    await answer(batch);
    expect(button("Expand all groups").closest("[hidden]")).toBeNull();
    expect($(".gw-svg").getAttribute("role")).toBe("group"); // it holds controls now
    await answer({ ...diamond, structure: { ...diamond.structure, key: "again" }, values: { ...diamond.values, key: "again" } });
    expect(button("Expand all groups").closest("[hidden]")).not.toBeNull();
  });

  test("no new graph within 4 s: the notice says opening and closing groups needs a kernel", async () => {
    vi.useFakeTimers();
    await show(mlp16);
    click(groupBox("MLP/L2/L2.N5"));
    expect(model.get("expanded")).toContain("MLP/L2/L2.N5");
    await vi.advanceTimersByTimeAsync(3900);
    expect(notice()).toBe("");
    await vi.advanceTimersByTimeAsync(200);
    expect(notice()).toBe("Opening and closing groups needs a running kernel.");
    expect(groupBox("MLP/L2/L2.N5")).not.toBeNull(); // the drawing stays as it was
    // a later try that is answered clears it
    click(groupBox("MLP/L1/L1.N3"));
    expect(notice()).toBe("");
    await answer(open);
    await vi.advanceTimersByTimeAsync(5000);
    expect(notice()).toBe("");
  });

  test("asking for the groups already drawn asks nothing; a values answer (an error too) ends the wait", async () => {
    vi.useFakeTimers();
    await show(mlp16);
    button("Collapse all groups").click();
    expect(model.saved).toBe(1);
    await answer({ ...mlp16, structure: { ...mlp16.structure, key: "closed", groups: { ...mlp16.structure.groups, expanded: [] } },
      values: { ...mlp16.values, key: "closed" } });
    button("Collapse all groups").click(); // nothing is open: nothing to ask
    expect(model.saved).toBe(1);
    click(groupBox("MLP/L2/L2.N5"));
    model.set("values", { ...mlp16.values, error: "TraitError: refused" });
    await vi.advanceTimersByTimeAsync(5000);
    expect(notice()).not.toContain("needs a running kernel");
  });

  test("an answer in time: no notice", async () => {
    vi.useFakeTimers();
    await show(mlp16);
    button("Collapse all groups").click();
    await vi.advanceTimersByTimeAsync(1000);
    await answer(open); // whatever Python draws
    await vi.advanceTimersByTimeAsync(10000);
    expect(notice()).toBe("");
  });
});
