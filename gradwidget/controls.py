"""Sliders that drive a graph's inputs, in the style of ipywidgets' `interact`.

    GraphWidget(L, sliders={"a": (-3, 3), "b": (-3, 3, 0.1)})   # leaves by label or Value
    gradwidget.interact(f, a=(-3, 3), b=(-3, 3, 0.1))           # f builds and returns a Value

A slider sets a leaf and the fixed graph is re-evaluated (`Value.forward`, the op table
that built it): no user code runs again. `interact` re-runs `f`, for graphs whose shape
depends on the inputs; the picture relays out only when the shape really changed.
"""

import inspect
import math
from numbers import Real

from .engine import Value
from .protocol import SliderSpec

__all__ = ["WIDGET_OPTIONS", "find_leaf", "finite", "interact", "slider_spec"]


def slider_spec(name, spec, value) -> SliderSpec:
    """`(min, max)` or `(min, max, step)` as the page's slider, starting at `value`."""
    if not isinstance(spec, (tuple, list)) or len(spec) not in (2, 3) or not all(
            isinstance(x, Real) and not isinstance(x, bool) for x in spec):
        raise TypeError(f"slider {name!r}: give (min, max) or (min, max, step) numbers, got {spec!r}")
    if not all(finite(x) for x in spec):
        raise ValueError(f"slider {name!r}: min, max and step must be finite numbers, got {spec!r}")
    lo, hi = float(spec[0]), float(spec[1])
    if not lo < hi:
        raise ValueError(f"slider {name!r}: min must be below max, got ({lo:g}, {hi:g})")
    if len(spec) == 3:
        step = float(spec[2])
    elif all(isinstance(x, int) for x in spec):
        step = 1.0
    else:
        step = (hi - lo) / 100
    if not 0 < step <= hi - lo:
        raise ValueError(f"slider {name!r}: step must be positive and at most max - min, got {step:g}")
    if not finite(value):
        raise TypeError(f"slider {name!r}: its start value must be a finite number, got {value!r}")
    if not lo <= value <= hi:
        raise ValueError(f"slider {name!r}: its value {value:g} lies outside ({lo:g}, {hi:g})")
    return {"name": name, "min": lo, "max": hi, "step": step, "value": float(value)}


def finite(x):
    """Whether x is a real, finite number: not a bool, not an int too large for a float."""
    if isinstance(x, bool) or not isinstance(x, Real):
        return False
    try:
        return math.isfinite(x)
    except OverflowError:
        return False


def find_leaf(values, key):
    """The leaf of the graph (a sequence of its Values) named by `key`: a label or a Value."""
    if isinstance(key, Value):
        if not any(v is key for v in values):
            raise ValueError(f"{key!r} is not part of this graph")
        found = [key]
        name = key.label or "value"
    elif isinstance(key, str):
        found = [v for v in values if v.label == key]
        name = key
        if not found:
            labels = sorted({v.label for v in values if v.label and not v.children})
            raise KeyError(f"no value labelled {key!r} in this graph; its labelled leaves are: "
                           f"{', '.join(labels) or 'none'}")
    else:
        raise TypeError(f"name a slider's leaf by its label (str) or pass the Value, got {key!r}")
    leaves = [v for v in found if not v.children]
    if not leaves:
        raise ValueError(f"{name!r} is computed by {found[0].op!r}, not an input: sliders drive "
                         "leaves (values you created with Value(...))")
    if len(leaves) > 1:
        raise ValueError(f"{len(leaves)} leaves are labelled {name!r}: pass the Value itself")
    return leaves[0]


WIDGET_OPTIONS = ("mode", "start", "forward", "scale")   # interact's keywords for the widget


def interact(f, **ranges):
    """A GraphWidget of `f(**inputs)` with one slider per keyword, like ipywidgets.interact.

    Each range is `(min, max)` or `(min, max, step)`; a slider starts at `f`'s default for
    that argument if it has one, else in the middle. Moving a slider calls `f` again with
    plain floats and shows the Value it returns.

    `mode`, `start`, `forward` and `scale` given a value that is not a range are passed to
    the GraphWidget (`interact(f, x=(0, 1), mode="compare", scale=1.5)`); given a range they
    are sliders like any other. `start` is "end" unless you pass it: a slider is for
    watching the finished gradients change.
    """
    from .widget import GraphWidget

    if not callable(f):
        raise TypeError(f"interact needs a function that returns a Value, got {f!r}")
    options = {key: ranges.pop(key) for key in WIDGET_OPTIONS
               if key in ranges and not isinstance(ranges[key], (tuple, list))}
    options.setdefault("start", "end")
    if not ranges:
        raise TypeError("interact needs at least one slider, e.g. interact(f, a=(-3, 3))")
    defaults = {name: p.default for name, p in inspect.signature(f).parameters.items()
                if p.default is not inspect.Parameter.empty}
    specs = [slider_spec(name, spec, _start(spec, defaults.get(name)))
             for name, spec in ranges.items()]
    root = _call(f, {s["name"]: s["value"] for s in specs})
    w = GraphWidget(root, **options)
    w._set_sliders(specs, lambda inputs: _call(f, inputs))
    return w


def _start(spec, default):
    """f's default for a slider, else the middle of its range."""
    if default is not None:
        return default
    try:
        return (spec[0] + spec[1]) / 2
    except (TypeError, IndexError, KeyError, OverflowError):
        return 0.0                      # slider_spec says what is wrong with `spec`


def _call(f, inputs):
    root = f(**inputs)
    if not isinstance(root, Value):
        mine = " (gradwidget's: a class of your own cannot be re-evaluated by the widget)" \
            if all(hasattr(root, a) for a in ("data", "grad", "_prev", "_backward")) else ""
        raise TypeError(f"{getattr(f, '__name__', f)!r} must return a Value{mine}, returned {root!r}")
    return root
