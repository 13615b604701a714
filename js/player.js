// The player: a pure state machine (update), and createPlayback, which holds one state
// and ticks it on a timer while it plays.
// index = number of lesson steps done, 0..length (replay.js). A new player starts at
// the end, paused; the view places it at the lesson's start (view.js).

/** @typedef {{index: number, length: number, playing: boolean, speed: number}} PlayerState */

export const SPEEDS = [0.5, 1, 2, 4];
const STEPS_PER_SECOND = 2; // at speed 1×

/** @returns {PlayerState} */
export function createPlayer(length) {
  return { index: length, length, playing: false, speed: 1 };
}

/** Next state for an action name (see the switch); unknown actions change nothing.
 * @param {PlayerState} state @returns {PlayerState} */
export function update(state, action, arg) {
  const at = (index, playing = false) => ({ ...state, index: clamp(index, 0, state.length), playing });
  switch (action) {
    case "play": // from the end, play starts over
      return state.length === 0 ? at(0) : at(state.index >= state.length ? 0 : state.index, true);
    case "pause":
      return at(state.index);
    case "toggle":
      return update(state, state.playing ? "pause" : "play");
    case "stepForward":
      return at(state.index + 1);
    case "stepBack":
      return at(state.index - 1);
    case "reset":
      return at(0);
    case "end":
      return at(state.length);
    case "seek":
      return at(arg);
    case "tick": { // stops by itself on the last step
      if (!state.playing) return state;
      const index = Math.min(state.index + 1, state.length);
      return at(index, index < state.length);
    }
    case "speed":
      return SPEEDS.includes(arg) ? { ...state, speed: arg } : state;
    case "resize": { // a new replay: stay at the end if we were there, else keep the step
      const length = arg;
      const index = state.index >= state.length ? length : Math.min(state.index, length);
      return { ...state, length, index, playing: state.playing && index < length };
    }
    default:
      return state;
  }
}

/** Milliseconds between ticks at the state's speed. */
export function intervalMs(state) {
  return 1000 / (STEPS_PER_SECOND * state.speed);
}

const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));

/**
 * One player and its timer. `dispatch(action, arg)` applies an action, schedules the
 * next tick while playing and calls `onChange(state)`; `resize(length)` adopts a new
 * replay's length without calling it (the caller redraws anyway).
 */
export function createPlayback(onChange) {
  let state = createPlayer(0);
  let timer = null;
  const schedule = () => {
    clearTimeout(timer);
    timer = state.playing ? setTimeout(() => dispatch("tick"), intervalMs(state)) : null;
  };
  function dispatch(action, arg) {
    state = update(state, action, arg);
    schedule();
    onChange(state);
  }
  return {
    get state() { return state; },
    dispatch,
    resize(length) {
      const playing = state.playing;
      state = update(state, "resize", length);
      if (playing && !state.playing) schedule();
    },
    /** Puts the player at step `index`, paused, without calling onChange. */
    place(index) {
      clearTimeout(timer);
      state = update(state, "seek", index);
    },
    stop() { clearTimeout(timer); },
  };
}
