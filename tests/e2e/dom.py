"""Reading a drawn GraphWidget from the page, through the stable selectors of
docs/protocol.md only (.gradwidget, g.gw-node[data-id][data-label], .gw-data, .gw-grad,
.gw-multi, .gw-active, .gw-edge[data-src][data-dst], aria-labelled buttons)."""

import re

# One entry per panel (.gw-panel; one, or two in compare mode), each with its nodes and edges.
_JS_READ = """(root) => [...root.querySelectorAll('.gw-panel')].map(panel => ({
  title: (panel.querySelector('.gw-panel-title') || {}).textContent || null,
  viewBox: (panel.querySelector('svg.gw-svg') || {getAttribute: () => null}).getAttribute('viewBox'),
  nodes: [...panel.querySelectorAll('g.gw-node')].map(g => {
    const box = g.getBoundingClientRect();
    const num = (sel) => { const t = g.querySelector(sel);
      return t ? {text: t.textContent, value: t.getAttribute('data-value')} : null; };
    return {
      id: Number(g.dataset.id), label: g.dataset.label, text: g.textContent,
      labelText: (g.querySelector('.gw-label') || {}).textContent,
      classes: [...g.classList], transform: g.getAttribute('transform'),
      box: [box.x, box.y, box.width, box.height],
      data: num('.gw-data'), grad: num('.gw-grad'),
    };
  }),
  edges: [...panel.querySelectorAll('.gw-edge')].map(e => ({
    id: Number(e.dataset.id), src: Number(e.dataset.src), dst: Number(e.dataset.dst),
    classes: [...e.classList] })),
}))"""


def read_widget(locator):
    """[{title, viewBox, nodes: [...], edges: [...]}] for the .gradwidget `locator`."""
    return locator.evaluate(_JS_READ)


def by_label(panel):
    return {node["label"]: node for node in panel["nodes"]}


def by_id(panel):
    return {node["id"]: node for node in panel["nodes"]}


def grads(panel, labels):
    """{label: float(data-value of .gw-grad)} for `labels`."""
    nodes = by_label(panel)
    return {label: float(nodes[label]["grad"]["value"]) for label in labels}


def grad_texts(panel, labels):
    nodes = by_label(panel)
    return {label: nodes[label]["grad"]["text"] for label in labels}


def active_ids(panel):
    return [node["id"] for node in panel["nodes"] if "gw-active" in node["classes"]]


def button(widget, label):
    """The toolbar button with this aria-label."""
    return widget.locator(f"button[aria-label='{label}']")


def choose_mode(widget, view):
    """Switch to `view` with the mode control the toolbar shows: its buttons, or its select
    (a narrow toolbar shows the select instead)."""
    select = widget.locator("select.gw-mode-select")
    if select.is_visible():
        select.select_option(view)
    else:
        widget.locator(f"button[data-mode='{view}']").click()



# ---- sliders (the `sliders` trait: .gw-sliders > label.gw-slider > input[type=range]) -----
# Added for tests/e2e/test_classroom.py and benchmarks/widget_sliders.py. The slider's input
# has aria-label = the slider's name; its <output> shows the formatted value; errors from
# Python are shown in .gw-slider-error (role=alert).

THUMB_PX = 16  # Chromium's default range thumb: its centre runs from 8 px to width - 8 px

_JS_SLIDERS = """(root) => [...root.querySelectorAll('.gw-sliders input[type=range]')].map(i => ({
  name: i.getAttribute('aria-label'), value: Number(i.value),
  min: Number(i.min), max: Number(i.max), step: Number(i.step),
  output: (i.parentElement.querySelector('output') || {}).textContent,
  label: (i.parentElement.querySelector('.gw-slider-name') || {}).textContent,
}))"""


def slider_list(widget):
    """[{name, value, min, max, step, output, label}] of the widget's sliders, in page order."""
    return widget.evaluate(_JS_SLIDERS)


def slider(widget, name):
    """The <input type=range> of the slider `name` (not the toolbar's step scrubber)."""
    return widget.locator(f".gw-sliders input[type=range][aria-label='{name}']")


def slider_value(widget, name):
    return float(slider(widget, name).input_value())


