// Keys while the widget has focus: Space play/pause, → / ← step, Home reset, End end.
// Controls keep their own keys (a slider's arrows, a button's Space).

const KEYS = { " ": "toggle", ArrowRight: "stepForward", ArrowLeft: "stepBack", Home: "reset", End: "end" };

/** Sends the player action of each key pressed inside `root` to `dispatch`; returns the cleanup. */
export function bindKeys(root, dispatch) {
  const onKey = (event) => {
    if (!Object.hasOwn(KEYS, event.key)) return;
    const control = event.target.closest?.("button, select, input");
    if (control && (event.key === " " || control.tagName !== "BUTTON")) return;
    event.preventDefault();
    dispatch(KEYS[event.key]);
  };
  root.addEventListener("keydown", onKey);
  return () => root.removeEventListener("keydown", onKey);
}
