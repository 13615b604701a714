// @vitest-environment happy-dom
import { afterEach, describe, expect, test } from "vitest";
import { VIEWS } from "../modes.js";
import { KEY_HELP, buildToolbar } from "../toolbar.js";

afterEach(() => document.body.replaceChildren());

function mount() {
  const calls = [];
  const actions = {
    player: (action, arg) => calls.push(["player", action, arg]),
    mode: (name) => calls.push(["mode", name]),
    fit: () => calls.push(["fit"]),
    zoom: (factor) => calls.push(["zoom", factor]),
    exportSvg: () => calls.push(["export"]),
  };
  const toolbar = buildToolbar(document, actions);
  const root = document.createElement("div");
  root.className = "gradwidget";
  root.append(toolbar.el);
  document.body.append(root);
  toolbar.sync({ player: { index: 0, length: 4, playing: false, speed: 1 }, mode: "accumulate", status: [[{ text: "Step 0 / 4" }]] });
  const button = (label) => root.querySelector(`button[aria-label="${label}"]`);
  return { root, toolbar, calls, button };
}
const iconOf = (b) => b.querySelector("svg.gw-icon path")?.getAttribute("d");

test("the step status is not a live region (the narration tells each step; two would say it twice)", () => {
  const { root } = mount();
  expect(root.querySelector(".gw-step")).not.toBeNull();
  expect(root.querySelectorAll("[aria-live]")).toHaveLength(0);
});

describe("controls people recognise", () => {
  test("the player's buttons keep their names, End is new, each does its action", () => {
    const { calls, button } = mount();
    const names = { Reset: "reset", "Step back": "stepBack", Play: "play", "Step forward": "stepForward", End: "end" };
    for (const [label, action] of Object.entries(names)) {
      button(label).click();
      expect(calls.at(-1)).toEqual(["player", action, undefined]);
    }
    expect(button("Pause")).not.toBeNull();
  });

  test("step icons differ from the jumps to the ends; Fit's differs from Full screen's", () => {
    const { button } = mount();
    const icons = ["Reset", "Step back", "Step forward", "End", "Fit", "Full screen"].map((label) => iconOf(button(label)));
    expect(new Set(icons).size).toBe(icons.length);
    // A step has its bar behind the triangle: |▶ starts with the bar on the left (x 6..8)
    // and the triangle to its right; ▶| (End) ends with the bar.
    expect(iconOf(button("Step forward"))).toMatch(/^M6 6h2v12H6z/);
    expect(iconOf(button("End"))).toMatch(/h2V6h-2z$/);
  });

  test("every button has a tooltip naming its key where it has one", () => {
    const { button } = mount();
    expect(button("Step forward").title).toBe("Step forward (→)");
    expect(button("Full screen").title).toBe("Full screen (f)");
    expect(button("Keyboard help").title).toBe("Keyboard help (?)");
  });
});

describe("the key help", () => {
  test('"?" toggles a visible list of the keys', () => {
    const { root, button } = mount();
    const help = root.querySelector(".gw-help");
    expect(help.hidden).toBe(true);
    button("Keyboard help").click();
    expect(help.hidden).toBe(false);
    expect(button("Keyboard help").getAttribute("aria-expanded")).toBe("true");
    expect(button("Keyboard help").getAttribute("aria-controls")).toBe(help.id);
    const text = help.textContent;
    for (const key of ["Space", "←", "→", "Home", "End", "f", "?", "Esc"]) expect(text).toContain(key);
    expect(help.querySelectorAll("kbd").length).toBe(KEY_HELP.flatMap(([keys]) => keys).length);
    button("Keyboard help").click();
    expect(help.hidden).toBe(true);
  });

  test("two toolbars on a page have different help ids", () => {
    const a = mount().root.querySelector(".gw-help").id;
    const b = mount().root.querySelector(".gw-help").id;
    expect(a).not.toBe(b);
  });
});

describe("full screen", () => {
  test("asks the widget's root for full screen, and leaves it when pressed again", async () => {
    const { root, button } = mount();
    const asked = [];
    root.requestFullscreen = () => {
      asked.push("enter");
      Object.defineProperty(document, "fullscreenElement", { value: root, configurable: true });
      root.dispatchEvent(new Event("fullscreenchange", { bubbles: true }));
      return Promise.resolve();
    };
    document.exitFullscreen = () => {
      asked.push("exit");
      Object.defineProperty(document, "fullscreenElement", { value: null, configurable: true });
      root.dispatchEvent(new Event("fullscreenchange", { bubbles: true }));
      return Promise.resolve();
    };
    const full = button("Full screen");
    expect(full.getAttribute("aria-pressed")).toBe("false");
    const normalIcon = iconOf(full);
    full.click();
    expect(asked).toEqual(["enter"]);
    expect(full.getAttribute("aria-pressed")).toBe("true");
    expect(iconOf(full)).not.toBe(normalIcon);
    full.click();
    expect(asked).toEqual(["enter", "exit"]);
    expect(full.getAttribute("aria-pressed")).toBe("false");
    expect(iconOf(full)).toBe(normalIcon);
    delete document.exitFullscreen;
    Object.defineProperty(document, "fullscreenElement", { value: null, configurable: true });
  });

  test("a refused request (no user gesture, a policy) changes nothing and throws nothing", async () => {
    const { root, button } = mount();
    root.requestFullscreen = () => Promise.reject(new TypeError("not allowed"));
    button("Full screen").click();
    await Promise.resolve();
    expect(button("Full screen").getAttribute("aria-pressed")).toBe("false");
  });
});

test("the mode switch: buttons, and the same choice as a select for narrow toolbars", () => {
  const { root, toolbar, calls } = mount();
  const select = root.querySelector("select.gw-mode-select");
  expect([...select.options].map((o) => o.value)).toEqual(VIEWS.map((v) => v.name));
  expect(select.value).toBe("accumulate");
  select.value = "compare";
  select.dispatchEvent(new Event("change"));
  expect(calls.at(-1)).toEqual(["mode", "compare"]);
  toolbar.sync({ player: { index: 0, length: 4, playing: false, speed: 1 }, mode: "compare", status: [] });
  expect(select.value).toBe("compare");
  expect(root.querySelector('button[data-mode="compare"]').getAttribute("aria-pressed")).toBe("true");
});

test("the mode switch offers only the views that apply to the graph (values.views), and the one shown", () => {
  const { root, toolbar } = mount();
  const shown = () => [...root.querySelectorAll("button[data-mode]")].filter((b) => !b.hidden).map((b) => b.dataset.mode);
  const options = () => [...root.querySelectorAll("select.gw-mode-select option")].filter((o) => !o.hidden).map((o) => o.value);
  const sync = (views, mode = "accumulate") => toolbar.sync({ player: { index: 0, length: 4, playing: false, speed: 1 }, mode, status: [["Step 0 / 4"]], views });
  expect(shown()).toEqual(VIEWS.map((v) => v.name)); // Python did not say: all of them
  sync(["accumulate", "observed", "compare-observed"]);
  expect(shown()).toEqual(["accumulate", "observed", "compare-observed"]);
  expect(options()).toEqual(["accumulate", "observed", "compare-observed"]);
  sync(["accumulate", "overwrite"], "eager"); // a mode Python set stays visible
  expect(shown()).toEqual(["accumulate", "overwrite", "eager"]);
  sync(null);
  expect(shown()).toHaveLength(VIEWS.length);
});
