# The browser tests import the working tree's gradwidget (the kernels get it on PYTHONPATH too).
import pathlib
import sys

_REPO = str(pathlib.Path(__file__).resolve().parents[2])
if _REPO not in sys.path:
    sys.path.insert(0, _REPO)
