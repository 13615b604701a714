// Quiz mode (the `quiz` trait): the student predicts gradients before seeing them.
//
//   .gw-quiz
//     .gw-quiz-head      what to do, and the score "3 / 5 right" (aria-live polite)
//     .gw-quiz-row[data-id][data-status]   one per asked node
//       label "predict a.grad" (the input's accessible name), input, Check, the mark
//       (✓ right / ✗ wrong, in colour AND words), Hint, Show the derivation, the message
//       by the field (bad input), the hint, the derivation
//
// The page checks answers itself, from the replay it holds (no kernel needed: a saved
// notebook, a static HTML page); it also sends each answer to Python, best effort.
// An asked grad stays hidden ("?" in the drawing, the inspector, the edge labels of its
// deposits and the narration) until it is answered right or its derivation is shown.
// Pure parts (parseAnswer, isRight, hintFor, derivationOf, quizNarration) are exported
// for the tests; names are user text (text.js pieces), never HTML.
import { formatNumber } from "./format.js";
import { narrate } from "./narration.js";
import { gradOf, nodeName, replayOf } from "./payload.js";
import { depositsOf, replayAt } from "./replay.js";
import { appendText, user } from "./text.js";

/** @typedef {import("./text.js").Piece} Piece */
/** @typedef {import("./payload.js").Structure} Structure */

export const DIGITS = 3; // significant digits an answer must get right (gradwidget/quiz.py)
export const FLOOR = 1e-9; // the smallest tolerance, for a correct answer of 0
export const ASK_NUMBER = "type a number, like -2 or 0.5";

const num = (x) => formatNumber(x).replace(/^-/, "\u2212");
const NUMBER = String.raw`[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?`;
const PLAIN = new RegExp(`^${NUMBER}$`, "i");
const FRACTION = new RegExp(`^(${NUMBER})\\s*/\\s*(${NUMBER})$`, "i");

/**
 * What the student typed, as a number: plain decimals ("-2", "0.5", ".5", "+3"),
 * exponents ("1e-3", "2.5E4") and a simple fraction ("1/2", "-3 / 4"). A Unicode minus
 * counts as "-". Anything else is an error message for the field.
 * @returns {{value: number} | {error: string}}
 */
export function parseAnswer(text) {
  const typed = String(text ?? "").trim().replace(/[\u2212\u2012\u2013]/g, "-");
  if (typed === "") return { error: `Nothing to check yet: ${ASK_NUMBER}.` };
  if (/^[+-]?\d+,\d+$/.test(typed)) return { error: `Use a dot for decimals (${typed.replace(",", ".")}): ${ASK_NUMBER}.` };
  let value;
  const fraction = FRACTION.exec(typed);
  if (PLAIN.test(typed)) {
    value = Number(typed);
  } else if (fraction) {
    const [top, bottom] = [Number(fraction[1]), Number(fraction[2])];
    if (bottom === 0) return { error: `Dividing by zero gives no number: ${ASK_NUMBER}.` };
    if (!Number.isFinite(top) || !Number.isFinite(bottom)) return { error: `That number is too large to check: ${ASK_NUMBER}.` };
    value = top / bottom;
  } else {
    return { error: `"${typed.length > 24 ? `${typed.slice(0, 23)}…` : typed}" is not a number: ${ASK_NUMBER}.` };
  }
  if (!Number.isFinite(value)) return { error: `That number is too large to check: ${ASK_NUMBER}.` };
  return { value: value === 0 ? 0 : value };
}

// The power of ten of a positive number: 10**e <= a < 10**(e+1).
function exponent(a) {
  let e = Math.floor(Math.log10(a));
  if (10 ** e > a) e -= 1;
  else if (10 ** (e + 1) <= a) e += 1;
  return e;
}

/** How far an answer may be from `correct` and still be right: half a unit of its 3rd
 * significant digit (4: ±0.005; 1/3: ±0.0005), at least 1e-9. */
export function tolerance(correct) {
  const a = Math.abs(correct);
  if (!(a > 0)) return FLOOR;
  return Math.max(0.5 * 10 ** (exponent(a) - (DIGITS - 1)), FLOOR);
}

export function isRight(answer, correct) {
  return Number.isFinite(answer) && Number.isFinite(correct) && Math.abs(answer - correct) <= tolerance(correct) * (1 + 1e-12);
}

// "a", or "(a*b)" where an operator follows: as the narration writes them.
function operand(node) {
  const wrap = node.op && !node.label && /[\s+\-*/]/.test(nodeName(node).replace(/\([^()]*\)/g, ""));
  return wrap ? ["(", user(nodeName(node)), ")"] : [user(nodeName(node))];
}

