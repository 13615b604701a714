"""Every teaching notebook runs top to bottom in a real kernel (nbclient), without errors."""

import pathlib

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((pathlib.Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))


def test_the_seven_lessons_are_there():
    assert [p.name[:2] for p in NOTEBOOKS] == ["01", "02", "03", "04", "05", "06", "07"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", store_widget_state=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    widgets = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert widgets, f"{path.name} must end in a working widget"
    # Every graph a lesson shows is a fresh forward pass that could be shown (no notice).
    states = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    graphs = [m["state"] for m in states.values()
              if m["state"].get("_anywidget_id", "").endswith("GraphWidget")]
    assert graphs
    for g in graphs:
        assert g["values"]["key"] == g["structure"]["key"]
        assert g["values"]["stale"] is None and g["values"]["error"] is None, (path.name, g["values"])
