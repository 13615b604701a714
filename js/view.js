// One view of a GraphWidget, without the model: the parts (toolbar, notice, sliders,
// stage of panels, inspector) and the few rules that tie them together. widget.js feeds
// it the traits; it reports user actions through `host`.
//
//   .gradwidget[data-state]
//     .gw-toolbar     toolbar.js   player buttons, scrubber, step status (status.js), modes
//     .gw-notice      notice.js    errors, findings in a student's own backward(), stale
//                                  numbers, sliders without a kernel, unknown mode
//     .gw-narration   narration.js the step told in words (aria-live), one line per panel
//     .gw-sliders     sliders.js
//     .gw-stage       panels.js    the SVG panels (draw.js), a message, or the summary
//     .gw-inspector   inspector.js
//     .gw-quiz        quiz.js      quiz mode: predict the grads (hidden until answered)
import { animatedSvg, download } from "./export.js";
import { createInspector } from "./inspector.js";
import { bindKeys } from "./keyboard.js";
import { createLayoutJob } from "./layout-job.js";
import { orderLayers } from "./layout.js";
import { modeNotice } from "./modes.js";
import { narrate } from "./narration.js";
import { createNotice, findingsNotice } from "./notice.js";
import { createStage } from "./panels.js";
import { createPlayback } from "./player.js";
import { createQuiz, quizNarration } from "./quiz.js";
import { lessonAt, lessonLength } from "./replay.js";
import { appendText, plainText } from "./text.js";
import { createSliders } from "./sliders.js";
import { replayOf } from "./payload.js";
import { statusParts } from "./status.js";
import { buildToolbar } from "./toolbar.js";
import { createViewState } from "./view-state.js";

// States in which there is a graph to play (else the player and view controls hide).
const GRAPH_STATES = new Set(["layout", "drawn", undefined]);
// An animation draws every step: a lesson longer than this is no slide.
const MAX_FRAMES = 400;

/**
 * @param {Document} doc
 * @param {object} host
 * @param {() => Promise<object>} host.engine  the page's layout engine (layout-engine.js)
 * @param {(mode: string) => void} host.setMode  the user chose a mode
 * @param {(count: number) => void} host.drawAll  "Draw anyway": raise max_nodes to `count`
 * @param {(keys: string[]) => void} host.setExpanded  the groups to draw open (the `expanded` trait)
 * @param {(message: object) => void} host.send  a message to Python (slides)
 */
