// The step status (status.js): "Step k / n" and what the step does, as parts.
import { describe, expect, test } from "vitest";
import { shortName } from "../layout.js";
import { lessonAt } from "../replay.js";
import { statusParts } from "../status.js";
import { plainText } from "../text.js";
import diamond from "./fixtures/diamond.json";
import neuron from "./fixtures/neuron.json";
import { computedNodes, depositList } from "./lesson-fixtures.js";

const parts = (payload, mode, index, { forward = false } = {}) => {
  const { structure: s, values: v } = payload;
  const length = (forward ? computedNodes(s).length : 0) + depositList(payload, mode).length;
  const at = lessonAt(s, v.replays[mode], index, mode, forward);
  return statusParts({ index, length }, s, at);
};
const texts = (list) => list.map((part) => plainText(part));
const label = (s, id) => shortName(s.nodes[id]);

describe("statusParts", () => {
  test("the start: 'Step 0 / 8' and the seed of the output's grad", () => {
    expect(texts(parts(diamond, "accumulate", 0))).toEqual(["Step 0 / 8", "seed L.grad = 1"]);
  });

  test.each([["accumulate"], ["overwrite"]])("%s: each step names the node that passes gradient and the input that receives it", (mode) => {
    const { structure: s } = diamond;
    const list = depositList(diamond, mode);
    list.forEach((d, i) => {
      const k = i + 1;
      const done = k === list.length ? " (done)" : "";
      expect(texts(parts(diamond, mode, k))).toEqual([`Step ${k} / ${list.length}${done}`, `${label(s, d.node)} \u2192 ${label(s, d.into)}`]);
    });
    expect(texts(parts(diamond, mode, 1))).toEqual(["Step 1 / 8", "L \u2192 e"]); // L's deposit into e only
    expect(texts(parts(diamond, mode, 2))).toEqual(["Step 2 / 8", "L \u2192 g"]);
  });

  test("names are user pieces, so the toolbar can isolate them", () => {
    const [, step] = parts(diamond, "accumulate", 1);
    expect(step).toEqual([{ user: "L" }, " \u2192 ", { user: "e" }]);
    const [, seed] = parts(diamond, "accumulate", 0);
    expect(seed).toContainEqual({ user: "L" });
  });

  test("the forward pass: 'forward pass' at the start, then 'forward: d' for the node computed", () => {
    const { structure: s } = diamond;
    const computed = computedNodes(s);
    const length = computed.length + depositList(diamond, "accumulate").length;
    expect(texts(parts(diamond, "accumulate", 0, { forward: true }))).toEqual([`Step 0 / ${length}`, "forward pass"]);
    expect(texts(parts(diamond, "accumulate", 1, { forward: true }))).toEqual([`Step 1 / ${length}`, "forward: d"]);
    computed.forEach((id, i) => {
      expect(texts(parts(diamond, "accumulate", i + 1, { forward: true }))[1]).toBe(`forward: ${label(s, id)}`);
    });
    // the last forward step computes the output (and seeds the backward pass); then the backward pass
    expect(texts(parts(diamond, "accumulate", computed.length, { forward: true }))[1]).toBe("forward: L");
    expect(texts(parts(diamond, "accumulate", computed.length + 1, { forward: true }))[1]).toBe("L \u2192 e");
    expect(texts(parts(diamond, "accumulate", length, { forward: true }))[0]).toBe(`Step ${length} / ${length} (done)`);
  });

  test("unlabelled nodes go by their names, cut short, never an id", () => {
    const { structure: s } = neuron;
    const list = depositList(neuron, "accumulate");
    for (let k = 0; k <= list.length; k++) {
      const text = texts(parts(neuron, "accumulate", k)).join(" · ");
      expect(text).not.toMatch(/#\d/);
      if (k > 0) expect(text).toContain(label(s, list[k - 1].into));
    }
    expect(texts(parts(neuron, "accumulate", 0))[1]).toBe(`seed ${label(s, s.root)}.grad = 1`);
  });

  test("no drawing or no moment: only the step count", () => {
    expect(texts(statusParts({ index: 0, length: 0 }, null, null))).toEqual(["Step 0 / 0"]);
    expect(texts(statusParts({ index: 3, length: 8 }, diamond.structure, null))).toEqual(["Step 3 / 8"]);
  });
});
