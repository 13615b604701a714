// The toolbar: player buttons, step scrubber, speed, mode switch, view and export buttons,
// full screen and the key help. It reports clicks through `actions` and shows what sync()
// tells it. Narrow (a zoomed-in browser, a side panel) it shrinks rather than wrapping to
// many rows: the mode buttons become a select, text labels become icons only.
import { VIEWS } from "./modes.js";
import { SPEEDS } from "./player.js";
import { appendText, plainText } from "./text.js";

const SVG = "http://www.w3.org/2000/svg";
const ICONS = { // 24×24 path data
  // The bar stands where a move stops: |◀ to the start, ▶| to the end; a step has the bar
  // behind its triangle (◀| back one, |▶ forward one), as in frame-by-frame players.
  reset: "M6 6h2v12H6zm3.5 6 8.5 6V6z",
  back: "M16 6h2v12h-2zM14 6v12l-8.5-6z",
  play: "M8 5v14l11-7z",
  pause: "M6 19h4V5H6v14zm8-14v14h4V5h-4z",
  forward: "M6 6h2v12H6zM10 6v12l8.5-6z",
  end: "M6 18l8.5-6L6 6v12zM16 6v12h2V6h-2z",
  // Fit: a frame around the graph; full screen: four corners pushed outwards.
  fit: "M3 5a2 2 0 0 1 2-2h3v2H5v3H3zm13-2h3a2 2 0 0 1 2 2v3h-2V5h-3zM3 16h2v3h3v2H5a2 2 0 0 1-2-2zm16 0h2v3a2 2 0 0 1-2 2h-3v-2h3zM7 8h10v8H7z",
  fullscreen: "M7 14H5v5h5v-2H7v-3zm-2-4h2V7h3V5H5v5zm12 7h-3v2h5v-5h-2v3zM14 5v2h3v3h2V5h-5z",
  fullscreenExit: "M5 16h3v3h2v-5H5v2zm3-8H5v2h5V5H8v3zm6 11h2v-3h3v-2h-5v5zm2-11V5h-2v5h5V8h-3z",
  zoomIn: "M19 13h-6v6h-2v-6H5v-2h6V5h2v6h6v2z",
  zoomOut: "M19 13H5v-2h14v2z",
  download: "M19 9h-4V3H9v6H5l7 7 7-7zM5 18v2h14v-2H5z",
  movie: "M18 4l2 4h-3l-2-4h-2l2 4h-3l-2-4H8l2 4H7L5 4H4c-1.1 0-2 .9-2 2v12c0 1.1.9 2 2 2h16c1.1 0 2-.9 2-2V4h-4z",
};
/** Below this width (CSS px) the toolbar is narrow (see the file's comment). */
export const NARROW_PX = 720;
/** Below this, tiny: everything a little smaller still (e.g. 200% zoom beside a side panel). */
export const TINY_PX = 440;
/** The keys keyboard.js handles, as the help lists them: [keys, what]. */
export const KEY_HELP = [
  [["Space"], "play / pause"],
  [["←", "→"], "step back / forward (left / right arrow)"],
  [["Home"], "first step (Reset)"],
  [["End"], "last step (End)"],
  [["f"], "full screen (Esc leaves it)"],
  [["?"], "show or hide this help"],
  [["Enter"], "on a group (a neuron's box, a layer's title): open or close it"],
];
const POINTER_HELP = "Drag the graph to pan. Zoom: Ctrl/⌘ + wheel, or click the graph, then the wheel.";

/**
 * @param actions {player(action, arg), mode(name), fit(), zoom(factor), exportSvg(), exportAnimation(), expandAll(), collapseAll()}
 * @returns {el, sync({player, mode, status, graph})}: `status` is a list of parts, each a
 * list of text pieces (text.js), shown joined by " · "; `graph` false hides the player and
 * view controls (summary, error: there is nothing to play). Buttons that keys also press
 * carry data-action ("help", "fullscreen"): keyboard.js clicks them.
 */
