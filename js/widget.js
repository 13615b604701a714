// GraphWidget's view: render({model, el}) for anywidget. Wires the traits (docs/protocol.md)
// to layout (engine.js, layout.js), drawing (draw.js), playback (player.js, replay.js),
// the inspector and the toolbar. Returns its cleanup.
import { engineFor } from "./engine.js";
import { drawStructure, updateValues } from "./draw.js";
import { download, exportSvg } from "./export.js";
import { explain, nodeName, renderExplanation } from "./inspector.js";
import { MAX_LABEL_CHARS, parseLayout, toDot } from "./layout.js";
import { plural } from "./format.js";
import { createPlayer, intervalMs, update } from "./player.js";
import { replayAt } from "./replay.js";
import { injectStyles } from "./styles.js";
import { createSliders } from "./sliders.js";
import { renderSummary } from "./summary.js";
import { buildToolbar } from "./toolbar.js";
import { createViewport, shouldStack } from "./viewport.js";

// The panels each mode shows: which replay drives each, and its title in compare mode.
const PANELS = {
  accumulate: [{ replay: "accumulate" }],
  overwrite: [{ replay: "overwrite" }],
  compare: [{ replay: "accumulate", title: "correct (+=)" }, { replay: "overwrite", title: "bug (=)", bug: true }],
};
const HINT = "Hover or click a node to see how its grad adds up.";
const PANEL_GAP = 8; // px between compare mode's panels: .gw-stage's gap in styles.js
// Graphs up to this many nodes always show all their text (teaching sizes: the picture
// stays as it is); bigger ones hide text too small to read until zoomed in (viewport.js).
const LOD_MIN_NODES = 50;

// Timing hooks (docs/protocol.md, "Stable selectors"): performance marks with details.
function mark(name, detail) {
  try {
    performance.mark?.(name, { detail });
  } catch {
    // a page without the User Timing API: no marks
  }
}

