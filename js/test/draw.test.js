// @vitest-environment happy-dom
import { Graphviz } from "@hpcc-js/wasm-graphviz";
import { beforeAll, describe, expect, test } from "vitest";
import { drawStructure, updateValues } from "../draw.js";
import { parseLayout, toDot } from "../layout.js";
import { replayAt } from "../replay.js";
import diamond from "./fixtures/diamond.json";
import neuron from "./fixtures/neuron.json";

let graphviz;
beforeAll(async () => {
  graphviz = await Graphviz.load();
});

function draw(structure = diamond.structure) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  document.body.append(svg);
  const layout = parseLayout(graphviz.layout(toDot(structure), "json0", "dot"));
  return { svg, drawing: drawStructure(svg, layout, structure) };
}
const show = (drawing, mode, k) =>
  updateValues(drawing, { data: diamond.values.data, at: replayAt(diamond.structure, diamond.values.replays[mode], k, mode), mode });
const node = (svg, label) => svg.querySelector(`g.gw-node[data-label="${label}"]`);

describe("drawStructure", () => {
  test("one g.gw-node per value node and one path.gw-edge per edge", () => {
    const { svg } = draw();
    expect(svg.querySelectorAll("g.gw-node")).toHaveLength(7);
    const edges = [...svg.querySelectorAll("path.gw-edge")];
    expect(edges.map((e) => [e.dataset.id, e.dataset.src, e.dataset.dst])).toContainEqual(["0", "0", "2"]);
    expect(edges).toHaveLength(8);
    expect(edges.every((e) => e.getAttribute("marker-end").startsWith("url(#"))).toBe(true);
  });

  test("the op is a badge inside the node; leaves have none", () => {
    const { svg } = draw();
    expect(node(svg, "d").querySelector(".gw-op").textContent).toBe("*");
    expect(node(svg, "a").querySelector(".gw-op")).toBeNull();
    expect(node(svg, "a").classList.contains("gw-leaf")).toBe(true);
  });

  test("a node reads as before: label, op, then the data and grad rows", () => {
    const { svg, drawing } = draw();
    show(drawing, "accumulate", 4);
    expect(node(svg, "d").textContent).toBe("d*data6grad-2");
    expect(node(svg, "a").textContent).toBe("adata2grad4×2");
    expect(node(svg, "a").querySelector(".gw-label").textContent).toBe("a");
  });

  test("a label is text: markup shows literally", () => {
    const evil = "<img src=x onerror=alert(1)>";
    const structure = { ...diamond.structure, nodes: diamond.structure.nodes.map((n) => (n.id === 0 ? { ...n, label: evil, name: evil } : n)) };
    const { svg } = draw(structure);
    expect(svg.querySelector("img")).toBeNull();
    const g = svg.querySelector('g.gw-node[data-id="0"]');
    expect(g.getAttribute("data-label")).toBe(evil);
    expect(g.querySelector(".gw-label").textContent).toBe(evil.slice(0, 17) + "…");
  });
});

