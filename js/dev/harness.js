// Renders the built widget (gradwidget/static/) with a fake model; see index.html.
// window.harness lets Playwright drive it: harness.model, harness.ready (layout done).
import widget from "../../gradwidget/static/widget.js";
import { diamond, doubled, randomDag } from "../test/fixtures.js";
import { fakeModel } from "./fake-model.js";

const params = new URLSearchParams(location.search);
const theme = params.get("theme") ?? "light";
document.body.className = theme;

const cases = {
  diamond: () => diamond,
  doubled: () => doubled,
  random: () => randomDag(Number(params.get("n") ?? 200), Number(params.get("seed") ?? 1)),
  big: () => randomDag(400, 3),
  evil: () => ({ ...diamond, structure: { ...diamond.structure, nodes: diamond.structure.nodes.map((n) => (n.id === 0 ? { ...n, label: "<img src=x onerror=alert(1)>" } : n)) } }),
};
const { structure, values } = cases[params.get("case") ?? "diamond"]();

const workerSource = await (await fetch("../../gradwidget/static/layout-worker.js")).text();
if (params.has("noworker")) window.Worker = undefined; // try the main-thread fallback
const model = fakeModel(
  { structure, values, mode: params.get("mode") ?? "accumulate", max_nodes: params.get("case") === "big" ? 300 : 5000 },
  { workerSource },
);
const started = performance.now();
const cleanup = widget.render({ model, el: document.getElementById("host") });
window.harness = { model, cleanup, started, structure, values };
