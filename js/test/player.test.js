import { describe, expect, test } from "vitest";
import { createPlayer, intervalMs, update } from "../player.js";

const run = (state, ...actions) => actions.reduce((s, a) => (Array.isArray(a) ? update(s, ...a) : update(s, a)), state);

describe("player", () => {
  test("starts at the end, paused", () => {
    expect(createPlayer(4)).toEqual({ index: 4, length: 4, playing: false, speed: 1 });
  });

  test("play from the end starts over", () => {
    const s = update(createPlayer(4), "play");
    expect(s).toMatchObject({ index: 0, playing: true });
  });

  test("ticks advance while playing and stop on the last step", () => {
    let s = run(createPlayer(3), "play");
    s = run(s, "tick", "tick");
    expect(s).toMatchObject({ index: 2, playing: true });
    s = update(s, "tick");
    expect(s).toMatchObject({ index: 3, playing: false });
    expect(update(s, "tick")).toBe(s);
  });

  test("ticks do nothing when paused", () => {
    const s = run(createPlayer(3), "reset");
    expect(update(s, "tick").index).toBe(0);
  });

  test("steps pause and stay within 0..length", () => {
    let s = run(createPlayer(2), "play", "stepForward");
    expect(s).toMatchObject({ index: 1, playing: false });
    s = run(s, "stepForward", "stepForward", "stepForward");
    expect(s.index).toBe(2);
    s = run(s, "stepBack", "stepBack", "stepBack");
    expect(s.index).toBe(0);
  });

  test("toggle, reset, end, seek", () => {
    let s = run(createPlayer(5), ["seek", 2], "toggle");
    expect(s).toMatchObject({ index: 2, playing: true });
    s = update(s, "toggle");
    expect(s).toMatchObject({ index: 2, playing: false });
    expect(run(s, "end").index).toBe(5);
    expect(run(s, "play", "reset")).toMatchObject({ index: 0, playing: false });
    expect(update(s, "seek", 99).index).toBe(5);
  });

  test("speed changes the tick interval; unknown speeds are ignored", () => {
    const s = createPlayer(5);
    expect(intervalMs(update(s, "speed", 2))).toBe(intervalMs(s) / 2);
    expect(intervalMs(update(s, "speed", 0.5))).toBe(intervalMs(s) * 2);
    expect(update(s, "speed", 3)).toBe(s);
  });

  test("a new replay keeps the end at the end, and a middle step where it was", () => {
    expect(update(createPlayer(4), "resize", 6)).toMatchObject({ index: 6, length: 6 });
    const middle = update(createPlayer(4), "seek", 2);
    expect(update(middle, "resize", 6)).toMatchObject({ index: 2, length: 6 });
    expect(update(middle, "resize", 1)).toMatchObject({ index: 1, length: 1 });
  });

  test("an empty replay cannot play", () => {
    expect(update(createPlayer(0), "play")).toMatchObject({ index: 0, playing: false });
  });
});
