// The structure of micrograd's demo loss, built here as Python builds it (see
// benchmarks/layout_budget.py, which lays out the real one from gradwidget.nn): MLP(2, [16,
// 16, 1]) over `points` inputs, hinge loss `(1 + -y*score).relu()`, their mean, plus
// `1e-4 * sum(p*p for p in parameters)`, a chain of 337 additions, each fed from a
// parameter used near the start. 1 point: 1,666 nodes; 2: 2,314; 8: 6,202 (as in Python).
export function demoLossStructure(points) {
  const nodes = [];
  const edges = [];
  const value = (op, inputs, label = "") => {
    const id = nodes.length;
    const name = label || (op ? `${op} node` : String(id));
    nodes.push({ id, label, op, name });
    inputs.forEach((input, slot) => edges.push({ id: edges.length, src: input, dst: id, slot }));
    return id;
  };
  const leaf = (label = "") => value("", [], label);
  const sum = (terms, start) => terms.reduce((acc, term) => value("+", [acc, term]), start);
  const layers = [[2, 16], [16, 16], [16, 1]].map(([nin, nout], l) =>
    Array.from({ length: nout }, (_, n) => ({
      w: Array.from({ length: nin }, (_, i) => leaf(`L${l + 1}.N${n + 1}.w[${i}]`)),
      b: leaf(`L${l + 1}.N${n + 1}.b`),
      relu: l < 2,
    })));
  const model = (x) => layers.reduce((inputs, layer) => layer.map(({ w, b, relu }) => {
    const act = sum(w.map((wi, i) => value("*", [wi, inputs[i]])), b);
    return relu ? value("relu", [act]) : act;
  }), x);
  const losses = [];
  for (let p = 0; p < points; p++) {
    const [score] = model([leaf(), leaf()]);
    losses.push(value("relu", [value("+", [value("*", [score, leaf()]), leaf()])])); // (1 + -y*s).relu()
  }
  const dataLoss = value("*", [sum(losses.slice(1), value("+", [losses[0], leaf()])), leaf()]); // sum(...) * (1/n)
  const parameters = layers.flat().flatMap(({ w, b }) => [...w, b]);
  const squares = parameters.map((p) => value("*", [p, p]));
  const reg = value("*", [sum(squares.slice(1), value("+", [squares[0], leaf()])), leaf()]); // 1e-4 * sum(p*p)
  const root = value("+", [dataLoss, reg]);
  return { key: `demo-loss-${points}`, root, nodes, edges };
}
