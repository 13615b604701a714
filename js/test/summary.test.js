// @vitest-environment happy-dom
import { expect, test, vi } from "vitest";
import { renderSummary, summarize } from "../summary.js";
import { diamond } from "./fixtures.js";

test("summarize counts nodes, edges, leaves, ops and multi-contribution nodes", () => {
  expect(summarize(diamond.structure)).toEqual({
    nodes: 7,
    edges: 8,
    leaves: 3,
    multi: 2, // a and c are each used twice
    perOp: [["leaf", 3], ["*", 2], ["+", 1], ["-", 1]],
  });
});

test("renderSummary shows the counts and draws on request", () => {
  const el = document.createElement("div");
  const onDraw = vi.fn();
  renderSummary(el, summarize(diamond.structure), 5, onDraw);
  expect(el.textContent).toContain("7 nodes and 8 edges");
  expect(el.textContent).toContain("max_nodes = 5");
  expect(el.querySelectorAll("tr")).toHaveLength(4);
  el.querySelector("button").click();
  expect(onDraw).toHaveBeenCalledOnce();
});
