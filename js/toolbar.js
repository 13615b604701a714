// The toolbar: player buttons, step scrubber, speed, mode switch, view and export buttons.
// It only reports clicks through `actions` and shows what sync() tells it.
import { VIEWS } from "./modes.js";
import { SPEEDS } from "./player.js";
import { appendText, plainText } from "./text.js";

const SVG = "http://www.w3.org/2000/svg";
const ICONS = { // 24×24 path data
  reset: "M18.41 16.59 13.82 12l4.59-4.59L17 6l-6 6 6 6zM6 6h2v12H6z",
  back: "M6 6h2v12H6zm3.5 6 8.5 6V6z",
  play: "M8 5v14l11-7z",
  pause: "M6 19h4V5H6v14zm8-14v14h4V5h-4z",
  forward: "M6 18l8.5-6L6 6v12zM16 6v12h2V6h-2z",
  fit: "M3 5v4h2V5h4V3H5a2 2 0 0 0-2 2zm2 10H3v4a2 2 0 0 0 2 2h4v-2H5v-4zm14 4h-4v2h4a2 2 0 0 0 2-2v-4h-2v4zm0-16h-4v2h4v4h2V5a2 2 0 0 0-2-2z",
  zoomIn: "M19 13h-6v6h-2v-6H5v-2h6V5h2v6h6v2z",
  zoomOut: "M19 13H5v-2h14v2z",
  download: "M19 9h-4V3H9v6H5l7 7 7-7zM5 18v2h14v-2H5z",
};

/**
 * @param actions {player(action, arg), mode(name), fit(), zoom(factor), exportSvg()}
 * @returns {el, sync({player, mode, status, graph})}: `status` is a list of parts, each a
 * list of text pieces (text.js), shown joined by " · "; `graph` false hides the player and
 * view controls (summary, error: there is nothing to play).
 */
export function buildToolbar(doc, actions) {
  const make = (tag, className, parent) => {
    const node = doc.createElement(tag);
    if (className) node.className = className;
    parent?.append(node);
    return node;
  };
  const button = (parent, label, icon, onClick, text) => {
    const b = make("button", "", parent);
    b.type = "button";
    b.setAttribute("aria-label", label);
    b.title = label;
    if (icon) b.append(iconSvg(doc, ICONS[icon]));
    if (text) b.append(text);
    b.addEventListener("click", onClick);
    return b;
  };

  const el = make("div", "gw-toolbar");
  el.setAttribute("role", "toolbar");

  const transport = make("div", "gw-group", el);
  button(transport, "Reset", "reset", () => actions.player("reset"));
  button(transport, "Step back", "back", () => actions.player("stepBack"));
  const play = button(transport, "Play", "play", () => actions.player("play"));
  const pause = button(transport, "Pause", "pause", () => actions.player("pause"));
  button(transport, "Step forward", "forward", () => actions.player("stepForward"));

  const scrub = make("input", "gw-scrub", el);
  scrub.type = "range";
  scrub.min = "0";
  scrub.setAttribute("aria-label", "Step");
  scrub.addEventListener("input", () => actions.player("seek", Number(scrub.value)));
  const status = make("span", "gw-step", el);
  status.setAttribute("aria-live", "polite");
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

  const modes = make("div", "gw-group gw-segmented", el);
  modes.setAttribute("role", "group");
  modes.setAttribute("aria-label", "Mode");
  const modeButtons = VIEWS.map(({ name, label }) => {
    const b = button(modes, `Mode: ${label}`, null, () => actions.mode(name), label);
    b.dataset.mode = name;
    return b;
  });

  const view = make("div", "gw-group gw-view", el);
  button(view, "Fit", "fit", () => actions.fit());
  button(view, "Zoom out", "zoomOut", () => actions.zoom(1 / 1.25));
  button(view, "Zoom in", "zoomIn", () => actions.zoom(1.25));
  button(view, "Export SVG", "download", () => actions.exportSvg(), "SVG");

  // Writes only what changed: sync runs on every player step and values update.
  let shown = {};
  const set = (key, value, write) => {
    if (shown[key] !== value) {
      shown[key] = value;
      write(value);
    }
  };
  const playerControls = [transport, scrub, status, speed, view];
  const sync = ({ player, mode, status: parts, graph = true }) => {
    set("graph", graph, () => { for (const control of playerControls) control.hidden = !graph; });
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
    set("mode", mode, () => { for (const b of modeButtons) b.setAttribute("aria-pressed", String(b.dataset.mode === mode)); });
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
