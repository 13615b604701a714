"""micrograd's demo training step, three engines alternated in one run.

MLP(2, [16, 16, 1]) on 100 points, hinge loss + 1e-4 L2 (about 65,800 nodes); one step is
loss + zero_grad + backward + SGD update. Engines: gradwidget, micrograd 0.1.0 (PyPI) and
PyTorch with scalar float64 tensors (same graph, op by op). Times are CPU time of this
process (time.process_time), so other work on the machine counts less. Also memory per
graph node (tracemalloc) for gradwidget and micrograd.

    python benchmarks/train_step.py [--rounds 7] [--block 5] [--no-gc]
"""

import argparse
import gc
import random
import statistics
import time
import tracemalloc


def moons(n=100, seed=1):
    """Two interleaved half circles with noise (no download, no sklearn)."""
    import math
    rng = random.Random(seed)
    X, y = [], []
    for i in range(n):
        t = math.pi * rng.random()
        if i % 2:
            X.append([math.cos(t) + rng.gauss(0, 0.1), math.sin(t) + rng.gauss(0, 0.1)])
            y.append(1)
        else:
            X.append([1 - math.cos(t) + rng.gauss(0, 0.1), 0.5 - math.sin(t) + rng.gauss(0, 0.1)])
            y.append(-1)
    return X, y


def make_autograd_step(Value, MLP, X, Y, seed=1337):
    """The demo's step for a micrograd-shaped library (Value, nn.MLP)."""
    random.seed(seed)
    model = MLP(2, [16, 16, 1])
    params = model.parameters()

    def loss():
        inputs = [list(map(Value, x)) for x in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(Y, scores, strict=True)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * sum(p * p for p in params)
        return data_loss + reg_loss

    def step():
        total = loss()
        model.zero_grad()
        total.backward()
        for p in params:
            p.data -= 0.01 * p.grad
        return total.data

    return loss, step


def make_torch_step(X, Y, seed=1337):
    """The same graph with 0-d float64 tensors (PyTorch's autograd, one op per node)."""
    import torch
    torch.set_grad_enabled(True)
    rng = random.Random(seed)
    sizes = [2, 16, 16, 1]
    layers = []
    for i in range(3):
        layers.append([([torch.tensor(rng.uniform(-1, 1), dtype=torch.float64, requires_grad=True)
                         for _ in range(sizes[i])],
                        torch.tensor(0.0, dtype=torch.float64, requires_grad=True))
                       for _ in range(sizes[i + 1])])
    params = [p for layer in layers for w, b in layer for p in [*w, b]]

    def model(x):
        for i, layer in enumerate(layers):
            out = []
            for w, b in layer:
                act = b
                for wi, xi in zip(w, x, strict=True):
                    act = act + wi * xi
                out.append(act.relu() if i < 2 else act)
            x = out
        return x[0]

    def step():
        inputs = [[torch.tensor(v, dtype=torch.float64) for v in x] for x in X]
        losses = [(1 + -yi * model(xi)).relu() for xi, yi in zip(inputs, Y, strict=True)]
        data_loss = sum(losses) * (1.0 / len(losses))
        total = data_loss + 1e-4 * sum(p * p for p in params)
        for p in params:
            p.grad = None
        total.backward()
        with torch.no_grad():
            for p in params:
                p -= 0.01 * p.grad
        return total.item()

    return step


def count_nodes(root, children):
    seen, stack = set(), [root]
    while stack:
        n = stack.pop()
        if id(n) not in seen:
            seen.add(id(n))
            stack.extend(children(n))
    return len(seen)


def bytes_per_node(loss, children):
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    root = loss()
    used = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    return used / count_nodes(root, children), count_nodes(root, children)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--no-torch", action="store_true")
    ap.add_argument("--block", type=int, default=1,
                    help="consecutive steps per engine between collections, as in a training "
                         "loop (the collector then runs inside the steps); default 1")
    ap.add_argument("--no-gc", action="store_true",
                    help="disable the cycle collector inside each timed step (micrograd's "
                         "closures make its graphs cyclic garbage; this isolates that cost)")
    args = ap.parse_args()

    import micrograd.engine
    import micrograd.nn

    from gradwidget import Value, nn

    X, Y = moons()
    gw_loss, gw_step = make_autograd_step(Value, nn.MLP, X, Y)
    mg_loss, mg_step = make_autograd_step(micrograd.engine.Value, micrograd.nn.MLP, X, Y)
    peers = {"micrograd": mg_step}
    if not args.no_torch:
        peers["torch"] = make_torch_step(X, Y)

    # The same model and data give the same loss in both micrograd-shaped engines.
    assert abs(gw_loss().data - mg_loss().data) < 1e-9

    def timed(step):
        gc.collect()                              # nobody pays for the previous engine's garbage
        if args.no_gc:
            gc.disable()
        t = time.process_time()
        for _ in range(args.block):
            step()
        gc.enable()
        return (time.process_time() - t) / args.block

    # Each peer is alternated with gradwidget in rounds of its own, who goes first swapping
    # every round: a step that runs right after PyTorch's (half a second of allocations) is
    # slower, and that must not land on one engine more than on the other.
    times = {}
    for peer, step in peers.items():
        pair = {"gradwidget": gw_step, peer: step}
        times[peer] = {name: [] for name in pair}
        for r in range(args.rounds):
            for name in (list(pair) if r % 2 == 0 else list(pair)[::-1]):
                times[peer][name].append(timed(pair[name]))

    gw_bytes, nodes = bytes_per_node(gw_loss, lambda v: v.children)
    mg_bytes, _ = bytes_per_node(mg_loss, lambda v: v._prev)

    gc_note = ", cycle collector off inside steps" if args.no_gc else ""
    if args.block > 1:
        gc_note += f", blocks of {args.block} consecutive steps"
    print(f"graph: {nodes} nodes; {args.rounds} rounds alternated with each peer{gc_note}; "
          "median per step")
    for peer, pair in times.items():
        gw, other = (statistics.median(pair[name]) for name in ("gradwidget", peer))
        ratios = [p / g for p, g in zip(pair[peer], pair["gradwidget"], strict=True)]
        print(f"  vs {peer:<10} gradwidget {gw * 1e3:7.1f} ms, {peer} {other * 1e3:7.1f} ms: "
              f"speed-up {statistics.median(ratios):.2f}x (median of the per-round ratios: "
              f"{', '.join(f'{r:.2f}' for r in ratios)})")
    print(f"memory per node: gradwidget {gw_bytes:.0f} B, micrograd {mg_bytes:.0f} B "
          f"({mg_bytes / gw_bytes:.1f}x less)")


if __name__ == "__main__":
    main()