def slider_positions(widget):
    """{name: value} of every slider of the widget."""
    return {s["name"]: s["value"] for s in slider_list(widget)}


def slider_error(widget):
    """The text of the sliders' error line ("" when there is none)."""
    box = widget.locator(".gw-sliders .gw-slider-error")
    return box.text_content() if box.count() else ""


def slider_point(widget, name, value):
    """Page coordinates of the point of the slider's track that stands for `value`."""
    spec = next(s for s in slider_list(widget) if s["name"] == name)
    box = slider(widget, name).bounding_box()
    frac = (value - spec["min"]) / (spec["max"] - spec["min"])
    frac = min(1.0, max(0.0, frac))
    x = box["x"] + THUMB_PX / 2 + frac * (box["width"] - THUMB_PX)
    return x, box["y"] + box["height"] / 2


def drag_slider(page, widget, name, to_value, steps=20):
    """A real mouse drag: press on the slider's thumb, move to `to_value`'s point in `steps`
    mouse moves (one input event each, roughly), release. Returns the input's final value."""
    slider(widget, name).scroll_into_view_if_needed()
    x0, y = slider_point(widget, name, slider_value(widget, name))
    x1, _ = slider_point(widget, name, to_value)
    page.mouse.move(x0, y)
    page.mouse.down()
    page.mouse.move(x1, y, steps=steps)
    page.mouse.up()
    return slider_value(widget, name)


def click_slider(page, widget, name, value):
    """A real mouse click on the slider's track where `value` is. Returns the new value."""
    slider(widget, name).scroll_into_view_if_needed()
    page.mouse.click(*slider_point(widget, name, value))
    return slider_value(widget, name)


# Waits until every panel's leaf `name` shows the slider's current value, the slider is not
# in an error state unless allowed, and nothing in the widget changed for `quiet` ms.
_JS_WAIT_SLIDER_SETTLED = """async (root, [name, quiet, timeout]) => {
  const start = performance.now();
  let last = start;
  const mo = new MutationObserver(() => { last = performance.now(); });
  mo.observe(root, {subtree: true, attributes: true, childList: true, characterData: true});
  const sel = `.gw-sliders input[type=range][aria-label="${CSS.escape(name)}"]`;
  let why = '';
  try {
    while (performance.now() - start < timeout) {
      const input = root.querySelector(sel);
      const leaves = [...root.querySelectorAll(`g.gw-node[data-label="${CSS.escape(name)}"] .gw-data`)];
      const want = input ? Number(input.value) : NaN;
      const shown = leaves.map(t => Number(t.getAttribute('data-value')));
      why = `slider ${name}=${input && input.value}, shown ${JSON.stringify(shown)}, `
          + `state ${root.dataset.state}`;
      const ok = input && root.dataset.state === 'drawn' && leaves.length > 0 && shown.every(v => v === want);
      if (ok && performance.now() - last >= quiet) return performance.now() - start;
      await new Promise(r => setTimeout(r, 15));
    }
  } finally { mo.disconnect(); }
  throw new Error(`slider ${name} did not settle in ${timeout} ms: ${why}`);
}"""


def wait_slider_settled(widget, name, quiet=250, timeout=10_000):
    """Waits until the leaf `name` shows the slider's value in every panel and the widget has
    been quiet for `quiet` ms; returns the ms it took."""
    return widget.evaluate(_JS_WAIT_SLIDER_SETTLED, [name, quiet, timeout])


# Node geometry relative to its panel's <svg> (so that scrolling the notebook does not count).
_JS_GEOMETRY = """(root) => [...root.querySelectorAll('.gw-panel')].map(panel => {
  const svg = panel.querySelector('svg.gw-svg');
  const s = svg.getBoundingClientRect();
  return {viewBox: svg.getAttribute('viewBox'),
          nodes: Object.fromEntries([...panel.querySelectorAll('g.gw-node')].map(g => {
            const b = g.getBoundingClientRect();
            return [g.dataset.id, {transform: g.getAttribute('transform'),
                                   box: [b.x - s.x, b.y - s.y, b.width, b.height]}];
          }))};
})"""


