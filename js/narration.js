// Each lesson step told in plain words with its numbers. Pure: narrate() returns text
// pieces (names are user text: pieces from text.js, never HTML).
//
//   forward   "Forward: d = a*b = 2 × −3 = −6."
//   deposit   "e = d + c, so ∂e/∂c = 1. c gets ∂e/∂c × e.grad = 1 × −2 = −2.
//              c.grad = −10 + −2 = −12, the 2nd of 2 contributions."
//   overwrite "... c.grad = −2: `=` replaced the −10 it held, which is lost (+= gives −12)."
//   eager     "... b fires again with its whole grad 2 (the eager bug: what it passed on
//              before is passed on again) ..."
import { formatNumber } from "./format.js";
import { gradOf, isExpression, nodeName } from "./payload.js";
import { user } from "./text.js";

/** @typedef {import("./text.js").Piece} Piece */
/** @typedef {import("./payload.js").Structure} Structure */
/** @typedef {import("./replay.js").Moment} Moment */

// Numbers in sentences: a real minus sign, so "−2" reads as one number.
const num = (x) => formatNumber(x).replace(/^-/, "\u2212").replace(/e-/, "e\u2212");
const ORDINALS = ["1st", "2nd", "3rd"];
const ordinal = (n) => ORDINALS[n - 1] ?? `${n}th`;
const MAX_LEAVES_LISTED = 4;
const BINARY = new Set(["+", "-", "*", "/"]);

/**
 * @param {Structure} structure
 * @param {{data: number[], local?: number[]}} values
 * @param {Moment} at        from replay.lessonAt
 * @param {object} lesson
 * @param {string} lesson.mode     the replay ("accumulate", "overwrite", "eager")
 * @param {boolean} lesson.last    this is the lesson's last step
 * @param {boolean} lesson.forward the lesson plays the forward pass first
 * @returns {Piece[]}
 */
export function narrate(structure, values, at, { mode = "accumulate", last = false, forward = false } = {}) {
  const text = new Narration(structure, values);
  if (at.computed != null) return text.computed(at.computed);
  if (at.phase === "forward") return text.forwardStart();
  if (!at.deposit) return text.backwardStart(forward);
  return text.deposit(at, mode, last);
}

class Narration {
  constructor(structure, values) {
    this.structure = structure;
    this.data = values?.data ?? [];
    this.local = values?.local ?? [];
  }

  node(id) { return this.structure.nodes[id]; }
  name(id) { return user(nodeName(this.node(id))); }
  grad(id) { return gradOf(this.node(id), this.name(id)); }
  value(id) { return num(this.data[id]); }
  /** `name` where an operator follows or precedes it: "(a*b)" for an expression. */
  operand(id) {
    return isExpression(this.node(id)) ? ["(", this.name(id), ")"] : [this.name(id)];
  }
  inputs(id) {
    return this.structure.edges.filter((e) => e.dst === id).sort((a, b) => a.slot - b.slot);
  }

  /** "a*b" or "tanh(n)": what node `id` computes from its inputs (names or numbers). */
  formula(id, numbers = false) {
    const node = this.node(id);
    const args = this.inputs(id).map((e) => (numbers ? [this.value(e.src)] : this.operand(e.src)));
    const op = node.op;
    const sign = numbers ? { "*": "×", "-": "\u2212" }[op] ?? op : op;
    if (args.length === 2) return [...args[0], ` ${sign} `, ...args[1]];
    // One input of a two-input op: the same value is both arguments (a hand-written
    // class whose _prev is a set keeps one child for a + a).
    if (args.length === 1 && BINARY.has(op)) return [...args[0], ` ${sign} `, ...args[0]];
    if (op.startsWith("**")) return [...args[0], op];
    if (op === "neg") return ["\u2212", ...args[0]];
    return [`${op}(`, ...(args[0] ?? []), ")"];
  }

  forwardStart() {
    const leaves = this.structure.nodes.filter((node) => !node.op);
    const listed = leaves.slice(0, MAX_LEAVES_LISTED).flatMap((leaf, i) => [i ? ", " : "", this.name(leaf.id), ` = ${this.value(leaf.id)}`]);
    const more = leaves.length > MAX_LEAVES_LISTED ? `, and ${leaves.length - MAX_LEAVES_LISTED} more` : "";
    return ["Forward pass: only the inputs are known (", ...listed, `${more}); every grad starts at 0. `,
      "Step forward to compute each node from its inputs."];
  }

