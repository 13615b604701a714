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
