"""Graphs for the browser benchmarks (imported by the kernel's code, so it runs there)."""

import math
import random

from gradwidget import Value


def layered(n, seed):
    """About n nodes: a leaf layer, op layers whose edges span <= 2 ranks, a summed root."""
    rng = random.Random(seed)
    width = max(4, round(math.sqrt(n) / 1.5))
    layers = [[Value(rng.uniform(-1, 1), f"x{i}") for i in range(width)]]
    count = width
    while count + 2 * width - 1 <= n:
        prev = layers[-1]
        prev2 = layers[-2] if len(layers) > 1 else prev
        layer = []
        for i in range(width):
            a, r = prev[i], rng.random()   # prev[i]: every node is used by the next layer
            if r < 0.5:
                v = a.tanh()
            else:
                b = rng.choice(prev + prev2)
                v = a * b if r < 0.75 else a + b
            layer.append(v)
        layers.append(layer)
        count += width
    root = layers[-1][0]
    for v in layers[-1][1:]:
        root = root + v
    return root
