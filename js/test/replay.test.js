import { describe, expect, test } from "vitest";
import { depositsOf, forwardOrder, lessonAt, lessonLength, replayAt } from "../replay.js";
import doubled from "./fixtures/a_plus_a.json";
import diamond from "./fixtures/diamond.json";
import lectureDef from "./fixtures/lecture_def.json";
import mlp from "./fixtures/mlp.json";
import neuron from "./fixtures/neuron.json";
import { computedNodes, depositList } from "./lesson-fixtures.js";

const { structure, values } = diamond;
const accumulate = (k) => replayAt(structure, values.replays.accumulate, k, "accumulate");
const overwrite = (k) => replayAt(structure, values.replays.overwrite, k, "overwrite");
const id = (s, label) => s.nodes.find((n) => n.label === label).id;
const [a, b, c, e, g, L] = ["a", "b", "c", "e", "g", "L"].map((label) => id(structure, label));
const END = depositList(diamond, "accumulate").length; // one step per deposit
const FIXTURES = [["a + a", doubled], ["diamond", diamond], ["lecture's d, e, f", lectureDef], ["neuron", neuron], ["MLP loss", mlp]];

describe("replayAt: one step per deposit", () => {
  test("the diamond has 8 deposits: every edge once", () => {
    expect(END).toBe(structure.edges.length);
    expect(END).toBe(values.replays.accumulate.steps.reduce((n, step) => n + step.deposits.length, 0));
  });

  test("before any step only the root is seeded", () => {
    const at = accumulate(0);
    expect(at.grad).toEqual(structure.nodes.map((n) => (n.id === structure.root ? 1 : 0)));
    expect(at.active).toBeNull();
    expect(at.fresh.size).toBe(0);
    expect(at.deposit).toBeNull();
    expect(at.phase).toBe("backward");
    expect(at.seeded).toBe(true);
  });

  test("the first step is only L's deposit into e (edge 6); the second L's into g", () => {
    const first = values.replays.accumulate.steps[0].deposits[0];
    const at = accumulate(1);
    expect(at.active).toBe(L);
    expect([...at.fresh]).toEqual([first.edge]);
    expect(structure.edges[first.edge]).toMatchObject({ src: e, dst: L });
    expect(at.grad[e]).toBe(first.total);
    expect(at.grad[g]).toBe(0); // not yet
    expect(at.terms[e]).toEqual([{ edge: first.edge, value: first.value, total: first.total, from: L, slot: 0 }]);
    expect(at.deposit).toMatchObject({ node: L, edge: first.edge, value: first.value, nth: 1, of: 1, firing: 1 });

    const second = values.replays.accumulate.steps[0].deposits[1];
    const next = accumulate(2);
    expect(next.active).toBe(L);
    expect([...next.fresh]).toEqual([second.edge]);
    expect(next.grad[g]).toBe(second.total);
    expect(next.grad[e]).toBe(first.total);
    expect(next.terms[g]).toEqual([{ edge: second.edge, value: second.value, total: second.total, from: L, slot: 1 }]);
    expect(next.deposit.firing).toBe(1); // the same firing of L
  });

  test("at the end, accumulate gives a=4, b=-4, c=-12 term by term", () => {
    const at = accumulate(END);
    expect([at.grad[a], at.grad[b], at.grad[c]]).toEqual([4, -4, -12]);
    expect(at.grad).toEqual(values.replays.accumulate.grad);
    expect(at.terms[a].map((t) => [t.value, t.from, t.slot])).toEqual([[10, g, 0], [-6, id(structure, "d"), 0]]);
    expect(at.terms[c].map((t) => t.value)).toEqual([-10, -2]);
    expect(at.lostEdges.size).toBe(0);
  });

  test("overwrite loses the first term of c at its 2nd deposit (step 6), of a at step 7", () => {
    const at = overwrite(END);
    expect([at.grad[a], at.grad[b], at.grad[c]]).toEqual([-6, -4, -2]);
    expect(at.grad).toEqual(values.replays.overwrite.grad);
    expect(at.lost[a].map((t) => t.value)).toEqual([10]);
    expect(at.lost[c].map((t) => t.value)).toEqual([-10]);
    expect([...at.lostEdges].sort()).toEqual([4, 5]);
    const list = depositList(diamond, "overwrite");
    const intoC = list.findIndex((d) => d.into === c && d.nth === 2) + 1;
    const intoA = list.findIndex((d) => d.into === a && d.nth === 2) + 1;
    expect([intoC, intoA]).toEqual([6, 7]);
    expect(overwrite(intoC - 1).lostEdges.size).toBe(0); // nothing overwritten yet
    expect([...overwrite(intoC).lostEdges]).toEqual([5]); // c's term from g, replaced by e's
    expect(overwrite(intoC).grad[c]).toBe(list[intoC - 1].total);
    expect([...overwrite(intoA).lostEdges].sort()).toEqual([4, 5]);
    expect(accumulate(intoC).lostEdges.size).toBe(0); // += loses nothing
  });

  test("k is clamped to the deposits", () => {
    expect(accumulate(99).index).toBe(END);
    expect(accumulate(-3).index).toBe(0);
    expect(accumulate(2.7).index).toBe(2);
  });

  test("a + a: two steps into a, left then right; = keeps 1 and loses the first term although both are 1", () => {
    const { structure: s, values: v } = doubled;
    const [left, right] = v.replays.accumulate.steps[0].deposits;
    expect(left.value).toBe(right.value); // both terms are 1: only the edge tells them apart
    for (const mode of ["accumulate", "overwrite"]) {
      const one = replayAt(s, v.replays[mode], 1, mode);
      expect(one.grad[0], mode).toBe(1);
      expect(one.terms[0].map((t) => t.slot)).toEqual([0]);
      expect(one.lostEdges.size).toBe(0);
      expect([...one.fresh]).toEqual([left.edge]);
    }
    const sum = replayAt(s, v.replays.accumulate, 2, "accumulate");
    expect(sum.grad[0]).toBe(2);
    expect(sum.grad[0]).toBe(v.replays.accumulate.grad[0]);
    expect(sum.terms[0].map((t) => t.slot)).toEqual([0, 1]);
    expect(sum.deposit).toMatchObject({ nth: 2, of: 2 });
    const bug = replayAt(s, v.replays.overwrite, 2, "overwrite");
    expect(bug.grad[0]).toBe(1);
    expect(bug.grad[0]).toBe(v.replays.overwrite.grad[0]);
    expect(bug.lost[0]).toEqual([{ edge: left.edge, value: 1, total: 1, from: 1, slot: 0 }]);
    expect([...bug.lostEdges]).toEqual([left.edge]);
    expect([...bug.fresh]).toEqual([right.edge]);
    expect(bug.byEdge.get(left.edge).value).toBe(1); // the lost term is still there to draw
  });

  test.each(FIXTURES)("%s: each step is the next deposit Python made, and changes only its receiving node", (_, payload) => {
    const { structure: s, values: v } = payload;
    for (const mode of Object.keys(v.replays)) {
      const expected = depositList(payload, mode);
      expect(depositsOf(s, v.replays[mode]).map((d) => [d.node, d.edge, d.value, d.total, d.nth, d.of]))
        .toEqual(expected.map((d) => [d.node, d.edge, d.value, d.total, d.nth, d.of]));
      let before = replayAt(s, v.replays[mode], 0, mode);
      expected.forEach((d, i) => {
        const at = replayAt(s, v.replays[mode], i + 1, mode);
        expect(at.index).toBe(i + 1);
        expect(at.active).toBe(d.node);
        expect([...at.fresh]).toEqual([d.edge]);
        expect(at.grad[d.into]).toBe(d.total);
        expect(at.grad.filter((x, n) => n !== d.into)).toEqual(before.grad.filter((x, n) => n !== d.into));
        expect(at.terms[d.into]).toHaveLength(d.nth);
        expect(at.grad[d.node]).toBe(d.upstream); // a node fires with its whole grad
        before = at;
      });
    }
  });

  test.each(FIXTURES)("%s: the last step reproduces the grads Python computed, in every mode", (_, payload) => {
    const { structure: s, values: v } = payload;
    // Replays Python could not make (an `error` entry, e.g. "observed" for gradwidget's own Values) have no steps.
    for (const [mode, replay] of Object.entries(v.replays).filter(([, r]) => typeof r.error !== "string")) {
      const deposits = depositList(payload, mode).length;
      expect(deposits).toBeGreaterThan(0);
      expect(replayAt(s, replay, deposits, mode).grad).toEqual(replay.grad);
      expect(replayAt(s, replay, deposits - 1, mode).terms.flat()).toHaveLength(deposits - 1); // one step short
    }
  });

  test("the lecture's d, e, f: f = (a*b) * (a+b) gives a.grad -3, b.grad -8; the = bug 3, -2", () => {
    const { structure: s, values: v } = lectureDef;
    const grads = (mode) => ["a", "b"].map((label) => replayAt(s, v.replays[mode], 99, mode).grad[id(s, label)]);
    expect(grads("accumulate")).toEqual([-3, -8]);
    expect(grads("overwrite")).toEqual([3, -2]);
  });

  test("an eager replay (one deposit per step, a node firing again) counts each firing", () => {
    // a = 1; b = a + a; c = b + b, fired eagerly: c -> b, b -> a, a; c -> b, b -> a, a
    const s = {
      key: "k", root: 2,
      nodes: [{ id: 0, label: "a", op: "" }, { id: 1, label: "b", op: "+" }, { id: 2, label: "c", op: "+" }],
      edges: [{ id: 0, src: 0, dst: 1, slot: 0 }, { id: 1, src: 0, dst: 1, slot: 1 }, { id: 2, src: 1, dst: 2, slot: 0 }, { id: 3, src: 1, dst: 2, slot: 1 }],
    };
    const deposit = (node, edge, value, total) => ({ node, deposits: [{ edge, value, total }] });
    const eager = { steps: [deposit(2, 2, 1, 1), deposit(1, 0, 1, 1), deposit(1, 1, 1, 2), deposit(2, 3, 1, 2),
      deposit(1, 0, 2, 4), deposit(1, 1, 2, 6)], grad: [6, 2, 1] };
    expect(depositsOf(s, eager).map((d) => [d.node, d.firing])).toEqual([[2, 1], [1, 1], [1, 2], [2, 2], [1, 3], [1, 4]]);
    expect(depositsOf(s, eager).filter((d) => d.edge === 0).map((d) => [d.nth, d.of])).toEqual([[1, 4], [3, 4]]);
    expect(replayAt(s, eager, 99, "eager").grad).toEqual(eager.grad);
  });
});