function render({ model, el }) {
  const doc = el.ownerDocument;
  injectStyles(doc);

  let structure = null;
  let layout = null; // parseLayout() result for `structure`
  let panels = []; // [{replay, title, svg, drawing, at}]
  let viewport = null;
  let player = createPlayer(0);
  let timer = null; // next player tick
  let clock = null; // "Laying out… 1.2 s" counter
  let generation = 0; // bumps on every relayout; late answers for older ones are dropped
  let drawn = Promise.resolve(); // settles when the current structure is drawn (or not drawable)
  let hovered = null;
  let pinned = null;
  let pinnedShown = []; // the g.gw-node elements that have .gw-pinned
  let inspected; // what the inspector shows: a node id, or null for the hint
  let stageWidth = 0; // px, the stage's content width as last measured or observed

  const root = doc.createElement("div");
  root.className = "gradwidget";
  root.tabIndex = 0;
  const toolbar = buildToolbar(doc, {
    player: (action, arg) => dispatch(action, arg),
    mode: (name) => {
      model.set("mode", name);
      model.save_changes();
    },
    fit: () => viewport?.fit(),
    zoom: (factor) => viewport?.zoom(factor),
    exportSvg: () => layout && download(doc, svgText(), "gradwidget.svg"),
  });
  const sliders = createSliders(doc, (message) => model.send(message));
  const stage = doc.createElement("div");
  stage.className = "gw-stage";
  const inspector = doc.createElement("div");
  inspector.className = "gw-inspector";
  root.append(toolbar.el, sliders.el, stage, inspector);
  el.append(root);

  const mode = () => (PANELS[model.get("mode")] ? model.get("mode") : "accumulate");
  const values = () => model.get("values") ?? {};
  const replayOf = (name) => values().replays?.[name] ?? { steps: [], grad: [] };
  // Python may send new values just before or after the structure they belong to.
  const valuesFit = () => values().data?.length === structure?.nodes?.length;
  const stepCount = () => Math.max(...PANELS[mode()].map((panel) => replayOf(panel.replay).steps.length));

  // ---- layout and drawing -------------------------------------------------------------

  function showMessage(text, state, isError = false) {
    clearPanels();
    const message = doc.createElement("div");
    message.className = isError ? "gw-message gw-error" : "gw-message";
    message.textContent = text;
    stage.replaceChildren(message);
    root.dataset.state = state;
    syncControls();
    return message;
  }

  function clearPanels() {
    viewport?.destroy();
    viewport = null;
    panels = [];
    pinnedShown = [];
    inspected = undefined;
  }

  function relayout() {
    const mine = ++generation;
    clearInterval(clock);
    structure = model.get("structure");
    layout = null;
    hovered = pinned = null;
    inspected = undefined;
    player = update(player, "resize", stepCount());
    const summary = structure?.summary;
    if (summary) { // too large: Python sent counts only
      clearPanels();
      renderSummary(stage, summary, model.get("max_nodes"), () => {
        showMessage("Asking the kernel for the full graph…", "layout");
        model.set("max_nodes", summary.nodes); // Python answers with the whole graph
        model.save_changes();
      });
      root.dataset.state = "summary";
      syncControls();
      return;
    }
    if (!structure?.nodes?.length) {
      showMessage("No graph to show yet.", "empty");
      return;
    }

    const count = structure.nodes.length;
    const started = performance.now();
    const message = showMessage(`Laying out ${plural(count, "node")}…`, "layout");
    let where = "";
    clock = setInterval(() => {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      message.textContent = `Laying out ${plural(count, "node")}… ${seconds} s${where}`;
    }, 100);
    drawn = engineFor(model)
      .then((engine) => {
        if (engine.where === "main thread") where = " (this page allows no workers: the page waits)";
        return engine.layout(toDot(structure));
      })
      .then((json) => {
        if (mine !== generation) return;
        layout = parseLayout(json);
        root.dataset.layoutMs = String(Math.round(performance.now() - started));
        drawPanels();
      })
      .catch((err) => {
        if (mine === generation) showMessage(`Could not lay out the graph: ${err.message}`, "error", true);
      })
      .finally(() => mine === generation && clearInterval(clock));
  }

  // (Re)draws every panel of the current mode from the current layout: no relayout.
  // Everything is built, sized, fitted and filled in while off the page, then inserted at
  // once: the browser styles and lays out the drawing a single time, and nothing here
  // reads layout after the insertion (a forced layout of ~20,000 SVG elements is slow).
  function drawPanels() {
    const started = performance.now();
    clearPanels();
    stageWidth = measureStage(); // cheap now: the stage holds a message or the old drawing
    const specs = PANELS[mode()];
    const stacked = specs.length > 1 && stageWidth > 0 && shouldStack(layout, stageWidth);
    if (stage.classList.contains("gw-stacked") !== stacked) stage.classList.toggle("gw-stacked", stacked);
    panels = specs.map((spec) => {
      const box = doc.createElement("div");
      box.className = "gw-panel";
      if (spec.title) {
        const title = doc.createElement("div");
        title.className = spec.bug ? "gw-panel-title gw-bug" : "gw-panel-title";
        title.textContent = spec.title;
        box.append(title);
      }
      const svg = doc.createElementNS("http://www.w3.org/2000/svg", "svg");
      svg.setAttribute("class", "gw-svg");
      svg.setAttribute("role", "img");
      svg.setAttribute("aria-label", spec.title ? `computation graph, ${spec.title}` : "computation graph");
      box.append(svg);
      return { ...spec, box, svg, drawing: drawStructure(svg, layout, structure), at: null };
    });
    viewport = createViewport(panels.map((panel) => panel.svg), layout, {
      onClick: onSvgClick, width: panelWidth(), lod: structure.nodes.length > LOD_MIN_NODES,
    });
    for (const panel of panels) {
      panel.svg.addEventListener("pointerover", onHover);
      panel.svg.addEventListener("pointerleave", onLeave);
    }
    refresh(); // numbers and classes, still off the page
    stage.replaceChildren(...panels.map((panel) => panel.box));
    root.dataset.state = "drawn";
    const ms = performance.now() - started;
    root.dataset.drawMs = ms.toFixed(1);
    mark("gradwidget:drawn", { ms, nodes: structure.nodes.length, panels: panels.length });
  }

  // The stage's content width in px (fractional, as a ResizeObserver reports it), or 0
  // when it is not on the page.
  function measureStage() {
    if (!stage.isConnected) return 0;
    const style = getComputedStyle(stage);
    return Math.max(0, stage.getBoundingClientRect().width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight));
  }

  // Each svg's width in px: the stage's, or half of it (less the gap) side by side.
  function panelWidth() {
    const side = panels.length > 1 && !stage.classList.contains("gw-stacked");
    return side ? (stageWidth - PANEL_GAP) / 2 : stageWidth;
  }

  // Compare mode: side by side, unless that would make the drawing too small to read.
  function arrange() {
    const stacked = panels.length > 1 && stageWidth > 0 && shouldStack(layout, stageWidth);
    if (stage.classList.contains("gw-stacked") !== stacked) stage.classList.toggle("gw-stacked", stacked);
  }

  // Values only: text and classes change, nothing is recreated or moved.
  function refresh() {
    if (!valuesFit()) return syncControls(); // the values for this structure are on their way
    const data = values().data;
    for (const panel of panels) {
      panel.at = replayAt(structure, replayOf(panel.replay), player.index, panel.replay);
      updateValues(panel.drawing, { data, at: panel.at, mode: panel.replay });
    }
    syncControls();
    showInspector();
  }

  function syncControls() {
    const state = root.dataset.state;
    const graph = state === "drawn" || state === "layout" || !state; // else nothing to play
    toolbar.sync({ player, mode: mode(), status: statusParts(), graph });
    if (inspector.hidden === graph) inspector.hidden = !graph;
  }

  // ["Step 2 / 4", "#2 (*) fires"]: the toolbar joins them with " · " and wraps the text
  // only between parts; the last step says "Step 4 / 4 (done)".
  function statusParts() {
    const { index, length } = player;
    const parts = [`Step ${index} / ${length}${index === length && length > 0 ? " (done)" : ""}`];
    if (!layout || !valuesFit()) return parts;
    const name = (id) => {
      const text = nodeName(structure.nodes[id]);
      return text.length > MAX_LABEL_CHARS ? text.slice(0, MAX_LABEL_CHARS - 1) + "…" : text;
    };
    if (index === 0) return [...parts, `seed ${name(structure.root)}.grad = 1`];
    const firing = replayOf(PANELS[mode()][0].replay).steps[index - 1];
    if (firing) parts.push(`${name(firing.node)} fires`);
    return parts;
  }

  // ---- player -------------------------------------------------------------------------

  function dispatch(action, arg) {
    player = update(player, action, arg);
    clearTimeout(timer);
    if (player.playing) timer = setTimeout(() => dispatch("tick"), intervalMs(player));
    if (layout) refresh();
    else syncControls();
  }

  // ---- inspector ----------------------------------------------------------------------

  function showInspector() {
    const id = pinned ?? hovered;
    const pinnedNow = pinned == null ? [] : panels.map((panel) => panel.drawing.nodes[pinned]?.g).filter(Boolean);
    if (pinnedNow.length !== pinnedShown.length || pinnedNow.some((g, i) => g !== pinnedShown[i])) {
      for (const g of pinnedShown) g.classList.remove("gw-pinned");
      for (const g of pinnedNow) g.classList.add("gw-pinned");
      pinnedShown = pinnedNow;
    }
    if (id == null || !panels.length) {
      if (inspected === null) return; // the hint is showing already
      inspected = null;
      const hint = doc.createElement("div");
      hint.className = "gw-hint";
      hint.textContent = layout ? HINT : "";
      inspector.replaceChildren(hint);
      return;
    }
    // The forward formula once, then the grad sum of each panel (two in compare mode).
    inspected = id;
    const blocks = panels.map((panel, i) => {
      const block = doc.createElement("div");
      renderExplanation(block, explain(structure, values().data, panel.at, id, panel.replay));
      if (i > 0) block.firstChild.remove();
      if (panel.title) block.lastChild.prepend(`${panel.title}: `);
      return block;
    });
    inspector.replaceChildren(...blocks);
  }

  const nodeIdAt = (event) => {
    const g = event.target.closest?.(".gw-node");
    return g ? Number(g.dataset.id) : null;
  };
  function onHover(event) {
    const id = nodeIdAt(event);
    if (id !== hovered) {
      hovered = id;
      showInspector();
    }
  }
  function onLeave() {
    hovered = null;
    showInspector();
  }
  function onSvgClick(event) {
    const id = nodeIdAt(event);
    pinned = id === pinned ? null : id; // a click on the background unpins
    showInspector();
  }

  // ---- export, keyboard, model events ------------------------------------------------

  const svgText = () => exportSvg(panels.map(({ svg, title }) => ({ svg, title })), layout, root);

  const KEYS = { " ": "toggle", ArrowRight: "stepForward", ArrowLeft: "stepBack", Home: "reset", End: "end" };
  function onKey(event) {
    const action = KEYS[event.key];
    if (!action) return;
    const control = event.target.closest("button, select, input");
    if (control && (event.key === " " || control.tagName !== "BUTTON")) return; // let controls have their own keys
    event.preventDefault();
    dispatch(action);
  }
  root.addEventListener("keydown", onKey);

  function onCustom(msg) {
    if (msg?.type !== "export_svg") return;
    drawn.then(() => model.send({ type: "svg", svg: layout && panels.length ? svgText() : "" }));
  }

  const onValues = () => {
    const started = performance.now();
    sliders.answered(values());
    player = update(player, "resize", stepCount());
    if (layout) refresh();
    else syncControls();
    const ms = performance.now() - started;
    root.dataset.refreshMs = ms.toFixed(1); // the JS time of this update (protocol.md)
    mark("gradwidget:values", { ms, nodes: structure?.nodes?.length ?? 0 });
  };
  const onMode = () => {
    player = update(player, "resize", stepCount());
    if (layout) drawPanels();
    else syncControls();
  };
  const onSliders = () => sliders.setSpecs(model.get("sliders") ?? []);
  const handlers = [
    ["change:structure", relayout],
    ["change:values", onValues],
    ["change:mode", onMode],
    ["change:sliders", onSliders],
    ["msg:custom", onCustom],
  ];
  for (const [name, fn] of handlers) model.on(name, fn);

  // Refit when the panel gets its size (first attach) or is resized, until the user pans.
  // The observer reports the width: nothing is measured, and an unchanged width (e.g. the
  // stage only grew taller when the drawing went in) changes nothing.
  const resizer = typeof ResizeObserver === "function" ? new ResizeObserver((entries) => {
    const width = entries[entries.length - 1].contentRect.width;
    // 0: hidden (e.g. another tab): keep everything as it is for when it comes back.
    if (!(width > 0) || Math.abs(width - stageWidth) < 0.5) return;
    stageWidth = width;
    if (!layout || !viewport) return;
    arrange();
    viewport.resize(panelWidth());
  }) : null;
  resizer?.observe(stage);

  onSliders();
  relayout();

  return () => {
    generation++;
    clearTimeout(timer);
    clearInterval(clock);
    for (const [name, fn] of handlers) model.off(name, fn);
    root.removeEventListener("keydown", onKey);
    resizer?.disconnect();
    clearPanels();
    root.remove();
  };
}

export default { render };