/**
 * The hint for node `id`: the chain-rule terms that feed its grad, each local derivative
 * (values.local) × the upstream grad by name, never the total or an upstream number:
 * "a.grad = ∂d/∂a × d.grad + ∂g/∂a × g.grad = 3 × d.grad + 1 × g.grad".
 * In overwrite mode only the last term to arrive counts; in eager mode terms are passed again.
 * @returns {Piece[]}
 */
export function hintFor(structure, values, id, replayName = "accumulate") {
  const node = structure.nodes[id];
  const grad = (n) => gradOf(n, user(nodeName(n)));
  const out = structure.edges.filter((e) => e.src === id).sort((x, y) => x.dst - y.dst || x.slot - y.slot);
  if (!out.length) return [...grad(node), " receives nothing: no node uses it, so it stays 0."];
  const local = values?.local ?? [];
  const partial = (e) => ["∂", ...operand(structure.nodes[e.dst]), "/∂", ...operand(node), " × ", ...grad(structure.nodes[e.dst])];
  const term = (e) => [Number.isFinite(local[e.id]) ? num(local[e.id]) : "local", " × ", ...grad(structure.nodes[e.dst])];
  const join = (list, f) => list.flatMap((e, i) => (i ? [" + ", ...f(e)] : f(e)));
  const count = out.length === 1 ? "It is used once, so its grad has one term" :
    `It is used ${out.length} times, so its grad adds ${out.length} terms`;
  const parts = [`${count}, each local derivative × the grad of the node that uses it: `,
    ...grad(node), " = ", ...join(out, partial), " = ", ...join(out, term), "."];
  if (replayName === "overwrite" && out.length > 1) {
    const deposits = depositsOf(structure, replayOf(values, "overwrite")).filter((d) => structure.edges[d.edge]?.src === id);
    const last = deposits.length ? structure.edges[deposits[deposits.length - 1].edge] : null;
    if (last) parts.push(" With \"=\" each term replaces the one before: only the last to arrive counts, ", ...term(last), ".");
  }
  if (replayName === "eager") parts.push(" The eager bug passes some terms more than once: count how often each node fires.");
  parts.push(" Work out the upstream grads first.");
  return parts;
}

/** The derivation of node `id`'s grad in `replayName`: the narration of each deposit into
 * it, in order (js/narration.js). @returns {Piece[][]} */
export function derivationOf(structure, values, id, replayName = "accumulate") {
  const replay = replayOf(values, replayName);
  const deposits = depositsOf(structure, replay);
  const lines = [];
  deposits.forEach((d, k) => {
    if (structure.edges[d.edge]?.src !== id) return;
    lines.push(narrate(structure, values, replayAt(structure, replay, k + 1, replayName), { mode: replayName }));
  });
  if (!lines.length) lines.push([...gradOf(structure.nodes[id], user(nodeName(structure.nodes[id]))), " receives nothing: it stays 0."]);
  return lines;
}

/** The narration of a lesson step that would show a hidden grad (a deposit into or from
 * an unanswered node), or null when the step may be told as usual. */
export function quizNarration(structure, at, hidden) {
  const d = at?.deposit;
  if (!d || !hidden?.size) return null;
  const edge = structure.edges[d.edge];
  if (!edge) return null;
  const name = (id) => user(nodeName(structure.nodes[id]));
  const grad = (id) => gradOf(structure.nodes[id], name(id));
  if (hidden.has(edge.src)) {
    return [name(d.node), " passes a contribution to ", name(edge.src), ": predict ", ...grad(edge.src),
      " first (in the quiz below), then see how it adds up."];
  }
  if (hidden.has(d.node)) {
    return [name(d.node), " passes its grad on to ", name(edge.src), ": predict ", ...grad(d.node),
      " first (in the quiz below)."];
  }
  return null;
}

let made = 0; // quiz panels on this page, for unique element ids

/**
 * The quiz panel and its state.
 * @param {Document} doc
 * @param {object} on
 * @param {(message: object) => void} on.send     to Python, best effort (may throw: no kernel)
 * @param {() => void} on.changed                 what is hidden changed: redraw the numbers
 */
