// @vitest-environment happy-dom
// Quiz mode (js/quiz.js): parsing what a student types, the tolerance, the marks, hints
// that never give the total, the derivation, bad input, and the hidden grads in the
// drawing, the inspector and the narration. On the diamond Python made (fixtures):
// L = (a*b + c)*(a - c) with d = a*b, e = d + c, g = a - c; a.grad 4, c.grad -12.
import { describe, expect, test } from "vitest";
import { drawStructure, updateValues } from "../draw.js";
import { explain } from "../inspector.js";
import { ASK_NUMBER, createQuiz, derivationOf, hintFor, isRight, parseAnswer, quizNarration, tolerance } from "../quiz.js";
import { lessonAt, replayAt } from "../replay.js";
import { plainText } from "../text.js";
import diamond from "./fixtures/diamond.json";

const { structure: S, values: V } = diamond;
const id = (label) => S.nodes.find((n) => n.label === label).id;
const text = (pieces) => plainText(pieces);

describe("parseAnswer", () => {
  test.each([
    ["4", 4], ["-2", -2], [" 0.5 ", 0.5], [".5", 0.5], ["+3", 3], ["1e-3", 0.001], ["2.5E4", 25000],
    ["1/2", 0.5], ["-3 / 4", -0.75], ["1e2/4", 25], ["\u221212", -12], ["-0", 0],
  ])("%j is %d", (typed, value) => {
    expect(parseAnswer(typed)).toEqual({ value });
  });

  test.each([
    ["abc", "is not a number"], ["", "Nothing to check yet"], ["   ", "Nothing to check yet"],
    ["1/0", "Dividing by zero"], ["1e999", "too large"], ["NaN", "is not a number"],
    ["Infinity", "is not a number"], ["0,5", "Use a dot"], ["1/2/3", "is not a number"],
    ["2*3", "is not a number"], ["0x10", "is not a number"], ["<b>1</b>", "is not a number"],
    ["1e999/2", "too large"],
  ])("%j is refused with a clear message", (typed, why) => {
    const parsed = parseAnswer(typed);
    expect(parsed).not.toHaveProperty("value");
    expect(parsed.error).toContain(why);
    expect(parsed.error).toContain(ASK_NUMBER);
  });
});

describe("tolerance: 3 significant digits", () => {
  test("half a unit of the 3rd significant digit", () => {
    expect(tolerance(4)).toBeCloseTo(0.005, 15);
    expect(tolerance(-12)).toBeCloseTo(0.05, 15);
    expect(tolerance(1 / 3)).toBeCloseTo(0.0005, 15);
    expect(tolerance(100)).toBeCloseTo(0.5, 15);
    expect(tolerance(0)).toBe(1e-9);
  });
  test.each([
    [4, 4, true], [4.004, 4, true], [3.99, 4, false], [4.01, 4, false], [0.333, 1 / 3, true],
    [0.33, 1 / 3, false], [0.42, 0.41997, true], [-12, -12, true], [12, -12, false],
    [0, 0, true], [1e-6, 0, false], [0, 1e-17, true], [NaN, 4, false],
  ])("%d for %d is right: %s", (answer, correct, right) => {
    expect(isRight(answer, correct)).toBe(right);
  });
});

describe("hints: the chain-rule terms, never the total", () => {
  test("a: two uses, local × upstream by name", () => {
    const hint = text(hintFor(S, V, id("a")));
    expect(hint).toContain("a.grad = ∂d/∂a × d.grad + ∂g/∂a × g.grad");
    expect(hint).toContain("= 3 × d.grad + 1 × g.grad");
    expect(hint).toContain("used 2 times");
    expect(hint).not.toMatch(/(^|[^\d.])4([^\d.]|$)/); // the answer 4 is nowhere
  });
  test("c: 1 × e.grad + -1 × g.grad, not -12", () => {
    const hint = text(hintFor(S, V, id("c")));
    expect(hint).toContain("c.grad = ∂e/∂c × e.grad + ∂g/∂c × g.grad = 1 × e.grad + \u22121 × g.grad");
    expect(hint).not.toContain("12");
  });
  test("overwrite: only the last term to arrive counts", () => {
    const hint = text(hintFor(S, V, id("c"), "overwrite"));
    expect(hint).toContain("only the last to arrive counts");
  });
});

describe("derivation: the narration of each deposit into the node", () => {
  test("a gets 2 contributions, summing to 4", () => {
    const lines = derivationOf(S, V, id("a")).map(text);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain("a.grad = ");
    expect(lines[1]).toContain("= 4, the 2nd of 2 contributions.");
  });
  test("in overwrite, the lost term is told", () => {
    const lines = derivationOf(S, V, id("a"), "overwrite").map(text);
    expect(lines.at(-1)).toContain("lost");
  });
});

