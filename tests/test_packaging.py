"""A fresh clone builds with one pip command, and the wheel carries the browser bundles.

The bundles are git-ignored and hatchling honours .gitignore, so without the wheel's
`artifacts` setting they would silently be left out: this test catches that.
"""

import pathlib
import shutil
import subprocess
import sys
import zipfile

import pytest

ROOT = pathlib.Path(__file__).parent.parent


@pytest.mark.skipif(shutil.which("npm") is None, reason="the build needs npm")
def test_wheel_from_a_fresh_copy_contains_the_bundles(tmp_path):
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    src = tmp_path / "src"
    for name in tracked:
        if (ROOT / name).is_file():
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, src / name)
    assert not (src / "gradwidget" / "static").exists()
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    str(tmp_path / "dist"), str(src)], check=True, timeout=600)
    wheel, = (tmp_path / "dist").glob("gradwidget-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for bundle in ("widget.js", "loader.js", "layout-worker.js", "lossplot.js"):
        assert f"gradwidget/static/{bundle}" in names
    sizes = {i.filename: i.file_size for i in zipfile.ZipFile(wheel).infolist()}
    assert sizes["gradwidget/static/widget.js"] < 150_000           # the view: no Graphviz
    assert sizes["gradwidget/static/loader.js"] < 5_000             # each widget's _esm
    assert sizes["gradwidget/static/layout-worker.js"] > 500_000    # Graphviz is here
