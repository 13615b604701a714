"""Builds a static JupyterLite site with gradwidget and the teaching notebooks: a classroom
with nothing to install. Everything it serves is local (Pyodide, every wheel the kernel
loads), built only from the package registries; the site needs no network beyond the host
that serves it.

    python scripts/build_lite.py [--out build/lite] [--cache DIR]

then serve the folder from any static host (`python -m http.server -d build/lite`) and open
`lab/index.html?path=02_diamond.ipynb` (docs/where-it-runs.md says how to publish it).

What it does (jupyterlite-core and jupyterlite-pyodide-kernel 0.8.x must be installed:
`pip install -e ".[lite]"`):
1. Pyodide from npm (`npm pack pyodide@<the version the kernel pins>`): npm carries the
   core (interpreter, stdlib, pyodide-lock.json) but none of its package wheels.
2. The wheels the kernel loads at start (micropip, ipython and their dependencies, at the
   versions pyodide-lock.json names), fetched from PyPI. PyPI's builds are not byte for
   byte Pyodide's, so their sha256 in the local pyodide-lock.json is rewritten.
3. gradwidget's wheel built from this checkout, and anywidget, ipywidgets, comm, psygnal
   (its pure wheel), jupyterlab_widgets and graphviz from PyPI at the versions installed
   here (their JupyterLab extensions, copied into the site from this environment, must
   match). They go into the lock too, with the modules they provide, so that
   `from gradwidget import ...` loads them by itself (no `%pip install` cell), and into
   piplite's index for `%pip install`.
4. `jupyter lite build` with the notebooks as contents and `disablePyPIFallback`.
Downloads are cached in --cache (default ~/.cache/gradwidget/lite): reruns are fast.
"""

import argparse
import hashlib
import importlib.metadata
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "build" / "lite"
DEFAULT_CACHE = pathlib.Path(os.environ.get("GRADWIDGET_LITE_CACHE", "~/.cache/gradwidget/lite")).expanduser()
# Lock packages the kernel loads as it starts (micropip, then ipython, jedi via piplite).
KERNEL_START = ["micropip", "packaging", "ipython", "jedi"]
# What gradwidget needs in the browser besides the lock's packages, from PyPI.
RUNTIME = ["anywidget", "ipywidgets", "comm", "psygnal", "jupyterlab_widgets", "graphviz"]
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"
LITE_KERNELSPEC = {"name": "python", "display_name": "Python (Pyodide)", "language": "python"}


