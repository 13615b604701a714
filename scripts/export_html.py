"""Exports a notebook to an HTML page that shows its widgets offline.

    python scripts/export_html.py NOTEBOOK.ipynb OUT.html [--no-execute] [--timeout S]

Runs the notebook (nbconvert's ExecutePreprocessor, in the notebook's folder; skip it with
--no-execute for a notebook saved with its widget state) and writes OUT.html with nbconvert's
`lab` template, changed so that nothing comes from a CDN: require.js, the widget manager
(@jupyter-widgets/html-manager's embed-amd.js, with its fonts) and anywidget's AMD build are
copied from this checkout's node_modules (`npm ci`) into OUT_files/ beside the page, and
MathJax and Mermaid are left out (math shows as its TeX source). Copy OUT.html together with
OUT_files/. Every GraphWidget draws and plays from the saved state; what needs a kernel
(sliders, `interact`) says so on the page.

For one widget in one self-contained file, use `gradwidget.html.save_html(widget, path)`.
"""

import argparse
import pathlib
import shutil
import sys
import tempfile

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import ExecutePreprocessor

ROOT = pathlib.Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "node_modules"
FONTS = (".woff2", ".woff", ".ttf", ".eot", ".svg")
# The lab template without CDNs: local require.js that knows where anywidget is.
TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}
<script src="{{ resources.require_js_url }}"></script>
<script>requirejs.config({paths: {anywidget: "ASSETS/anywidget"}});</script>
{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""


def copy_assets(folder):
    """Copies require.js, the widget manager (with its fonts) and anywidget into `folder`."""
    sources = {
        "require.js": NODE_MODULES / "requirejs/require.js",
        "anywidget.js": NODE_MODULES / "anywidget/dist/index.js",
        "embed-amd.js": NODE_MODULES / "@jupyter-widgets/html-manager/dist/embed-amd.js",
    }
    missing = [str(path) for path in sources.values() if not path.is_file()]
    if missing:
        raise SystemExit(f"missing {', '.join(missing)}: run `npm ci` in {ROOT} first")
    folder.mkdir(parents=True, exist_ok=True)
    for name, source in sources.items():
        shutil.copyfile(source, folder / name)
    for font in (NODE_MODULES / "@jupyter-widgets/html-manager/dist").iterdir():
        if font.suffix in FONTS:
            shutil.copyfile(font, folder / font.name)


def export(notebook, out, execute=True, timeout=300):
    notebook, out = pathlib.Path(notebook).resolve(), pathlib.Path(out).resolve()
    nb = nbformat.read(notebook, as_version=4)
    if execute:
        ExecutePreprocessor(timeout=timeout, kernel_name=nb.metadata.get("kernelspec", {}).get(
            "name", "python3")).preprocess(nb, {"metadata": {"path": str(notebook.parent)}})
    assets = out.with_name(out.stem + "_files")
    copy_assets(assets)
    with tempfile.TemporaryDirectory() as templates:
        template = pathlib.Path(templates) / "gradwidget_offline"
        template.mkdir()
        (template / "index.html.j2").write_text(TEMPLATE.replace("ASSETS", assets.name))
        (template / "conf.json").write_text('{"base_template": "lab", "mimetypes": {"text/html": true}}')
        exporter = HTMLExporter(template_name="gradwidget_offline", extra_template_basedirs=[templates],
                                require_js_url=f"{assets.name}/require.js",
                                widget_renderer_url=f"{assets.name}/embed-amd.js")
        body, _resources = exporter.from_notebook_node(nb)
    out.write_text(body, encoding="utf-8")
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebook")
    parser.add_argument("out")
    parser.add_argument("--no-execute", dest="execute", action="store_false",
                        help="export the notebook as saved (it must hold its widget state)")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell")
    args = parser.parse_args(argv)
    out = export(args.notebook, args.out, args.execute, args.timeout)
    print(f"wrote {out} (with {out.stem}_files/)")


if __name__ == "__main__":
    sys.exit(main())