def geometry(widget):
    """Per panel: {viewBox, nodes: {id: {transform, box (relative to the panel's svg)}}}."""
    return widget.evaluate(_JS_GEOMETRY)


def same_geometry(before, after, tol=0.5):
    """A list of differences between two geometry() readings ([] when nothing moved)."""
    diffs = []
    if len(before) != len(after):
        return [f"{len(before)} panels before, {len(after)} after"]
    for p, (b, a) in enumerate(zip(before, after, strict=True)):
        if b["viewBox"] != a["viewBox"]:
            diffs.append(f"panel {p}: viewBox {b['viewBox']} -> {a['viewBox']}")
        if set(b["nodes"]) != set(a["nodes"]):
            diffs.append(f"panel {p}: node ids {sorted(b['nodes'])} -> {sorted(a['nodes'])}")
            continue
        for node_id, nb in b["nodes"].items():
            na = a["nodes"][node_id]
            if nb["transform"] != na["transform"]:
                diffs.append(f"panel {p} node {node_id}: transform {nb['transform']} -> {na['transform']}")
            if any(abs(x - y) > tol for x, y in zip(nb["box"], na["box"], strict=True)):
                diffs.append(f"panel {p} node {node_id}: box {nb['box']} -> {na['box']}")
    return diffs


def tag_nodes(widget):
    """Marks every g.gw-node element (a JS property), to tell later whether it was recreated."""
    widget.evaluate("(el) => el.querySelectorAll('g.gw-node').forEach(g => { g.__gwProbe = g.dataset.id; })")


def nodes_kept(widget):
    """True if every g.gw-node is still an element marked by tag_nodes()."""
    return widget.evaluate(
        "(el) => { const gs = [...el.querySelectorAll('g.gw-node')];"
        " return gs.length > 0 && gs.every(g => g.__gwProbe === g.dataset.id); }")


def numbers(panel):
    """{id: (data, grad)} as floats (data-value attributes) of one read_widget() panel."""
    return {n["id"]: (float(n["data"]["value"]), float(n["grad"]["value"])) for n in panel["nodes"]}


_JS_SHAPE = """(root) => { const panel = root.querySelector('.gw-panel'); if (!panel) return null;
  return {nodes: [...panel.querySelectorAll('g.gw-node')].map(g => ({id: Number(g.dataset.id),
            label: g.dataset.label, op: (g.querySelector('.gw-op') || {}).textContent || ''})),
          edges: [...panel.querySelectorAll('.gw-edge')].map(e => ({id: Number(e.dataset.id),
            src: Number(e.dataset.src), dst: Number(e.dataset.dst)}))}; }"""


def shown_shape(widget):
    """The drawn graph of the first panel: {nodes: [{id, label, op}], edges: [{id, src, dst}]},
    comparable with a `structure` trait (minus key, root and slot)."""
    return widget.evaluate(_JS_SHAPE)


def record_inputs(widget, name):
    """From now on, records the value of every `input` event of the slider `name`."""
    slider(widget, name).evaluate(
        "(i) => { i.__gwInputs = []; if (!i.__gwRecording) { i.__gwRecording = true;"
        " i.addEventListener('input', () => i.__gwInputs.push(Number(i.value))); } }")


def recorded_inputs(widget, name):
    """The values of the slider's `input` events since record_inputs()."""
    return slider(widget, name).evaluate("(i) => i.__gwInputs || []")


# The widget manager of the notebook in front, found through Lab's widget output renderers
# (cached per notebook on window): to reach a widget's model from the page, as the page does.
JS_MANAGER = """async () => {
  const nb = window.jupyterapp.shell.currentWidget;
  const cache = window.__gwManagers = window.__gwManagers || new Map();
  if (cache.has(nb)) return cache.get(nb);
  const seen = new Set();
  const walk = function* (w) {
    if (!w || seen.has(w)) return;
    seen.add(w); yield w;
    for (const c of (w.widgets || [])) yield* walk(c);
    if (w.layout && w.layout.widgets) for (const c of w.layout.widgets) yield* walk(c);
  };
  let manager = null;
  for (const cell of nb.content.widgets) {
    if (!cell.outputArea) continue;
    for (const w of walk(cell.outputArea)) {
      if (w._manager && w._manager.promise) { manager = await w._manager.promise; break; }
    }
    if (manager) break;
  }
  if (!manager) throw new Error('no widget manager found through the output renderers');
  cache.set(nb, manager);
  return manager;
}"""