  computed(id) {
    const node = this.node(id);
    if (node.group) return this.computedGroup(id);
    // An unlabelled node's name is its formula already ("a*b").
    const head = node.label ? [this.name(id), " = ", ...this.formula(id), " = "] : [this.name(id), " = "];
    const out = ["Forward: ", ...head, ...this.formula(id, true), ` = ${this.value(id)}.`];
    if (id !== this.structure.root) return out;
    return [...out, " The forward pass is done; the backward pass starts at the output with the seed ",
      ...this.grad(id), " = 1 (", ...this.partial(id, id), " = 1)."];
  }

  /** "Forward: L1.N3 = 0.53, computed inside it (8 values) from x1, x2." */
  computedGroup(id) {
    const { group } = this.node(id);
    const from = this.inputs(id).map((e) => e.src).filter((src, i, all) => all.indexOf(src) === i);
    const listed = from.slice(0, MAX_LEAVES_LISTED).flatMap((src, i) => [i ? ", " : "", this.name(src)]);
    const more = from.length > MAX_LEAVES_LISTED ? `, and ${from.length - MAX_LEAVES_LISTED} more` : "";
    const value = group.outputs > 1 ? [`: its ${group.outputs} outputs`] : [` = ${this.value(id)}`];
    const out = ["Forward: ", this.name(id), ...value, `, computed inside it (${group.size} values)`,
      ...(from.length ? [" from ", ...listed, more] : []), "."];
    if (id !== this.structure.root) return out;
    return [...out, " The forward pass is done; the backward pass starts at the output with the seed ",
      ...this.grad(id), " = 1."];
  }

  backwardStart(forward) {
    const root = this.structure.root;
    const first = forward ? [] : ["The forward pass is done: ", this.name(root), ` = ${this.value(root)}. `];
    return [...first, "The backward pass starts at the output with the seed ", ...this.grad(root), " = 1 (",
      ...this.partial(root, root), " = 1). Step forward to pass it on to the inputs, one contribution at a time."];
  }

  /** "∂e/∂c" */
  partial(out, input) {
    return ["∂", ...this.operand(out), "/∂", ...this.operand(input)];
  }

  deposit(at, mode, last) {
    const d = at.deposit;
    const edge = this.structure.edges[d.edge];
    const out = d.node;
    const input = edge.src;
    const local = this.local[d.edge];
    const upstream = at.grad[out];
    const parts = [];
    if (mode === "eager" && d.firing > 1) {
      parts.push(this.name(out), ` fires again with its whole grad ${num(upstream)} (the eager bug: `,
        "what it passed on before is passed on again). ");
    }
    if (this.node(out).group || this.node(input).group?.outputs > 1) {
      return [...parts, ...this.throughGroup(at, out, input, d, edge, local, upstream, mode),
        ...(last ? [" The backward pass is done."] : [])];
    }
    parts.push(...this.why(out, edge, local), ". ");
    if (mode === "observed") {
      parts.push(...this.observed(at, out, input, d, local, upstream));
      if (last) parts.push(" The backward pass is done.");
      return parts;
    }
    parts.push(this.name(input), " gets ", ...this.partial(out, input), " × ", ...this.grad(out), " = ",
      Number.isFinite(local) ? num(local) : "local", ` × ${num(upstream)} = ${num(d.value)}. `);
    parts.push(...this.sum(at, input, d, mode));
    if (last) parts.push(" The backward pass is done.");
    return parts;
  }

  /** A contribution that leaves a collapsed group (`out`), or arrives in one with several
   * outputs (`input`). Through a group of one output, ∂out/∂input is the derivative along
   * the values inside it (Python sends it as the edge's local derivative): the chain rule
   * holds across the box, and is told so when the replay's number agrees with it. */
  throughGroup(at, out, input, d, edge, local, upstream, mode) {
    const box = this.node(out).group;
    const many = this.node(input).group?.outputs > 1;
    // `uses`: how many of the edge's scalar deposits this one sums (Python merges a run).
    const uses = d.uses > 1 ? ` (${d.uses === edge.count ? `its ${d.uses}` : `${d.uses} of its ${edge.count}`} uses there, together)` : "";
    const chain = box && box.outputs === 1 && !many && Number.isFinite(local) &&
      Math.abs(local * upstream - d.value) <= 1e-9 * Math.max(1, Math.abs(d.value), Math.abs(local * upstream));
    const parts = [];
    if (chain) {
      parts.push(...this.partial(out, input), ` = ${num(local)}, through the ${box.size} values inside `, this.name(out), uses, ". ",
        this.name(input), " gets ", ...this.partial(out, input), " × ", ...this.grad(out), ` = ${num(local)} × ${num(upstream)} = ${num(d.value)}. `);
    } else {
      parts.push(this.name(input), ` gets ${num(d.value)} from inside `, this.name(out), uses,
        mode === "accumulate" || !box ? ". " : `, as the ${mode} replay passes it on inside. `);
    }
    if (many) {
      const count = d.of > 1 ? `, the ${ordinal(d.nth)} of ${d.of} contributions into it.` : ".";
      return [...parts, `It goes to one of the ${this.node(input).group.outputs} values of `, this.name(input), count];
    }
    return [...parts, ...this.sum(at, input, d, mode)];
  }

