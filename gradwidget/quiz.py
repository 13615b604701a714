"""Quiz mode of `GraphWidget`: the student predicts gradients before seeing them.

    GraphWidget(L, quiz=True)             # every node but the output (its grad is the seed 1)
    GraphWidget(L, quiz=["a", c])         # only these: labels, or the Values themselves

The page hides the asked gradients until each is answered right or its derivation is
shown, and checks the answers itself from the replay it holds (so a saved notebook or a
static HTML page keeps working without a kernel). When a kernel is there, the page also
sends each answer; Python checks it again from its own payload and keeps the results in
`widget.quiz_results`. docs/protocol.md ("Quiz") is the contract.

An answer is right when it is within half a unit of the correct number's 3rd significant
digit (`tolerance()`): for 4, from 3.995 to 4.005; for 1/3, 0.333 is right and 0.33 is not;
for 0, within 1e-9. The page (js/quiz.js) uses the same rule.
"""

import math

import traitlets

from .controls import finite
from .engine import Value, name, names

__all__ = ["DIGITS", "FLOOR", "QuizMixin", "is_right", "resolve", "tolerance"]

DIGITS = 3          # significant digits an answer must get right
FLOOR = 1e-9        # the smallest tolerance (for a correct answer of 0)


def _exponent(a):
    """The power of ten of a positive finite number: 10**e <= a < 10**(e+1)."""
    e = math.floor(math.log10(a))
    if 10.0 ** e > a:
        e -= 1
    elif 10.0 ** (e + 1) <= a:
        e += 1
    return e


def tolerance(correct):
    """How far an answer may be from `correct` and still be right."""
    a = abs(correct)
    if not a:
        return FLOOR
    return max(0.5 * 10.0 ** (_exponent(a) - (DIGITS - 1)), FLOOR)


def is_right(answer, correct):
    return abs(answer - correct) <= tolerance(correct) * (1 + 1e-12)


def resolve(spec, nodes, root_id):
    """The node ids (ascending) that `quiz=spec` asks about, in the graph `nodes` (a
    topological order: id = index). `True`: all but the root; a list of labels or Values:
    those. Raises ValueError naming an unknown label, a Value not in the graph, the root,
    or a label two nodes share; TypeError for anything else."""
    if spec is None or spec is False:
        return []
    if spec is True:
        return [i for i in range(len(nodes)) if i != root_id]
    if isinstance(spec, (str, bytes, Value)) or not isinstance(spec, (list, tuple, set, frozenset)):
        raise TypeError(f"quiz must be True or a list of nodes (labels or Values), got {spec!r}")
    ids = {}
    for key in spec:
        if isinstance(key, Value):
            found = [i for i, v in enumerate(nodes) if v is key]
            if not found:
                raise ValueError(f"quiz: {name(key)!r} is not a node of this graph")
        elif isinstance(key, str):
            found = [i for i, v in enumerate(nodes) if v.label == key]
            if not found:
                labels = sorted({v.label for v in nodes if v.label})
                raise ValueError(f"quiz: no node labelled {key!r} in this graph; its labels are: "
                                 f"{', '.join(labels) or 'none'}")
            if len(found) > 1:
                raise ValueError(f"quiz: {len(found)} nodes are labelled {key!r}; pass the Value "
                                 "you mean instead of its label")
        else:
            raise TypeError(f"quiz: name a node by its label (str) or pass the Value, got {key!r}")
        [i] = found
        if i == root_id:
            raise ValueError(f"quiz: {name(nodes[i])!r} is the output: its grad is the seed 1, "
                             "there is nothing to predict")
        ids[i] = True
    return sorted(ids)


def result_names(nodes, ids):
    """{id: the key of its result}: the node's name (`engine.name`, as the page shows it),
    numbered when two asked nodes share one ("a", "a (2)")."""
    if not ids:
        return {}
    called = names(nodes)
    out, taken = {}, set()
    for i in ids:
        key, n = called[i], 1
        while key in taken:
            n += 1
            key = f"{called[i]} ({n})"
        taken.add(key)
        out[i] = key
    return out


