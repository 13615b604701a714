import { describe, expect, test } from "vitest";
import { formatNumber, fullNumber, plural } from "../format.js";

describe("formatNumber", () => {
  test.each([
    [2, "2"],
    [-4, "-4"],
    [-12, "-12"],
    [0.5, "0.5"],
    [6.8813735, "6.881"],
    [1.5e-5, "1.5e-5"],
    [1234567, "1.235e+6"],
    [1.23e6, "1.23e+6"],
    [1234.4, "1234"],
    [0.001234, "0.001234"],
    [0.00099, "9.9e-4"],
    [-0, "0"],
    [0, "0"],
    [0.1 + 0.2, "0.3"],
  ])("%s -> %s", (x, text) => {
    expect(formatNumber(x)).toBe(text);
  });

  test.each([NaN, Infinity, -Infinity, null, undefined, "2"])("%s is not a number to show", (x) => {
    expect(formatNumber(x)).toBe("—");
  });

  test("uses the ASCII minus, so the text parses back", () => {
    expect(Number(formatNumber(-6.25))).toBe(-6.25);
    expect(Number(formatNumber(-1.5e-5))).toBe(-1.5e-5);
  });
});

test("fullNumber keeps every digit and is empty for non-numbers", () => {
  expect(fullNumber(0.1 + 0.2)).toBe("0.30000000000000004");
  expect(Number(fullNumber(Math.PI))).toBe(Math.PI);
  expect(fullNumber(NaN)).toBe("");
});

test("plural", () => {
  expect(plural(1, "node")).toBe("1 node");
  expect(plural(0, "node")).toBe("0 nodes");
  expect(plural(2, "leaf", "leaves")).toBe("2 leaves");
  expect(plural(1, "leaf", "leaves")).toBe("1 leaf");
});
