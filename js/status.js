// The step status in the toolbar, e.g. "Step 2 / 7 · e → c". Pure.
import { shortName } from "./layout.js";
import { gradOf } from "./payload.js";
import { user } from "./text.js";

/** @typedef {import("./text.js").Piece} Piece */

/**
 * The status as parts (each a list of text pieces) that the toolbar joins with " · ",
 * wrapping a line only between parts: [["Step 2 / 7"], [e, " → ", c]]. At the start:
 * "seed L.grad = 1" (or "forward pass" when the lesson starts with it); a forward step
 * names the node computed, a backward step the node that passes gradient and the input
 * that receives it; the last step says "(done)". Only the step count while there is no
 * drawing or no values for it.
 * @param {{index: number, length: number}} player
 * @param {import("./payload.js").Structure | null} structure  the drawn structure, or null
 * @param {import("./replay.js").Moment | null} at  the lesson's moment (the lead panel's)
 * @returns {Piece[][]}
 */
export function statusParts({ index, length }, structure, at) {
  const parts = [[`Step ${index} / ${length}${index === length && length > 0 ? " (done)" : ""}`]];
  if (!structure || !at) return parts;
  const name = (id) => user(shortName(structure.nodes[id]));
  if (at.computed != null) return [...parts, ["forward: ", name(at.computed)]];
  if (at.phase === "forward") return [...parts, ["forward pass"]];
  if (!at.deposit) return [...parts, ["seed ", ...gradOf(structure.nodes[structure.root], name(structure.root)), " = 1"]];
  const edge = structure.edges[at.deposit.edge];
  if (edge && structure.nodes[edge.src]) parts.push([name(at.deposit.node), " \u2192 ", name(edge.src)]);
  return parts;
}
