"""Static pages for the browser tests beyond Jupyter: a local HTTP server for a folder (with
extra response headers, e.g. a Content-Security-Policy), and a Chromium page that records
its console, page errors and every request that would leave the machine (all aborted)."""

import functools
import http.server
import os
import pathlib
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from typing import ClassVar

from .jupyter import ARTIFACTS, REPO, _safe_name, free_port

# This machine's addresses, and URLs that never reach the network; file: only if allowed.
_LOCAL = r"(https?|wss?)://(127\.0\.0\.1|localhost)(:\d+)?([/?#]|$)|blob:|data:"
OUTSIDE = re.compile(rf"^(?!{_LOCAL})")
OUTSIDE_BUT_FILE = re.compile(rf"^(?!{_LOCAL}|file:)")


def block_outside(context, blocked, allow_file=False):
    """Aborts every request of `context` that would leave this machine (file: URLs too,
    unless `allow_file`), appending its URL to `blocked`."""
    def abort(route):
        blocked.append(route.request.url)
        route.abort("blockedbyclient")
    context.route(OUTSIDE_BUT_FILE if allow_file else OUTSIDE, abort)


class _Handler(http.server.SimpleHTTPRequestHandler):
    extra_headers: ClassVar[dict] = {}

    def end_headers(self):
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, *args):
        pass


class StaticServer:
    """Serves `root` on 127.0.0.1 (a free port) in a thread; every response carries
    `headers`. Use as a context manager; `url(path)` is the address of a file."""

    def __init__(self, root, headers=None):
        handler = type("Handler", (_Handler,), {"extra_headers": dict(headers or {})})
        self.server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def url(self, path=""):
        return f"http://127.0.0.1:{self.server.server_port}/{path.lstrip('/')}"


class Page:
    """A Playwright page in its own context: console, page errors and blocked requests
    (anything not on this machine, not blob:/data:; `allow_file=True` also lets file://
    through) are recorded; `save(tag)` writes a screenshot and the log to test-artifacts/."""

    def __init__(self, browser, viewport=(1280, 900), allow_file=False):
        self.context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        self.blocked = []
        block_outside(self.context, self.blocked, allow_file=allow_file)
        self.page = self.context.new_page()
        self.console = []
        self.errors = []
        self.page.on("console", lambda m: self.console.append(f"[{m.type}] {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(e.stack or str(e)))

    def save(self, tag):
        ARTIFACTS.mkdir(exist_ok=True)
        base = ARTIFACTS / _safe_name(tag)
        self.page.screenshot(path=f"{base}.png")
        lines = self.console + [f"[pageerror] {e}" for e in self.errors]
        lines += [f"[blocked] {url}" for url in self.blocked]
        (ARTIFACTS / f"{_safe_name(tag)}.log").write_text("\n".join(lines))
        return f"{base}.png"

    def close(self):
        self.context.close()


class ServerProcess:
    """A server command run in a temp dir with the notebook `notebook` copied in, on a free
    loopback port, importing this working tree's gradwidget (PYTHONPATH), like the Lab
    tests' kernels. A context manager: on entry it waits (60 s at most) until the port
    listens; `url` is its page, `log_tail()` what it printed. Subclasses give `name` and
    `args()`, and may add to `env()`."""

    name = "server"

    def __init__(self, notebook):
        self.notebook = pathlib.Path(notebook)
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix=f"gw-e2e-{self.name}-"))
        self.port = free_port()
        self.log_path = self.tmp / f"{self.name}.log"
        self.proc = None

    def args(self):
        raise NotImplementedError

    def env(self):
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
        env.pop("ANYWIDGET_HMR", None)
        return env

    def __enter__(self):
        shutil.copy(self.notebook, self.tmp / self.notebook.name)
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(self.args(), cwd=self.tmp, env=self.env(), stdin=subprocess.DEVNULL,
                                     stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"{self.name} did not listen in 60 s:\n{self.log_tail()}")

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()  # by its PID
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/"

    def log_tail(self, chars=4000):
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


class VoilaServer(ServerProcess):
    """`voila <notebook>`, with its own Jupyter dirs; `url` is the page of the notebook."""

    name = "voila"

    def args(self):
        return [sys.executable, "-m", "voila", "--no-browser", f"--port={self.port}",
                "--Voila.ip=127.0.0.1", "--Voila.port_retries=0", f"--Voila.root_dir={self.tmp}",
                "--VoilaConfiguration.show_tracebacks=True", self.notebook.name]

    def env(self):
        env = super().env()
        for var, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_RUNTIME_DIR", "runtime"),
                         ("JUPYTER_DATA_DIR", "data"), ("IPYTHONDIR", "ipython")):
            (self.tmp / sub).mkdir(parents=True, exist_ok=True)
            env[var] = str(self.tmp / sub)
        env["JUPYTER_PLATFORM_DIRS"] = "1"
        return env


def core_numbers(code, root, leaves=None):
    """What gradwidget itself computes, in this process, for the graph `code` builds (its
    node `root`), with leaf data set from `leaves` ({variable: value}) and forward() run:
    (data by node id, {replay mode: grads by node id})."""
    from gradwidget import Value, replay, snapshot
    namespace = {"Value": Value}
    exec(code, namespace)
    for variable, value in (leaves or {}).items():
        namespace[variable].data = value
    out = namespace[root]
    out.forward()
    snap = snapshot(out)
    return snap.data(), {mode: replay(snap, mode).grad for mode in ("accumulate", "overwrite")}


def shown_numbers(widget):
    """Per panel of the .gradwidget `widget`: (title, data by id, grads by id) as floats."""
    return widget.evaluate("""(root) => [...root.querySelectorAll('.gw-panel')].map(panel => {
      const nodes = [...panel.querySelectorAll('g.gw-node')];
      const num = (g, sel) => Number(g.querySelector(sel).getAttribute('data-value'));
      return [(panel.querySelector('.gw-panel-title') || {}).textContent || null,
              Object.fromEntries(nodes.map(g => [g.dataset.id, num(g, '.gw-data')])),
              Object.fromEntries(nodes.map(g => [g.dataset.id, num(g, '.gw-grad')]))];
    })""")


def by_index(numbers):
    """[x0, x1, …] -> {"0": x0, …}, comparable with shown_numbers()."""
    return {str(i): float(x) for i, x in enumerate(numbers)}
