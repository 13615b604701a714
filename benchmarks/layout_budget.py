"""Layout time of micrograd's demo loss (1,666 / 2,314 / 6,202 nodes), before and after the
layout budget: writes the structures Python sends, then runs benchmarks/layout_budget.mjs.

    python benchmarks/layout_budget.py [--points 1,2,8] [--cap 300] [--no-before] [--more]

--more adds mid-size graphs: smaller MLPs' losses (where dot gets DOT_BOUNDS) and layered
graphs of 2,000 and 6,000 nodes (benchmarks/graphs.py, where dot is fast anyway).
"""

import argparse
import json
import pathlib
import random
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from graphs import layered  # noqa: E402
from train_step import moons  # noqa: E402

from gradwidget import Value, snapshot  # noqa: E402
from gradwidget.nn import MLP  # noqa: E402


def demo_loss(points, sizes=(16, 16, 1), seed=1337):
    """The demo's loss: hinge loss of MLP(2, sizes) over `points` two-moons points + 1e-4 L2."""
    random.seed(seed)
    model = MLP(2, list(sizes))
    X, y = moons(points)
    scores = [model([Value(v) for v in x]) for x in X]
    losses = [(1 + -yi * s).relu() for yi, s in zip(y, scores, strict=True)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg = 1e-4 * sum(p * p for p in model.parameters())
    return data_loss + reg


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", default="1,2,8")
    parser.add_argument("--cap", type=int, default=300, help="seconds before a 'before' run is stopped")
    parser.add_argument("--no-before", action="store_true")
    parser.add_argument("--more", action="store_true")
    args = parser.parse_args()
    graphs = [(f"demo{k}", demo_loss(int(k))) for k in args.points.split(",")]
    if args.more:
        graphs += [("mlp8x4", demo_loss(4, (8, 8, 1))), ("mlp12x1", demo_loss(1, (12, 12, 1))),
                   ("layered2000", layered(2000, 1)), ("layered6000", layered(6000, 1))]
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for name, root in graphs:
            path = pathlib.Path(tmp) / f"{name}.json"
            path.write_text(json.dumps(snapshot(root).structure()))
            files.append(str(path))
        command = ["node", "benchmarks/layout_budget.mjs", "--cap", str(args.cap), *files]
        if args.no_before:
            command.append("--no-before")
        subprocess.run(command, check=True, cwd=ROOT)


if __name__ == "__main__":
    main()