def with_model(page, model_id, js, arg=None):
    """Runs `js`, a JS function `(model, arg) => …`, on the page's widget model `model_id`
    (of the notebook in front); returns its (JSON) result."""
    return page.evaluate(
        "async ([id, arg]) => { const manager = await (" + JS_MANAGER + ")();"
        " return (" + js + ")(await manager.get_model(id), arg); }", [model_id, arg])


# Logs, per model, every slide message the page sends: [seq, the seq of the last answer the
# model had then] (a values update carries the seq of the slide it answers; the model holds
# it before any change handler runs, so also while the view's handler sends the next slide).
_JS_WATCH_SLIDES = """(model) => {
  const log = model.__gwSlides = [];
  const comm = model.comm, send = comm.send.bind(comm);
  comm.send = (data, ...rest) => {
    if (data && data.content && data.content.type === 'slide')
      log.push([data.content.seq, (model.get('values') || {}).seq ?? null]);
    return send(data, ...rest);
  };
  return true;
}"""


def watch_slides(page, model_id):
    """From now on, logs the slide messages the page sends for the model."""
    with_model(page, model_id, _JS_WATCH_SLIDES)


def slide_log(page, model_id):
    """(sent, answered): [(seq, seq of the last answer the page had then), …] of the slides
    sent since watch_slides(), and the seq of the last answer the page has now."""
    sent, answered = with_model(
        page, model_id, "(model) => [model.__gwSlides, (model.get('values') || {}).seq ?? null]")
    return [tuple(entry) for entry in sent], answered


# ---- what a reader sees: glyph order and arrowheads ------------------------------------------

# Every visible character of the element's text (HTML or SVG) outside the given labels,
# with where the browser drew it: {c, x, line} (line: the rounded middle of its box).
_JS_GLYPHS = r"""(root, labels) => {
  const glyphs = [];
  const walker = root.ownerDocument.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    const text = t.data;
    const label = new Array(text.length).fill(false);
    for (const l of labels) for (let i = text.indexOf(l); i >= 0; i = text.indexOf(l, i + 1))
      for (let k = i; k < i + l.length; k++) label[k] = true;
    for (let i = 0; i < text.length; i++) {
      if (label[i] || /\s/.test(text[i])) continue;
      const range = root.ownerDocument.createRange();
      range.setStart(t, i); range.setEnd(t, i + 1);
      const box = range.getBoundingClientRect();
      if (box.width > 0) glyphs.push({c: text[i], x: box.x, line: Math.round(box.y + box.height / 2)});
    }
  }
  return glyphs;
}"""


def reading_order(locator, labels=()):
    """Lines of the element's visible text outside `labels` (user text, which may hold bidi
    controls), each as (text in logical order, the same characters in the order they are
    drawn from left to right). Left-to-right text reads right when the two are equal."""
    lines = {}
    for glyph in locator.evaluate(_JS_GLYPHS, list(labels)):
        lines.setdefault(glyph["line"], []).append(glyph)
    return [("".join(g["c"] for g in line), "".join(g["c"] for g in sorted(line, key=lambda g: g["x"])))
            for _, line in sorted(lines.items())]


def misread(locator, labels=()):
    """The lines of reading_order() whose characters are not drawn in their logical order."""
    return [line for line in reading_order(locator, labels) if line[0] != line[1]]


# Every edge of every .gradwidget on the page: its marker-end reference, and whether that id
# names a <marker> inside the same widget (the first element with the id is the one used).
_JS_MARKERS = """() => [...document.querySelectorAll('.gradwidget')].map((widget, w) => ({
  widget: w,
  markers: [...widget.querySelectorAll('marker')].map(m => m.id),
  edges: [...widget.querySelectorAll('.gw-edge')].map(e => {
    const ref = e.getAttribute('marker-end') || '';
    const id = (ref.match(/^url\\(#(.+)\\)$/) || [])[1];
    const target = id ? document.getElementById(id) : null;
    return {ref, id: id || null, marker: !!target && target.tagName.toLowerCase() === 'marker',
            inside: !!target && widget.contains(target)};
  }),
}))"""


