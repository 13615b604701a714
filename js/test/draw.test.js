// @vitest-environment happy-dom
import { Graphviz } from "@hpcc-js/wasm-graphviz";
import { beforeAll, describe, expect, test } from "vitest";
import { drawStructure, updateValues } from "../draw.js";
import { parseLayout, toDot } from "../layout.js";
import { formatNumber } from "../format.js";
import { lessonAt, replayAt } from "../replay.js";
import doubled from "./fixtures/a_plus_a.json";
import diamond from "./fixtures/diamond.json";
import neuron from "./fixtures/neuron.json";
import { computedNodes, depositList } from "./lesson-fixtures.js";

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
const END = depositList(diamond, "accumulate").length; // one step per deposit: 8
const labelsShown = (svg) => [...svg.querySelectorAll(".gw-edge-label")].map((t) => [t.dataset.edge, t.textContent]);

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
    show(drawing, "accumulate", END);
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
      at: replayAt(diamond.structure, diamond.values.replays.accumulate, END),
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
    const python = (mode) => ["a", "b", "c"].map((l) => formatNumber(diamond.values.replays[mode].grad[diamond.structure.nodes.find((n) => n.label === l).id]));
    show(drawing, "accumulate", END);
    expect(grads()).toEqual(["4", "-4", "-12"]);
    expect(grads()).toEqual(python("accumulate"));
    show(drawing, "overwrite", END);
    expect(grads()).toEqual(["-6", "-4", "-2"]);
    expect(grads()).toEqual(python("overwrite"));
    show(drawing, "accumulate", END - 1); // b's only deposit is the last step
    expect(grads()).toEqual(["4", "0", "-12"]);
  });

  test("multi-contribution nodes get gw-multi and a count badge, once they have 2 terms", () => {
    const { svg, drawing } = draw();
    const list = depositList(diamond, "accumulate");
    const second = (label) => list.findIndex((d) => diamond.structure.nodes[d.into].label === label && d.nth === 2) + 1;
    show(drawing, "accumulate", second("c") - 1);
    expect(node(svg, "c").classList.contains("gw-multi")).toBe(false);
    show(drawing, "accumulate", second("c"));
    expect(node(svg, "c").classList.contains("gw-multi")).toBe(true);
    expect(node(svg, "c").querySelector(".gw-count-text").textContent).toBe("×2");
    expect([...svg.querySelectorAll(".gw-multi")].map((g) => g.dataset.label)).toEqual(["c"]);
    show(drawing, "accumulate", second("a"));
    expect([...svg.querySelectorAll(".gw-multi")].map((g) => g.dataset.label)).toEqual(["a", "c"]);
  });

  test("each step is one deposit: the firing node is active, only the edge it deposits on is fresh and labelled", () => {
    const { svg, drawing } = draw();
    const { structure: s } = diamond;
    depositList(diamond, "accumulate").forEach((d, i) => {
      show(drawing, "accumulate", i + 1);
      const where = `step ${i + 1}`;
      expect([...svg.querySelectorAll(".gw-active")].map((g) => g.dataset.id), where).toEqual([String(d.node)]);
      expect(labelsShown(svg), where).toEqual([[String(d.edge), `+= ${formatNumber(d.value)}`]]);
      expect([...svg.querySelectorAll("path.gw-edge.gw-fresh")].map((p) => p.dataset.id), where).toEqual([String(d.edge)]);
      expect([...svg.querySelectorAll("g.gw-node.gw-fresh")].map((g) => g.dataset.id), where).toEqual([String(d.into)]);
      expect(node(svg, s.nodes[d.into].label).querySelector(".gw-grad").textContent, where).toBe(formatNumber(d.total));
    });
    show(drawing, "accumulate", 3); // g fired into a only: a += 10, c still 0
    expect(labelsShown(svg)).toEqual([["4", "+= 10"]]);
    expect(node(svg, "c").querySelector(".gw-grad").textContent).toBe("0");
  });

  test("overwrite: c's 2nd deposit visibly replaces the first, in the same step", () => {
    const { svg, drawing } = draw();
    const list = depositList(diamond, "overwrite");
    const k = list.findIndex((d) => d.into === 3 && d.nth === 2) + 1;
    show(drawing, "overwrite", k - 1);
    expect(svg.querySelectorAll(".gw-lost")).toHaveLength(0);
    show(drawing, "overwrite", k);
    const fresh = list[k - 1];
    const first = list.find((d) => d.into === 3 && d.nth === 1);
    expect([first.edge, fresh.edge]).toEqual([5, 3]); // from g, then from e
    expect(labelsShown(svg)).toEqual([["3", `= ${formatNumber(fresh.value)}`], ["5", `lost ${formatNumber(first.value)}`]]);
    expect(labelsShown(svg)).toEqual([["3", "= -2"], ["5", "lost -10"]]);
    expect([...svg.querySelectorAll("path.gw-edge.gw-lost")].map((p) => p.dataset.id)).toEqual(["5"]);
    expect(node(svg, "c").classList.contains("gw-lost")).toBe(true);
    expect(node(svg, "c").querySelector(".gw-grad").textContent).toBe(formatNumber(fresh.total));
  });

  test("a + a overwrite: the 2nd step loses the 1 on the left edge although the right one brings 1 too", () => {
    const { svg, drawing } = draw(doubled.structure);
    const at = (k, mode) => replayAt(doubled.structure, doubled.values.replays[mode], k, mode);
    updateValues(drawing, { data: doubled.values.data, at: at(1, "overwrite"), mode: "overwrite" });
    expect(labelsShown(svg)).toEqual([["0", "= 1"]]);
    expect(node(svg, "a").querySelector(".gw-grad").textContent).toBe("1");
    updateValues(drawing, { data: doubled.values.data, at: at(2, "overwrite"), mode: "overwrite" });
    expect(labelsShown(svg)).toEqual([["0", "lost 1"], ["1", "= 1"]]);
    expect(node(svg, "a").querySelector(".gw-grad").textContent).toBe("1");
    expect(node(svg, "a").classList.contains("gw-lost")).toBe(true);
    expect(svg.querySelector('path.gw-edge[data-id="0"]').classList.contains("gw-lost")).toBe(true);
    updateValues(drawing, { data: doubled.values.data, at: at(2, "accumulate"), mode: "accumulate" });
    expect(labelsShown(svg)).toEqual([["1", "+= 1"]]);
    expect(node(svg, "a").querySelector(".gw-grad").textContent).toBe(formatNumber(doubled.values.replays.accumulate.grad[0]));
    expect(node(svg, "a").classList.contains("gw-lost")).toBe(false);
  });

  test("the forward pass: nodes not computed yet show '?' and gw-pending; no grads; the root not seeded", () => {
    const { svg, drawing } = draw();
    const { structure: s, values: v } = diamond;
    const computed = computedNodes(s);
    const replay = v.replays.accumulate;
    const data = (id) => svg.querySelector(`g.gw-node[data-id="${id}"] .gw-data`);
    for (let k = 0; k <= computed.length; k++) {
      updateValues(drawing, { data: v.data, at: lessonAt(s, replay, k, "accumulate", true), mode: "accumulate" }); // the same data array
      for (const n of s.nodes) {
        const waiting = computed.indexOf(n.id) >= k;
        const g = svg.querySelector(`g.gw-node[data-id="${n.id}"]`);
        const where = `step ${k}, ${n.label}`;
        expect(g.classList.contains("gw-pending"), where).toBe(waiting);
        expect(data(n.id).textContent, where).toBe(waiting ? "?" : formatNumber(v.data[n.id]));
        expect(data(n.id).getAttribute("data-value"), where).toBe(waiting ? "" : String(v.data[n.id]));
        const seeded = k === computed.length && n.id === s.root;
        expect(g.querySelector(".gw-grad").textContent, where).toBe(seeded ? "1" : "0");
      }
    }
    // the node just computed is active and its input edges fresh
    updateValues(drawing, { data: v.data, at: lessonAt(s, replay, 1, "accumulate", true), mode: "accumulate" });
    expect([...svg.querySelectorAll(".gw-active")].map((g) => g.dataset.label)).toEqual(["d"]);
    expect([...svg.querySelectorAll("path.gw-edge.gw-fresh")].map((p) => p.dataset.id).sort()).toEqual(["0", "1"]);
    expect(svg.querySelectorAll(".gw-edge-label")).toHaveLength(0); // nothing deposited yet
    // and back to the end: every number, nothing pending
    show(drawing, "accumulate", END);
    expect(svg.querySelectorAll(".gw-pending")).toHaveLength(0);
    expect(data(s.root).textContent).toBe(formatNumber(v.data[s.root]));
  });

  test("overwrite marks the edges whose term was lost", () => {
    const { svg, drawing } = draw();
    show(drawing, "overwrite", END);
    const lost = [...svg.querySelectorAll("path.gw-edge.gw-lost")].map((p) => p.dataset.id);
    expect(lost).toEqual(["4", "5"]);
    expect(svg.querySelector('.gw-edge-label[data-edge="4"]').textContent).toBe("lost 10");
    expect(svg.querySelectorAll(".gw-edge-label")).toHaveLength(3); // 2 lost + the one just deposited
    expect(node(svg, "a").classList.contains("gw-lost")).toBe(true);
    show(drawing, "accumulate", END);
    expect([...svg.querySelectorAll(".gw-edge-label")].map((t) => t.textContent)).toEqual(["+= -4"]);
    expect(node(svg, "a").classList.contains("gw-lost")).toBe(false);
  });

  test("a values update moves and recreates nothing", () => {
    const { svg, drawing } = draw();
    show(drawing, "accumulate", END);
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
    show(drawing, "accumulate", 2); // L's 2nd deposit: into g
    const records = watch(svg);
    show(drawing, "accumulate", 3); // g's 1st deposit: into a
    const name = (el) => (el.dataset.label ?? (el.dataset.edge ? `label ${el.dataset.edge}` : el.dataset.id ? `edge ${el.dataset.id}` : el.getAttribute("class")));
    const touched = new Set(records().map((r) => name((r.target.nodeType === 3 ? r.target.parentNode : r.target).closest("g.gw-node, path.gw-edge, .gw-edge-label, g.gw-edge-labels"))));
    // L: no longer active; g: now active, no longer just received; a: its grad, just
    // received; edge 7 no longer fresh, 4 fresh; label 7 removed from the label layer,
    // label 4 added. c, e and their edges are untouched.
    expect([...touched].sort()).toEqual(["L", "a", "edge 4", "edge 7", "g", "gw-edge-labels", "label 4"].sort());
  });
});
