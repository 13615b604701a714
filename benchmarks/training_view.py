"""How much a TrainingView slows a training loop, measured inside a real Jupyter kernel.

The micrograd demo's loop (MLP(2, [16, 16, 1]), 100 points, hinge loss + L2, ~65,800
nodes per step) runs alternately with and without `view.update(loss)` on every step; the
view shows one example's graph (re-evaluated at each redraw) and the loss curve, and its
messages really go out over the kernel's comm channel (nbclient is the front end).

    python benchmarks/training_view.py [--steps 30] [--rounds 3]
    python benchmarks/training_view.py --summary [--rounds 7]

--summary (in this process, no kernel): the demo's full-batch loss (65,818 nodes) shown as a
summary by a GraphWidget. Alternated rounds of `loss.backward()` without and with that widget
alive (CPU time; the widget must cost nothing there: backward never calls it), and the
widget's `refresh()` beside one `loss.topo()` walk (a summary needs one walk, nothing more).
"""

import argparse
import gc
import json
import pathlib
import statistics
import sys
import time

import nbformat
from nbclient import NotebookClient

CELL = r'''
import gc, json, random, statistics, time, sys
sys.path.insert(0, "benchmarks")
from train_step import moons
from gradwidget import Value, nn
from gradwidget.training import TrainingView

X, Y = moons()
random.seed(1337)
model = nn.MLP(2, [16, 16, 1])
params = model.parameters()

def step():
    inputs = [list(map(Value, x)) for x in X]
    losses = [(1 + -y * model(x)).relu() for x, y in zip(inputs, Y)]
    loss = sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in params)
    model.zero_grad()
    loss.backward()
    for p in params:
        p.data -= 0.01 * p.grad
    return loss

view = TrainingView(example=lambda: model([Value(v) for v in X[0]]))
display(view)
plain, watched = [], []
for _ in range(ROUNDS):
    for runs, use_view in ((plain, False), (watched, True)):
        gc.collect()
        t = time.perf_counter()
        for _ in range(STEPS):
            loss = step()
            if use_view:
                view.update(loss)
        runs.append(time.perf_counter() - t)
nodes = len(view.graph.structure["nodes"])
print(json.dumps({"plain": plain, "watched": watched, "redraws": view.redraws,
                  "redraw_seconds": view.redraw_seconds, "example_nodes": nodes}))
'''


def summary_costs(rounds):
    sys.path.insert(0, str(pathlib.Path(__file__).parent))
    sys.path.insert(0, str(pathlib.Path(__file__).parents[1]))
    from train_step import make_autograd_step, moons

    from gradwidget import GraphWidget, Value, nn

    loss = make_autograd_step(Value, nn.MLP, *moons())[0]()
    n = len(loss.topo())

    def cpu(f):
        gc.collect()
        t = time.process_time()
        f()
        return time.process_time() - t

    plain, beside, refresh, walk = [], [], [], []
    for _ in range(rounds):                   # alternated: the same load for both
        plain.append(cpu(loss.backward))      # no widget open
        widget = GraphWidget(loss)            # above max_nodes: a summary
        assert widget.structure["summary"]["nodes"] == n
        beside.append(cpu(loss.backward))
        refresh.append(cpu(widget.refresh))
        walk.append(cpu(loss.topo))
        widget.close()
    def med(ts):
        return statistics.median(ts) * 1e3

    ratios = [b / p for b, p in zip(beside, plain, strict=True)]
    print(f"demo loss, {n} nodes, a summary GraphWidget; {rounds} alternated rounds, median CPU time")
    print(f"  loss.backward() alone               {med(plain):7.1f} ms")
    print(f"  loss.backward() beside the widget   {med(beside):7.1f} ms   "
          f"(ratio {statistics.median(ratios):.2f}: {', '.join(f'{r:.2f}' for r in ratios)})")
    print(f"  widget.refresh() of the summary     {med(refresh):7.1f} ms   "
          f"(one loss.topo() walk: {med(walk):.1f} ms)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--summary", action="store_true", help="backward() and refresh() beside a "
                    "summary GraphWidget of the demo loss, in this process")
    args = ap.parse_args()
    if args.summary:
        return summary_costs(max(args.rounds, 7))
    code = CELL.replace("ROUNDS", str(args.rounds)).replace("STEPS", str(args.steps))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    NotebookClient(nb, timeout=1800, kernel_name="python3").execute()
    out = next(o for o in nb.cells[0].outputs if o.get("name") == "stdout")
    r = json.loads(out["text"].strip().splitlines()[-1])
    plain, watched = sorted(r["plain"])[len(r["plain"]) // 2], sorted(r["watched"])[len(r["watched"]) // 2]
    def per(t):
        return t / args.steps * 1e3

    print(f"{args.steps} steps x {args.rounds} alternated rounds, median per step:")
    print(f"  without the view {per(plain):7.1f} ms")
    print(f"  with the view    {per(watched):7.1f} ms   ({r['redraws']} redraws of a "
          f"{r['example_nodes']}-node example graph, in total)")
    print(f"slowdown: {100 * (watched / plain - 1):+.1f}%  (target: at most +20%)")
    print(f"the view's own redraw time: {100 * r['redraw_seconds'] / sum(r['watched']):.1f}% of "
          f"the watched loops ({r['redraw_seconds'] / r['redraws'] * 1e3:.1f} ms per redraw)")


if __name__ == "__main__":
    main()