export function buildToolbar(doc, actions) {
  const make = (tag, className, parent) => {
    const node = doc.createElement(tag);
    if (className) node.className = className;
    parent?.append(node);
    return node;
  };
  const button = (parent, label, icon, onClick, { text, key } = {}) => {
    const b = make("button", "", parent);
    b.type = "button";
    b.setAttribute("aria-label", label);
    b.title = key ? `${label} (${key})` : label;
    if (icon) b.append(iconSvg(doc, ICONS[icon]));
    if (text) make("span", "gw-button-text", b).textContent = text;
    b.addEventListener("click", onClick);
    return b;
  };

  const el = make("div", "gw-toolbar");
  el.setAttribute("role", "toolbar");

  const transport = make("div", "gw-group", el);
  button(transport, "Reset", "reset", () => actions.player("reset"), { key: "Home" });
  button(transport, "Step back", "back", () => actions.player("stepBack"), { key: "←" });
  const play = button(transport, "Play", "play", () => actions.player("play"), { key: "Space" });
  const pause = button(transport, "Pause", "pause", () => actions.player("pause"), { key: "Space" });
  button(transport, "Step forward", "forward", () => actions.player("stepForward"), { key: "→" });
  button(transport, "End", "end", () => actions.player("end"), { key: "End" });

  const scrub = make("input", "gw-scrub", el);
  scrub.type = "range";
  scrub.min = "0";
  scrub.setAttribute("aria-label", "Step");
  scrub.addEventListener("input", () => actions.player("seek", Number(scrub.value)));
  // Not a live region: the narration (view.js) tells each step; two would say it twice.
  const status = make("span", "gw-step", el);
  const statusText = make("span", "gw-step-text", status);

  const speed = make("select", "", el);
  speed.setAttribute("aria-label", "Speed");
  speed.title = "Speed";
  for (const s of SPEEDS) {
    const option = make("option", "", speed);
    option.value = String(s);
    option.textContent = `${s}×`;
  }
  speed.addEventListener("change", () => actions.player("speed", Number(speed.value)));

  // The mode switch: buttons, or (narrow) a select; CSS shows one of them.
  const modes = make("div", "gw-group gw-segmented", el);
  modes.setAttribute("role", "group");
  modes.setAttribute("aria-label", "Mode");
  const modeButtons = VIEWS.map(({ name, label }) => {
    const b = button(modes, `Mode: ${label}`, null, () => actions.mode(name), { text: label });
    b.dataset.mode = name;
    return b;
  });
  const modeSelect = make("select", "gw-mode-select", el);
  modeSelect.setAttribute("aria-label", "Mode");
  modeSelect.title = "Mode";
  for (const { name, label } of VIEWS) {
    const option = make("option", "", modeSelect);
    option.value = name;
    option.textContent = label;
  }
  modeSelect.addEventListener("change", () => actions.mode(modeSelect.value));

  const view = make("div", "gw-group gw-view", el);
  button(view, "Fit", "fit", () => actions.fit());
  button(view, "Zoom out", "zoomOut", () => actions.zoom(1 / 1.25));
  button(view, "Zoom in", "zoomIn", () => actions.zoom(1.25));
  const full = button(view, "Full screen", "fullscreen", () => toggleFullscreen(el), { key: "f" });
  full.dataset.action = "fullscreen";
  full.setAttribute("aria-pressed", "false");
  if (doc.fullscreenEnabled === false) full.hidden = true; // e.g. an iframe without allowfullscreen
  const helpButton = button(view, "Keyboard help", null, () => setHelp(help.hidden), { text: "?", key: "?" });
  helpButton.dataset.action = "help";
  button(view, "Export SVG", "download", () => actions.exportSvg(), { text: "SVG" });
  // The whole lesson, step by step with its narration as caption, as an animated SVG (slides).
  button(view, "Export animation", "movie", () => actions.exportAnimation?.(), { text: "Animation" });

  // A graph with groups (a network's neurons and layers): open all, or close all.
  const groupButtons = make("div", "gw-group gw-groups", el);
  groupButtons.setAttribute("role", "group");
  groupButtons.setAttribute("aria-label", "Groups");
  groupButtons.hidden = true;
  button(groupButtons, "Expand all groups", null, () => actions.expandAll?.(), { text: "Expand all" }).dataset.action = "expand-all";
  button(groupButtons, "Collapse all groups", null, () => actions.collapseAll?.(), { text: "Collapse all" }).dataset.action = "collapse-all";

  // The key help: a list under the toolbar's controls, shown by "?" (button or key).
  const help = make("div", "gw-help", el);
  help.id = uniqueId("gw-help");
  help.hidden = true;
  help.setAttribute("role", "note");
  help.setAttribute("aria-label", "Keys");
  const title = make("div", "gw-help-title", help);
  title.textContent = "Keys, while the widget has focus (click it or Tab to it):";
  const list = make("ul", "", help);
  for (const [keys, what] of KEY_HELP) {
    const item = make("li", "", list);
    keys.forEach((key, i) => {
      if (i) item.append(" ");
      make("kbd", "", item).textContent = key;
    });
    item.append(` ${what}`);
  }
  make("div", "gw-help-pointer", help).textContent = POINTER_HELP;
  helpButton.setAttribute("aria-controls", help.id);
  helpButton.setAttribute("aria-expanded", "false");
  const setHelp = (visible) => {
    help.hidden = !visible;
    helpButton.setAttribute("aria-expanded", String(visible));
  };

  // Full screen's pressed state follows the page (Esc leaves full screen without us).
  let watched = null;
  const syncFullscreen = () => {
    const on = !!watched && doc.fullscreenElement === watched;
    full.setAttribute("aria-pressed", String(on));
    full.replaceChildren(iconSvg(doc, ICONS[on ? "fullscreenExit" : "fullscreen"]));
  };
  function toggleFullscreen(from) {
    const root = from.closest(".gradwidget") ?? from.parentElement;
    if (!root) return;
    if (watched !== root) {
      watched = root;
      root.addEventListener("fullscreenchange", syncFullscreen); // fired at the element itself
    }
    if (doc.fullscreenElement === root) doc.exitFullscreen?.().catch(() => {});
    else root.requestFullscreen?.().catch(() => {}); // refused (no user gesture, a policy): nothing changes
  }

  // Narrow: a class from the toolbar's own width (its parent sets it; content never does).
  const narrow = typeof ResizeObserver === "function" ? new ResizeObserver((entries) => {
    const width = entries[entries.length - 1].contentRect.width;
    if (!(width > 0)) return;
    el.classList.toggle("gw-narrow", width < NARROW_PX);
    el.classList.toggle("gw-tiny", width < TINY_PX);
  }) : null;
  narrow?.observe(el);

  // Writes only what changed: sync runs on every player step and values update.
  let shown = {};
  const set = (key, value, write) => {
    if (shown[key] !== value) {
      shown[key] = value;
      write(value);
    }
  };
  const playerControls = [transport, scrub, status, speed, view];
  const sync = ({ player, mode, status: parts, graph = true, views = null, groups = false }) => {
    set("graph", graph, () => { for (const control of playerControls) control.hidden = !graph; });
    set("groups", graph && groups, (shownGroups) => { groupButtons.hidden = !shownGroups; });
    set("playing", player.playing, (playing) => { play.hidden = playing; pause.hidden = !playing; });
    set("max", String(player.length), (max) => { scrub.max = max; });
    set("index", String(player.index), (index) => { scrub.value = index; });
    set("status", parts.map((part) => plainText(part, { isolate: true })).join(" · "), (text) => {
      // Each part unbroken; a line may break only between parts (at " · ").
      statusText.replaceChildren(...parts.flatMap((part, i) => {
        const span = appendText(make("span", "gw-step-part"), part);
        return i ? [" · ", span] : [span];
      }));
      status.title = text;
    });
    set("speed", String(player.speed), (value) => { speed.value = value; });
    set("mode", mode, () => {
      for (const b of modeButtons) b.setAttribute("aria-pressed", String(b.dataset.mode === mode));
      modeSelect.value = mode;
    });
    // Only the views that apply to this graph (values.views; all when Python does not say),
    // and always the one shown.
    const offered = Array.isArray(views) ? new Set([...views, mode]) : null;
    set("views", offered ? [...offered].sort().join(" ") : "*", () => {
      for (const b of modeButtons) b.hidden = offered ? !offered.has(b.dataset.mode) : false;
      for (const option of modeSelect.options) option.hidden = offered ? !offered.has(option.value) : false;
    });
  };
  return { el, sync };
}

function iconSvg(doc, d) {
  const svg = doc.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", "gw-icon");
  svg.setAttribute("aria-hidden", "true");
  const path = doc.createElementNS(SVG, "path");
  path.setAttribute("d", d);
  svg.append(path);
  return svg;
}

// An id no other element of the page has (each widget's ESM may be its own module
// instance, so the count lives on globalThis).
function uniqueId(prefix) {
  const key = "__gradwidget_ids__";
  globalThis[key] = (globalThis[key] ?? 0) + 1;
  return `${prefix}-${globalThis[key]}`;
}