describe("lessonLength and lessonAt: the forward pass, then one step per deposit", () => {
  test.each(FIXTURES)("%s: lessonLength = computed nodes (with the forward pass) + deposits", (_, payload) => {
    const { structure: s, values: v } = payload;
    const computed = computedNodes(s);
    expect(forwardOrder(s)).toEqual(computed);
    for (const mode of Object.keys(v.replays)) {
      const deposits = depositList(payload, mode).length;
      expect(lessonLength(s, v.replays[mode])).toBe(deposits);
      expect(lessonLength(s, v.replays[mode], false)).toBe(deposits);
      expect(lessonLength(s, v.replays[mode], true)).toBe(computed.length + deposits);
    }
  });

  test("the diamond: 4 nodes to compute (d, e, g, L) + 8 deposits = 12 steps", () => {
    expect(forwardOrder(structure).map((n) => structure.nodes[n].label)).toEqual(["d", "e", "g", "L"]);
    expect(lessonLength(structure, values.replays.accumulate, true)).toBe(12);
    expect(lessonLength(structure, { steps: [], grad: [] }, true)).toBe(4); // a replay that is not there
  });

  test.each(FIXTURES)("%s: in the forward pass, one node fewer is pending per step, in id order; no grads, no seed", (_, payload) => {
    const { structure: s, values: v } = payload;
    const computed = computedNodes(s);
    for (const mode of Object.keys(v.replays)) {
      let pending = new Set(computed);
      for (let k = 0; k < computed.length; k++) {
        const at = lessonAt(s, v.replays[mode], k, mode, true);
        expect(at.phase).toBe("forward");
        expect([...at.pending].sort((x, y) => x - y)).toEqual([...pending].sort((x, y) => x - y));
        expect(at.grad).toEqual(s.nodes.map(() => 0)); // the root is not seeded yet
        expect(at.seeded).toBe(false);
        expect(at.deposit).toBeNull();
        expect(at.index).toBe(0);
        expect(at.lostEdges.size).toBe(0);
        expect(at.terms.every((t) => t.length === 0)).toBe(true);
        if (k === 0) {
          expect(at.computed).toBeNull();
          expect(at.active).toBeNull();
          expect(at.fresh.size).toBe(0);
        } else {
          const done = computed[k - 1];
          expect(at.computed).toBe(done);
          expect(at.active).toBe(done);
          expect(at.pending.has(done)).toBe(false);
          expect([...at.fresh].sort()).toEqual(s.edges.filter((edge) => edge.dst === done).map((edge) => edge.id).sort());
        }
        for (const leaf of s.nodes.filter((n) => !n.op)) expect(at.pending.has(leaf.id)).toBe(false);
        pending.delete(computed[k]); // the next step computes the lowest pending id
        expect(Math.min(...at.pending)).toBe(computed[k]);
      }
    }
  });

  test.each(FIXTURES)("%s: at the boundary the root is seeded and nothing is pending; then the deposits", (_, payload) => {
    const { structure: s, values: v } = payload;
    const F = computedNodes(s).length;
    // Replays Python could not make (an `error` entry, e.g. "observed" for gradwidget's own Values) have no steps.
    for (const [mode, replay] of Object.entries(v.replays).filter(([, r]) => typeof r.error !== "string")) {
      const at = lessonAt(s, replay, F, mode, true);
      expect(at.phase).toBe("backward");
      expect(at.seeded).toBe(true);
      expect(at.pending.size).toBe(0);
      expect(at.grad).toEqual(s.nodes.map((n) => (n.id === s.root ? 1 : 0)));
      expect(at.deposit).toBeNull();
      expect(lessonAt(s, replay, F - 1, mode, true).grad[s.root]).toBe(0);
      const deposits = depositList(payload, mode).length;
      for (const k of [1, 2, deposits]) {
        expect(lessonAt(s, replay, F + k, mode, true)).toEqual(replayAt(s, replay, k, mode));
        expect(lessonAt(s, replay, k, mode, false)).toEqual(replayAt(s, replay, k, mode));
      }
      expect(lessonAt(s, replay, 999, mode, true).grad).toEqual(replay.grad);
      expect(lessonAt(s, replay, -1, mode, true).computed).toBeNull();
      expect(lessonAt(s, replay, -1, mode, true).pending.size).toBe(F);
    }
  });

  test("without the forward pass, step 0 is the seed: the forward values are known", () => {
    const at = lessonAt(structure, values.replays.accumulate, 0, "accumulate");
    expect(at.phase).toBe("backward");
    expect(at.pending.size).toBe(0);
    expect(at.grad[L]).toBe(1);
  });
});