export function createQuiz(doc, on) {
  const prefix = `gw-quiz-${(globalThis.__gradwidget_quizzes__ = (globalThis.__gradwidget_quizzes__ ?? 0) + 1)}-${++made}`;
  const el = doc.createElement("section");
  el.className = "gw-quiz";
  el.setAttribute("aria-label", "Quiz: predict the gradients");
  el.hidden = true;
  const head = doc.createElement("div");
  head.className = "gw-quiz-head";
  const title = doc.createElement("strong");
  title.textContent = "Quiz: ";
  const how = doc.createElement("span");
  how.className = "gw-quiz-how";
  const score = doc.createElement("span");
  score.className = "gw-quiz-score";
  score.setAttribute("aria-live", "polite");
  head.append(title, how, score);
  const list = doc.createElement("div");
  list.className = "gw-quiz-rows";
  el.append(head, list);

  let trait = { ask: [], replay: null, reset: 0 };
  let ctx = null; // {structure, values, replay}
  let rows = new Map(); // id -> row
  let built = ""; // what the rows were built for
  const hidden = new Set();

  const correct = (id) => replayOf(ctx?.values, ctx?.replay).grad?.[id];

  function send(message) {
    try {
      on.send(message);
    } catch {
      // no kernel (a saved page): the page checked the answer already
    }
  }

  function makeRow(id) {
    const node = ctx.structure.nodes[id];
    const row = { id, status: "open", tries: 0, answer: null, hinted: false, derived: false };
    const box = doc.createElement("div");
    box.className = "gw-quiz-row";
    box.dataset.id = String(id);
    const label = doc.createElement("label");
    label.className = "gw-quiz-label";
    label.id = `${prefix}-name-${id}`;
    appendText(label, ["predict ", ...gradOf(node, user(nodeName(node)))]);
    const input = doc.createElement("input");
    input.type = "text";
    input.className = "gw-quiz-input";
    input.id = `${prefix}-input-${id}`;
    label.htmlFor = input.id;
    input.setAttribute("aria-labelledby", label.id);
    input.setAttribute("aria-describedby", `${prefix}-mark-${id} ${prefix}-msg-${id}`);
    input.autocomplete = "off";
    input.spellcheck = false;
    input.placeholder = "e.g. -2 or 1/2";
    const check = button("Check", "gw-quiz-check");
    const mark = doc.createElement("span");
    mark.className = "gw-quiz-mark";
    mark.id = `${prefix}-mark-${id}`;
    const hintButton = button("Hint", "gw-quiz-hint-button");
    const derive = button("Show the derivation", "gw-quiz-derive");
    derive.hidden = true;
    const message = doc.createElement("div");
    message.className = "gw-quiz-message";
    message.id = `${prefix}-msg-${id}`;
    message.setAttribute("aria-live", "polite");
    const hint = doc.createElement("div");
    hint.className = "gw-quiz-hint";
    hint.hidden = true;
    const derivation = doc.createElement("div");
    derivation.className = "gw-quiz-derivation";
    derivation.hidden = true;
    const line = doc.createElement("div");
    line.className = "gw-quiz-line";
    line.append(label, input, check, mark, hintButton, derive);
    box.append(line, message, hint, derivation);
    Object.assign(row, { box, input, mark, message, hint, derivation, hintButton, derive, check });

    input.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" || event.isComposing) return;
      event.preventDefault();
      event.stopPropagation(); // not the notebook's Enter (edit mode) or Shift+Enter (run)
      answer(row);
    });
    check.addEventListener("click", () => answer(row));
    hintButton.addEventListener("click", () => showHint(row));
    derive.addEventListener("click", () => reveal(row));
    return row;
  }

  function button(text, className) {
    const b = doc.createElement("button");
    b.type = "button";
    b.className = className;
    b.textContent = text;
    return b;
  }

  function answer(row) {
    if (row.status === "right" || row.status === "revealed" || !ctx) return;
    const parsed = parseAnswer(row.input.value);
    if ("error" in parsed) {
      row.message.textContent = parsed.error;
      row.input.setAttribute("aria-invalid", "true");
      row.box.classList.add("gw-quiz-bad");
      return; // no try, no score change, nothing sent
    }
    row.message.textContent = "";
    row.box.classList.remove("gw-quiz-bad");
    row.tries += 1;
    row.answer = parsed.value;
    row.status = isRight(parsed.value, correct(row.id)) ? "right" : "wrong";
    send({ type: "quiz", node: row.id, answer: parsed.value });
    paint(row);
    if (row.status === "right") unhide(row.id);
    paintScore();
  }

  function showHint(row) {
    row.hinted = true;
    row.hint.replaceChildren();
    appendText(row.hint, hintFor(ctx.structure, ctx.values, row.id, ctx.replay));
    paint(row);
  }

  function reveal(row) {
    row.derived = true;
    if (row.status !== "right") {
      row.status = "revealed";
      send({ type: "quiz", node: row.id, reveal: true });
    }
    writeDerivation(row);
    paint(row);
    unhide(row.id);
    paintScore();
  }

  function writeDerivation(row) {
    row.derivation.replaceChildren(...derivationOf(ctx.structure, ctx.values, row.id, ctx.replay).map((pieces) => {
      const p = appendText(doc.createElement("p"), pieces);
      p.className = "gw-quiz-step";
      return p;
    }));
  }

  function unhide(id) {
    if (hidden.delete(id)) on.changed();
  }

  // The row's marks: colour (data-status), a text mark and words, aria-invalid.
  function paint(row) {
    const node = ctx.structure.nodes[row.id];
    const grad = gradOf(node, user(nodeName(node)));
    row.box.dataset.status = row.status;
    const done = row.status === "right" || row.status === "revealed";
    row.input.readOnly = done;
    row.check.disabled = done;
    if (row.status === "wrong") row.input.setAttribute("aria-invalid", "true");
    else if (!row.box.classList.contains("gw-quiz-bad")) row.input.removeAttribute("aria-invalid");
    const tries = row.tries === 1 ? "1 try" : `${row.tries} tries`;
    const words = {
      open: [],
      wrong: ["✗ not right: ", num(row.answer), " is not ", ...grad, ". Try again, or take a hint."],
      right: ["✓ right: ", ...grad, ` = ${num(correct(row.id))} (${tries}).`],
      revealed: ["shown: ", ...grad, ` = ${num(correct(row.id))}, from the derivation below.`],
    }[row.status];
    row.mark.replaceChildren();
    appendText(row.mark, words);
    row.hint.hidden = !row.hinted;
    row.hintButton.hidden = done && !row.hinted;
    row.hintButton.disabled = row.hinted;
    row.derive.hidden = !(row.hinted || row.status === "right") || row.derived;
    row.derivation.hidden = !row.derived;
  }

  function paintScore() {
    const right = [...rows.values()].filter((row) => row.status === "right").length;
    const text = `${right} / ${rows.size} right`;
    if (score.textContent !== text) score.textContent = text;
  }

  function rebuild() {
    const structure = ctx?.structure;
    const ask = (trait.ask ?? []).filter((id) => Number.isInteger(id) && structure?.nodes?.[id] && id !== structure.root);
    const key = JSON.stringify([structure?.key ?? null, ask, trait.reset ?? 0, ctx?.replay ?? null]);
    if (key === built) return false;
    built = key;
    rows = new Map(ask.map((id) => [id, makeRow(id)]));
    hidden.clear();
    for (const id of ask) hidden.add(id);
    for (const row of rows.values()) paint(row);
    list.replaceChildren(...[...rows.values()].map((row) => row.box));
    el.hidden = rows.size === 0;
    how.textContent = rows.size === 0 ? "" :
      `predict each grad at the end of the backward pass (${ctx.replay === "accumulate" ? "the correct +=" : `the ${ctx.replay} replay`}), then press Enter or Check. ` +
      "Three significant digits are enough (0.333 for 1/3). ";
    paintScore();
    return true;
  }

  return {
    el,
    /** Asked nodes whose grad is not shown yet. */
    hidden,
    /** The `quiz` trait ({ask, replay, reset}); a new reset count clears every answer. */
    setTrait(next) {
      trait = next && typeof next === "object" ? next : { ask: [], replay: null, reset: 0 };
      if (rebuild()) on.changed();
    },
    /** What is drawn: the structure, its values and the view's first panel's replay (the
     * answers are `trait.replay`'s if set, else that one's). Null: nothing drawn. */
    setContext(structure, values, viewReplay) {
      const replay = typeof trait.replay === "string" && Object.hasOwn(values?.replays ?? {}, trait.replay) ? trait.replay : viewReplay;
      if (ctx && structure === ctx.structure && values === ctx.values && replay === ctx.replay) return;
      ctx = structure && values ? { structure, values, replay } : null;
      if (!ctx) {
        el.hidden = true;
        return;
      }
      if (rebuild()) return; // the caller redraws with the new hidden set
      el.hidden = rows.size === 0;
      for (const row of rows.values()) { // new numbers (a slider): the texts that show them
        if (row.status === "right" || row.status === "revealed") paint(row);
        if (row.hinted) showHint(row);
        if (row.derived) writeDerivation(row);
      }
    },
    /** A click on node `id` in the graph: its input gets the focus (if it is asked). */
    focus(id) {
      const row = rows.get(id);
      if (!row) return false;
      row.input.focus();
      return true;
    },
  };
}