def markers(page):
    """Per .gradwidget of the page: {widget, markers: [ids], edges: [{ref, id, marker, inside}]}."""
    return page.evaluate(_JS_MARKERS)


# ---- the lesson layer: status, narration, edge labels (docs/protocol.md, issue 8) -----------

# Whether an element is drawn: it has a box and neither it nor an ancestor (up to the
# widget) hides it. Shared by the readers below.
_JS_SHOWN = """const shown = (el, root) => {
  if (!el || !el.isConnected) return false;
  const r = el.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) return false;
  for (let e = el; e && e !== root.parentElement; e = e.parentElement) {
    const s = getComputedStyle(e);
    if (s.display === 'none' || s.visibility === 'hidden' || Number(s.opacity) === 0) return false;
  }
  return true;
};"""

_JS_LESSON = """(root) => { """ + _JS_SHOWN + """
  const num = (t) => t ? {text: t.textContent, value: t.getAttribute('data-value'),
                          shown: shown(t, root)} : null;
  const panels = [...root.querySelectorAll('.gw-panel')];
  return {
    state: root.dataset.state,
    status: (root.querySelector('.gw-step') || {}).textContent || '',
    narration: [...root.querySelectorAll('.gw-narration')].map(n => ({
      text: n.textContent, live: n.getAttribute('aria-live'), shown: shown(n, root),
      panel: panels.indexOf(n.closest('.gw-panel')) })),
    panels: panels.map(panel => ({
      title: (panel.querySelector('.gw-panel-title') || {}).textContent || null,
      svg: !!panel.querySelector('svg.gw-svg'),
      text: panel.textContent,
      nodes: [...panel.querySelectorAll('g.gw-node')].map(g => ({
        id: Number(g.dataset.id), label: g.dataset.label, classes: [...g.classList],
        data: num(g.querySelector('.gw-data')), grad: num(g.querySelector('.gw-grad')) })),
      labels: [...panel.querySelectorAll('.gw-edge-label')].filter(l => shown(l, root)).map(l => {
        const c = l.querySelector('.gw-contrib') || (l.classList.contains('gw-contrib') ? l : null);
        return {edge: Number(l.dataset.edge ?? l.closest('[data-edge]')?.dataset.edge),
                lost: l.classList.contains('gw-lost') || !!l.querySelector('.gw-lost'),
                text: l.textContent, contrib: num(c)};
      }),
    })),
  };
}"""


def read_lesson(widget):
    """{state, status, narration: [{text, live, shown, panel (index, -1: the widget's)}],
    panels: [{title, svg, text, nodes: [{id, label, classes, data, grad}], labels: [{edge,
    lost, text, contrib}] (drawn edge labels only)}]} of the .gradwidget `widget`."""
    return widget.evaluate(_JS_LESSON)


def step_of(status):
    """(k, n) of a status "Step k / n …"."""
    m = re.search(r"Step\s+(\d+)\s*/\s*(\d+)", status or "")
    assert m, f"no 'Step k / n' in the status {status!r}"
    return int(m.group(1)), int(m.group(2))