describe("hidden grads", () => {
  test("narration of a step into or from an unanswered node asks for a prediction", () => {
    const rep = V.replays.accumulate;
    const first = replayAt(S, rep, 1); // L deposits into e
    const into = text(quizNarration(S, first, new Set([id("e")])));
    expect(into).toContain("predict e.grad first");
    expect(into).not.toMatch(/-?\d/);
    expect(quizNarration(S, first, new Set([id("a")]))).toBeNull();
    const deposits = rep.steps.flatMap((step) => step.deposits.map(() => step.node));
    const fromE = replayAt(S, rep, deposits.indexOf(id("e")) + 1); // e fires
    expect(text(quizNarration(S, fromE, new Set([id("e")])))).toContain("predict e.grad first");
  });

  test("the inspector says '?' for a hidden grad", () => {
    const at = lessonAt(S, V.replays.accumulate, 99);
    const shown = explain(S, V.data, at, id("a"), "accumulate", new Set([id("a")]));
    expect(text(shown.grad.flatMap((p) => p.pieces))).toBe("a.grad = ? (predict it first, in the quiz below)");
  });

  test("the drawing shows '?' with no data-value, and deposits into it are '?'", () => {
    const boxes = S.nodes.map((n, i) => ({ id: n.id, x: i * 200, y: 0, w: 150, h: 72 }));
    const layout = { width: 1400, height: 100, nodes: boxes, edges: S.edges.map(() => ({ path: "M0,0 L1,1", labelX: 5, labelY: 5 })) };
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    const view = drawStructure(svg, layout, S);
    const rep = V.replays.accumulate;
    const deposits = rep.steps.flatMap((s) => s.deposits);
    const k = deposits.findIndex((d) => S.edges[d.edge].src === id("a")) + 1; // first deposit into a
    const hidden = new Set([id("a")]);
    updateValues(view, { data: V.data, at: replayAt(S, rep, k), mode: "accumulate", hidden });
    const a = svg.querySelector(`.gw-node[data-id="${id("a")}"]`);
    expect(a.querySelector(".gw-grad").textContent).toBe("?");
    expect(a.querySelector(".gw-grad").getAttribute("data-value")).toBe("");
    expect(a.classList.contains("gw-quiz-hidden")).toBe(true);
    expect(svg.querySelector(".gw-edge-label .gw-contrib").textContent).toBe("?");
    updateValues(view, { data: V.data, at: replayAt(S, rep, k), mode: "accumulate", hidden: new Set() });
    expect(a.querySelector(".gw-grad").textContent).not.toBe("?");
    expect(svg.querySelector(".gw-edge-label .gw-contrib").textContent).not.toBe("?");
  });
});

