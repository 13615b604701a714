import { describe, expect, test } from "vitest";
import { replayAt } from "../replay.js";
import doubled from "./fixtures/a_plus_a.json";
import diamond from "./fixtures/diamond.json";
import lectureDef from "./fixtures/lecture_def.json";
import mlp from "./fixtures/mlp.json";
import neuron from "./fixtures/neuron.json";

const { structure, values } = diamond;
const accumulate = (k) => replayAt(structure, values.replays.accumulate, k, "accumulate");
const overwrite = (k) => replayAt(structure, values.replays.overwrite, k, "overwrite");

describe("replayAt", () => {
  test("before any step only the root is seeded", () => {
    const at = accumulate(0);
    expect(at.grad).toEqual([0, 0, 0, 0, 0, 0, 1]);
    expect(at.active).toBeNull();
    expect(at.fresh.size).toBe(0);
  });

  test("after the first step L has fired into e and f", () => {
    const at = accumulate(1);
    expect(at.active).toBe(6);
    expect([...at.fresh]).toEqual([6, 7]);
    expect(at.grad[4]).toBe(-2);
    expect(at.grad[5]).toBe(10);
    expect(at.terms[5]).toEqual([{ edge: 7, value: 10, total: 10, from: 6, slot: 1 }]);
  });

  test("at the end, accumulate gives a=4, b=-4, c=-12 term by term", () => {
    const at = accumulate(4);
    expect([at.grad[0], at.grad[1], at.grad[3]]).toEqual([4, -4, -12]);
    expect(at.grad).toEqual(values.replays.accumulate.grad);
    expect(at.terms[0].map((t) => [t.value, t.from, t.slot])).toEqual([[10, 5, 0], [-6, 2, 0]]);
    expect(at.terms[3].map((t) => t.value)).toEqual([-10, -2]);
    expect(at.lostEdges.size).toBe(0);
  });

  test("overwrite loses the first term of a and c", () => {
    const at = overwrite(4);
    expect([at.grad[0], at.grad[1], at.grad[3]]).toEqual([-6, -4, -2]);
    expect(at.lost[0].map((t) => t.value)).toEqual([10]);
    expect(at.lost[3].map((t) => t.value)).toEqual([-10]);
    expect([...at.lostEdges].sort()).toEqual([4, 5]);
    expect(overwrite(2).lostEdges.size).toBe(0); // nothing overwritten yet
  });

  test("k is clamped to the replay", () => {
    expect(accumulate(99).index).toBe(4);
    expect(accumulate(-3).index).toBe(0);
  });

  test("a + a: two terms from the same node, left and right", () => {
    const at = replayAt(doubled.structure, doubled.values.replays.accumulate, 1);
    expect(at.terms[0].map((t) => t.slot)).toEqual([0, 1]);
    expect(at.grad[0]).toBe(2);
  });

  test.each([["a + a", doubled], ["diamond", diamond], ["lecture's d, e, f", lectureDef], ["neuron", neuron], ["MLP loss", mlp]])(
    "%s: the last step reproduces the grads Python computed, in every mode", (_, { structure: s, values: v }) => {
      for (const [mode, replay] of Object.entries(v.replays)) {
        expect(replay.steps.length).toBeGreaterThan(0);
        expect(replayAt(s, replay, replay.steps.length, mode).grad).toEqual(replay.grad);
      }
    });

  test("the lecture's d, e, f: f = (a*b) * (a+b) gives a.grad -3, b.grad -8; the = bug 3, -2", () => {
    const { structure: s, values: v } = lectureDef;
    const grads = (mode) => ["a", "b"].map((label) => replayAt(s, v.replays[mode], 99, mode).grad[s.nodes.find((n) => n.label === label).id]);
    expect(grads("accumulate")).toEqual([-3, -8]);
    expect(grads("overwrite")).toEqual([3, -2]);
  });
});
