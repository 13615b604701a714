// The stage between the toolbar and the inspector: one SVG panel per replay the mode
// shows (compare mode: two, side by side or stacked, sharing one viewport), or in their
// place a message ("Laying out…", an error) or the summary of a graph too large to draw.
// Panels are built, sized, fitted and filled in while off the page, then inserted at
// once: the browser styles and lays out the drawing a single time, and nothing here reads
// layout after the insertion (a forced layout of ~20,000 SVG elements is slow).
import { drawStructure, updateValues } from "./draw.js";
import { exportSvg } from "./export.js";
import { replayOf } from "./payload.js";
import { replayAt } from "./replay.js";
import { renderSummary } from "./summary.js";
import { createViewport, panelWidth, shouldStack } from "./viewport.js";

/** @typedef {import("./payload.js").Structure} Structure */
/** @typedef {import("./payload.js").Values} Values */
/** @typedef {import("./layout.js").Layout} Layout */
/**
 * @typedef {object} Panel
 * @property {string} replay   the replay mode it plays
 * @property {string|null} title
 * @property {boolean} bug
 * @property {HTMLElement} box
 * @property {SVGSVGElement} svg
 * @property {ReturnType<typeof drawStructure>} drawing
 * @property {import("./replay.js").Moment|null} at  the moment it shows
 */

const SVG = "http://www.w3.org/2000/svg";
// Graphs up to this many nodes always show all their text (teaching sizes: the picture
// stays as it is); bigger ones hide text too small to read until zoomed in (viewport.js).
const LOD_MIN_NODES = 50;

/**
 * @param {Document} doc
 * @param {{hover(id: number|null): void, click(id: number|null): void}} on  pointer over
 *   / click on a node (null: none, the background)
 */
export function createStage(doc, on) {
  const el = doc.createElement("div");
  el.className = "gw-stage";
  /** @type {Panel[]} */
  let panels = [];
  let viewport = null;
  let layout = null; // of the drawn panels
  let message = null; // the message element, while one is shown
  let width = 0; // px, the stage's content width as last measured or observed

  const nodeIdAt = (event) => {
    const g = event.target.closest?.(".gw-node");
    return g ? Number(g.dataset.id) : null;
  };
  const onOver = (event) => on.hover(nodeIdAt(event));
  const onLeave = () => on.hover(null);

  function clear() {
    viewport?.destroy();
    viewport = null;
    panels = [];
    layout = null;
    message = null;
  }

  /** Shows `text` in place of the drawing (an update of the same kind keeps its element). */
  function showMessage(text, isError = false) {
    const className = isError ? "gw-message gw-error" : "gw-message";
    if (message?.isConnected && message.className === className) {
      message.textContent = text;
      return;
    }
    clear();
    message = doc.createElement("div");
    message.className = className;
    message.textContent = text;
    el.replaceChildren(message);
  }

  function showSummary(summary, maxNodes, onDraw) {
    clear();
    renderSummary(el, summary, maxNodes, onDraw);
  }

  /**
   * Draws one panel per spec ({replay, title, bug}) from `drawnLayout`; `fill()` writes
   * the numbers before the panels go on the page.
   */
  function draw(drawnLayout, structure, specs, fill) {
    clear();
    layout = drawnLayout;
    width = measure(); // cheap now: the stage holds a message or the old drawing
    arrange(specs.length);
    panels = specs.map((spec) => {
      const box = doc.createElement("div");
      box.className = "gw-panel";
      if (spec.title) {
        const title = doc.createElement("div");
        title.className = spec.bug ? "gw-panel-title gw-bug" : "gw-panel-title";
        title.textContent = spec.title;
        box.append(title);
      }
      const svg = doc.createElementNS(SVG, "svg");
      svg.setAttribute("class", "gw-svg");
      svg.setAttribute("role", "img");
      svg.setAttribute("aria-label", spec.title ? `computation graph, ${spec.title}` : "computation graph");
      svg.addEventListener("pointerover", onOver);
      svg.addEventListener("pointerleave", onLeave);
      box.append(svg);
      return { ...spec, box, svg, drawing: drawStructure(svg, layout, structure), at: null };
    });
    viewport = createViewport(panels.map((panel) => panel.svg), layout, {
      onClick: (event) => on.click(nodeIdAt(event)),
      width: panelWidth(width, panels.length, stacked()),
      lod: structure.nodes.length > LOD_MIN_NODES,
    });
    fill();
    el.replaceChildren(...panels.map((panel) => panel.box));
  }

  /** Values only: each panel shows its replay after `index` steps; nothing moves. */
  function update(structure, values, index) {
    for (const panel of panels) {
      panel.at = replayAt(structure, replayOf(values, panel.replay), index, panel.replay);
      updateValues(panel.drawing, { data: values.data, at: panel.at, mode: panel.replay });
    }
  }

  // The stage's content width in px (fractional, as a ResizeObserver reports it), or 0
  // when it is not on the page.
  function measure() {
    if (!el.isConnected) return 0;
    const style = getComputedStyle(el);
    return Math.max(0, el.getBoundingClientRect().width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight));
  }

  const stacked = () => el.classList.contains("gw-stacked");
  // Compare mode: side by side, unless that would make the drawing too small to read.
  function arrange(count) {
    const stack = count > 1 && width > 0 && shouldStack(layout, width);
    if (stacked() !== stack) el.classList.toggle("gw-stacked", stack);
  }

  // Refit when the stage gets its size (first attach) or is resized, until the user pans.
  // The observer reports the width: nothing is measured, and an unchanged width (e.g. the
  // stage only grew taller when the drawing went in) changes nothing.
  const resizer = typeof ResizeObserver === "function" ? new ResizeObserver((entries) => {
    const next = entries[entries.length - 1].contentRect.width;
    // 0: hidden (e.g. another tab): keep everything as it is for when it comes back.
    if (!(next > 0) || Math.abs(next - width) < 0.5) return;
    width = next;
    if (!viewport) return;
    arrange(panels.length);
    viewport.resize(panelWidth(width, panels.length, stacked()));
  }) : null;
  resizer?.observe(el);

  return {
    el,
    showMessage,
    showSummary,
    draw,
    update,
    /** The drawn panels (empty while a message or the summary shows). */
    get panels() { return panels; },
    fit: () => viewport?.fit(),
    zoom: (factor) => viewport?.zoom(factor),
    /** The drawing as a standalone SVG file's text, or "" when nothing is drawn. */
    svgText: () => (layout && panels.length ? exportSvg(panels, layout, el) : ""),
    destroy() {
      resizer?.disconnect();
      clear();
    },
  };
}
