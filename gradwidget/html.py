"""Static HTML: widgets saved as one self-contained file that plays with no kernel and no
network.

    from gradwidget.html import save_html
    save_html(GraphWidget(L), "diamond.html")          # or a list of widgets

The file holds the widgets' state (the standard `application/vnd.jupyter.widget-state+json`
format: each widget's traits, the models they reference, such as the one LayoutEngine
with the Graphviz worker, and the widget's own JavaScript, `_esm`) and a small loader that
gives each widget's `render()` the model interface anywidget gives it (get, set, on, off,
save_changes, send). Nothing is fetched: the page opens from a file, an e-mail attachment
or any static host. What needs Python says so on the page: a slider has no kernel to
answer it, and is put back with a notice after 3 s (docs/protocol.md).

To export a whole notebook (every output, other widgets too) use scripts/export_html.py.
"""

import html
import json
import pathlib

import anywidget
import ipywidgets
from ipywidgets.widgets.widget import _remove_buffers

STATE_MIME = "application/vnd.jupyter.widget-state+json"

# Gives each saved widget the model interface of anywidget's render({model, el}).
_LOADER = r"""
const saved = JSON.parse(document.getElementById("gw-state").textContent).state;
const views = JSON.parse(document.getElementById("gw-views").textContent);
const models = new Map();
const modules = new Map(); // _esm text -> Promise<module>

function makeModel(id) {
  const state = { ...saved[id].state };
  const listeners = new Map();
  const model = {
    get: (name) => state[name],
    set(name, value) {
      state[name] = value;
      for (const fn of [...(listeners.get(`change:${name}`) ?? [])]) fn(model, value);
    },
    save_changes() {},
    send() {}, // no kernel in a saved page
    on(name, fn) {
      if (!listeners.has(name)) listeners.set(name, new Set());
      listeners.get(name).add(fn);
    },
    off(name, fn) {
      if (name && fn) listeners.get(name)?.delete(fn);
      else if (name) listeners.delete(name);
      else listeners.clear();
    },
    widget_manager: {
      async get_model(ref) {
        if (!models.has(ref)) throw new Error(`model ${ref} is not saved in this page`);
        return models.get(ref);
      },
    },
  };
  return model;
}

function load(esm) {
  if (!modules.has(esm)) {
    const url = URL.createObjectURL(new Blob([esm], { type: "text/javascript" }));
    modules.set(esm, import(url));
  }
  return modules.get(esm);
}

for (const id of Object.keys(saved)) models.set(id, makeModel(id));
for (const { id, el } of views.map((id) => ({ id, el: document.getElementById(`gw-view-${id}`) }))) {
  const model = models.get(id);
  try {
    const css = model.get("_css");
    if (css) document.head.append(Object.assign(document.createElement("style"), { textContent: css }));
    const mod = await load(model.get("_esm"));
    let widget = mod.default ?? mod;
    if (typeof widget === "function") widget = await widget();
    el.replaceChildren();
    await widget.render({ model, el });
  } catch (err) {
    el.textContent = `This widget could not be shown: ${err?.message ?? err}`;
    el.className = "gw-saved-error";
  }
}
"""

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{title}</title>
<style>
  body {{ margin: 24px; font-family: system-ui, sans-serif; color: #212121; background: #fff; }}
  .gw-saved-note {{ color: #616161; font-size: 13px; margin: 0 0 16px; }}
  .gw-saved-view {{ margin-bottom: 24px; max-width: 1200px; }}
  .gw-saved-error {{ color: #b71c1c; }}
</style>
</head>
<body>
<h1 style="font-size: 18px; font-weight: 600">{title}</h1>
<p class="gw-saved-note">Saved from gradwidget: the graph plays here without Python. Sliders need
a running kernel: open the notebook to use them.</p>
{views}
<script type="application/json" id="gw-views">{view_ids}</script>
<script type="{mime}" id="gw-state">{state}</script>
<script type="module">{loader}</script>
</body>
</html>
"""


def save_html(widgets, path, title="gradwidget"):
    """Writes `widgets` (one widget, e.g. a GraphWidget, or a list of them) to the HTML file
    `path`, which shows them with no kernel and no network. Returns the path."""
    views = [widgets] if isinstance(widgets, ipywidgets.Widget) else list(widgets)
    if not views:
        raise ValueError("save_html needs at least one widget")
    for view in views:
        if not isinstance(view, anywidget.AnyWidget):
            raise TypeError(f"save_html saves anywidgets such as GraphWidget, not {type(view).__name__}")
    state = widget_state(views)
    view_ids = [view.model_id for view in views]
    text = _PAGE.format(
        title=html.escape(title),
        views="\n".join(f'<div class="gw-saved-view" id="gw-view-{i}">Loading the widget…</div>'
                        for i in view_ids),
        view_ids=_script_json(view_ids),
        mime=STATE_MIME,
        state=_script_json(state),
        loader=_LOADER,
    )
    path = pathlib.Path(path)
    path.write_text(text, encoding="utf-8")
    return path


def widget_state(views):
    """The widget-state document of `views` and every widget they reference (traits whose
    value is a widget, e.g. GraphWidget's LayoutEngine), each model once."""
    models = {}
    todo = list(views)
    while todo:
        widget = todo.pop()
        if widget.model_id in models:
            continue
        state, buffer_paths, buffers = _remove_buffers(widget.get_state())
        if buffers:
            raise ValueError(f"{type(widget).__name__} has binary traits {buffer_paths}: not supported here")
        models[widget.model_id] = {
            "model_name": state["_model_name"],
            "model_module": state["_model_module"],
            "model_module_version": state["_model_module_version"],
            "state": state,
        }
        todo += [value for name in widget.keys
                 if isinstance(value := getattr(widget, name), ipywidgets.Widget)]
    return {"version_major": 2, "version_minor": 0, "state": models}


def _script_json(value):
    """JSON safe inside <script>: no "</script>" or "<!--" can end or change it (labels are
    user text)."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False).replace("<", "\\u003c")