describe("the quiz panel", () => {
  function panel(ask = [id("a"), id("c")], replay = null) {
    const sent = [];
    let changed = 0;
    const quiz = createQuiz(document, { send: (m) => sent.push(m), changed: () => changed++ });
    document.body.append(quiz.el);
    quiz.setTrait({ ask, replay, reset: 0 });
    quiz.setContext(S, V, "accumulate");
    const row = (label) => quiz.el.querySelector(`.gw-quiz-row[data-id="${id(label)}"]`);
    const input = (label) => row(label).querySelector("input");
    const type = (label, value) => {
      input(label).value = value;
      input(label).dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    };
    const score = () => quiz.el.querySelector(".gw-quiz-score").textContent;
    return { quiz, sent, row, input, type, score, changed: () => changed };
  }
  const nameOf = (input) => input.getAttribute("aria-labelledby").split(" ").map((x) => document.getElementById(x).textContent).join(" ");

  test("a row per asked node, named 'predict a.grad', and a score", () => {
    const p = panel();
    expect(p.quiz.el.hidden).toBe(false);
    expect(p.quiz.el.querySelectorAll(".gw-quiz-row")).toHaveLength(2);
    expect(nameOf(p.input("a"))).toBe("predict a.grad");
    expect(p.score()).toBe("0 / 2 right");
    expect(p.quiz.el.querySelector(".gw-quiz-score").getAttribute("aria-live")).toBe("polite");
    expect([...p.quiz.hidden].sort()).toEqual([id("a"), id("c")].sort());
  });

  test("wrong, then right: marks, aria-invalid, score, messages to Python, the grad shown", () => {
    const p = panel();
    const before = p.changed();
    p.type("a", "3");
    expect(p.row("a").dataset.status).toBe("wrong");
    expect(p.input("a").getAttribute("aria-invalid")).toBe("true");
    expect(p.row("a").querySelector(".gw-quiz-mark").textContent).toMatch(/^✗ not right: 3 is not a\.grad/);
    expect(p.score()).toBe("0 / 2 right");
    expect(p.quiz.hidden.has(id("a"))).toBe(true);
    p.type("a", "8/2");
    expect(p.row("a").dataset.status).toBe("right");
    expect(p.input("a").hasAttribute("aria-invalid")).toBe(false);
    expect(p.row("a").querySelector(".gw-quiz-mark").textContent).toBe("✓ right: a.grad = 4 (2 tries).");
    expect(p.score()).toBe("1 / 2 right");
    expect(p.quiz.hidden.has(id("a"))).toBe(false);
    expect(p.changed()).toBe(before + 1); // the drawing is told once, when a.grad may show
    expect(p.sent).toEqual([{ type: "quiz", node: id("a"), answer: 3 }, { type: "quiz", node: id("a"), answer: 4 }]);
    expect(p.input("a").readOnly).toBe(true);
  });

  test.each(["abc", "", "1/0", "1e999", "NaN"])("bad input %j: a message by the field, no try, no score, nothing sent", (typed) => {
    const p = panel();
    p.type("c", typed);
    const message = p.row("c").querySelector(".gw-quiz-message").textContent;
    expect(message).toContain(ASK_NUMBER);
    expect(p.input("c").getAttribute("aria-describedby")).toContain(p.row("c").querySelector(".gw-quiz-message").id);
    expect(p.row("c").dataset.status).toBe("open");
    expect(p.score()).toBe("0 / 2 right");
    expect(p.sent).toEqual([]);
    p.type("c", "-12");
    expect(p.row("c").querySelector(".gw-quiz-message").textContent).toBe("");
    expect(p.row("c").dataset.status).toBe("right");
  });

  test("Hint, then Show the derivation: the grad is revealed, not counted right", () => {
    const p = panel();
    const derive = p.row("c").querySelector(".gw-quiz-derive");
    expect(derive.hidden).toBe(true);
    p.row("c").querySelector(".gw-quiz-hint-button").click();
    const hint = p.row("c").querySelector(".gw-quiz-hint");
    expect(hint.hidden).toBe(false);
    expect(hint.textContent).toContain("1 × e.grad + \u22121 × g.grad");
    expect(hint.textContent).not.toContain("12");
    expect(derive.hidden).toBe(false);
    derive.click();
    expect(p.row("c").querySelector(".gw-quiz-derivation").textContent).toContain("c.grad = \u221210 + \u22122 = \u221212");
    expect(p.row("c").dataset.status).toBe("revealed");
    expect(p.quiz.hidden.has(id("c"))).toBe(false);
    expect(p.score()).toBe("0 / 2 right");
    expect(p.sent).toEqual([{ type: "quiz", node: id("c"), reveal: true }]);
  });

  test("a new reset count clears every answer; the Check button checks too", () => {
    const p = panel();
    p.input("a").value = "4";
    p.row("a").querySelector(".gw-quiz-check").click();
    expect(p.score()).toBe("1 / 2 right");
    p.quiz.setTrait({ ask: [id("a"), id("c")], replay: null, reset: 1 });
    expect(p.score()).toBe("0 / 2 right");
    expect(p.quiz.hidden.has(id("a"))).toBe(true);
  });

  test("overwrite asks what the buggy code gives; quiz.replay fixes it whatever the view", () => {
    const p = panel([id("a")]);
    p.quiz.setContext(S, V, "overwrite");
    p.type("a", "4");
    expect(p.row("a").dataset.status).toBe("wrong");
    p.type("a", "-6");
    expect(p.row("a").dataset.status).toBe("right");
    const fixed = panel([id("a")], "accumulate");
    fixed.quiz.setContext(S, V, "overwrite");
    fixed.type("a", "4");
    expect(fixed.row("a").dataset.status).toBe("right");
  });

  test("no kernel: a send that throws changes nothing", () => {
    const quiz = createQuiz(document, { send: () => { throw new Error("no comm"); }, changed: () => {} });
    quiz.setTrait({ ask: [id("a")], replay: null, reset: 0 });
    quiz.setContext(S, V, "accumulate");
    const input = quiz.el.querySelector("input");
    input.value = "4";
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    expect(quiz.el.querySelector(".gw-quiz-score").textContent).toBe("1 / 1 right");
  });

  test("names are user text: a label with HTML is shown as text", () => {
    const evil = { ...S, key: "evil", nodes: S.nodes.map((n) => (n.label === "a" ? { ...n, label: "<img src=x>", name: "<img src=x>" } : n)) };
    const quiz = createQuiz(document, { send: () => {}, changed: () => {} });
    quiz.setTrait({ ask: [id("a")], replay: null, reset: 0 });
    quiz.setContext(evil, V, "accumulate");
    expect(quiz.el.querySelector("img")).toBeNull();
    expect(quiz.el.querySelector(".gw-quiz-label bdi").textContent).toBe("<img src=x>");
  });

  test("the root and unknown ids are never asked; focus() goes to the node's input", () => {
    const p = panel([id("L"), 99, id("a")]);
    expect(p.quiz.el.querySelectorAll(".gw-quiz-row")).toHaveLength(1);
    expect(p.quiz.focus(id("a"))).toBe(true);
    expect(document.activeElement).toBe(p.input("a"));
    expect(p.quiz.focus(id("b"))).toBe(false);
  });
});
