import { Graphviz } from "@hpcc-js/wasm-graphviz";
import { beforeAll, describe, expect, test } from "vitest";
import { DOT_BOUNDS, LABEL_H, columnsLayout, layoutWork, nodeSize, parseLayout, shortName, toDot } from "../layout.js";
import { demoLossStructure } from "./demo-loss.js";
import diamond from "./fixtures/diamond.json";
import doubled from "./fixtures/a_plus_a.json";

describe("toDot", () => {
  test("one fixed-size box per value node, left to right", () => {
    const dot = toDot(diamond.structure);
    expect(dot).toContain("rankdir=LR");
    expect(dot.match(/^n\d+ \[width=[\d.]+ height=[\d.]+\];$/gm)).toHaveLength(7);
    expect(dot).toMatch(/fixedsize=true/);
    expect(dot).toContain("n0 -> n2 [id=e0];");
  });

  test("a + a gives two parallel edges", () => {
    const dot = toDot(doubled.structure);
    expect(dot.match(/n0 -> n1/g)).toHaveLength(2);
  });

  test("box size depends on the label and op only", () => {
    const short = nodeSize({ id: 0, label: "a", op: "" });
    const long = nodeSize({ id: 0, label: "a_rather_long_name", op: "tanh" });
    expect(long.w).toBeGreaterThan(short.w);
    expect(long.h).toBe(short.h);
    expect(nodeSize({ id: 9, label: "a", op: "" })).toEqual(short);
  });

  test("long names are cut so one name cannot widen a column", () => {
    const label = "x".repeat(100);
    expect(shortName({ label })).toHaveLength(18);
    expect(shortName({ label }).endsWith("…")).toBe(true);
    expect(nodeSize({ id: 0, label, op: "" }).w).toBe(nodeSize({ id: 0, label: "x".repeat(30), op: "" }).w);
    expect([...shortName({ label: "😀".repeat(30) })].slice(0, -1).join("")).toBe("😀".repeat(17)); // no half character
  });

  test("a node is drawn by its name; an unlabelled one by what it computes, never its id", () => {
    expect(shortName({ id: 3, label: "", op: "*", name: "a*b" })).toBe("a*b");
    expect(shortName({ id: 3, label: "a", op: "", name: "a" })).toBe("a");
    expect(shortName({ id: 3, label: "", op: "tanh" })).toBe("tanh node"); // a payload without names
    expect(nodeSize({ id: 0, label: "", op: "+", name: "a*b + c" }).w).toBe(nodeSize({ id: 0, label: "a*b + c", op: "+" }).w);
  });
});

describe("parseLayout", () => {
  const json = JSON.stringify({
    bb: "0,0,200,100",
    objects: [
      { _gvid: 0, name: "n0", pos: "50,80", width: "1", height: "0.5" },
      { _gvid: 1, name: "n1", pos: "150,20", width: "1", height: "0.5" },
    ],
    edges: [{ _gvid: 0, tail: 0, head: 1, id: "e0", pos: "e,110,30 86,70 95,60 100,45 104,38" }],
  });

  test("flips y and gives top-left corners in SVG units", () => {
    const layout = parseLayout(json);
    expect(layout.width).toBe(200);
    expect(layout.height).toBe(100);
    expect(layout.nodes[0]).toEqual({ x: 14, y: 2, w: 72, h: 36 });
    expect(layout.nodes[1]).toEqual({ x: 114, y: 62, w: 72, h: 36 });
  });

  test("edge path: spline then a line to the arrow tip", () => {
    const edge = parseLayout(json).edges[0];
    expect(edge.path).toBe("M86,30 C95,40 100,55 104,62 L110,70");
    expect(edge.tip).toEqual([110, 70]);
  });

  test("a contribution is written at Graphviz's label position, y flipped", () => {
    const labelled = JSON.stringify({ bb: "0,0,200,100", objects: [],
      edges: [{ id: "e0", tail: 0, head: 1, pos: "e,110,30 86,70 95,60 100,45 104,38", lp: "98.5,60.25" }] });
    expect(parseLayout(labelled).edges[0]).toMatchObject({ labelX: 98.5, labelY: 39.8, reserved: true });
  });

  test("without a label position: half a column gap (36) right of its source, above the curve", () => {
    const straight = JSON.stringify({ bb: "0,0,100,100",
      objects: [{ _gvid: 0, name: "n0", pos: "-10,100", width: "0.2778", height: "0.2778" }], // right side at x = 0
      edges: [{ id: "e0", tail: 0, head: 1, pos: "0,100 10,90 20,80 30,70 40,60 50,50 60,40" }] }); // y = x once flipped
    const { labelX, labelY, reserved } = parseLayout(straight).edges[0];
    expect(reserved).toBe(false);
    expect(labelX).toBe(36);
    expect(labelY + LABEL_H / 2).toBeLessThanOrEqual(0); // the curve climbs to y = 0 under the label
  });
});

