// @vitest-environment happy-dom
// narrate(): every lesson step told in words, with the chain rule and the numbers Python
// computed (the fixtures), names as user text.
import { describe, expect, test } from "vitest";
import { narrate } from "../narration.js";
import { nodeName } from "../payload.js";
import { lessonAt } from "../replay.js";
import { appendText, plainText } from "../text.js";
import doubled from "./fixtures/a_plus_a.json";
import diamond from "./fixtures/diamond.json";
import lectureDef from "./fixtures/lecture_def.json";
import neuron from "./fixtures/neuron.json";
import { computedNodes, depositList, inputsOf, localFromData, localsOf, num } from "./lesson-fixtures.js";

const FIXTURES = [["a + a", doubled], ["diamond", diamond], ["lecture's d, e, f", lectureDef], ["neuron", neuron]];
const MODES = ["accumulate", "overwrite"];

// The values narrate() reads: the fixture's, with `local` per edge (Python's when the
// fixture has it, else computed from the data).
const valuesOf = (payload) => ({ ...payload.values, local: localsOf(payload) });
const name = (s, id) => nodeName(s.nodes[id]);
// "a.grad", "(a*b).grad": a name that is an expression goes in parentheses before ".grad".
const gradName = (s, id) => {
  const n = s.nodes[id];
  const expression = !n.label && n.op && /[\s+\-*/]/.test(nodeName(n).replace(/\([^()]*\)/g, ""));
  return expression ? `(${nodeName(n)}).grad` : `${nodeName(n)}.grad`;
};

/** The pieces and plain text of lesson step k. */
function told(payload, mode, k, { forward = false } = {}) {
  const { structure: s } = payload;
  const replay = payload.values.replays[mode];
  const length = (forward ? computedNodes(s).length : 0) + depositList(payload, mode).length;
  const at = lessonAt(s, replay, k, mode, forward);
  const pieces = narrate(s, valuesOf(payload), at, { mode, last: k === length, forward });
  return { pieces, text: plainText(pieces), words: pieces.filter((p) => typeof p === "string").join("") };
}

test.each(FIXTURES)("%s: the local derivatives the tests use are the ops' (from the data; Python's local when sent)", (_, payload) => {
  const { structure: s, values: v } = payload;
  const local = localsOf(payload);
  expect(local).toHaveLength(s.edges.length);
  for (const edge of s.edges) {
    expect(local[edge.id]).toBeCloseTo(localFromData(s, v.data, edge), 12);
  }
  // and local × upstream is the contribution Python deposited
  for (const mode of MODES) {
    for (const d of depositList(payload, mode)) expect(local[d.edge] * d.upstream).toBeCloseTo(d.value, 12);
  }
});

