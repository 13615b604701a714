// Keys while the focus is anywhere inside the widget: Space play/pause, → / ← step,
// Home reset, End end, "?" the key help, "f" full screen (Esc leaves it: the browser's).
// Controls keep their own keys (a slider's or select's arrows, a button's Space).
//
// A handled key never reaches the notebook. JupyterLab matches its shortcuts as the
// keydown bubbles to the document, so stopping it at the widget would do; Notebook 7
// matches them on the way down (a capture listener on the document), before the widget
// sees the key: its command-mode ← / → / Space would move to another cell or collapse a
// heading. So the widget listens on the window, in the capture phase, which runs before
// any listener of the document. It handles its keys; other plain keys (letters, ↑ / ↓,
// Page Up / Down) are kept from the notebook too, where they are command-mode shortcuts
// ("d d" deletes the cell, ↓ selects the next one), with their browser default (e.g.
// scrolling) left alone; keys with Ctrl/⌘/Alt, Enter, Tab and Esc go on to the notebook,
// so Shift+Enter, Ctrl+S and Esc still work while the widget has focus.

/** @type {Object<string, string>} key -> player action, or a toolbar button's data-action */
export const KEYS = {
  " ": "toggle", ArrowRight: "stepForward", ArrowLeft: "stepBack", Home: "reset", End: "end",
  "?": "help", f: "fullscreen", F: "fullscreen",
};
const BUTTONS = new Set(["help", "fullscreen"]); // keys that press a toolbar button
const PLAIN = new Set(["ArrowUp", "ArrowDown", "PageUp", "PageDown", "Delete", "Backspace"]);

/** Whether a key the widget does not handle is still kept from the notebook's shortcuts. */
export function keptFromNotebook(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return false;
  return [...event.key].length === 1 || PLAIN.has(event.key) || Object.hasOwn(KEYS, event.key);
}

/** What the key of `event` (a keydown inside a widget) does, or null: leave it alone. */
export function keyAction(event) {
  if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return null;
  if (!Object.hasOwn(KEYS, event.key)) return null;
  const control = event.target.closest?.("button, [role='button'], select, input, textarea, [contenteditable=''], [contenteditable='true']");
  // A button takes Space (and Enter) itself; other controls take every key.
  const isButton = control && (control.tagName === "BUTTON" || control.getAttribute("role") === "button");
  if (control && (event.key === " " || !isButton)) return null;
  return KEYS[event.key];
}

/** The drawing's own button (a group's box or title, `[data-toggle]`) that Enter or Space
 * presses, or null. */
export function toggleTarget(event) {
  if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return null;
  if (event.key !== "Enter" && event.key !== " ") return null;
  return event.target.closest?.("[data-toggle]") ?? null;
}

/** Sends the player action of each key pressed inside `root` to `dispatch` ("?" and "f"
 * press the toolbar's button for them), and Enter / Space on a group to `activate(el)`;
 * returns the cleanup. */
export function bindKeys(root, dispatch, activate = null) {
  const view = root.ownerDocument.defaultView ?? root;
  const onKey = (event) => {
    const target = event.target;
    if (event.defaultPrevented || !target?.nodeType || !root.contains(target)) return;
    const toggle = activate && toggleTarget(event);
    if (toggle) { // before the notebook: its Enter would edit the cell
      event.preventDefault();
      event.stopPropagation();
      activate(toggle);
      return;
    }
    const action = keyAction(event);
    if (!action) {
      if (keptFromNotebook(event)) event.stopPropagation(); // its default action still happens
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    if (BUTTONS.has(action)) root.querySelector(`button[data-action="${action}"]`)?.click();
    else dispatch(action);
  };
  view.addEventListener("keydown", onKey, true);
  return () => view.removeEventListener("keydown", onKey, true);
}