# Every element that shows a lost term (edge labels and the inspector's .gw-lost-term), with
# each of its text pieces that holds a digit: the text, whether any element from the text up
# to the widget draws a line through it (text-decoration propagates to descendants, so the
# computed style of every ancestor counts), and any thin line/path/rect drawn across it.
_JS_LOST_TERMS = """(root) => { """ + _JS_SHOWN + """
  const out = [];
  const lost = [...root.querySelectorAll('.gw-edge-label.gw-lost, .gw-edge-label .gw-lost, .gw-lost-term')]
    .filter(el => shown(el, root));
  for (const el of new Set(lost)) {
    const label = el.closest('.gw-edge-label, .gw-lost-term') || el;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const pieces = [];
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      if (!/\\d/.test(t.data)) continue;
      const struck = [];
      for (let e = t.parentElement; e && e !== root.parentElement; e = e.parentElement) {
        const s = getComputedStyle(e);
        if ((s.textDecorationLine || s.textDecoration || '').includes('line-through'))
          struck.push(e.tagName + '.' + (e.getAttribute('class') || ''));
      }
      const range = document.createRange(); range.selectNodeContents(t);
      const box = range.getBoundingClientRect();
      const across = [...label.querySelectorAll('line, path, rect, polyline')].filter(g => {
        const b = g.getBoundingClientRect();
        return b.height <= 3 && b.right > box.left + 2 && b.left < box.right - 2 &&
               b.top > box.top + box.height * 0.2 && b.bottom < box.bottom - box.height * 0.2;
      }).map(g => g.tagName);
      pieces.push({text: t.data, struck, across});
    }
    out.push({where: label.classList.contains('gw-lost-term') ? 'inspector' : 'edge',
              edge: label.dataset.edge ?? null, text: el.textContent, pieces});
  }
  return out;
}"""


def lost_terms(widget):
    """[{where: "edge"|"inspector", edge, text, pieces: [{text, struck: [elements drawing a
    line-through], across: [thin shapes drawn across it]}]}] for every lost term shown."""
    return widget.evaluate(_JS_LOST_TERMS)


# Per panel, on screen (CSS px of the page): every drawn edge label's text box, every node's
# box, and every edge's arrowhead (the triangle of its marker at the path's end).
_JS_LABEL_GEOMETRY = """(root) => { """ + _JS_SHOWN + """
  const rect = (r) => [r.left, r.top, r.right, r.bottom];
  return [...root.querySelectorAll('.gw-panel')].map((panel, p) => {
    const labels = [...panel.querySelectorAll('.gw-edge-label')].filter(l => shown(l, root)).map(l => {
      const texts = l.tagName.toLowerCase() === 'text' ? [l] : [...l.querySelectorAll('text')];
      const boxes = texts.filter(t => shown(t, root)).map(t => rect(t.getBoundingClientRect()));
      return {edge: Number(l.dataset.edge), text: l.textContent, boxes};
    });
    const nodes = [...panel.querySelectorAll('g.gw-node')].map(g => ({
      id: Number(g.dataset.id), box: rect((g.querySelector('.gw-box') || g).getBoundingClientRect())}));
    const arrows = [...panel.querySelectorAll('path.gw-edge')].map(path => {
      const ref = (path.getAttribute('marker-end') || '').match(/#([^)]+)/);
      const marker = ref ? panel.querySelector('#' + CSS.escape(ref[1])) : null;
      const mw = marker ? Number(marker.getAttribute('markerWidth')) || 10 : 10;
      const mh = marker ? Number(marker.getAttribute('markerHeight')) || 8 : 8;
      const len = path.getTotalLength();
      const tip = path.getPointAtLength(len);
      const back = path.getPointAtLength(Math.max(0, len - 1));
      let dx = tip.x - back.x, dy = tip.y - back.y;
      const d = Math.hypot(dx, dy) || 1; dx /= d; dy /= d;
      const m = path.getScreenCTM();
      const pts = [[tip.x, tip.y], [tip.x - dx * mw - dy * mh / 2, tip.y - dy * mw + dx * mh / 2],
                   [tip.x - dx * mw + dy * mh / 2, tip.y - dy * mw - dx * mh / 2]]
        .map(([x, y]) => new DOMPoint(x, y).matrixTransform(m));
      const xs = pts.map(q => q.x), ys = pts.map(q => q.y);
      return {edge: Number(path.dataset.id), src: Number(path.dataset.src), dst: Number(path.dataset.dst),
              box: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)]};
    });
    return {panel: p, labels, nodes, arrows};
  });
}"""


