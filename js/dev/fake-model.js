// A stand-in for anywidget's model, enough for render(): get/set/on/off/save_changes/send
// and widget_manager.get_model for the LayoutEngine. Used by the dev harness and tests.

export function fakeModel(traits, { workerSource = "", engineModel } = {}) {
  const state = { mode: "accumulate", max_nodes: 5000, _engine: "IPY_MODEL_engine", ...traits };
  const listeners = new Map(); // event name -> Set of callbacks
  const sent = []; // messages to "Python"
  const emit = (name, ...args) => [...(listeners.get(name) ?? [])].forEach((fn) => fn(...args));
  const engine = engineModel ?? { get: (name) => (name === "_worker" ? workerSource : undefined) };
  return {
    sent,
    saved: 0,
    get: (name) => state[name],
    set(name, value) { // like Backbone: a set notifies this side's listeners at once
      if (state[name] === value) return;
      state[name] = value;
      emit(`change:${name}`, this, value);
    },
    save_changes() { this.saved++; },
    on(name, fn) {
      if (!listeners.has(name)) listeners.set(name, new Set());
      listeners.get(name).add(fn);
    },
    off(name, fn) { listeners.get(name)?.delete(fn); },
    send(message) { sent.push(message); },
    /** What the kernel would do: a custom message to the view. */
    receive(message) { emit("msg:custom", message, []); },
    listenerCount: () => [...listeners.values()].reduce((n, set) => n + set.size, 0),
    widget_manager: {
      get_model: async (id) => {
        if (id !== "engine") throw new Error(`no model ${id}`);
        return engine;
      },
    },
  };
}
