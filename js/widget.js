// GraphWidget's view for anywidget: render({model, el}) feeds the traits (docs/protocol.md)
// to one view (view.js) and writes the user's choices back. Returns its cleanup.
import { engineFor } from "./layout-engine.js";
import { injectStyles } from "./styles.js";
import { createView } from "./view.js";

function render({ model, el }) {
  injectStyles(el); // into the page, or into the shadow root the widget is rendered in
  const save = (name, value) => {
    model.set(name, value);
    model.save_changes();
  };
  const view = createView(el.ownerDocument, {
    engine: () => engineFor(model),
    setMode: (mode) => save("mode", mode),
    drawAll: (count) => save("max_nodes", count),
    setExpanded: (keys) => save("expanded", keys),
    send: (message) => model.send(message),
  });
  const handlers = {
    "change:sliders": () => view.setSliders(model.get("sliders")),
    "change:quiz": () => view.setQuiz(model.get("quiz")),
    "change:scale": () => view.setScale(model.get("scale") ?? 1),
    "change:start": () => view.setLesson({ start: model.get("start") }),
    "change:forward": () => view.setLesson({ forward: model.get("forward") }),
    "change:mode": () => view.setMode(model.get("mode")),
    "change:values": () => view.setValues(model.get("values")),
    "change:structure": () => view.setStructure(model.get("structure"), model.get("max_nodes")),
    "change:_request": () => answer(model.get("_request")),
  };
  // Python's requests (export_svg, export_animation) are a trait, so a view drawn after
  // the request was made (the cell after display() runs first) still answers it; each
  // view answers a request once, with its id.
  let answered = null;
  function answer(request) {
    if (!request?.type || request.id === answered) return;
    answered = request.id;
    const reply = (text, type) => model.send({ type, id: request.id, svg: text });
    const failed = (type) => (err) => model.send({ type, id: request.id, error: String(err?.message ?? err) });
    if (request.type === "export_svg") view.svgText().then((svg) => reply(svg, "svg"), failed("svg"));
    if (request.type === "export_animation") view.animationText().then((svg) => reply(svg, "animation"), failed("animation"));
  }
  for (const [name, fn] of Object.entries(handlers)) model.on(name, fn);
  el.append(view.el);
  // A front end may render into an element not yet in its shadow root: look again once it is.
  globalThis.requestAnimationFrame?.(() => injectStyles(el));
  view.setSliders(model.get("sliders"));
  view.setQuiz(model.get("quiz") ?? null);
  view.setScale(model.get("scale") ?? 1);
  view.setLesson({ start: model.get("start") ?? "begin", forward: model.get("forward") ?? false });
  view.setMode(model.get("mode"));
  view.setValues(model.get("values"), { timed: false }); // part of the first drawing, not an update
  handlers["change:structure"]();
  answer(model.get("_request"));

  return () => {
    for (const [name, fn] of Object.entries(handlers)) model.off(name, fn);
    view.destroy();
  };
}

export default { render };