def _overlap(a, b, tol):
    """Width and height of the intersection of boxes [l, t, r, b], if both exceed `tol`."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return (round(w, 1), round(h, 1)) if w > tol and h > tol else None


def label_collisions(widget, tol=1.0):
    """Every drawn edge label that overlaps a node box, an arrowhead or another edge label
    by more than `tol` CSS px in both directions, as readable strings ([] when none)."""
    found = []
    for panel in widget.evaluate(_JS_LABEL_GEOMETRY):
        labels = panel["labels"]
        for i, label in enumerate(labels):
            for box in label["boxes"]:
                for node in panel["nodes"]:
                    if (o := _overlap(box, node["box"], tol)):
                        found.append(f"panel {panel['panel']}: label of edge {label['edge']} "
                                     f"{label['text']!r} overlaps node {node['id']}'s box by {o}")
                for arrow in panel["arrows"]:
                    if (o := _overlap(box, arrow["box"], tol)):
                        found.append(f"panel {panel['panel']}: label of edge {label['edge']} "
                                     f"{label['text']!r} overlaps the arrowhead of edge "
                                     f"{arrow['edge']} by {o}")
                for other in labels[i + 1:]:
                    for box2 in other["boxes"]:
                        if (o := _overlap(box, box2, tol)):
                            found.append(f"panel {panel['panel']}: labels of edges {label['edge']} "
                                         f"{label['text']!r} and {other['edge']} {other['text']!r} "
                                         f"overlap by {o}")
    return found


def drawn_label_count(widget):
    return sum(len(p["labels"]) for p in widget.evaluate(_JS_LABEL_GEOMETRY))


# On-screen size of every number of the drawing: computed font size (SVG user units) times
# the screen scale of its <svg> (CSS px per unit), and the height of its glyph box.
_JS_TEXT_SIZES = """(root, selector) => { """ + _JS_SHOWN + """
  const drawn = [...root.querySelectorAll(selector)].filter(t => shown(t, root) && /\\d/.test(t.textContent));
  return drawn.map(t => {
    const svg = t.ownerSVGElement;
    const m = (t.getScreenCTM ? t : (t.closest('g') || svg)).getScreenCTM();
    const scale = Math.hypot(m.a, m.b);
    const size = parseFloat(getComputedStyle(t).fontSize);
    const r = t.getBoundingClientRect();
    const panel = t.closest('.gw-panel');
    const s = panel ? panel.querySelector('svg.gw-svg').getBoundingClientRect() : null;
    return {cls: t.getAttribute('class'), text: t.textContent, css: size * scale, height: r.height,
            inView: !!s && r.right > s.left && r.left < s.right && r.bottom > s.top && r.top < s.bottom};
  });
}"""

NUMBER_SELECTOR = ".gw-data, .gw-grad, .gw-contrib"


def text_sizes(widget, selector=NUMBER_SELECTOR):
    """[{cls, text, css (font size in CSS px on screen), height (glyph box, CSS px), inView}]
    of every drawn text matching `selector` that holds a digit."""
    return widget.evaluate(_JS_TEXT_SIZES, selector)


# The notebook around a widget: its active cell, collapsed headings and hidden cells, where
# the focus is, and the scroll position of the element that scrolls the notebook.
_JS_NOTEBOOK_STATE = """(root) => {
  const nb = window.jupyterapp.shell.currentWidget.content;
  let scroller = root.parentElement;
  while (scroller && !(scroller.scrollHeight > scroller.clientHeight + 1 &&
         /(auto|scroll)/.test(getComputedStyle(scroller).overflowY))) scroller = scroller.parentElement;
  return {
    active: nb.activeCellIndex, mode: nb.mode,
    collapsed: nb.widgets.filter(c => c.headingCollapsed).length,
    hidden: nb.widgets.filter(c => c.isHidden || c.inputHidden).length,
    focusInside: root.contains(document.activeElement),
    focus: document.activeElement && document.activeElement.tagName + '.' + document.activeElement.className,
    scrollTop: scroller ? scroller.scrollTop : null,
    scroller: scroller ? scroller.className : null,
  };
}"""


def notebook_state(widget):
    """{active, mode, collapsed, hidden, focusInside, focus, scrollTop, scroller} around the
    widget (the notebook in front)."""
    return widget.evaluate(_JS_NOTEBOOK_STATE)


def viewboxes(widget):
    """The viewBox of each of the widget's drawings."""
    return widget.evaluate("(el) => [...el.querySelectorAll('svg.gw-svg')]"
                           ".map(s => s.getAttribute('viewBox'))")
