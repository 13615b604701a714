// Renders the built widget (gradwidget/static/) with a fake model; see index.html.
// window.harness lets Playwright drive it: harness.model, harness.ready (layout done).
import widget from "../../gradwidget/static/widget.js";
import { diamond, doubled, randomDag, summarized } from "../test/fixtures.js";
import { fakeModel } from "./fake-model.js";

const params = new URLSearchParams(location.search);
const theme = params.get("theme") ?? "light";
document.body.className = theme;

const cases = {
  diamond: () => diamond,
  doubled: () => doubled,
  random: () => randomDag(Number(params.get("n") ?? 200), Number(params.get("seed") ?? 1)),
  big: () => summarized,
  sliders: () => diamond,
  evil: () => ({ ...diamond, structure: { ...diamond.structure, nodes: diamond.structure.nodes.map((n) => (n.id === 0 ? { ...n, label: "<img src=x onerror=alert(1)>" } : n)) } }),
};
const { structure, values } = cases[params.get("case") ?? "diamond"]();

const workerSource = await (await fetch("../../gradwidget/static/layout-worker.js")).text();
if (params.has("noworker")) window.Worker = undefined; // try the main-thread fallback
const sliders = params.get("case") === "sliders"
  ? [{ name: "a", min: -3, max: 3, step: 0.1, value: 2 }, { name: "b", min: -3, max: 3, step: 0.1, value: 3 }]
  : [];
const model = fakeModel(
  { structure, values, sliders, mode: params.get("mode") ?? "accumulate", max_nodes: 2500 },
  { workerSource },
);
// No kernel here: answer each slide with the same numbers, as Python would with new ones.
const send = model.send.bind(model);
model.send = (message) => {
  send(message);
  if (message.type === "slide") setTimeout(() => model.set("values", { ...model.get("values"), seq: message.seq, error: null }), 50);
};
const started = performance.now();
const cleanup = widget.render({ model, el: document.getElementById("host") });
window.harness = { model, cleanup, started, structure, values };