describe("a real Graphviz run", () => {
  let graphviz;
  beforeAll(async () => {
    graphviz = await Graphviz.load();
  });
  const run = (structure) => parseLayout(graphviz.layout(toDot(structure), "json0", "dot"));

  test("the diamond: every node placed, no overlaps, inputs left of their users", () => {
    const layout = run(diamond.structure);
    const boxes = diamond.structure.nodes.map((node) => layout.nodes[node.id]);
    expect(boxes.every(Boolean)).toBe(true);
    for (const [i, a] of boxes.entries()) {
      expect(a).toMatchObject(nodeSize(diamond.structure.nodes[i]));
      for (const b of boxes.slice(i + 1)) {
        const apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
        expect(apart).toBe(true);
      }
    }
    for (const edge of diamond.structure.edges) {
      expect(layout.nodes[edge.src].x).toBeLessThan(layout.nodes[edge.dst].x);
      expect(layout.edges[edge.id].path).toMatch(/^M[\d.]+,[\d.]+( C[\d., ]+)+ L[\d.]+,[\d.]+$/);
    }
    for (const edge of diamond.structure.edges) { // a value is written right of its source
      const src = layout.nodes[edge.src];
      expect(layout.edges[edge.id].labelX).toBeGreaterThan(src.x + src.w);
    }
    for (const box of boxes) {
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.y + box.h).toBeLessThanOrEqual(layout.height);
    }
  });

  test("a + a: two distinct edge paths", () => {
    const layout = run(doubled.structure);
    expect(layout.edges[0].path).not.toBe(layout.edges[1].path);
  });

  test("the same structure always gets the same layout", () => {
    expect(run(diamond.structure)).toEqual(run(diamond.structure));
  });
});

describe("the work a layout is, and dot's bounds", () => {
  test("nodes plus the columns edges cross (longest-path ranks)", () => {
    expect(layoutWork(diamond.structure)).toEqual({ nodes: 7, edges: 8, crossed: 2, total: 9 });
    const demo = layoutWork(demoLossStructure(2)); // the L2 chain: 337 additions fed from the start
    expect(demo.nodes).toBe(2314);
    expect(demo.crossed).toBeGreaterThan(60000);
  });

  test("dot keeps its usual settings up to DOT_PLAIN_WORK, then gets DOT_BOUNDS", () => {
    expect(toDot(diamond.structure)).not.toContain("nslimit");
    expect(toDot(demoLossStructure(1))).toContain(`${DOT_BOUNDS}];`);
    expect(DOT_BOUNDS).toMatch(/^nslimit=1 nslimit1=1 searchsize=\d+$/);
  });
});

