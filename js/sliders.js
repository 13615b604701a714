// Sliders on leaves (the `sliders` trait: [{name, min, max, step, value}]). Moving one
// sends {type: "slide", seq, values: {name: value}}; Python re-evaluates the graph and
// answers with new `values` carrying the same `seq` (and `error`, null or a message).
// One slide is in flight at a time; positions moved meanwhile go in the next one, so a
// fast drag never queues a backlog in the kernel. A slide that no kernel answers within
// ANSWER_MS (kernel restarted or shut down, or a notebook restored from its saved state)
// puts the sliders back and says so: nothing moved.
import { formatNumber } from "./format.js";

/** @typedef {import("./payload.js").SliderSpec} SliderSpec */

const ANSWER_MS = 3000;
const NO_KERNEL = "Sliders need a running kernel: nothing answered, so the graph keeps its numbers. " +
  "Run the cell again in a running notebook to use them.";

/**
 * @param {Document} doc
 * @param {(message: object) => void} send   to Python
 * @param {(text: string | null) => void} notify  the notice line (null clears it)
 * @returns {{el: HTMLElement, setSpecs(specs: SliderSpec[]): void, answered(values: object): void, destroy(): void}}
 */
export function createSliders(doc, send, notify) {
  const el = doc.createElement("div");
  el.className = "gw-sliders";
  el.hidden = true;
  const error = doc.createElement("div");
  error.className = "gw-slider-error";
  error.setAttribute("role", "alert");
  /** @type {SliderSpec[]} */
  let specs = [];
  let inputs = new Map(); // name -> {input, output}
  let seq = Date.now(); // unique per view, so an answer meant for another view is ignored
  let inFlight = null; // seq of the slide sent and not answered yet
  let pending = null; // {name: value} moved since
  let timer = null; // gives up on the slide in flight
  let unanswered = null; // seq of a slide given up on

  const flush = () => {
    if (inFlight !== null || !pending) return;
    inFlight = ++seq;
    const values = pending;
    pending = null;
    timer = setTimeout(giveUp, ANSWER_MS);
    try {
      send({ type: "slide", seq: inFlight, values });
    } catch {
      // No comm to send through (the kernel was restarted or shut down): no answer will
      // come, and the timer says so as for any unanswered slide.
    }
  };

  function giveUp() {
    unanswered = inFlight;
    inFlight = null;
    pending = null;
    showSpecs(); // back to what Python last confirmed
    notify(NO_KERNEL);
  }

  const show = (name, value) => {
    const { input, output } = inputs.get(name);
    input.value = String(value);
    output.textContent = formatNumber(value);
  };
  const showSpecs = () => { for (const spec of specs) show(spec.name, spec.value); };

  function build() {
    inputs = new Map();
    const rows = specs.map((spec) => {
      const label = doc.createElement("label");
      label.className = "gw-slider";
      const name = doc.createElement("bdi"); // a leaf's label: user text
      name.className = "gw-slider-name";
      name.textContent = spec.name;
      const input = doc.createElement("input");
      input.type = "range";
      input.min = String(spec.min);
      input.max = String(spec.max);
      input.step = String(spec.step);
      input.setAttribute("aria-label", spec.name);
      // A focused slider owns its arrow keys: JupyterLab (Lumino) matches no shortcut on an
      // element carrying this attribute (or above it), so command-mode keys stay out.
      input.setAttribute("data-lm-suppress-shortcuts", "true");
      const output = doc.createElement("output");
      input.addEventListener("input", () => {
        const value = Number(input.value);
        output.textContent = formatNumber(value);
        pending = { ...pending, [spec.name]: value };
        flush();
      });
      label.append(name, input, output);
      inputs.set(spec.name, { input, output });
      return label;
    });
    el.replaceChildren(...rows, error);
    showSpecs();
  }

  /** New specs from Python: rebuilt if the sliders differ, else only moved to its values. */
  function setSpecs(next) {
    next = Array.isArray(next) ? next : [];
    const shape = (list) => JSON.stringify(list.map(({ name, min, max, step }) => [name, min, max, step]));
    const same = shape(next) === shape(specs);
    specs = next;
    el.hidden = specs.length === 0;
    if (!same) return build();
    for (const spec of specs) if (!(pending && Object.hasOwn(pending, spec.name)) && inFlight === null) show(spec.name, spec.value);
  }

  /** New values from Python: if they answer our slide, send the next one. */
  function answered(values) {
    if (values?.seq == null) return;
    if (values.seq === unanswered) { // a kernel after all, only late
      unanswered = null;
      notify(null);
    }
    if (values.seq !== inFlight) return;
    clearTimeout(timer);
    inFlight = null;
    notify(null);
    error.textContent = values.error ?? "";
    if (values.error && !pending) showSpecs(); // back to what Python kept
    flush();
  }

  return { el, setSpecs, answered, destroy: () => clearTimeout(timer) };
}
