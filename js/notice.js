// The notice line under the toolbar (.gw-notice, a polite live region): what the page
// must tell without blocking anything: why Python could not show the graph (a refresh
// that failed, a page write it refused), numbers that are stale since leaf data changed,
// sliders with no kernel to answer them, a mode it does not know.
// Each source has at most one message, on its own line, in a fixed order; a line is
// written only when its text changes, so a screen reader hears each message once.
import { appendText, plainText } from "./text.js";

const SOURCES = ["error", "stale", "sliders", "mode"];

/** @returns {{el: HTMLElement, set(source: string, text: string | import("./text.js").Piece[] | null): void}} */
export function createNotice(doc) {
  const el = doc.createElement("div");
  el.className = "gw-notice";
  el.setAttribute("role", "status");
  el.setAttribute("aria-live", "polite");
  const lines = new Map(); // source -> {line, text}

  function set(source, text) {
    const pieces = text == null || text === "" ? null : typeof text === "string" ? [text] : text;
    const old = lines.get(source);
    if (!pieces) {
      old?.line.remove();
      lines.delete(source);
      return;
    }
    const flat = plainText(pieces, { isolate: true });
    if (old?.text === flat) return;
    const line = appendText(doc.createElement("div"), pieces);
    line.dataset.source = source;
    if (old) old.line.replaceWith(line);
    else el.insertBefore(line, nextLine(source));
    lines.set(source, { line, text: flat });
  }

  // The line of the first source after `source` that has one (null: append at the end).
  const nextLine = (source) => SOURCES.slice(SOURCES.indexOf(source) + 1).map((s) => lines.get(s)?.line).find(Boolean) ?? null;

  return { el, set };
}
