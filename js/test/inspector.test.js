// @vitest-environment happy-dom
import { describe, expect, test } from "vitest";
import { createInspector, explain, renderExplanation } from "../inspector.js";
import { lessonAt, lessonLength, replayAt } from "../replay.js";
import { plainText } from "../text.js";
import doubled from "./fixtures/a_plus_a.json";
import diamond from "./fixtures/diamond.json";
import neuron from "./fixtures/neuron.json";

const { structure, values } = diamond;
const END = lessonLength(structure, values.replays.accumulate); // one step per deposit: 8
const at = (mode, k = END) => replayAt(structure, values.replays[mode], k, mode);
const explanationText = ({ forward, grad }) => `${plainText(forward)}\n${grad.map((part) => plainText(part.pieces)).join("")}`;
const text = (s, v, mode, id, k) => explanationText(explain(s, v.data, replayAt(s, v.replays[mode], k ?? 99, mode), id, mode));
const id = (s, label) => s.nodes.find((n) => n.label === label).id;

describe("explain", () => {
  test("a + a: two terms from b, left and right", () => {
    expect(text(doubled.structure, doubled.values, "accumulate", 0)).toBe(
      "a = 3 (leaf)\na.grad = 1 (from b, left) + 1 (from b, right) = 2");
  });

  test("the diamond's a: from g then from d", () => {
    expect(text(structure, values, "accumulate", id(structure, "a"))).toBe(
      "a = 2 (leaf)\na.grad = 10 (from g, left) + -6 (from d, left) = 4");
  });

  test("a non-leaf shows its formula", () => {
    expect(text(structure, values, "accumulate", id(structure, "d"))).toBe("d = a * b = 6\nd.grad = -2 (from e, left) = -2");
  });

  test("the root is seeded; a node nothing reached yet is 0", () => {
    expect(text(structure, values, "accumulate", structure.root, 0)).toBe("L = e * g = -20\nL.grad = 1 (seed)");
    expect(text(structure, values, "accumulate", id(structure, "a"), 2)).toBe("a = 2 (leaf)\na.grad = 0 (nothing received yet)");
  });

  test("term by term as the deposits come: a after its 1st deposit (step 3), then its 2nd (step 7)", () => {
    expect(text(structure, values, "accumulate", id(structure, "a"), 3)).toBe("a = 2 (leaf)\na.grad = 10 (from g, left) = 10");
    expect(text(structure, values, "accumulate", id(structure, "a"), 6)).toBe("a = 2 (leaf)\na.grad = 10 (from g, left) = 10");
    expect(text(structure, values, "accumulate", id(structure, "a"), 7)).toBe("a = 2 (leaf)\na.grad = 10 (from g, left) + -6 (from d, left) = 4");
    expect(text(structure, values, "overwrite", id(structure, "a"), 7)).toBe("a = 2 (leaf)\na.grad = 10 (from g, left) lost → -6 (from d, left) = -6");
  });

  test("a + a overwrite: the 2nd deposit loses the 1st term, though both are 1", () => {
    const { structure: s, values: v } = doubled;
    expect(text(s, v, "overwrite", 0, 1)).toBe("a = 3 (leaf)\na.grad = 1 (from b, left) = 1");
    const e = explain(s, v.data, replayAt(s, v.replays.overwrite, 2, "overwrite"), 0, "overwrite");
    expect(explanationText(e)).toBe("a = 3 (leaf)\na.grad = 1 (from b, left) lost → 1 (from b, right) = 1");
    expect(e.grad.filter((p) => p.lost).map((p) => plainText(p.pieces))).toEqual(["1 (from b, left)"]);
  });

  test("in the forward pass a node not computed yet reads '?'; a computed one its value", () => {
    const moment = lessonAt(structure, values.replays.accumulate, 1, "accumulate", true); // d computed
    const line = (label) => plainText(explain(structure, values.data, moment, id(structure, label)).forward);
    expect(line("d")).toBe(`d = a * b = ${values.data[id(structure, "d")]}`);
    expect(line("e")).toBe("e = d + c = ?");
    expect(line("L")).toBe("L = e * g = ?");
    expect(line("a")).toBe(`a = ${values.data[id(structure, "a")]} (leaf)`);
  });

  // KNOWN PRODUCT BUG (reported): gradParts says "1 (seed)" for the root whenever it has
  // no terms, ignoring at.seeded. `fails` while the bug is there: make it `test` again once fixed.
  test("in the forward pass the root's grad reads 0, as drawn, not '1 (seed)'", () => {
    const moment = lessonAt(structure, values.replays.accumulate, 1, "accumulate", true);
    const grad = plainText(explain(structure, values.data, moment, structure.root).grad.flatMap((p) => p.pieces));
    // as drawn (lessonAt: all grads 0 in the forward pass): not seeded before the backward pass
    expect(moment.grad[structure.root]).toBe(0);
    expect(grad).toMatch(/^L\.grad = 0\b/);
    expect(grad).not.toMatch(/seed/);
  });

  test("overwrite marks the lost term", () => {
    const e = explain(structure, values.data, at("overwrite"), id(structure, "c"), "overwrite");
    expect(e.grad.filter((p) => p.lost).map((p) => plainText(p.pieces))).toEqual(["-10 (from g, right)"]);
    expect(explanationText(e)).toBe("c = 4 (leaf)\nc.grad = -10 (from g, right) lost → -2 (from e, right) = -2");
  });

  test("unlabelled nodes go by the names Python gives them, never by an id", () => {
    const { structure: s, values: v } = neuron;
    const all = s.nodes.map((node) => text(s, v, "accumulate", node.id));
    for (const line of all) expect(line).not.toMatch(/#\d/);
    for (const node of s.nodes.filter((n) => !n.label)) {
      const name = node.name ?? `${node.op} node`; // a payload without names: the op
      expect(all[node.id]).toContain(name);
    }
    // tanh has one input: the term comes "from" it, no side
    const n = s.edges.find((e) => e.dst === s.root).src;
    expect(text(s, v, "accumulate", n)).toMatch(/\.grad = 0\.5 \(from [^,]+\) = 0\.5$/);
  });

  test("an unlabelled input of a formula is in parentheses, its grad too", () => {
    const s = {
      key: "k", root: 3,
      nodes: [{ id: 0, label: "a", op: "" }, { id: 1, label: "b", op: "" }, { id: 2, label: "", op: "+", name: "a + b" },
        { id: 3, label: "y", op: "*" }],
      edges: [{ id: 0, src: 0, dst: 2, slot: 0 }, { id: 1, src: 1, dst: 2, slot: 1 }, { id: 2, src: 2, dst: 3, slot: 0 }, { id: 3, src: 0, dst: 3, slot: 1 }],
    };
    const data = [2, 3, 5, 10];
    const moment = replayAt(s, { steps: [] }, 0);
    expect(plainText(explain(s, data, moment, 3).forward)).toBe("y = (a + b) * a = 10");
    expect(plainText(explain(s, data, moment, 2).forward)).toBe("a + b = 5");
    expect(plainText(explain(s, data, moment, 2).grad[0].pieces)).toBe("(a + b).grad = ");
    const call = { ...s, nodes: s.nodes.map((n) => (n.id === 2 ? { ...n, op: "tanh", name: "tanh(a + b)" } : n)) };
    expect(plainText(explain(call, data, moment, 2).grad[0].pieces)).toBe("tanh(a + b).grad = ");
  });
});

test("renderExplanation writes text, frames lost terms (no strike through), never parses HTML", () => {
  const s = { ...structure, nodes: structure.nodes.map((n) => (n.label === "c" ? { ...n, label: "<img src=x onerror=alert(1)>", name: "<img src=x onerror=alert(1)>" } : n)) };
  const el = document.createElement("div");
  renderExplanation(el, explain(s, values.data, at("overwrite"), id(structure, "c"), "overwrite"));
  expect(el.querySelector("img")).toBeNull();
  expect(el.textContent).toContain("<img src=x onerror=alert(1)>.grad = ");
  expect(el.querySelector("span.gw-lost-term").textContent).toBe("-10 (from g, right)");
  expect([...el.querySelectorAll(".gw-lost-term")]).toHaveLength(1);
  expect(el.querySelector("s, del, strike")).toBeNull(); // a strike would hide the minus of -10
  expect(el.querySelector("span.gw-lost-term").nextSibling.textContent).toBe(" lost");
});

test("names are isolated from the numbers around them (bidi controls stay inside)", () => {
  const evil = "\u202Eevil";
  const s = { ...structure, nodes: structure.nodes.map((n) => (n.label === "a" ? { ...n, label: evil, name: evil } : n)) };
  const el = document.createElement("div");
  renderExplanation(el, explain(s, values.data, at("accumulate"), id(structure, "a")));
  const isolated = [...el.querySelectorAll("bdi")].map((bdi) => bdi.textContent);
  expect(isolated).toContain(evil);
  for (const node of textNodes(el)) {
    if (node.data.includes("\u202E")) expect(node.parentElement.tagName).toBe("BDI");
  }
  expect(el.textContent).toContain(`${evil} = 2 (leaf)`);
});

describe("createInspector", () => {
  const drawn = () => {
    const g = document.createElementNS("http://www.w3.org/2000/svg", "g");
    const nodes = structure.nodes.map(() => ({ g: g.cloneNode() }));
    return { structure, data: values.data, panels: [{ drawing: { nodes }, at: at("accumulate"), replay: "accumulate", title: null }] };
  };

  test("hover explains, a click pins (and outlines), a second click unpins", () => {
    const source = drawn();
    const inspector = createInspector(document, () => source);
    inspector.show();
    expect(inspector.el.textContent).toMatch(/^Hover or click a node/);
    inspector.hover(id(structure, "b"));
    expect(inspector.el.textContent).toContain("b.grad = -4");
    inspector.pin(id(structure, "a"));
    inspector.hover(id(structure, "b")); // the pinned node stays shown
    expect(inspector.el.textContent).toContain("a.grad = 10");
    const outlined = source.panels[0].drawing.nodes.map((node) => node.g.classList.contains("gw-pinned"));
    expect(outlined).toEqual(structure.nodes.map((n) => n.label === "a"));
    inspector.pin(id(structure, "a"));
    expect(inspector.el.textContent).toContain("b.grad = -4");
    expect(source.panels[0].drawing.nodes.some((node) => node.g.classList.contains("gw-pinned"))).toBe(false);
  });

  test("with nothing drawn, it shows nothing", () => {
    const inspector = createInspector(document, () => null);
    inspector.hover(0);
    expect(inspector.el.textContent).toBe("");
  });
});

function textNodes(el) {
  const walker = el.ownerDocument.createTreeWalker(el, 4 /* NodeFilter.SHOW_TEXT */);
  const out = [];
  while (walker.nextNode()) out.push(walker.currentNode);
  return out;
}