describe.each(MODES)("each deposit told in %s mode", (mode) => {
  test.each(FIXTURES)("%s: names, chain rule, local × upstream = product, the running total", (_, payload) => {
    const { structure: s } = payload;
    const local = localsOf(payload);
    const deposits = depositList(payload, mode);
    expect(deposits.length).toBeGreaterThan(0);
    deposits.forEach((d, i) => {
      const { pieces, text, words } = told(payload, mode, i + 1);
      const where = `${mode} step ${i + 1}: ${text}`;
      // who: the node that fires and the one that receives, by name, as user pieces
      for (const id of [d.node, d.into]) {
        expect(text, where).toContain(name(s, id));
        expect(pieces, where).toContainEqual({ user: name(s, id) });
      }
      // the chain rule: ∂out/∂in, its number, times the upstream grad, the product
      expect(text, where).toMatch(/∂.+\/∂/);
      expect(text, where).toContain(`${num(local[d.edge])} × ${num(d.upstream)} = ${num(d.value)}`);
      expect(text, where).toContain(gradName(s, d.node));
      // the running total the replay says, after "x.grad = "
      const head = `${gradName(s, d.into)} = `;
      expect(text, where).toContain(head);
      expect(text.slice(text.lastIndexOf(head)), where).toContain(num(d.total));
      // which contribution this is
      if (d.of > 1) expect(text, where).toContain(`the ${["1st", "2nd", "3rd"][d.nth - 1]} of ${d.of} contributions`);
      else expect(text, where).not.toMatch(/of 1 contribution/);
      if (d.nth > 1 && mode === "accumulate") {
        expect(text, where).toContain(`${num(d.before.total)} + ${num(d.value)} = ${num(d.total)}`);
        expect(text, where).not.toMatch(/lost/);
      }
      if (d.nth > 1 && mode === "overwrite") {
        expect(text, where).toMatch(/lost/);
        expect(text, where).toContain(num(d.before.value)); // the term that is lost
      }
      if (d.nth === 1) expect(text, where).not.toMatch(/lost/);
      // numbers with a real minus sign, never "-"
      expect(words, where).not.toMatch(/-\d/);
      expect(text, where).not.toMatch(/undefined|NaN|#\d/);
      // the last step says the pass is done, only the last
      expect(/backward pass is done/.test(text), where).toBe(i === deposits.length - 1);
    });
  });
});

describe("the words that matter", () => {
  test("a + a: the 2nd deposit into a is the 2nd of 2; += adds it, = loses the 1 a held although both are 1", () => {
    const sum = told(doubled, "accumulate", 2).text;
    expect(sum).toContain("b = a + a");
    expect(sum).toContain("a.grad = 1 + 1 = 2, the 2nd of 2 contributions");
    const bug = told(doubled, "overwrite", 2).text;
    expect(bug).toMatch(/a\.grad = 1\b/);
    expect(bug).toMatch(/replaced the 1 it held, which is lost/);
    expect(bug).toContain("the 2nd of 2 contributions");
    expect(bug).not.toContain("a.grad = 1 + 1");
    const first = told(doubled, "overwrite", 1).text;
    expect(first).toContain("the 1st of 2 contributions");
    expect(first).not.toMatch(/lost/);
  });

  test("the diamond: c's 2nd contribution, −10 + −2 = −12; with = the −10 is lost", () => {
    const list = depositList(diamond, "accumulate");
    const k = list.findIndex((d) => d.into === 3 && d.nth === 2) + 1;
    expect(told(diamond, "accumulate", k).text).toContain("c.grad = \u221210 + \u22122 = \u221212, the 2nd of 2 contributions");
    expect(told(diamond, "overwrite", k).text).toMatch(/c\.grad = \u22122\b.*\u221210.*lost/);
    expect(told(diamond, "accumulate", 1).text).toContain("e gets ∂L/∂e × L.grad = \u22122 × 1 = \u22122");
  });

  test("unlabelled nodes are named by what they compute, never by an id", () => {
    const { structure: s } = neuron;
    const unlabelled = s.nodes.filter((n) => !n.label);
    expect(unlabelled.length).toBeGreaterThan(2);
    const all = [];
    for (const mode of MODES) {
      const length = computedNodes(s).length + depositList(neuron, mode).length;
      for (let k = 0; k <= length; k++) all.push(told(neuron, mode, k, { forward: true }));
    }
    for (const { text } of all) expect(text).not.toMatch(/#\d|node \d/);
    for (const node of unlabelled) {
      expect(node.name).toMatch(/[*+(]/); // an expression, e.g. "x1*w1"
      expect(all.some(({ pieces }) => pieces.some((p) => p.user === node.name)), node.name).toBe(true);
    }
  });

  test("names are user pieces, never HTML: markup in a label stays text", () => {
    const evil = "<img src=x onerror=alert(1)>";
    const structure = { ...diamond.structure, nodes: diamond.structure.nodes.map((n) => (n.label === "c" ? { ...n, label: evil, name: evil } : n)) };
    const payload = { ...diamond, structure };
    const list = depositList(payload, "accumulate");
    const k = list.findIndex((d) => d.into === 3) + 1;
    const { pieces } = told(payload, "accumulate", k);
    for (const piece of pieces) {
      if (typeof piece === "string") expect(piece).not.toContain("<img");
      else expect(Object.keys(piece)).toEqual(["user"]);
    }
    expect(pieces).toContainEqual({ user: evil });
    const el = appendText(document.createElement("p"), pieces);
    expect(el.querySelector("img")).toBeNull();
    expect([...el.querySelectorAll("bdi")].map((b) => b.textContent)).toContain(evil);
  });
});

describe("the start and the forward pass", () => {
  test.each(FIXTURES)("%s: without the forward pass, step 0 tells the output's value and seeds its grad with 1", (_, payload) => {
    const { structure: s, values: v } = payload;
    for (const mode of MODES) {
      const { text, pieces } = told(payload, mode, 0);
      expect(text).toContain(`${name(s, s.root)} = ${num(v.data[s.root])}`);
      expect(text).toContain(`${gradName(s, s.root)} = 1`);
      expect(pieces).toContainEqual({ user: name(s, s.root) });
    }
  });

  test.each(FIXTURES)("%s: the forward pass starts from the inputs and their values, grads at 0", (_, payload) => {
    const { structure: s, values: v } = payload;
    const { text } = told(payload, "accumulate", 0, { forward: true });
    expect(text).toMatch(/^Forward pass/);
    for (const leaf of s.nodes.filter((n) => !n.op).slice(0, 4)) expect(text).toContain(`${name(s, leaf.id)} = ${num(v.data[leaf.id])}`);
    expect(text).toMatch(/grad starts at 0/);
  });

  test.each(FIXTURES)("%s: each forward step: \"Forward: d = a × b = 2 × 3 = 6\" with the data's numbers", (_, payload) => {
    const { structure: s, values: v } = payload;
    const computed = computedNodes(s);
    // every node but the output is computed in a forward step of its own
    computed.slice(0, -1).forEach((id, i) => {
      for (const mode of MODES) {
        const { text, words, pieces } = told(payload, mode, i + 1, { forward: true });
        const node = s.nodes[id];
        const inputs = inputsOf(s, id);
        expect(text).toMatch(/^Forward: /);
        expect(pieces).toContainEqual({ user: name(s, id) });
        expect(text).toContain(`Forward: ${name(s, id)} = `);
        for (const edge of inputs) expect(text).toContain(name(s, edge.src));
        const args = inputs.map((edge) => num(v.data[edge.src]));
        const sign = { "*": "×", "-": "\u2212" }[node.op] ?? node.op;
        const numbers = args.length === 2 ? `${args[0]} ${sign} ${args[1]}` : `${node.op}(${args[0]})`;
        expect(text).toContain(`${numbers} = ${num(v.data[id])}.`);
        expect(words).not.toMatch(/-\d/);
        expect(text).not.toMatch(/backward pass starts/);
      }
    });
  });

  // The root is the last node the forward pass computes: the lesson's step F (right
  // after the other forward steps) must say it, as it does for every other node.
  // KNOWN PRODUCT BUG (reported): lessonAt(…, F, …, true) is replayAt(…, 0), so step F
  // narrates only the seed and narration.js's root branch of computed() is never reached.
  // `fails` while the bug is there: make it `test.each` again once it is fixed.
  test.each(FIXTURES)("%s: the output's own forward step is told too (\"Forward: L = e × g = … = −20\"), then the seed", (_, payload) => {
    const { structure: s, values: v } = payload;
    const F = computedNodes(s).length;
    const { text } = told(payload, "accumulate", F, { forward: true });
    expect(text).toContain(`Forward: ${name(s, s.root)} = `);
    expect(text).toContain(`= ${num(v.data[s.root])}.`);
    expect(text).toContain(`${gradName(s, s.root)} = 1`);
  });

  test("with the forward pass, the backward steps are told as without it", () => {
    const F = computedNodes(diamond.structure).length;
    for (const mode of MODES) {
      depositList(diamond, mode).forEach((_, i) => {
        expect(told(diamond, mode, F + i + 1, { forward: true }).text).toBe(told(diamond, mode, i + 1).text);
      });
    }
  });
});

test("an eager replay: a node firing again says so, with its whole grad", () => {
  // a = 1; b = a + a; c = b + b, fired eagerly
  const s = {
    key: "k", root: 2,
    nodes: [{ id: 0, label: "a", op: "", name: "a" }, { id: 1, label: "b", op: "+", name: "b" }, { id: 2, label: "c", op: "+", name: "c" }],
    edges: [{ id: 0, src: 0, dst: 1, slot: 0 }, { id: 1, src: 0, dst: 1, slot: 1 }, { id: 2, src: 1, dst: 2, slot: 0 }, { id: 3, src: 1, dst: 2, slot: 1 }],
  };
  const step = (node, edge, value, total) => ({ node, deposits: [{ edge, value, total }] });
  const eager = { steps: [step(2, 2, 1, 1), step(1, 0, 1, 1), step(1, 1, 1, 2), step(2, 3, 1, 2),
    step(1, 0, 2, 4), step(1, 1, 2, 6)], grad: [6, 2, 1] };
  const values = { data: [1, 2, 4], local: [1, 1, 1, 1] };
  const say = (k) => plainText(narrate(s, values, lessonAt(s, eager, k, "eager"), { mode: "eager", last: k === 6 }));
  expect(say(2)).not.toMatch(/again/);
  expect(say(5)).toMatch(/b fires again with its whole grad 2/);
  expect(say(5)).toContain("1 × 2 = 2");
  expect(say(5)).toContain("a.grad = 2 + 2 = 4");
  expect(say(6)).toMatch(/backward pass is done/);
});

describe("a hand-written class's backward(), observed", () => {
  // b = a + a in a class whose _prev is a set: one edge, whose local derivative is 2.
  const structure = {
    key: "own", root: 1,
    nodes: [{ id: 0, label: "a", op: "", name: "a" }, { id: 1, label: "b", op: "+", name: "b" }],
    edges: [{ id: 0, src: 0, dst: 1, slot: 0 }],
  };
  const told = (value, total) => {
    const values = { key: "own", data: [3, 6], local: [2], replays: { observed: { steps: [{ node: 1, deposits: [{ edge: 0, value, total }] }], grad: [total, 1] } } };
    const at = lessonAt(structure, values.replays.observed, 1, "observed");
    return plainText(narrate(structure, values, at, { mode: "observed", last: true }));
  };

  test("both uses of a: 'b = a + a, so ∂b/∂a = 1 + 1 = 2'", () => {
    expect(told(2, 2)).toContain("b = a + a, so ∂b/∂a = 1 + 1 = 2.");
  });

  test("code that adds: what it did, and that the chain rule agrees", () => {
    const text = told(2, 2);
    expect(text).toContain("Your _backward of b ran: a.grad went from 0 to 2.");
    expect(text).toContain("∂b/∂a × b.grad = 2 × 1 = 2: your code added it, as it should.");
  });

  test("code that assigns: the grad it set and the term it lost; never a wrong product", () => {
    // a.grad held 1 already (a first contribution) and their `=` set it to the contribution 2
    const text = told(1, 2);
    expect(text).toContain("a.grad went from 1 to 2");
    expect(text).toContain("instead of adding it (self.grad = ... where += is needed); the 1 it held is lost.");
    expect(text).not.toMatch(/2 × 1 = 1/);
  });

  test("any other change is said with its number", () => {
    expect(told(5, 5)).toContain("your code changed the grad by 5 instead.");
  });
});