class QuizMixin(traitlets.HasTraits):
    """The quiz half of GraphWidget: the `quiz` trait, page answers, results."""

    quiz = traitlets.Dict().tag(sync=True)
    quiz_results = traitlets.Dict()     # not synced: what the page reported, checked here

    @staticmethod
    def _quiz_check(root, spec, quiz_mode):
        """Refuses a bad `quiz=` or `quiz_mode=` before the widget is made."""
        from .widget import PANELS
        if quiz_mode is not None and quiz_mode not in PANELS:
            raise ValueError(f"quiz_mode must be None (the view's first panel) or one of "
                             f"{', '.join(map(repr, PANELS))}, got {quiz_mode!r}")
        if spec is None or spec is False:
            return
        if not isinstance(root, Value):
            raise TypeError(f"quiz needs a graph of gradwidget Values, got a {type(root).__qualname__}")
        nodes = root.topo()
        resolve(spec, nodes, len(nodes) - 1)

    def _quiz_init(self, spec, quiz_mode):
        self._quiz_spec = spec
        self._quiz_mode = quiz_mode
        self._quiz_names = {}
        self._quiz_resolve(reset=0)

    def _quiz_resolve(self, reset=None):
        """Ask the nodes of the quiz spec in the graph shown now (ids change with the graph)."""
        asked = self._quiz_spec is not None and self._quiz_spec is not False
        nodes = self._root.topo() if asked and isinstance(self._root, Value) else []
        ids = resolve(self._quiz_spec, nodes, len(nodes) - 1) if nodes else []
        self._quiz_names = result_names(nodes, ids)
        count = self.quiz.get("reset", 0) + 1 if reset is None else reset
        self.quiz_results = {}
        self.quiz = {"ask": ids, "replay": self._quiz_mode, "reset": count}

    @traitlets.observe("structure")
    def _quiz_structure_changed(self, change):
        if getattr(self, "_quiz_names", None) is None:
            return                            # during __init__: _quiz_init does it
        old, new = change["old"] or {}, change["new"] or {}
        if old.get("key") != new.get("key"):
            try:
                self._quiz_resolve()
            except (TypeError, ValueError):   # a label of the quiz is gone: ask nothing
                self._quiz_names = {}
                self.quiz_results = {}
                self.quiz = {"ask": [], "replay": self._quiz_mode, "reset": self.quiz.get("reset", 0) + 1}

    @traitlets.observe("mode")
    def _quiz_mode_changed(self, change):
        # The answers are the view's first panel's: another replay is another quiz.
        if getattr(self, "_quiz_mode", None) is None and self.quiz_results and \
                _first_panel(change["old"]) != _first_panel(change["new"]):
            self.quiz_results = {}

    def quiz_replay(self):
        """The replay whose final grads are the right answers."""
        return self._quiz_mode or _first_panel(self.mode)

    @property
    def quiz_score(self):
        """(right, asked): how many asked gradients were predicted right."""
        right = sum(1 for r in self.quiz_results.values() if r["right"])
        return right, len(self.quiz.get("ask", ()))

    def reset_quiz(self):
        """Forget every answer, here and in the page (the asked grads are hidden again)."""
        self.quiz_results = {}
        self.quiz = {**self.quiz, "reset": self.quiz.get("reset", 0) + 1}

    def _on_quiz(self, content):
        """An answer (or a "show the derivation") from the page: untrusted, checked here."""
        try:
            node, answer, reveal = self._read_quiz(content)
            key = self._quiz_names[node]
            old = self.quiz_results.get(key, {"answer": None, "right": False, "tries": 0, "revealed": False})
            if reveal:
                result = {**old, "revealed": True}
            else:
                correct = self._quiz_correct(node)
                result = {**old, "answer": answer, "right": is_right(answer, correct),
                          "tries": old["tries"] + 1}
        except (TypeError, ValueError) as e:
            self._fail(e)
            return
        self.quiz_results = {**self.quiz_results, key: result}

    def _read_quiz(self, content):
        node = content.get("node")
        if isinstance(node, bool) or not isinstance(node, int) or node not in self._quiz_names:
            asked = ", ".join(map(repr, self._quiz_names.values())) or "none"
            raise ValueError(f"a quiz answer must name an asked node by its id, got {_short(node)}; "
                             f"asked: {asked}")
        if content.get("reveal") is True and "answer" not in content:
            return node, None, True
        answer = content.get("answer")
        if not finite(answer):
            raise TypeError(f"a quiz answer must be a finite number, got {_short(answer)}")
        return node, float(answer), False

    def _quiz_correct(self, node):
        rep = self.values.get("replays", {}).get(self.quiz_replay(), {})
        if rep.get("error"):
            raise ValueError(f"the {self.quiz_replay()} replay cannot check answers: {rep['error']}")
        grads = rep.get("grad", ())
        if node >= len(grads):
            raise ValueError("the quiz's graph has no replay yet")
        return grads[node]


def _first_panel(view):
    from .widget import _MODES
    return _MODES["views"].get(view, _MODES["views"]["accumulate"])["panels"][0]


def _short(x, limit=60):
    text = repr(x)
    return text if len(text) <= limit else text[:limit - 1] + "…"
