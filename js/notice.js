// The notice line under the toolbar (.gw-notice, a polite live region): what the page
// must tell without blocking anything: why Python could not show the graph (a refresh
// that failed, a page write it refused), numbers that are stale since leaf data changed,
// sliders with no kernel to answer them, a mode it does not know; for a graph of the
// student's own Value class, what gradwidget.check() found in their backward() (or that
// it found nothing).
// Each source has at most one message, on its own line, in a fixed order; a line is
// written only when its text changes, so a screen reader hears each message once.
import { appendText, plainText, user } from "./text.js";

const SOURCES = ["error", "findings", "checked", "stale", "sliders", "mode", "export"];

// The most findings the banner lists; gradwidget.check(root) lists them all.
const MAX_FINDINGS = 4;

/**
 * The banner of a graph of the student's own class (values.foreign): {findings, checked},
 * the lines for notice sources "findings" (what is wrong, one finding per line) and
 * "checked" (a short positive line when nothing is); both null for gradwidget's Values.
 */
export function findingsNotice(values) {
  const cls = typeof values?.foreign === "string" ? values.foreign : null;
  const found = Array.isArray(values?.findings) ? values.findings.filter((f) => typeof f === "string") : [];
  if (!cls) return { findings: null, checked: null };
  if (!found.length) {
    return { findings: null, checked: "Your _backward functions accumulate: every gradient matches the chain rule." };
  }
  // Each finding on its own line (white-space: pre-line), isolated: it names their nodes.
  const shown = found.slice(0, MAX_FINDINGS).flatMap((f) => ["\n", user(f)]);
  const more = found.length > MAX_FINDINGS ? [`\n… and ${found.length - MAX_FINDINGS} more: gradwidget.check(root) lists them all.`] : [];
  return { findings: ["Your ", user(cls), ` class's backward(), checked against the chain rule:`, ...shown, ...more], checked: null };
}

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
