// @vitest-environment happy-dom
import { describe, expect, test } from "vitest";
import { explain, nodeName, renderExplanation } from "../inspector.js";
import { replayAt } from "../replay.js";
import { diamond, doubled } from "./fixtures.js";

const { structure, values } = diamond;
const at = (mode, k = 4) => replayAt(structure, values.replays[mode], k, mode);
const explanationText = ({ forward, grad }) => `${forward}\n${grad.map((part) => part.text).join("")}`;
const text = (s, v, mode, id, k) => explanationText(explain(s, v.data, replayAt(s, v.replays[mode], k ?? 99, mode), id, mode));

describe("explain", () => {
  test("a + a: two terms from b, left and right", () => {
    expect(text(doubled.structure, doubled.values, "accumulate", 0)).toBe(
      "a = 3 (leaf)\na.grad = 1 (from b, left) + 1 (from b, right) = 2");
  });

  test("the diamond's a: from f then from d", () => {
    expect(text(structure, values, "accumulate", 0)).toBe(
      "a = 2 (leaf)\na.grad = 10 (from f, left) + -6 (from d, left) = 4");
  });

  test("a non-leaf shows its formula", () => {
    expect(text(structure, values, "accumulate", 2)).toBe("d = a * b = 6\nd.grad = -2 (from e, left) = -2");
  });

  test("the root is seeded; a node nothing reached yet is 0", () => {
    expect(text(structure, values, "accumulate", 6, 0)).toBe("L = e * f = -20\nL.grad = 1 (seed)");
    expect(text(structure, values, "accumulate", 0, 1)).toBe("a = 2 (leaf)\na.grad = 0 (nothing received yet)");
  });

  test("overwrite marks the lost term", () => {
    const e = explain(structure, values.data, at("overwrite"), 3, "overwrite");
    expect(e.grad.filter((p) => p.lost).map((p) => p.text)).toEqual(["-10 (from f, right)"]);
    expect(explanationText(e)).toBe("c = 4 (leaf)\nc.grad = -10 (from f, right) lost → -2 (from e, right) = -2");
  });

  test("unary ops name no side; unlabeled nodes are #id (op)", () => {
    const s = {
      root: 1,
      nodes: [{ id: 0, label: "", op: "" }, { id: 1, label: "", op: "tanh" }],
      edges: [{ id: 0, src: 0, dst: 1, slot: 0 }],
    };
    const v = { data: [0.5, 0.4621], replays: { accumulate: { steps: [{ node: 1, deposits: [{ edge: 0, value: 0.7864, total: 0.7864 }] }] } } };
    expect(text(s, v, "accumulate", 0)).toBe("#0 = 0.5 (leaf)\n#0.grad = 0.7864 (from #1 (tanh)) = 0.7864");
    expect(text(s, v, "accumulate", 1)).toBe("#1 (tanh) = tanh(#0) = 0.4621\n#1 (tanh).grad = 1 (seed)");
    expect(nodeName({ id: 3, label: "", op: "*" })).toBe("#3 (*)");
  });
});

test("renderExplanation writes text, strikes lost terms, never parses HTML", () => {
  const s = { ...structure, nodes: structure.nodes.map((n) => (n.id === 3 ? { ...n, label: "<img src=x onerror=alert(1)>" } : n)) };
  const el = document.createElement("div");
  renderExplanation(el, explain(s, values.data, at("overwrite"), 3, "overwrite"));
  expect(el.querySelector("img")).toBeNull();
  expect(el.textContent).toContain("<img src=x onerror=alert(1)>.grad = ");
  expect(el.querySelector("s.gw-lost-term").textContent).toBe("-10 (from f, right)");
});
