// What one view shows: the structure and its layout, the values that belong to that
// structure, and the mode's panels. Values are shown only on the structure they were
// computed for (values.key === structure.key): Python may send new values just before
// or after their structure, and values for another structure are held until it arrives.
import { DEFAULT_VIEW, viewOf } from "./modes.js";
import { replayOf, valuesFor } from "./payload.js";
import { lessonLength } from "./replay.js";

/** @typedef {import("./payload.js").Structure} Structure */
/** @typedef {import("./payload.js").Values} Values */

export function createViewState() {
  const state = {
    /** @type {Structure|null} */ structure: null,
    /** @type {import("./layout.js").Layout|null} the structure's layout, once it is there */ layout: null,
    /** @type {Values|null} the values shown: those of `structure` */ values: null,
    /** @type {Values|null} the latest values received, maybe for a structure still to come */ held: null,
    view: viewOf(DEFAULT_VIEW),

    /** A new structure: not laid out yet; the values held for it, if any, apply now. */
    setStructure(structure) {
      state.structure = structure;
      state.layout = null;
      state.values = valuesFor(structure, state.held);
    },
    /** New values: shown if they belong to the structure, else held. Returns whether shown. */
    setValues(values) {
      state.held = values;
      const fits = valuesFor(state.structure, values);
      if (fits) state.values = fits;
      return fits !== null;
    },
    setMode(mode) {
      state.view = viewOf(mode);
    },
    /** Steps of the longest lesson the view shows (0 without values or structure);
     * `forward`: the lesson plays the forward pass first. */
    steps(forward = false) {
      if (!state.structure?.nodes || !state.values) return 0;
      return Math.max(...state.view.panels.map((panel) => lessonLength(state.structure, replayOf(state.values, panel.replay), forward)));
    },
  };
  return state;
}
