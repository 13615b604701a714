// Renders the built widget (gradwidget/static/) with a fake model; see index.html.
// The payloads are Python's: js/test/fixtures/*.json (scripts/js_fixtures.py), and for
// `random`, /js/dev/random.json, which `python js/dev/check.py --serve` makes on request.
// window.harness lets Playwright drive it: harness.model, harness.models (one per widget).
import { fakeModel } from "./fake-model.js";

const params = new URLSearchParams(location.search);
const theme = params.get("theme") ?? "light";
document.body.className = theme;

const fixture = async (name) => (await fetch(`../test/fixtures/${name}.json`)).json();
const FIXTURES = { diamond: "diamond", doubled: "a_plus_a", lecture: "lecture_def", neuron: "neuron", mlp: "mlp", big: "summary", sliders: "diamond" };
const caseName = params.get("case") ?? "diamond";

async function payload() {
  if (caseName === "random") {
    const query = new URLSearchParams({ n: params.get("n") ?? "200", seed: params.get("seed") ?? "1" });
    return (await fetch(`./random.json?${query}`)).json();
  }
  if (caseName === "evil") return evil(await fixture("diamond"));
  if (!Object.hasOwn(FIXTURES, caseName)) throw new Error(`no case ${caseName}: one of ${Object.keys(FIXTURES)}, random, evil`);
  return fixture(FIXTURES[caseName]);
}

// Labels that try markup and bidi tricks (a: HTML, c: a right-to-left override).
function evil(diamond) {
  const labels = { a: "<img src=x onerror=alert(1)>", c: "\u202Ec2" };
  const rename = (n) => (Object.hasOwn(labels, n.label) ? { ...n, label: labels[n.label], name: labels[n.label] } : n);
  const structure = { ...diamond.structure, key: "evil", nodes: diamond.structure.nodes.map(rename) };
  const sliders = diamond.sliders.map((s) => ({ ...s, name: labels[s.name] ?? s.name }));
  return { ...diamond, structure, values: { ...diamond.values, key: "evil" }, sliders };
}

const { structure, values, sliders, max_nodes: maxNodes } = await payload();
const workerSource = await (await fetch("../../gradwidget/static/layout-worker.js")).text();
if (params.has("noworker")) window.Worker = undefined; // try the main-thread fallback
const withSliders = caseName === "sliders" || caseName === "evil";

// `widgets=2`: two widgets, each from its own evaluation of the bundle (as in two
// notebook outputs), to see that they do not share anything they must not.
const count = Number(params.get("widgets") ?? 1);
const host = document.getElementById("host");
const models = [];
const started = performance.now();
for (let i = 0; i < count; i++) {
  const { default: widget } = await import(`../../gradwidget/static/widget.js?copy=${i}`);
  const model = fakeModel(
    { structure, values, sliders: withSliders ? sliders : [], mode: params.get("mode") ?? "accumulate", max_nodes: maxNodes,
      scale: Number(params.get("scale") ?? 1), start: params.get("start") ?? "begin", forward: params.has("forward") },
    { workerSource },
  );
  // No kernel here: answer each slide with the same numbers, as Python would with new ones
  // (`nokernel` leaves slides unanswered, as a page whose kernel is gone).
  const send = model.send.bind(model);
  model.send = (message) => {
    send(message);
    if (message.type === "slide" && !params.has("nokernel")) {
      setTimeout(() => model.set("values", { ...model.get("values"), seq: message.seq, error: null }), 50);
    }
  };
  const el = host.appendChild(document.createElement("div"));
  el.className = "widget";
  widget.render({ model, el });
  models.push(model);
}
window.harness = { model: models[0], models, started, structure, values };
