"""Writes the payloads the vitest suite reads (js/test/fixtures/*.json), made by Python.

    python scripts/js_fixtures.py [OUT_DIR]       # default: js/test/fixtures

Each file is what a real GraphWidget sends for one of the teaching graphs: its synced
traits `structure`, `values`, `sliders`, `mode`, `max_nodes`, `start`, `forward` and
`scale` (docs/protocol.md). The
widget is made without a kernel; nothing here computes a payload by hand, so the JavaScript
tests cannot drift from the Python side. tests/test_js_fixtures.py regenerates them and
fails if the committed files differ: after changing the payload, run this script again.

`layered_payload(n, seed)` gives a bigger graph of about n nodes for the dev harness
(js/dev/check.py serves it), made the same way.
"""

import json
import pathlib
import random
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gradwidget import GraphWidget, Value  # noqa: E402
from gradwidget.nn import MLP  # noqa: E402

OUT = ROOT / "js" / "test" / "fixtures"
TRAITS = ("structure", "values", "sliders", "mode", "max_nodes", "start", "forward", "scale")


def payload(root, **kwargs):
    """The synced traits of GraphWidget(root, **kwargs), as the page receives them."""
    widget = GraphWidget(root, **kwargs)
    try:
        return {name: getattr(widget, name) for name in TRAITS}
    finally:
        widget.close()


def a_plus_a():
    """b = a + a: one node used twice by the same parent (slots 0 and 1)."""
    a = Value(3.0, label="a")
    b = a + a
    b.label = "b"
    return b


def reused_inner():
    """a = 1; b = a + a; c = b + b: the eager bug (micrograd issue 2) gives a.grad 6, not 4."""
    a = Value(1.0, label="a")
    b = a + a
    b.label = "b"
    c = b + b
    c.label = "c"
    return c


def doublings(n=20):
    """x = x + x, n times: an eager replay far above the widget's cap (sent as an error)."""
    x = Value(1.0, label="x")
    for _ in range(n):
        x = x + x
    x.label = "y"
    return x


def diamond():
    """L = (a*b + c) * (a - c) at a=2, b=3, c=4, labelled as in notebooks/02_diamond:
    grads 4, -4, -12; with the `=` bug -6, -4, -2."""
    a, b, c = Value(2.0, label="a"), Value(3.0, label="b"), Value(4.0, label="c")
    d = a * b
    d.label = "d"
    e = d + c
    e.label = "e"
    g = a - c
    g.label = "g"
    L = e * g
    L.label = "L"
    return L


def lecture_def():
    """micrograd's lecture, the accumulation bug: f = (a*b) * (a+b) at a=-2, b=3."""
    a, b = Value(-2.0, label="a"), Value(3.0, label="b")
    d = a * b
    d.label = "d"
    e = a + b
    e.label = "e"
    f = d * e
    f.label = "f"
    return f


def neuron():
    """The lecture's tanh neuron, inner nodes unlabelled (they are named by what they compute)."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    return (x1 * w1 + x2 * w2 + b).tanh()


def mlp_loss(samples, seed=1):
    """Squared-error loss of a small MLP(3, [4, 4, 1]) over `samples` points."""
    random.seed(seed)
    model = MLP(3, [4, 4, 1])
    loss = Value(0.0, label="loss0")
    for i in range(samples):
        x = [Value(random.uniform(-1, 1), label=f"x{i}_{j}") for j in range(3)]
        y = Value(random.choice((-1.0, 1.0)), label=f"y{i}")
        loss = loss + (model(x) - y) ** 2
    loss.label = "loss"
    return loss


def mlp16():
    """A network's output, MLP(2, [16, 16, 1]) at x = (0.5, -1.5): 977 values, drawn grouped
    (its default view: layers open, each neuron one box)."""
    random.seed(0)
    model = MLP(2, [16, 16, 1])
    return model([Value(0.5, label="x1"), Value(-1.5, label="x2")])


MLP16_OPEN = ["MLP", "MLP/L1", "MLP/L1/L1.N3", "MLP/L2", "MLP/L3"]     # neuron L1.N3 open too


def batch_loss():
    """Squared-error loss of one MLP(2, [4, 1]) over 3 points: three calls of the network
    (`MLP #1` … `MLP #3`) and the parameters they share (`MLP parameters`)."""
    random.seed(0)
    model = MLP(2, [4, 1])
    loss = Value(0.0, label="loss0")
    for i, (x, y) in enumerate((((2.0, 3.0), 1.0), ((3.0, -1.0), -1.0), ((0.5, 1.0), 1.0))):
        xs = [Value(a, label=f"x{i}_{j}") for j, a in enumerate(x)]
        loss = loss + (model(xs) - y) ** 2
    loss.label = "loss"
    return loss


# The three calls open, their shared parameters one box (17 values, each used outside it).
BATCH_OPEN = [f"MLP #{i}{layer}" for i in (1, 2, 3) for layer in ("", "/L1", "/L2")]


def fixtures():
    """name -> payload: every file the vitest suite reads."""
    return {
        "a_plus_a": payload(a_plus_a()),
        "reused_inner": payload(reused_inner(), mode="compare-eager", forward=True),
        "eager_too_long": payload(doublings(), mode="eager", start="end", scale=1.5),
        "diamond": payload(diamond(), sliders={"a": (-3.0, 3.0, 0.1), "c": (-5.0, 5.0, 0.5)}),
        "lecture_def": payload(lecture_def()),
        "neuron": payload(neuron()),
        "mlp": payload(mlp_loss(samples=1)),                           # ~100 nodes, drawn
        "summary": payload(mlp_loss(samples=40), max_nodes=20),        # above max_nodes, even grouped
        "mlp16": payload(mlp16(), start="end"),                        # grouped: 33 neuron boxes
        "mlp16_open": payload(mlp16(), start="end", expanded=MLP16_OPEN),
        "batch": payload(batch_loss(), start="end", expanded=BATCH_OPEN),
    }


def layered_payload(n, seed=1):
    """A layered graph of about n nodes (benchmarks/graphs.py), drawn whatever its size."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from graphs import layered
    return payload(layered(n, seed), max_nodes=max(2500, 2 * n))


def write(out=OUT):
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for name, data in fixtures().items():
        (out / f"{name}.json").write_text(dumps(data))
    return out


def dumps(data):
    """One line per trait, compact inside: small files whose diffs still say which trait."""
    compact = {"separators": (",", ":"), "allow_nan": False}
    lines = (f"{json.dumps(k)}: {json.dumps(v, **compact)}" for k, v in data.items())
    return "{\n" + ",\n".join(lines) + "\n}\n"


if __name__ == "__main__":
    print(write(sys.argv[1] if len(sys.argv) > 1 else OUT))