export function createView(doc, host) {
  const state = createViewState();
  const playback = createPlayback(() => refresh());
  const layouts = createLayoutJob(host.engine);
  const root = doc.createElement("div");
  root.className = "gradwidget";
  root.tabIndex = 0;
  const stage = createStage(doc, {
    hover: (id) => inspector.hover(id),
    click: (id) => { inspector.pin(id); quiz.focus(id); },
    toggle: (key, open) => toggleGroup(key, open),
  });
  const inspector = createInspector(doc, () => (state.layout && state.values
    ? { structure: state.structure, data: state.values.data, panels: stage.panels, hidden: quiz.hidden } : null));
  const quiz = createQuiz(doc, { send: (message) => host.send(message), changed: () => refresh() });
  const toolbar = buildToolbar(doc, {
    player: playback.dispatch,
    mode: host.setMode,
    fit: () => stage.fit(),
    zoom: (factor) => stage.zoom(factor),
    exportSvg: () => { const svg = stage.svgText(); if (svg) download(doc, svg, "gradwidget.svg"); },
    exportAnimation: () => saveAnimation(),
    expandAll: () => askGroups(state.structure?.groups?.keys ?? [], null),
    collapseAll: () => askGroups([], null),
  });
  const notice = createNotice(doc);
  const sliders = createSliders(doc, host.send, (text) => notice.set("sliders", text));
  // The narration: screen readers read each step's sentence (and tests read it here).
  const narration = doc.createElement("div");
  narration.className = "gw-narration";
  narration.setAttribute("aria-live", "polite");
  narration.setAttribute("aria-label", "Step explained");
  narration.hidden = true;
  let narrated = "";
  // The lesson's options (the `start` and `forward` traits): where a new graph's player
  // starts, and whether the forward pass is played before the backward pass.
  const lesson = { start: "begin", forward: false };
  let placed = false; // the player was put at the lesson's start for this structure
  root.append(toolbar.el, notice.el, sliders.el, narration, stage.el, inspector.el, quiz.el);
  const unbindKeys = bindKeys(root, playback.dispatch, (el) => toggleGroup(el.getAttribute("data-toggle"), el.getAttribute("data-open") === "true"));
  // Opening or closing a group: Python sends the graph drawn that way (the `expanded`
  // trait). The box or title that was pressed gets the focus back once it is drawn again;
  // no answer within a few seconds means no kernel.
  let asked = null; // {key, timer}
  const GROUPS_TIMEOUT_MS = 4000;
  function toggleGroup(key, open) {
    const current = new Set(state.structure?.groups?.expanded ?? []);
    if (open) current.delete(key);
    else current.add(key);
    askGroups([...current].sort(), key);
  }
  function askGroups(keys, key) {
    const now = [...(state.structure?.groups?.expanded ?? [])].sort();
    const want = [...keys].sort();
    if (want.length === now.length && want.every((k, i) => k === now[i])) return; // drawn so already
    clearTimeout(asked?.timer);
    const focus = root.contains(doc.activeElement) && doc.activeElement !== root;
    asked = { key, focus, timer: setTimeout(() => notice.set("groups", "Opening and closing groups needs a running kernel."), GROUPS_TIMEOUT_MS) };
    notice.set("groups", null);
    host.setExpanded?.(keys);
  }
  function groupsAnswered() {
    if (!asked) return;
    clearTimeout(asked.timer);
    notice.set("groups", null);
    const { key, focus } = asked;
    asked = null;
    if (!key) return;
    // The group's frame (now open) or box (now closed): shown, and focused if it was.
    const clusterAt = (state.structure.clusters ?? []).findIndex((c) => c.key === key);
    const node = state.structure.nodes.find((n) => n.group?.key === key);
    stage.reveal(clusterAt >= 0 ? state.layout?.clusters?.[clusterAt] : node && state.layout?.nodes[node.id]);
    const el = [...stage.el.querySelectorAll("[data-toggle]")].find((e) => e.getAttribute("data-toggle") === key);
    if (!el) return;
    if (focus) el.focus?.({ preventScroll: true });
  }
  let drawn = Promise.resolve(); // settles when the current structure is drawn (or not drawable)
  let destroyed = false;

  function setState(name) {
    root.dataset.state = name;
    syncControls();
  }

  function showMessage(text, name, isError = false, action = null) {
    stage.showMessage(text, isError, action);
    inspector.redrawn();
    setState(name);
  }

  /** A new structure (or summary): lays it out and draws it. */
  function setStructure(structure, maxNodes) {
    state.setStructure(structure);
    layouts.cancel(); // the structure it was for is gone: its `cancelled` says nothing
    inspector.reset();
    placed = false;
    resizePlayer();
    const summary = structure?.summary;
    if (summary) { // too large: Python sent counts only
      stage.showSummary(summary, maxNodes, () => {
        showMessage("Asking the kernel for the full graph…", "layout");
        host.drawAll(summary.nodes); // Python answers with the whole graph
      });
      inspector.redrawn();
      return setState("summary");
    }
    if (!structure?.nodes?.length) return showMessage("No graph to show yet.", "empty");
    const mine = () => state.structure === structure && !destroyed;
    drawn = layouts.run(structure, {
      // A layout in the worker can be stopped: Cancel (the page then waits for nothing).
      progress: (text, info) => showMessage(text, "layout", false,
        info?.cancellable ? { label: "Cancel", run: () => layouts.cancel() } : null),
      done: (layout, ms, info) => {
        state.layout = orderLayers(layout, structure); // a layer's neurons top to bottom: N1, N2, …
        root.dataset.layoutMs = String(ms);
        root.dataset.layoutEngine = info?.engine ?? "graphviz";
        // Laid out another way than usual (columns: Graphviz was too slow): the page says why.
        notice.set("layout", info?.note ? `${info.note[0].toUpperCase()}${info.note.slice(1)}.`.replace(/\.\.$/, ".") : null);
        drawPanels();
        groupsAnswered();
      },
      failed: (err) => showMessage(`Could not lay out the graph: ${err.message}`, "error", true),
      cancelled: () => {
        if (!mine()) return;
        showMessage("Layout cancelled: the graph is not drawn.", "cancelled", false,
          { label: "Lay out again", run: () => setStructure(structure, maxNodes) });
      },
    });
  }

  // (Re)draws the mode's panels from the current layout: no relayout.
  function drawPanels() {
    const started = performance.now();
    inspector.redrawn();
    stage.draw(state.layout, state.structure, state.view.panels, refresh); // numbers while off the page
    root.dataset.state = "drawn";
    const ms = performance.now() - started;
    root.dataset.drawMs = ms.toFixed(1);
    mark("gradwidget:drawn", { ms, nodes: state.structure.nodes.length, panels: stage.panels.length });
  }

  // Values or player moved: text and classes change, nothing is recreated or moved.
  function refresh() {
    quiz.setContext(state.layout ? state.structure : null, state.values, state.view.panels[0]?.replay);
    if (state.layout && state.values) {
      stage.update(state.structure, state.values, playback.state.index, lesson.forward, quiz.hidden);
      inspector.show();
    }
    syncControls();
    tell();
  }

  // The panel the status names: the one with the longest lesson (compare-eager: eager).
  function lead() {
    const { panels } = state.view;
    const length = (panel) => lessonLength(state.structure, replayOf(state.values, panel.replay), lesson.forward);
    return state.values ? panels.reduce((best, panel) => (length(panel) > length(best) ? panel : best)) : panels[0];
  }

  function moment(panel) {
    return momentAt(panel, playback.state.index);
  }

  function momentAt(panel, index) {
    if (!state.layout || !state.values) return null;
    return lessonAt(state.structure, replayOf(state.values, panel.replay), index, panel.replay, lesson.forward);
  }

  function syncControls() {
    const graph = GRAPH_STATES.has(root.dataset.state);
    const structure = state.layout ? state.structure : null;
    const status = statusParts(playback.state, structure, structure ? moment(lead()) : null);
    toolbar.sync({ player: playback.state, mode: state.view.name, status, graph, views: state.values?.views, groups: Boolean(structure?.groups) });
    if (inspector.el.hidden === graph) inspector.el.hidden = !graph;
  }

  // The narration of the step shown: one line per panel (titled when there are several;
  // panels whose line would be the same, e.g. in the forward pass, share one). Written
  // only when it changes, so a screen reader hears each step once.
  function tell() {
    const drawn = GRAPH_STATES.has(root.dataset.state) && state.layout && state.values;
    const shown = drawn ? linesAt(playback.state.index) : [];
    const key = JSON.stringify(shown);
    if (key === narrated) return;
    narrated = key;
    narration.hidden = shown.length === 0;
    narration.replaceChildren(...shown.map(({ title, pieces }) => {
      const line = doc.createElement("p");
      line.className = "gw-narration-line";
      if (title) {
        const head = doc.createElement("strong");
        head.textContent = `${title}: `;
        line.append(head);
      }
      return appendText(line, pieces);
    }));
  }

  // The narration of step `index`: [{title, pieces}], one per panel, or one for all
  // when they would say the same.
  function linesAt(index) {
    const lines = state.view.panels.map((panel) => {
      const replay = replayOf(state.values, panel.replay);
      const at = momentAt(panel, index);
      const length = lessonLength(state.structure, replay, lesson.forward);
      const pieces = typeof replay.error === "string" && at.phase === "backward"
        ? [replay.error]
        : index > length && length > 0 ? ["(this pass ended earlier)"]
          : quizNarration(state.structure, at, quiz.hidden) ?? narrate(state.structure, state.values, at, { mode: panel.replay, last: index === length && length > 0, forward: lesson.forward });
      return { title: panel.title, pieces };
    });
    const same = lines.length > 1 && lines.every((line) => JSON.stringify(line.pieces) === JSON.stringify(lines[0].pieces));
    return same ? [{ title: null, pieces: lines[0].pieces }] : lines;
  }

  function saveAnimation() {
    try {
      const svg = animation();
      notice.set("export", null);
      if (svg) download(doc, svg, "gradwidget-lesson.svg");
    } catch (err) {
      notice.set("export", `Could not export the animation: ${err.message}`);
    }
  }

  /** The lesson as an animated SVG (export.js): every step drawn in turn, off the
   * page's view (the player and the view stay where they are), its narration as caption. */
  function animation() {
    if (!state.layout || !state.values || !stage.panels.length) return "";
    const length = playback.state.length;
    if (length + 1 > MAX_FRAMES) {
      throw new Error(`an animation has at most ${MAX_FRAMES} frames; this lesson has ${length + 1} steps`);
    }
    const frames = [];
    try {
      for (let k = 0; k <= length; k++) {
        stage.update(state.structure, state.values, k, lesson.forward, quiz.hidden, { reveal: false });
        const status = statusParts({ index: k, length }, state.structure, momentAt(lead(), k));
        frames.push({
          panels: stage.panels.map((panel) => ({ svg: panel.svg.cloneNode(true), title: panel.title })),
          status: status.map((part) => plainText(part, { isolate: true })).join(" · "),
          caption: linesAt(k).map(({ title, pieces }) => ({ title, text: plainText(pieces, { isolate: true }) })),
        });
      }
    } finally {
      stage.update(state.structure, state.values, playback.state.index, lesson.forward, quiz.hidden, { reveal: false });
    }
    return animatedSvg(frames, state.layout, root);
  }

  // The player takes the lesson's length; the first time there is a lesson for this
  // structure it is put at the lesson's start (or end), later it keeps its step.
  function resizePlayer() {
    const length = state.steps(lesson.forward);
    playback.resize(length);
    if (!placed && state.values && length > 0) {
      placed = true;
      playback.place(lesson.start === "end" ? length : 0);
    }
  }

  /** New values; `timed` false: not a values update for the timing hooks (the first ones). */
  function setValues(values, { timed = true } = {}) {
    const started = performance.now();
    // The kernel answered (the new structure, if any, comes with these values or after
    // them): no "needs a running kernel"; the focus goes back once it is drawn.
    if (asked) clearTimeout(asked.timer);
    sliders.answered(values);
    state.setValues(values);
    // An answer to a slide says what went wrong by its slider; anything else here.
    notice.set("error", values?.seq == null ? values?.error ?? null : null);
    notice.set("stale", state.values?.stale ?? null);
    // A graph of the student's own class: what gradwidget.check() found (values.findings).
    const banner = findingsNotice(values);
    notice.set("findings", banner.findings);
    notice.set("checked", banner.checked);
    resizePlayer();
    refresh();
    if (!timed) return;
    const ms = performance.now() - started;
    root.dataset.refreshMs = ms.toFixed(1); // the JS time of this update (protocol.md)
    mark("gradwidget:values", { ms, nodes: state.structure?.nodes?.length ?? 0 });
  }

  function setMode(mode) {
    state.setMode(mode);
    notice.set("mode", modeNotice(state.view));
    resizePlayer();
    if (state.layout) drawPanels();
    else syncControls();
  }

  return {
    el: root,
    setStructure,
    setValues,
    setMode,
    setSliders: (specs) => sliders.setSpecs(specs),
    /** The `quiz` trait: the asked node ids, the replay that answers, the reset count. */
    setQuiz: (trait) => quiz.setTrait(trait),
    /** The lesson's options: `start` ("begin" or "end") and `forward` (bool). A change of
     * `forward` changes the steps: the player goes to the lesson's start again. */
    setLesson({ start = lesson.start, forward = lesson.forward } = {}) {
      const again = !!forward !== lesson.forward;
      lesson.start = start === "end" ? "end" : "begin";
      lesson.forward = !!forward;
      if (again) placed = false;
      resizePlayer();
      refresh();
    },
    /** The text scale (the `scale` trait). */
    setScale(scale) {
      stage.setScale(scale);
      if (scale > 0) root.style.setProperty("--gw-scale", String(scale));
    },
    /** The drawing as SVG text once the current structure is drawn ("" if it is not). */
    svgText: () => drawn.then(() => stage.svgText()),
    /** The lesson as animated SVG text once drawn ("" if nothing is drawn); throws if too long. */
    animationText: () => drawn.then(() => animation()),
    destroy() {
      destroyed = true;
      clearTimeout(asked?.timer);
      layouts.cancel();
      playback.stop();
      sliders.destroy();
      unbindKeys();
      stage.destroy();
      root.remove();
    },
  };
}

// Timing hooks (docs/protocol.md, "Stable selectors"): performance marks with details.
function mark(name, detail) {
  try {
    performance.mark?.(name, { detail });
  } catch {
    // a page without the User Timing API: no marks
  }
}
