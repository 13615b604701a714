"""GraphWidget's exports that the page makes: the animated SVG of the lesson (the page's
answer to `export_animation`, untrusted), and `save_html`, the self-contained page."""

from test_seeds import diamond

from gradwidget.widget import GraphWidget


def answer(w, content):
    """A message from the page, through ipywidgets' own comm message handler."""
    w._handle_msg({"content": {"data": {"method": "custom", "content": content}}, "buffers": []})


def test_export_animation_asks_the_page_and_keeps_its_answer(tmp_path):
    w = GraphWidget(diamond()[0])
    w.export_animation(tmp_path / "lesson.svg")
    assert w._request == {"id": w._request["id"], "type": "export_animation"}
    assert w.animation is None and not (tmp_path / "lesson.svg").exists()   # not answered yet
    answer(w, {"type": "animation", "id": w._request["id"], "svg": "<svg><g class='gw-frame'/></svg>"})
    assert w.animation == "<svg><g class='gw-frame'/></svg>" and w.animation_error is None
    assert (tmp_path / "lesson.svg").read_text() == w.animation


def test_an_animation_the_page_could_not_make_says_why_and_writes_nothing(tmp_path):
    w = GraphWidget(diamond()[0])
    w.export_animation(tmp_path / "lesson.svg")
    answer(w, {"type": "animation", "id": w._request["id"], "error": "at most 400 frames; this one 900"})
    assert w.animation is None and "400 frames" in w.animation_error
    w.export_animation(tmp_path / "lesson.svg")
    answer(w, {"type": "animation", "id": w._request["id"], "svg": "<script>alert(1)</script>"})
    assert w.animation is None and w.animation_error.startswith("not an SVG")
    assert not (tmp_path / "lesson.svg").exists()
    assert w.values["error"] is None          # an answer is not a page error


def test_save_html_writes_a_page_that_carries_the_widget(tmp_path):
    w = GraphWidget(diamond()[0], mode="compare")
    path = w.save_html(tmp_path / "diamond.html", title="The diamond")
    text = path.read_text()
    assert "<title>The diamond</title>" in text and w.model_id in text
    assert "http://" not in text.split("<script", 1)[0]   # nothing fetched before the scripts
