// GraphWidget's _esm: a small loader. The view itself (widget.js, ~75 KB) travels once per
// kernel in the LayoutEngine model's `_view` trait, next to the Graphviz worker, instead of
// in every GraphWidget's state: a saved notebook stores it once, however many graphs it
// shows. The loader finds that model through the widget's `_engine` reference, imports the
// view's source once per page (each widget's ESM may be its own module instance, so the
// modules are kept on globalThis, by source) and renders with it.
import { referencedModel } from "./layout-engine.js";

const PAGE_KEY = "__gradwidget_views__";

/** The view module for this widget model: Promise<{render}>. */
export function viewFor(model) {
  return referencedModel(model, model.get("_engine")).then((engine) => {
    const source = engine.get("_view");
    if (typeof source !== "string" || !source) throw new Error("the layout engine carries no view");
    const views = (globalThis[PAGE_KEY] ??= new Map());
    if (!views.has(source)) {
      const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
      const loaded = import(/* @vite-ignore */ url).then((module) => module.default);
      loaded.finally(() => URL.revokeObjectURL(url)).catch(() => views.delete(source));
      views.set(source, loaded);
    }
    return views.get(source);
  });
}

async function render(context) {
  let view;
  try {
    view = await viewFor(context.model);
  } catch (err) {
    const message = context.el.ownerDocument.createElement("div");
    message.className = "gw-load-error";
    message.setAttribute("role", "alert");
    message.textContent = `Could not load the graph's view: ${err?.message ?? err}`;
    context.el.replaceChildren(message);
    return undefined;
  }
  return view.render(context);
}

export default { render };
