// Edge labels never overlap a node box, an arrowhead or another label: checked on real
// Graphviz layouts of the fixtures' graphs and of random graphs, with the box each edge
// reserves for the widest contribution format.js can write ("lost -1.234e-100").
import { Graphviz } from "@hpcc-js/wasm-graphviz";
import { beforeAll, describe, expect, test } from "vitest";
import { formatNumber } from "../format.js";
import {
  CONTRIBUTION_WORDS, LABEL_H, LABEL_W, LABELS_MAX_NODES, LONGEST_CONTRIBUTION, labelTextWidth, parseLayout,
  reservesLabels, toDot,
} from "../layout.js";
import doubled from "./fixtures/a_plus_a.json";
import diamond from "./fixtures/diamond.json";
import lecture from "./fixtures/lecture_def.json";
import mlp from "./fixtures/mlp.json";
import neuron from "./fixtures/neuron.json";

let graphviz;
beforeAll(async () => {
  graphviz = await Graphviz.load();
});
const run = (structure) => parseLayout(graphviz.layout(toDot(structure), "json0", "dot"));

// A random computation graph: `leaves` inputs, then `ops` operations on earlier nodes
// (the same node may be both inputs: parallel edges), some labelled, some named by their
// expression; ids in topological order, the last node is the root.
function randomStructure(seed, leaves, ops, reach = Infinity) {
  let state = seed >>> 0;
  const random = () => { // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = (list) => list[Math.floor(random() * list.length)];
  const nodes = [];
  const edges = [];
  for (let i = 0; i < leaves; i++) nodes.push({ id: i, label: `x${i}`, op: "", name: `x${i}` });
  for (let j = 0; j < ops; j++) {
    const id = nodes.length;
    const op = pick(["+", "*", "-", "tanh", "*", "+", "**2", "exp"]);
    const unary = ["tanh", "**2", "exp"].includes(op);
    const recent = nodes.slice(-4);
    const inputs = unary ? [pick(recent)] : [pick(recent), pick(nodes.slice(-reach))];
    const label = random() < 0.5 ? `h${j}` : "";
    const expr = unary ? `${op === "**2" ? `${inputs[0].name}**2` : `${op}(${inputs[0].name})`}` : `${inputs[0].name} ${op} ${inputs[1].name}`;
    const name = label || (expr.length > 24 ? (unary ? `${op}(…)` : `… ${op} …`) : expr);
    nodes.push({ id, label, op, name });
    inputs.forEach((input, slot) => edges.push({ id: edges.length, src: input.id, dst: id, slot }));
  }
  return { key: `random-${seed}`, root: nodes.length - 1, nodes, edges };
}

const overlap = (a, b, tol = 0.5) =>
  Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x) > tol && Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y) > tol;

// The arrowhead (draw.js: 10 units long, 8 wide, its tip on the path's end) as a box.
function arrowBox(edge) {
  const nums = edge.path.match(/-?[\d.]+/g).map(Number);
  const [tx, ty] = edge.tip;
  const [bx, by] = nums.slice(-4, -2); // the point before the tip: the arrow's direction
  const d = Math.hypot(tx - bx, ty - by) || 1;
  const [dx, dy] = [(tx - bx) / d, (ty - by) / d];
  const xs = [tx, tx - 10 * dx - 4 * dy, tx - 10 * dx + 4 * dy];
  const ys = [ty, ty - 10 * dy + 4 * dx, ty - 10 * dy - 4 * dx];
  return { x: Math.min(...xs), y: Math.min(...ys), w: Math.max(...xs) - Math.min(...xs), h: Math.max(...ys) - Math.min(...ys) };
}

/** Every collision of a label box in `layout` of `structure`, as text ([] when none). */
function collisions(structure, layout) {
  const found = [];
  const labels = structure.edges.map((edge) => {
    const { labelX, labelY } = layout.edges[edge.id];
    return { edge, box: { x: labelX - LABEL_W / 2, y: labelY - LABEL_H / 2, w: LABEL_W, h: LABEL_H } };
  });
  const arrows = structure.edges.map((edge) => ({ edge, box: arrowBox(layout.edges[edge.id]) }));
  for (const [i, label] of labels.entries()) {
    for (const node of structure.nodes) {
      if (overlap(label.box, layout.nodes[node.id])) found.push(`label ${label.edge.id} x node ${node.id}`);
    }
    for (const arrow of arrows) {
      if (overlap(label.box, arrow.box)) found.push(`label ${label.edge.id} x arrowhead of edge ${arrow.edge.id}`);
    }
    for (const other of labels.slice(i + 1)) {
      if (overlap(label.box, other.box)) found.push(`label ${label.edge.id} x label ${other.edge.id}`);
    }
  }
  return found;
}

