// @vitest-environment happy-dom
import { expect, test, vi } from "vitest";
import { renderSummary } from "../summary.js";

const summary = { nodes: 65817, edges: 98000, leaves: 540, ops: { "+": 31000, "*": 30800, tanh: 3477 }, multi: 340 };

test("renderSummary shows the counts, ops by count, and draws on request", () => {
  const el = document.createElement("div");
  const onDraw = vi.fn();
  renderSummary(el, summary, 2500, onDraw);
  expect(el.textContent).toContain("65817 nodes and 98000 edges");
  expect(el.textContent).toContain("max_nodes = 2500");
  expect(el.textContent).toContain("540 leaves; 340 nodes get more than one contribution");
  const rows = [...el.querySelectorAll("tr")].map((tr) => tr.textContent);
  expect(rows).toEqual(["+31000", "*30800", "tanh3477", "leaf540"]);
  el.querySelector("button").click();
  expect(onDraw).toHaveBeenCalledOnce();
});

test("labels in a summary are text", () => {
  const el = document.createElement("div");
  renderSummary(el, { ...summary, ops: { "<b>x</b>": 1 } }, 10, () => {});
  expect(el.querySelector("b")).toBeNull();
});

test("counts of one are singular", () => {
  const el = document.createElement("div");
  renderSummary(el, { nodes: 1, edges: 1, leaves: 1, ops: {}, multi: 1 }, 0, () => {});
  expect(el.textContent).toContain("This graph has 1 node and 1 edge,");
  expect(el.textContent).toContain("1 leaf; 1 node gets more than one contribution");
  renderSummary(el, { nodes: 3, edges: 0, leaves: 0, ops: {}, multi: 0 }, 2, () => {});
  expect(el.textContent).toContain("3 nodes and 0 edges");
  expect(el.textContent).toContain("0 leaves; 0 nodes get more");
});
