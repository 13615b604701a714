// @vitest-environment happy-dom
// The findings banner (notice.js): what gradwidget.check() found in a student's own
// Value class (values.findings, values.foreign), in the widget's notice line.
import { describe, expect, test } from "vitest";
import { createNotice, findingsNotice } from "../notice.js";
import { plainText } from "../text.js";
import aPlusA from "./fixtures/a_plus_a.json";

const OVERWRITE = "the backward of `+` assigns `self.grad = ...` instead of adding to it; use `+=`";
const GRADIENT = "`a.grad` is 1 but the chain rule gives 2: the backward of `+` assigns `self.grad = ...`; use `+=`";

describe("findingsNotice", () => {
  test("gradwidget's own Values: no banner", () => {
    expect(aPlusA.values.findings).toEqual([]);
    expect(aPlusA.values.foreign).toBeNull();
    expect(findingsNotice(aPlusA.values)).toEqual({ findings: null, checked: null });
    expect(findingsNotice({})).toEqual({ findings: null, checked: null }); // an older kernel
  });

  test("their class with findings: one line per finding, named by the class", () => {
    const { findings, checked } = findingsNotice({ foreign: "BuggyValue", findings: [OVERWRITE, GRADIENT] });
    expect(checked).toBeNull();
    expect(plainText(findings)).toBe(`Your BuggyValue class's backward(), checked against the chain rule:\n${OVERWRITE}\n${GRADIENT}`);
  });

  test("more than four findings: the rest are counted", () => {
    const many = Array.from({ length: 6 }, (_, i) => `finding ${i}`);
    const text = plainText(findingsNotice({ foreign: "V", findings: many }).findings);
    expect(text).toContain("finding 3");
    expect(text).not.toContain("finding 4");
    expect(text).toContain("… and 2 more: gradwidget.check(root) lists them all.");
  });

  test("their class without findings: the positive line", () => {
    expect(findingsNotice({ foreign: "FixedValue", findings: [] })).toEqual({
      findings: null,
      checked: "Your _backward functions accumulate: every gradient matches the chain rule.",
    });
  });

  test("the notice line shows them, findings before stale numbers, as text", () => {
    const notice = createNotice(document);
    notice.set("stale", "a.data changed");
    const banner = findingsNotice({ foreign: "<img src=x onerror=alert(1)>", findings: [OVERWRITE] });
    notice.set("findings", banner.findings);
    notice.set("checked", banner.checked);
    const lines = [...notice.el.children];
    expect(lines.map((l) => l.dataset.source)).toEqual(["findings", "stale"]);
    expect(lines[0].querySelector("img")).toBeNull();
    expect(lines[0].textContent).toContain("<img src=x onerror=alert(1)>");
    expect(lines[0].textContent).toContain(OVERWRITE);
  });
});