describe("the box reserved on each edge", () => {
  test("holds the widest contribution format.js writes for numbers up to 1e±99", () => {
    const numbers = [-1.2345e-99, -9.8765e+99, -1.2345e-15, -0.00001234, -0.2588, 0.01973, -123456, 1e21];
    for (const x of numbers) {
      for (const word of CONTRIBUTION_WORDS) {
        const text = word + formatNumber(x);
        expect([...text].length).toBeLessThanOrEqual([...LONGEST_CONTRIBUTION].length);
        expect(labelTextWidth(text)).toBeLessThanOrEqual(LABEL_W);
      }
    }
    expect(LONGEST_CONTRIBUTION).toMatch(/^lost [-−]\d\.\d+e[-+]\d{2}$/);
    expect(labelTextWidth(LONGEST_CONTRIBUTION)).toBeLessThanOrEqual(LABEL_W);
    // Beyond (1e-100, Number.MIN_VALUE) draw.js squeezes the text into the box.
    expect(labelTextWidth(`lost ${formatNumber(-Number.MIN_VALUE)}`)).toBeGreaterThan(LABEL_W - 8);
    expect(LABEL_H).toBeGreaterThanOrEqual(13 * 1.3); // a 13-unit font's ascent + descent
  });

  test("is Graphviz's edge label, of a fixed size", () => {
    const dot = toDot(diamond.structure);
    expect(dot).toContain(`WIDTH="${LABEL_W}" HEIGHT="${LABEL_H}"`);
    expect(dot).toContain('FIXEDSIZE="TRUE"');
  });

  test("every edge gets one, at Graphviz's label position, right of its source and left of its target", () => {
    for (const { structure } of [doubled, diamond, lecture, neuron]) {
      const layout = run(structure);
      for (const edge of structure.edges) {
        const geometry = layout.edges[edge.id];
        expect(geometry.reserved).toBe(true);
        const src = layout.nodes[edge.src];
        const dst = layout.nodes[edge.dst];
        expect(geometry.labelX - LABEL_W / 2).toBeGreaterThanOrEqual(src.x + src.w);
        expect(geometry.labelX + LABEL_W / 2).toBeLessThanOrEqual(dst.x);
      }
    }
  });

  test("too big a graph reserves nothing (dot would take many times longer)", () => {
    const many = randomStructure(7, 40, LABELS_MAX_NODES, 8);
    expect(reservesLabels(many)).toBe(false);
    expect(toDot(many)).not.toContain("TABLE");
    const tangled = randomStructure(7, 12, 200); // long edges across ~100 columns
    expect(reservesLabels(tangled)).toBe(false);
    expect(reservesLabels(randomStructure(7, 12, 200, 12))).toBe(true);
    expect(toDot(randomStructure(7, 4, 10))).toContain("TABLE");
    for (const { structure } of [doubled, diamond, lecture, neuron]) expect(reservesLabels(structure)).toBe(true);
    // A network drawn as closed neurons: its layers' edges are drawn box to box (orderLayers),
    // only the current step's contribution is written.
    expect(mlp.structure.nodes.some((node) => node.group)).toBe(true);
    expect(reservesLabels(mlp.structure)).toBe(false);
  });

  test("without reserved boxes a contribution is still written above its edge, right of its source", () => {
    const structure = randomStructure(7, 12, 200);
    const layout = run(structure);
    for (const edge of structure.edges) {
      const { labelX, reserved } = layout.edges[edge.id];
      const src = layout.nodes[edge.src];
      expect(reserved).toBe(false);
      expect(labelX).toBeGreaterThan(src.x + src.w);
    }
  });
});

describe("labels overlap nothing (real Graphviz layouts)", () => {
  test.each([
    ["a + a", doubled], ["the diamond", diamond], ["the d,e,f lecture graph", lecture], ["the neuron", neuron],
  ])("%s", (_, { structure }) => {
    const layout = run(structure);
    expect(Object.keys(layout.edges)).toHaveLength(structure.edges.length);
    expect(collisions(structure, layout)).toEqual([]);
  });

  test("40 random graphs of 3 to 60 nodes, reused inputs and parallel edges", () => {
    const problems = [];
    let edges = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const structure = randomStructure(seed, 2 + (seed % 4), 1 + ((seed * 7) % 56));
      expect(reservesLabels(structure)).toBe(true);
      edges += structure.edges.length;
      problems.push(...collisions(structure, run(structure)).map((c) => `seed ${seed}: ${c}`));
    }
    expect(edges).toBeGreaterThan(500);
    expect(problems).toEqual([]);
  });

  test("a random graph of 300 nodes, each op using one of the last 12 nodes", () => {
    const structure = randomStructure(99, 12, 288, 12);
    expect(reservesLabels(structure)).toBe(true);
    expect(collisions(structure, run(structure))).toEqual([]);
  });

  test("the check itself finds a label put on a node", () => {
    const layout = run(diamond.structure);
    const node = layout.nodes[diamond.structure.edges[0].dst];
    const moved = { ...layout, edges: { ...layout.edges, 0: { ...layout.edges[0], labelX: node.x + 10, labelY: node.y + 10 } } };
    expect(collisions(diamond.structure, moved)).toContain(`label 0 x node ${diamond.structure.edges[0].dst}`);
  });
});
