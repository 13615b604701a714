// @vitest-environment happy-dom
import { expect, test } from "vitest";
import { SVG_CSS, injectStyles } from "../styles.js";

test("every theme token becomes a --jp-* variable with a fallback; no line through any text", () => {
  injectStyles(document);
  const css = document.getElementById("gradwidget-styles").textContent;
  expect(css.startsWith(SVG_CSS)).toBe(true);
  expect(css).not.toMatch(/\$[a-z]/); // a token THEME does not know would stay as "$name"
  expect(css).toContain("var(--jp-brand-color1, #1976d2)");
  expect(css.match(/var\(--jp-[\w-]+, [^)]+\)/g).length).toBeGreaterThan(60);
  expect(css).not.toMatch(/line-through/);
  expect(css).toMatch(/\.gw-lost-term \{[^}]*text-decoration: none[^}]*dashed/);
  expect(css).toMatch(/\.gradwidget:focus-visible \{[^}]*outline: 2px solid/);
});

test("a widget rendered in a shadow root (marimo) gets the stylesheet there, once; a page's widget in the head", () => {
  const host = document.body.appendChild(document.createElement("div"));
  const shadow = host.attachShadow({ mode: "open" });
  const first = shadow.appendChild(document.createElement("div"));
  const second = shadow.appendChild(document.createElement("div"));
  const before = document.head.querySelectorAll("#gradwidget-styles").length;
  injectStyles(first);
  injectStyles(second);
  const inShadow = shadow.querySelectorAll("#gradwidget-styles");
  expect(inShadow).toHaveLength(1);
  expect(inShadow[0].textContent.startsWith(SVG_CSS)).toBe(true);
  expect(document.head.querySelectorAll("#gradwidget-styles")).toHaveLength(before); // nothing added there

  const plain = document.body.appendChild(document.createElement("div"));
  injectStyles(plain);
  expect(document.head.querySelectorAll("#gradwidget-styles")).toHaveLength(1);
  expect(shadow.querySelectorAll("#gradwidget-styles")).toHaveLength(1);
});
