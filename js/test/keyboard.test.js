// @vitest-environment happy-dom
// Keys inside the widget drive it and never reach the notebook's shortcuts, which
// Notebook 7 matches in a capture listener on the document (JupyterLab as the key
// bubbles); every other key goes through.
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { bindKeys, keyAction } from "../keyboard.js";
import { buildToolbar } from "../toolbar.js";

let root, actions, notebookSaw, unbind;
const notebookCapture = (event) => notebookSaw.push(["capture", event.key]);
const notebookBubble = (event) => notebookSaw.push(["bubble", event.key]);

beforeEach(() => {
  actions = [];
  notebookSaw = [];
  root = document.createElement("div");
  root.className = "gradwidget";
  root.tabIndex = 0;
  const toolbar = buildToolbar(document, { player: () => {}, mode: () => {}, fit: () => {}, zoom: () => {}, exportSvg: () => {} });
  const slider = document.createElement("input");
  slider.type = "range";
  root.append(toolbar.el, slider);
  document.body.append(root);
  document.addEventListener("keydown", notebookCapture, true); // Notebook 7's Lumino
  document.addEventListener("keydown", notebookBubble); // JupyterLab's
  unbind = bindKeys(root, (action) => actions.push(action));
});
afterEach(() => {
  unbind();
  document.removeEventListener("keydown", notebookCapture, true);
  document.removeEventListener("keydown", notebookBubble);
  document.body.replaceChildren();
});

const press = (target, key, init = {}) => {
  const event = new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true, ...init });
  target.dispatchEvent(event);
  return event;
};

describe("keys inside the widget", () => {
  test("drive the player and never reach the notebook's shortcuts", () => {
    for (const key of [" ", "ArrowRight", "ArrowLeft", "Home", "End"]) {
      expect(press(root, key).defaultPrevented).toBe(true);
    }
    expect(actions).toEqual(["toggle", "stepForward", "stepBack", "reset", "end"]);
    expect(notebookSaw).toEqual([]);
  });

  test("also when the focus is on a toolbar button (arrows step, Space presses the button)", () => {
    const reset = root.querySelector('button[aria-label="Reset"]');
    press(reset, "ArrowRight");
    expect(actions).toEqual(["stepForward"]);
    const space = press(reset, " ");
    expect(space.defaultPrevented).toBe(false); // the button's own Space: it is pressed
    expect(actions).toEqual(["stepForward"]);
    expect(notebookSaw).toEqual([]);
  });

  test('"?" shows and hides the key help, "f" presses Full screen', () => {
    const help = root.querySelector(".gw-help");
    expect(help.hidden).toBe(true);
    press(root, "?", { shiftKey: true });
    expect(help.hidden).toBe(false);
    expect(root.querySelector('button[aria-label="Keyboard help"]').getAttribute("aria-expanded")).toBe("true");
    press(root, "?", { shiftKey: true });
    expect(help.hidden).toBe(true);
    let pressed = 0;
    root.querySelector('button[aria-label="Full screen"]').addEventListener("click", () => pressed++);
    press(root, "f");
    expect(pressed).toBe(1);
    expect(notebookSaw).toEqual([]);
    expect(actions).toEqual([]);
  });

  test("a slider keeps its arrows; other plain keys are kept from the notebook but not prevented", () => {
    const slider = root.querySelector("input[type=range]");
    expect(press(slider, "ArrowRight").defaultPrevented).toBe(false);
    for (const key of ["d", "a", "ArrowDown", "ArrowUp", "PageDown", "1"]) expect(press(root, key).defaultPrevented).toBe(false);
    expect(actions).toEqual([]);
    expect(notebookSaw).toEqual([]); // no "d d" deleting the cell, no ↓ selecting the next one
  });

  test("keys with Ctrl/⌘/Alt, Enter, Tab and Esc go on to the notebook", () => {
    press(root, "s", { ctrlKey: true });
    press(root, "ArrowRight", { metaKey: true });
    press(root, "Enter", { shiftKey: true });
    press(root, "Escape");
    press(root, "Tab");
    expect(actions).toEqual([]);
    expect(notebookSaw.filter(([phase]) => phase === "capture").map(([, key]) => key)).toEqual(["s", "ArrowRight", "Enter", "Escape", "Tab"]);
  });

  test("keys outside the widget are not its business", () => {
    const outside = document.createElement("div");
    document.body.append(outside);
    press(outside, "ArrowRight");
    expect(actions).toEqual([]);
    expect(notebookSaw).toEqual([["capture", "ArrowRight"], ["bubble", "ArrowRight"]]);
  });

  test("unbinding stops it", () => {
    unbind();
    press(root, "ArrowRight");
    expect(actions).toEqual([]);
    unbind = () => {};
  });
});

test("keyAction: the table, controls and modifiers", () => {
  const div = document.createElement("div");
  const event = (key, init = {}, target = div) => ({ key, target, ctrlKey: false, metaKey: false, altKey: false, ...init });
  expect(keyAction(event("End"))).toBe("end");
  expect(keyAction(event("F"))).toBe("fullscreen");
  expect(keyAction(event("x"))).toBeNull();
  expect(keyAction(event("End", { altKey: true }))).toBeNull();
  expect(keyAction(event("ArrowLeft", {}, document.createElement("select")))).toBeNull();
});