  /** A step of a hand-written class's backward(), observed: what their `_backward` did to
   * the input's grad (`d.value` is the change, `d.total` the grad after it), against the
   * chain rule's contribution local × upstream. */
  observed(at, out, input, d, local, upstream) {
    const before = d.total - d.value;
    const want = local * upstream;
    const close = (x, y) => Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
    const head = ["Your _backward of ", this.name(out), " ran: ", ...this.grad(input),
      ` went from ${num(before)} to ${num(d.total)}. The chain rule's contribution is `,
      ...this.partial(out, input), " × ", ...this.grad(out), ` = ${num(local)} × ${num(upstream)} = ${num(want)}`];
    if (close(d.value, want)) return [...head, ": your code added it, as it should."];
    if (close(d.total, want)) {
      return [...head, `: your code set the grad to it instead of adding it (self.grad = ... where += is needed); the ${num(before)} it held is lost.`];
    }
    return [...head, `: your code changed the grad by ${num(d.value)} instead.`];
  }

  /** "e = d + c, so ∂e/∂c = 1" (with the rule's numbers where it has some). */
  why(out, edge, local) {
    const node = this.node(out);
    const defined = node.label ? [this.name(out), " = ", ...this.formula(out), ", so "] : [];
    const rule = this.rule(out, edge);
    const value = Number.isFinite(local) ? num(local) : "?";
    const tail = rule.length ? [" = ", ...rule, ...(ruleIsNumber(rule, value) ? [] : [` = ${value}`])] : [` = ${value}`];
    return [...defined, ...this.partial(out, edge.src), ...tail];
  }

  /** The local derivative's rule for input `edge.slot` of node `out`, as pieces ([] if none). */
  rule(out, edge) {
    const op = this.node(out).op;
    const [x, y] = this.inputs(out).map((e) => e.src);
    const slot = edge.slot;
    if (y === undefined && BINARY.has(op)) { // both arguments are this one input: the two uses add up
      if (op === "+") return ["1 + 1"];
      if (op === "-") return ["1 \u2212 1"];
      if (op === "*") return ["2·", ...this.operand(x)];
      return [];
    }
    if (op === "+") return ["1"];
    if (op === "-") return [slot === 0 ? "1" : "\u22121"];
    if (op === "neg") return ["\u22121"];
    if (op === "*") return slot === 0 ? this.operand(y) : this.operand(x);
    if (op === "/") return slot === 0 ? ["1/", ...this.operand(y)] : ["\u2212", ...this.operand(x), "/", ...this.operand(y), "²"];
    if (op.startsWith("**")) {
      const k = Number(op.slice(2));
      if (!Number.isFinite(k)) return [];
      return k === 2 ? ["2·", ...this.operand(x)] : [`${num(k)}·`, ...this.operand(x), `**${num(k - 1)}`];
    }
    if (op === "exp") return ["exp(", this.name(x), ") = ", ...this.operand(out)];
    if (op === "log") return ["1/", ...this.operand(x)];
    if (op === "tanh") return ["1 \u2212 ", ...this.operand(out), "²"];
    if (op === "sigmoid") return [...this.operand(out), "·(1 \u2212 ", ...this.operand(out), ")"];
    if (op === "relu") return [this.data[x] > 0 ? "1, since " : "0, since ", ...this.operand(x), this.data[x] > 0 ? " > 0" : " ≤ 0"];
    return [];
  }

  /** The running sum after the deposit, in the replay's mode. */
  sum(at, input, d, mode) {
    const got = at.terms[input];
    const head = [...this.grad(input), " = "];
    const count = d.of > 1 ? `, the ${ordinal(d.nth)} of ${d.of} contributions.` : ", its only contribution.";
    if (mode === "overwrite" && got.length > 1) {
      const before = got[got.length - 2].value;
      const sum = got.reduce((s, t) => s + t.value, 0);
      return [...head, `${num(d.value)}: "=" replaced the ${num(before)} it held, which is lost (adding would give `,
        `${num(sum)})`, count.replace(/^,/, ";")];
    }
    if (got.length > 1) {
      const prior = got[got.length - 2].total;
      return [...head, `${num(prior)} + ${num(d.value)} = ${num(d.total)}`, count];
    }
    return [...head, num(d.total), count];
  }
}

// Whether a rule is only its own number (e.g. "1"), so " = 1" need not follow it.
function ruleIsNumber(rule, value) {
  return rule.length === 1 && typeof rule[0] === "string" && rule[0] === value;
}
