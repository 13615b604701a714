"""gradwidget: see backpropagation happen."""

from .engine import Value
from . import nn

__all__ = ["Value", "nn"]