test("an unlabelled node is drawn with its name, never an id", () => {
  const { svg } = draw(neuron.structure);
  const heads = [...svg.querySelectorAll("g.gw-node")].map((g) => g.querySelector(".gw-label").textContent);
  for (const text of heads) expect(text).not.toMatch(/^#\d|^$/);
  for (const node of neuron.structure.nodes) {
    if (node.name) expect(svg.querySelector(`g.gw-node[data-id="${node.id}"] .gw-label`).textContent).toBe(node.name.length > 18 ? `${node.name.slice(0, 17)}…` : node.name);
  }
});

describe("updateValues", () => {
  test("numbers: formatted text, full precision in data-value", () => {
    const { svg, drawing } = draw();
    updateValues(drawing, {
      data: [2, 3, 6.000000001, 4, 10, -2, -20],
      at: replayAt(diamond.structure, diamond.values.replays.accumulate, 4),
      mode: "accumulate",
    });
    const d = node(svg, "d").querySelector(".gw-data");
    expect(d.textContent).toBe("6");
    expect(d.getAttribute("data-value")).toBe("6.000000001");
    expect(node(svg, "c").querySelector(".gw-grad").textContent).toBe("-12");
  });

  test("the final grads of both modes", () => {
    const { svg, drawing } = draw();
    const grads = () => ["a", "b", "c"].map((l) => node(svg, l).querySelector(".gw-grad").textContent);
    show(drawing, "accumulate", 4);
    expect(grads()).toEqual(["4", "-4", "-12"]);
    show(drawing, "overwrite", 4);
    expect(grads()).toEqual(["-6", "-4", "-2"]);
  });

  test("multi-contribution nodes get gw-multi and a count badge, once they have 2 terms", () => {
    const { svg, drawing } = draw();
    show(drawing, "accumulate", 2);
    expect(node(svg, "c").classList.contains("gw-multi")).toBe(false);
    show(drawing, "accumulate", 3);
    expect(node(svg, "c").classList.contains("gw-multi")).toBe(true);
    expect(node(svg, "c").querySelector(".gw-count-text").textContent).toBe("×2");
    expect([...svg.querySelectorAll(".gw-multi")].map((g) => g.dataset.label)).toEqual(["c"]);
  });

  test("the firing node is active and its edges show what they deposit", () => {
    const { svg, drawing } = draw();
    show(drawing, "accumulate", 2); // g fired: a += 10, c += -10
    expect([...svg.querySelectorAll(".gw-active")].map((g) => g.dataset.label)).toEqual(["g"]);
    const shown = [...svg.querySelectorAll(".gw-edge-label")];
    expect(shown.map((t) => [t.dataset.edge, t.textContent])).toEqual([["4", "+= 10"], ["5", "+= -10"]]);
    expect(svg.querySelectorAll("path.gw-edge.gw-fresh")).toHaveLength(2);
  });

  test("overwrite marks the edges whose term was lost", () => {
    const { svg, drawing } = draw();
    show(drawing, "overwrite", 4);
    const lost = [...svg.querySelectorAll("path.gw-edge.gw-lost")].map((p) => p.dataset.id);
    expect(lost).toEqual(["4", "5"]);
    expect(svg.querySelector('.gw-edge-label[data-edge="4"]').textContent).toBe("lost 10");
    expect(svg.querySelectorAll(".gw-edge-label")).toHaveLength(4); // 2 lost + 2 just deposited
    expect(node(svg, "a").classList.contains("gw-lost")).toBe(true);
    show(drawing, "accumulate", 4);
    expect([...svg.querySelectorAll(".gw-edge-label")].map((t) => t.textContent)).toEqual(["+= -6", "+= -4"]);
    expect(node(svg, "a").classList.contains("gw-lost")).toBe(false);
  });

  test("a values update moves and recreates nothing", () => {
    const { svg, drawing } = draw();
    show(drawing, "accumulate", 4);
    const before = [...svg.querySelectorAll("g.gw-node")];
    const transforms = before.map((g) => g.getAttribute("transform"));
    const paths = [...svg.querySelectorAll("path.gw-edge")].map((p) => p.getAttribute("d"));
    show(drawing, "overwrite", 1);
    const after = [...svg.querySelectorAll("g.gw-node")];
    expect(after.every((g, i) => g === before[i])).toBe(true);
    expect(after.map((g) => g.getAttribute("transform"))).toEqual(transforms);
    expect([...svg.querySelectorAll("path.gw-edge")].map((p) => p.getAttribute("d"))).toEqual(paths);
  });
});

describe("updateValues writes only what changed", () => {
  const watch = (svg) => {
    const observer = new MutationObserver(() => {});
    observer.observe(svg, { subtree: true, childList: true, attributes: true, characterData: true });
    return () => observer.takeRecords();
  };

  test("the same moment again, even with equal new arrays, changes nothing", () => {
    const { svg, drawing } = draw();
    show(drawing, "overwrite", 3);
    const records = watch(svg);
    updateValues(drawing, {
      data: [...diamond.values.data],
      at: replayAt(diamond.structure, diamond.values.replays.overwrite, 3, "overwrite"),
      mode: "overwrite",
    });
    expect(records()).toEqual([]);
  });

  test("a step touches only the nodes and edges it changes", () => {
    const { svg, drawing } = draw();
    show(drawing, "accumulate", 1); // L fired: e and f got grads
    const records = watch(svg);
    show(drawing, "accumulate", 2); // g fired: a and c got grads
    const name = (el) => (el.dataset.label ?? (el.dataset.edge ? `label ${el.dataset.edge}` : el.dataset.id ? `edge ${el.dataset.id}` : el.getAttribute("class")));
    const touched = new Set(records().map((r) => name((r.target.nodeType === 3 ? r.target.parentNode : r.target).closest("g.gw-node, path.gw-edge, .gw-edge-label, g.gw-edge-labels"))));
    // L: no longer active; g: now active; e: no longer just received; a, c: grads;
    // edges 6, 7 no longer fresh, 4, 5 fresh, labels 6, 7 removed from the label layer.
    expect([...touched].sort()).toEqual(["L", "a", "c", "e", "edge 4", "edge 5", "edge 6", "edge 7", "g", "gw-edge-labels", "label 4", "label 5"].sort());
  });
});
