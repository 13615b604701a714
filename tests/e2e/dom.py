"""Reading a drawn GraphWidget from the page, through the stable selectors of
docs/protocol.md only (.gradwidget, g.gw-node[data-id][data-label], .gw-data, .gw-grad,
.gw-multi, .gw-active, .gw-edge[data-src][data-dst], aria-labelled buttons)."""

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

