// @vitest-environment happy-dom
// An open neuron keeps its place in its layer, and a merged deposit says how many of an
// edge's uses it sums (grouped graphs Python made: js/test/fixtures/).
import { Graphviz } from "@hpcc-js/wasm-graphviz";
import { beforeAll, expect, test } from "vitest";
import { clusterIndex, orderLayers, parseLayout, toDot } from "../layout.js";
import { narrate } from "../narration.js";
import { lessonAt } from "../replay.js";
import { plainText } from "../text.js";
import batch from "./fixtures/batch.json";
import open from "./fixtures/mlp16_open.json";
import { depositList } from "./lesson-fixtures.js";

let graphviz;
beforeAll(async () => { graphviz = await Graphviz.load(); });
const byName = (structure, name) => structure.nodes.find((n) => n.name === name);

test("mlp16_open: the open neuron's frame sits in its place in the layer, between L1.N2 and L1.N4", () => {
  const s = open.structure;
  const layout = orderLayers(parseLayout(graphviz.layout(toDot(s), "json0", "dot")), s); // as view.js draws it
  const frame = layout.clusters[clusterIndex(s).get("MLP/L1/L1.N3")];
  const box = (name) => layout.nodes[byName(s, name).id];
  expect(box("L1.N2").y + box("L1.N2").h).toBeLessThanOrEqual(frame.y + 0.5);
  expect(frame.y + frame.h).toBeLessThanOrEqual(box("L1.N4").y + 0.5);
  // what it holds moved with it
  for (const node of s.nodes.filter((n) => n.cluster === "MLP/L1/L1.N3")) {
    const b = layout.nodes[node.id];
    expect(b.y).toBeGreaterThanOrEqual(frame.y - 0.5);
    expect(b.y + b.h).toBeLessThanOrEqual(frame.y + frame.h + 0.5);
  }
});

test("batch: a deposit said to be an edge's N uses together is the only one on that edge", () => {
  const s = batch.structure;
  const list = depositList(batch, "accumulate");
  const onEdge = new Map();
  for (const d of list) onEdge.set(d.edge, (onEdge.get(d.edge) ?? 0) + 1);
  const wrong = [];
  let partial = 0;
  list.forEach((d, i) => {
    const edge = s.edges[d.edge];
    const text = plainText(narrate(s, batch.values, lessonAt(s, batch.values.replays.accumulate, i + 1, "accumulate"), { mode: "accumulate" }));
    if (text.includes(`(its ${edge.count} uses there, together)`) && onEdge.get(d.edge) > 1) {
      wrong.push(`step ${i + 1}: ${s.nodes[d.node].name} -> ${s.nodes[d.into].name}, 1 of ${onEdge.get(d.edge)} deposits on edge ${d.edge}`);
    }
    if (/\(\d+ of its \d+ uses there, together\)/.test(text)) partial++;
  });
  expect(wrong).toEqual([]);
  expect(partial).toBeGreaterThan(0); // the batch has such runs: they say "k of its n"
});
