import shutil

import graphviz
import pytest

from gradwidget import Value, draw_dot


def test_draw_dot_builds_a_digraph_without_the_dot_binary():
    a = Value(3.0, "a")
    b = a + a
    b.label = "b"
    b.backward()
    dot = draw_dot(b)
    assert isinstance(dot, graphviz.Digraph)
    src = dot.source
    assert "rankdir=LR" in src
    assert "{ a | data 3.0000 | grad 2.0000 }" in src
    assert src.count('0 -> "1op"') == 2                      # two edges: a is used twice
    assert '"1op" [label="+"]' in src


def test_draw_dot_escapes_record_syntax_in_labels():
    a = Value(1.0, "<img src=x onerror=alert(1)>|{}")
    src = draw_dot(a * 2).source
    assert r"\<img src=x onerror=alert(1)\>\|\{\}" in src


def test_draw_dot_rejects_unknown_rankdir():
    with pytest.raises(ValueError, match="rankdir"):
        draw_dot(Value(1.0), rankdir="sideways")


@pytest.mark.skipif(shutil.which("dot") is None, reason="rendering needs Graphviz's dot program")
def test_draw_dot_renders_with_dot_when_present():
    svg = draw_dot(Value(2.0, "a") * Value(3.0, "b")).pipe(format="svg").decode()
    assert "data 6.0000" in svg
