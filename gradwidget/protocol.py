"""The payload GraphWidget sends to the page, as types (docs/protocol.md is the prose).

Python builds these dicts (gradwidget/widget.py, gradwidget/graph.py); js/ reads them.
Every number in them is finite: the page parses plain JSON.
"""

from typing import Literal, NotRequired, TypedDict

__all__ = [
    "DepositJSON",
    "Edge",
    "Node",
    "ReplayJSON",
    "Slide",
    "SliderSpec",
    "StepJSON",
    "Structure",
    "Summary",
    "Traits",
    "Values",
]


class Node(TypedDict):
    id: int                 # 0..n-1, topological order (inputs first)
    label: str              # user text, drawn as text
    op: str                 # "" for a leaf, else "+", "*", "tanh", "**2", ...
    name: str               # gradwidget.engine.name(): the label, else the expression


class Edge(TypedDict):
    id: int
    src: int                # the input (child)
    dst: int                # the node it helps compute
    slot: int               # argument position in dst: 0 = left, 1 = right


class Summary(TypedDict):
    """What the page shows instead of a graph above `max_nodes`."""

    nodes: int
    edges: int
    leaves: int
    ops: dict[str, int]     # op -> how many nodes compute it, most common first
    multi: int              # nodes used by more than one edge


class Structure(TypedDict):
    key: str                # changes if and only if what is drawn changes
    root: int
    nodes: list[Node]       # empty for a summary
    edges: list[Edge]       # empty for a summary
    summary: NotRequired[Summary]


class DepositJSON(TypedDict):
    edge: int
    value: float            # the contribution local * out.grad
    total: float            # the receiving node's grad right after it
    uses: NotRequired[int]  # a grouped graph's: how many scalar deposits it sums (absent: 1)


class StepJSON(TypedDict):
    node: int               # the node that fires
    deposits: list[DepositJSON]


class ReplayJSON(TypedDict):
    steps: list[StepJSON]
    grad: list[float]       # node id -> grad after the last step
    # Why it was not computed (`steps` and `grad` are then empty): "eager" above
    # widget.EAGER_MAX_STEPS; "observed" on gradwidget's Values, or when their backward()
    # raised; "overwrite" and "eager" on a graph of the student's own class.
    error: NotRequired[str]


class Values(TypedDict):
    key: str                # the `structure.key` these numbers belong to
    data: list[float]       # node id -> data as the graph holds it (empty for a summary)
    local: list[float]      # edge id -> d(dst)/d(src), the local derivative (empty for a summary)
    replays: dict[str, ReplayJSON]     # one per replay panel of modes.json's views
    stale: str | None       # why these numbers are not a fresh forward pass, or None
    findings: list[str]     # a student's own class: what foreign.check() finds ([] if nothing)
    views: list[str]        # the views that apply to this graph: the page's mode switch offers these
    foreign: str | None     # that class's name; None for gradwidget's Values
    error: str | None       # why the last request (slide, refresh, page write) failed
    seq: int | None         # the slide this answers, or None


class Traits(TypedDict):
    """GraphWidget's synced traits, as the page receives them (`_engine` left out)."""

    structure: Structure
    values: Values
    mode: str               # a view of modes.json: "accumulate", "overwrite", "compare",
                            # "eager", "compare-eager", "observed", "compare-observed"
                            # (the page may set it)
    max_nodes: int          # 1..MAX_NODES (the page may set it: "Draw anyway")
    start: Literal["begin", "end"]    # where the player starts (Python only)
    forward: bool           # play the forward pass before the backward pass (Python only)
    scale: float            # text scale, 0.5..3 (the page may set it)
    sliders: list["SliderSpec"]


class SliderSpec(TypedDict):
    name: str
    min: float
    max: float
    step: float
    value: float            # the position Python applied last


class Slide(TypedDict):
    """The page's message when a slider moves (validated in Python, never trusted)."""

    type: Literal["slide"]
    seq: int
    values: dict[str, float]