def key(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def run(*args, **kwargs):
    print("+", " ".join(map(str, args)), flush=True)
    subprocess.run([str(a) for a in args], check=True, **kwargs)


def pyodide_core(cache, version):
    """The npm tarball of pyodide `version` (cached), unpacked into a temp dir; its path."""
    tarball = cache / f"pyodide-{version}.tgz"
    if not tarball.exists():
        run("npm", "pack", f"pyodide@{version}", "--silent", "--pack-destination", cache)
    unpacked = pathlib.Path(tempfile.mkdtemp(prefix="gw-pyodide-"))
    with tarfile.open(tarball) as tar:
        tar.extractall(unpacked, filter="data")
    return unpacked / "package"


def download(cache, requirement):
    """The pure-Python wheel of `requirement` ("name==version") from PyPI (cached)."""
    name, version = requirement.split("==")
    wheels = cache / "wheels"
    stem = "[-_.]".join(map(re.escape, key(name).split("-")))
    pattern = re.compile(rf"^{stem}-{re.escape(version)}-.*\.whl$", re.I)
    found = [w for w in wheels.glob("*.whl") if pattern.match(w.name)] if wheels.exists() else []
    if not found:
        run(sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "-q", "--no-deps",
            "--only-binary=:all:", "--platform", "any", "--implementation", "py", "--abi", "none",
            "--python-version", "3.14", "-d", wheels, requirement)
        found = [w for w in wheels.glob("*.whl") if pattern.match(w.name)]
    if len(found) != 1:
        raise SystemExit(f"expected one pure wheel for {requirement} in {wheels}, found {found}")
    return found[0]


def own_wheel(into):
    """gradwidget's wheel, built from this checkout (its JS bundle included)."""
    run(sys.executable, "-m", "pip", "wheel", "--disable-pip-version-check", "-q", "--no-deps",
        "-w", into, ROOT)
    [wheel] = into.glob("gradwidget-*.whl")
    return wheel


def wheel_facts(wheel):
    """(top-level modules, names of its unconditional requirements) of a wheel."""
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        [metadata] = [n for n in names if n.endswith(".dist-info/METADATA")]
        requires = [line.split(":", 1)[1].strip() for line in z.read(metadata).decode().splitlines()
                    if line.startswith("Requires-Dist:")]
    modules = sorted({n.split("/")[0].removesuffix(".py") for n in names
                      if n.endswith(".py") and ".dist-info/" not in n and ".data/" not in n})
    needs = [re.match(r"[A-Za-z0-9_.-]+", r).group(0) for r in requires if ";" not in r]
    return modules, needs


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def closure(packages, names):
    by_key = {key(name): name for name in packages}
    seen, todo = [], list(names)
    while todo:
        name = by_key[key(todo.pop(0))]
        if name not in seen:
            seen.append(name)
            todo += packages[name]["depends"]
    return seen


def local_pyodide(core, cache, runtime_wheels):
    """Puts into `core` (an unpacked Pyodide) the wheels of the kernel's start and of
    `runtime_wheels`, and rewrites its pyodide-lock.json to name exactly those files."""
    lock_path = core / "pyodide-lock.json"
    lock = json.loads(lock_path.read_text())
    packages = lock["packages"]
    in_lock = {key(name) for name in packages}
    facts = {wheel: wheel_facts(wheel) for wheel in runtime_wheels}
    lock_needs = [n for _modules, needs in facts.values() for n in needs if key(n) in in_lock]
    for name in closure(packages, KERNEL_START + lock_needs):
        entry = packages[name]
        wheel = download(cache, f"{entry['name']}=={entry['version']}")
        shutil.copyfile(wheel, core / wheel.name)
        entry.update(file_name=wheel.name, sha256=sha256(wheel))
    runtime_keys = {key(wheel.name.split("-")[0]) for wheel in runtime_wheels} | in_lock
    for wheel, (modules, needs) in facts.items():
        name, version = wheel.name.split("-")[:2]
        shutil.copyfile(wheel, core / wheel.name)
        packages[key(name)] = {
            "name": name, "version": version, "file_name": wheel.name, "install_dir": "site",
            "sha256": sha256(wheel), "package_type": "package", "imports": modules,
            "depends": [key(n) for n in needs if key(n) in runtime_keys], "unvendored_tests": False,
        }
    lock_path.write_text(json.dumps(lock))


def lite_notebooks(folder):
    """The teaching notebooks, set to open with the Pyodide kernel (named "python" in
    JupyterLite): no kernel dialog for the student."""
    folder.mkdir()
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(notebook.read_text())
        nb.setdefault("metadata", {})["kernelspec"] = LITE_KERNELSPEC
        (folder / notebook.name).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    return folder


def build(out=DEFAULT_OUT, cache=DEFAULT_CACHE, expose_app=False):
    """Builds the site into `out`; `expose_app` sets window.jupyterapp (for automated tests)."""
    from jupyterlite_pyodide_kernel.constants import PYODIDE_VERSION

    out, cache = pathlib.Path(out).resolve(), pathlib.Path(cache).resolve()
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gw-lite-") as tmp:
        work = pathlib.Path(tmp)
        runtime = [own_wheel(work / "own")]
        runtime += [download(cache, f"{name}=={importlib.metadata.version(name)}") for name in RUNTIME]
        core = pyodide_core(cache, PYODIDE_VERSION)
        try:
            local_pyodide(core, cache, runtime)
            lite = work / "lite"
            (lite / "static").mkdir(parents=True)
            shutil.move(core, lite / "static" / "pyodide")
        finally:
            shutil.rmtree(core.parent, ignore_errors=True)
        config = {"litePluginSettings": {KERNEL_PLUGIN: {"disablePyPIFallback": True}}}
        if expose_app:
            config["exposeAppInBrowser"] = "true"  # a string: the page lower-cases it
        (lite / "jupyter-lite.json").write_text(json.dumps(
            {"jupyter-lite-schema-version": 0, "jupyter-config-data": config}))
        if out.exists():
            shutil.rmtree(out)
        args = ["jupyter", "lite", "build", "--lite-dir", lite, "--output-dir", out,
                "--contents", lite_notebooks(work / "notebooks"), "--no-sourcemaps",
                "--apps", "lab", "--apps", "notebooks"]
        for wheel in runtime:
            args += ["--piplite-wheels", wheel]
        run(*args, cwd=lite)
    print(f"JupyterLite site in {out}: serve it with `python -m http.server -d {out}`")
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=DEFAULT_OUT, help="the site's folder (default build/lite)")
    parser.add_argument("--cache", default=DEFAULT_CACHE, help="downloads kept between builds")
    parser.add_argument("--expose-app", action="store_true",
                        help="set window.jupyterapp in the pages (for automated tests)")
    args = parser.parse_args(argv)
    build(args.out, args.cache, args.expose_app)


if __name__ == "__main__":
    main()
