// The step status in the toolbar, e.g. "Step 2 / 4 · e fires". Pure.
import { shortName } from "./layout.js";
import { gradOf, replayOf } from "./payload.js";
import { user } from "./text.js";

/** @typedef {import("./text.js").Piece} Piece */

/**
 * The status as parts (each a list of text pieces) that the toolbar joins with " · ",
 * wrapping a line only between parts: [["Step 2 / 4"], [name, " fires"]]. Before step 1
 * the root is seeded; the last step says "(done)". Only the step count while there is no
 * drawing or no values for it.
 * @param {{index: number, length: number}} player
 * @param {import("./payload.js").Structure | null} structure  the drawn structure, or null
 * @param {import("./payload.js").Values | null} values  the values that belong to it
 * @param {string} replay  the mode whose steps are named (the first panel's)
 * @returns {Piece[][]}
 */
export function statusParts({ index, length }, structure, values, replay) {
  const parts = [[`Step ${index} / ${length}${index === length && length > 0 ? " (done)" : ""}`]];
  if (!structure || !values) return parts;
  const name = (id) => user(shortName(structure.nodes[id]));
  if (index === 0) return [...parts, ["seed ", ...gradOf(structure.nodes[structure.root], name(structure.root)), " = 1"]];
  const firing = replayOf(values, replay).steps[index - 1];
  if (firing && structure.nodes[firing.node]) parts.push([name(firing.node), " fires"]);
  return parts;
}
