# A marimo notebook: `marimo run notebooks/marimo_diamond.py` (or `marimo edit`).
# The diamond of lesson 02, its correct backward pass beside the `=` bug.
import marimo

app = marimo.App()


@app.cell
def _():
    from gradwidget import GraphWidget, Value
    return GraphWidget, Value


@app.cell
def _(GraphWidget, Value):
    a, b, c = Value(2.0, label="a"), Value(3.0, label="b"), Value(4.0, label="c")
    L = (a * b + c) * (a - c)
    L.label = "L"
    widget = GraphWidget(L, mode="compare")
    widget  # noqa: B018 (marimo shows the last expression of a cell)
    return


if __name__ == "__main__":
    app.run()