describe("columnsLayout: the layout without Graphviz", () => {
  const shapes = [["a + a", doubled.structure], ["the diamond", diamond.structure], ["the demo loss over 2 points", demoLossStructure(2)]];

  test.each(shapes)("%s: every node and edge, boxes of nodeSize, inputs left of what they compute, nothing overlaps", (_, structure) => {
    const layout = columnsLayout(structure);
    expect(Object.keys(layout.nodes)).toHaveLength(structure.nodes.length);
    expect(Object.keys(layout.edges)).toHaveLength(structure.edges.length);
    const boxes = structure.nodes.map((node) => layout.nodes[node.id]);
    structure.nodes.forEach((node, i) => expect({ w: boxes[i].w, h: boxes[i].h }).toEqual(nodeSize(node)));
    for (const box of boxes) {
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.y).toBeGreaterThanOrEqual(-0.1);
      expect(box.x + box.w).toBeLessThanOrEqual(layout.width + 0.1);
      expect(box.y + box.h).toBeLessThanOrEqual(layout.height + 0.1);
    }
    // Boxes of one column (same x range) never overlap: sorted by y, each below the last.
    const byColumn = new Map();
    for (const box of boxes) byColumn.set(Math.round(box.x + box.w / 2), [...(byColumn.get(Math.round(box.x + box.w / 2)) ?? []), box]);
    for (const column of byColumn.values()) {
      column.sort((a, b) => a.y - b.y);
      for (let k = 1; k < column.length; k++) expect(column[k].y).toBeGreaterThanOrEqual(column[k - 1].y + column[k - 1].h);
    }
    for (const edge of structure.edges) {
      const { path, tip, reserved, labelX } = layout.edges[edge.id];
      const src = layout.nodes[edge.src], dst = layout.nodes[edge.dst];
      expect(src.x + src.w).toBeLessThan(dst.x);
      expect(path).toMatch(/^M[-\d.]+,[-\d.]+( C[-\d.]+,[-\d.]+ [-\d.]+,[-\d.]+ [-\d.]+,[-\d.]+)+ L[-\d.]+,[-\d.]+$/);
      const [x0, y0] = path.slice(1).split(" ")[0].split(",").map(Number);
      expect(x0).toBeCloseTo(src.x + src.w, 0); // leaves its source's right side
      expect(y0).toBeGreaterThan(src.y);
      expect(y0).toBeLessThan(src.y + src.h);
      expect(tip[0]).toBeCloseTo(dst.x, 0); // the arrow points at its target's left side
      expect(tip[1]).toBeGreaterThan(dst.y);
      expect(tip[1]).toBeLessThan(dst.y + dst.h);
      expect(reserved).toBe(false);
      expect(labelX).toBeGreaterThan(src.x + src.w);
    }
  });

  test("a + a: the two parallel edges are two lines, not one", () => {
    const layout = columnsLayout(doubled.structure);
    expect(layout.edges[0].path).not.toBe(layout.edges[1].path);
  });

  test("the same structure always gets the same layout", () => {
    expect(columnsLayout(demoLossStructure(1))).toEqual(columnsLayout(demoLossStructure(1)));
  });

  test("an edge crossing columns runs level through them, clear of every box", () => {
    const structure = demoLossStructure(1);
    const layout = columnsLayout(structure);
    // Boxes by column (their centre x), each column's boxes sorted by y.
    const columns = new Map();
    for (const box of Object.values(layout.nodes)) {
      const key = box.x + box.w / 2;
      if (!columns.has(key)) columns.set(key, []);
      columns.get(key).push(box);
    }
    const list = [...columns.values()];
    const inside = (x, y, skip) => list.some((boxes) => boxes[0].x + boxes[0].w / 2 - 70 < x && x < boxes[0].x + boxes[0].w / 2 + 70 &&
      boxes.some((b) => !skip.includes(b) && x > b.x + 0.5 && x < b.x + b.w - 0.5 && y > b.y + 0.5 && y < b.y + b.h - 0.5));
    const hits = [];
    let checked = 0;
    for (const edge of structure.edges.filter((_, i) => i % 5 === 0)) {
      // The curve's end and control points (the level runs through columns are among them).
      const numbers = layout.edges[edge.id].path.match(/-?[\d.]+/g).map(Number);
      const skip = [layout.nodes[edge.src], layout.nodes[edge.dst]];
      for (let i = 0; i + 1 < numbers.length; i += 2) {
        if (inside(numbers[i], numbers[i + 1], skip)) hits.push(`edge ${edge.id} at ${numbers[i]},${numbers[i + 1]}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(5000);
    expect(hits).toEqual([]);
  });
});
