// The modes, from their one definition in gradwidget/modes.json (Python reads it too):
// `views` are the values of the widget's `mode` trait, each listing the replay panels it
// shows; `replays` give each panel's title.
import MODES from "../gradwidget/modes.json";
import { user } from "./text.js";

export const DEFAULT_VIEW = "accumulate";

/** The mode switch's buttons, in order: [{name, label}]. */
export const VIEWS = Object.entries(MODES.views).map(([name, view]) => ({ name, label: view.label }));

/**
 * What a `mode` value shows: {name, known, requested, panels: [{replay, title, bug}]}.
 * A value that is not a view (a typo, "__proto__") shows the default view, with known false.
 * Panels are titled only when there are several to tell apart.
 */
export function viewOf(mode) {
  const known = typeof mode === "string" && Object.hasOwn(MODES.views, mode);
  const name = known ? mode : DEFAULT_VIEW;
  const replays = MODES.views[name].panels;
  const panels = replays.map((replay) => ({
    replay,
    title: replays.length > 1 ? MODES.replays[replay].title : null,
    bug: MODES.replays[replay].bug,
  }));
  return { name, known, requested: mode, panels };
}

/** The notice for a mode that is not a view (text pieces), or null. */
export function modeNotice(view) {
  if (view.known) return null;
  const names = VIEWS.map((v) => v.name).join(", ");
  return ["Unknown mode ", user(String(view.requested)), `: showing ${view.name} (the modes are ${names}).`];
}
