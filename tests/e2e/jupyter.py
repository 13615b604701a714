"""Drive a real JupyterLab (or Notebook 7) page in headless Chromium.

Follows the verified recipe in shared/recipes.md:
- `JupyterServer`: `jupyter lab` / `jupyter notebook` on a free loopback port, with its own
  temp JUPYTER_CONFIG_DIR / RUNTIME / DATA / IPYTHONDIR, a token, workspaces in the temp
  dir, news off and the announcements plugin disabled; ready when `/api/status` answers;
  stopped with POST /api/shutdown, then by its PID.
- `launch_browser()`: the Debian chromium, never a Playwright-downloaded one.
- `NotebookPage`: one browser tab on one notebook; collects console messages, page errors
  and dialogs; `open_and_run()` opens the notebook, waits for a really connected idle
  kernel, runs all cells (confirming the run started, retrying a lost command) and waits
  for the widgets.

The kernel gets the repository on PYTHONPATH, so it imports the working tree's gradwidget
(and its built bundle in gradwidget/static/) without any install.
"""

import json
import os
import pathlib
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid

import nbformat

REPO = pathlib.Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
WIDGET = ".gradwidget"
# data-state of .gradwidget once it has settled (js/widget.js): anything but "layout".
SETTLED_STATES = ("drawn", "summary", "error", "empty")

# Console noise from JupyterLab / Notebook 7 themselves that says nothing about the widget:
# each entry is (regex on the text, why it is harmless). Everything else that is logged as
# an error or a warning, and every uncaught page error, fails the tests that check.
IGNORED_CONSOLE = [
    (r"^Menu entry for command '[\w:-]+' is duplicated\.$",
     "Notebook 7 registers some Lab menu entries twice (filemenu:close-and-cleanup, "
     "debugger:show-panel, toc:show-panel); logged while the page starts, before any cell runs"),
    (r"^\[yjs#509\] Not same Y\.Doc$",
     "Notebook 7's collaborative document model, logged while the notebook opens"),
    (r"^Failed to create module: package: @jupyterlite/pyodide-kernel-extension; module: \./extension$",
     "jupyterlite-pyodide-kernel (installed to build the static JupyterLite site) is an extension "
     "for JupyterLite only: a real Lab or Notebook 7 server lists it and its module fails to load, "
     "on every page, also with no widget; disabling it in page_config does not stop the load"),
    (r"^Error: Shared module @jupyterlite/services doesn't exist in shared scope default",
     "the same JupyterLite-only extension: the module it needs is only in a JupyterLite page"),
    (r"^Connection lost, reconnecting in \d+ seconds\.$",
     "JupyterLab's kernel connection while its kernel restarts (tests that restart it)"),
]
IGNORED_PAGE_ERRORS = [
    (r"^TypeError: Cannot read properties of undefined \(reading 'schema'\)\n"
     r".*/static/notebook/notebook_core\.",
     "Notebook 7 (notebook 7.6.5) only: its shortcuts plugin's pluginChanged handler reads "
     "`plugins[id].schema` of a plugin whose settings are not loaded; thrown from "
     "notebook_core.js while the page starts, also with no widget on the page"),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_notebook(directory, name, cells, metadata=None):
    """Writes `cells` (code strings, or ("markdown", text) for a text cell) as
    `<directory>/<name>`; returns the path."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    if metadata:
        nb.metadata.update(metadata)
    nb.cells = [nbformat.v4.new_markdown_cell(cell[1]) if isinstance(cell, tuple)
                else nbformat.v4.new_code_cell(cell) for cell in cells]
    path = pathlib.Path(directory) / name
    nbformat.write(nb, path)
    return path


class JupyterServer:
    """A `jupyter lab` (app="lab") or `jupyter notebook` (app="notebook") server in a temp dir."""

    def __init__(self, app="lab"):
        assert app in ("lab", "notebook")
        self.app = app
        self.token = uuid.uuid4().hex
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix=f"gw-e2e-{app}-"))
        self.root = self.tmp / "root"
        self.proc = None
        self.port = None
        self.log_path = self.tmp / "server.log"
        self._log = None

    # ---- lifecycle ----------------------------------------------------------------------

    def env(self):
        env = dict(os.environ)
        for var, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_RUNTIME_DIR", "runtime"),
                         ("JUPYTER_DATA_DIR", "data"), ("IPYTHONDIR", "ipython")):
            env[var] = str(self.tmp / sub)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
        env.pop("ANYWIDGET_HMR", None)  # the bundle text, not a dev-server file watch
        env["JUPYTER_PLATFORM_DIRS"] = "1"
        return env

    def _write_config(self):
        for sub in ("root", "config/labconfig", "runtime", "data", "ipython", "ws"):
            (self.tmp / sub).mkdir(parents=True, exist_ok=True)
        # The "Jupyter news" toast covers screenshots even with news_url=None.
        (self.tmp / "config/labconfig/page_config.json").write_text(json.dumps(
            {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}))

    def start(self, timeout=60):
        self._write_config()
        app_class = "LabApp" if self.app == "lab" else "JupyterNotebookApp"
        last_error = None
        for _attempt in range(3):  # a free port can be taken between probe and bind
            self.port = free_port()
            args = [
                sys.executable, "-m", "jupyter", self.app, "--no-browser",
                f"--port={self.port}", "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
                "--ServerApp.allow_root=True",
                f"--{app_class}.expose_app_in_browser=True",
                f"--{app_class}.workspaces_dir={self.tmp / 'ws'}",
            ]
            if self.app == "lab":
                # Not traits of JupyterNotebookApp: there they abort its whole config
                # (notebook_shim raises "Trait, news_url, not found") and with it
                # expose_app_in_browser.
                args += ["--LabApp.news_url=None",
                         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
            self._log = open(self.log_path, "ab")
            self.proc = subprocess.Popen(args, env=self.env(), cwd=self.tmp, stdin=subprocess.DEVNULL,
                                         stdout=self._log, stderr=subprocess.STDOUT)
            try:
                self._wait_ready(timeout)
                return self
            except RuntimeError as err:
                last_error = err
                self._kill()
        raise RuntimeError(f"jupyter {self.app} did not start: {last_error}\n{self.log_tail()}")

    def _wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"exited with {self.proc.returncode}")
            try:
                self.api("GET", "/api/status", timeout=2)
                return
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        raise RuntimeError(f"no answer from /api/status in {timeout} s")

    def log_tail(self, chars=4000):
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                self.api("POST", "/api/shutdown", timeout=5)
            except (OSError, urllib.error.URLError):
                pass
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._kill()
        self.proc = None
        if self._log:
            self._log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()  # by its PID
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    # ---- REST and URLs ------------------------------------------------------------------

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def api(self, method, path, body=None, timeout=10):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method, headers={
            "Authorization": f"token {self.token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            text = response.read()
        return json.loads(text) if text else None

    def page_url(self, notebook):
        """URL of the page that opens `notebook` (a name in the root dir)."""
        if self.app == "lab":
            # A fresh workspace per page, so Lab does not reopen earlier tests' notebooks
            # (each would start its own kernel).
            return f"{self.base}/lab/workspaces/w{uuid.uuid4().hex[:10]}/tree/{notebook}?token={self.token}"
        return f"{self.base}/notebooks/{notebook}?token={self.token}"

    def shutdown_kernels(self, notebook=None):
        """Stops the kernel of `notebook` (a path relative to the root), or every kernel of
        this server. Pages of other tests may still be using theirs: name yours."""
        for session in self.api("GET", "/api/sessions") or []:
            if notebook is not None and session.get("path") != notebook:
                continue
            try:
                self.api("DELETE", f"/api/sessions/{session['id']}")
            except urllib.error.HTTPError:
                pass
        if notebook is not None:
            return
        for kernel in self.api("GET", "/api/kernels") or []:
            try:
                self.api("DELETE", f"/api/kernels/{kernel['id']}")
            except urllib.error.HTTPError:
                pass

    def write_notebook(self, name, cells, metadata=None):
        return write_notebook(self.root, name, cells, metadata)

    def copy_in(self, notebook):
        """Copies the notebook file `notebook` into the root; returns its name there."""
        shutil.copy(notebook, self.root / pathlib.Path(notebook).name)
        return pathlib.Path(notebook).name


def launch_browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


# Any URL that is not this machine's (blob: and data: URLs never reach the network).
OUTSIDE = re.compile(r"^(?!(https?|wss?)://(127\.0\.0\.1|localhost)(:\d+)?([/?#]|$)|blob:|data:)")


def block_outside(context, blocked):
    """Aborts every request of the BrowserContext `context` that would leave this machine,
    appending its URL to the list `blocked`: the widget must work offline."""
    def abort(route):
        blocked.append(route.request.url)
        route.abort("blockedbyclient")
    context.route(OUTSIDE, abort)


def _safe_name(text):
    return re.sub(r"[^\w.-]+", "_", text)[:120]


# ---- one tab on one notebook ------------------------------------------------------------

_JS_KERNEL_READY = """(name) => {
  const app = window.jupyterapp;
  const w = app && app.shell && app.shell.currentWidget;
  if (!w || !w.context || !w.sessionContext || !w.content) return false;
  if (w.context.path !== name && !w.context.path.endsWith('/' + name)) return false;
  const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
  return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle'
      && w.sessionContext.isReady && w.content.widgets.length > 0;
}"""

# Per code cell: execution count (null before it ran), whether its prompt shows "*", and errors.
_JS_CELL_STATES = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  return w.content.widgets.filter(c => c.model.type === 'code').map(c => {
    const outputs = c.model.outputs.toJSON();
    const prompt = c.node.querySelector('.jp-InputPrompt');
    return {
      count: c.model.executionCount,
      busy: !!prompt && prompt.textContent.includes('*'),
      errors: outputs.filter(o => o.output_type === 'error')
                     .map(o => o.ename + ': ' + o.evalue + '\\n' + (o.traceback || []).join('\\n')
                     .replace(/\\u001b\\[[0-9;]*m/g, '')),
    };
  });
}"""

_JS_RUN_COMMAND = """([cell, command]) => {
  if (cell !== null) window.jupyterapp.shell.currentWidget.content.activeCellIndex = cell;
  window.jupyterapp.commands.execute(command);
}"""
# Some code cell shows "*" or an execution count other than `before`'s.
_JS_RUN_STARTED = """(before) => window.jupyterapp.shell.currentWidget.content.widgets
  .filter(c => c.model.type === 'code').some((c, i) => c.model.executionCount !== before[i] ||
    (c.node.querySelector('.jp-InputPrompt')?.textContent || '').includes('*'))"""
# Cell number n (1-based, among all cells) has an execution count and is not running.
_JS_CELL_RAN = """(n) => { const c = window.jupyterapp.shell.currentWidget.content.widgets[n - 1];
  return !!c && c.model.executionCount != null
         && !(c.node.querySelector('.jp-InputPrompt')?.textContent || '').includes('*'); }"""
_JS_LAST_STDOUT = """() => { const cells = window.jupyterapp.shell.currentWidget.content.widgets;
  const outs = cells[cells.length - 1].model.outputs.toJSON();
  return outs.filter(o => o.name === 'stdout').map(o => o.text).join(''); }"""


class NotebookPage:
    """A Playwright page on one notebook, with its console, page errors and dialogs."""

    def __init__(self, browser, server, viewport=(1400, 1000)):
        """`browser`: a Browser (the page gets its own context) or a shared BrowserContext
        (pages then share the HTTP cache: Lab starts about a second faster)."""
        self.server = server
        self.name = None  # the notebook's path relative to the server's root, once opened
        self.tabs = []  # notebooks opened later in other tabs of the same page (open_tab)
        self._own_context = hasattr(browser, "new_context")
        self.context = (browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
                        if self._own_context else browser)
        self.page = self.context.new_page()
        if not self._own_context:
            self.page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
        self.console = []  # (type, text, location url)
        self.page_errors = []
        self.dialogs = []
        self.failed_requests = []
        self.blocked = getattr(browser, "blocked", [])  # requests that would have left the machine
        if self._own_context:
            block_outside(self.context, self.blocked)
        self.page.on("console", self._on_console)
        self.page.on("pageerror",
                     lambda err: self.page_errors.append(err.stack or f"{err.name}: {err.message}"))
        self.page.on("dialog", self._on_dialog)
        self.page.on("response", self._on_response)

    def _on_console(self, msg):
        loc = msg.location or {}
        self.console.append((msg.type, msg.text, f"{loc.get('url', '')}:{loc.get('lineNumber', '')}"))

    def _on_dialog(self, dialog):
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _on_response(self, response):
        if response.status >= 400:
            self.failed_requests.append(f"{response.status} {response.request.method} {response.url}")

    # ---- console ------------------------------------------------------------------------

    def js_errors(self):
        """Console errors/warnings not in IGNORED_CONSOLE, plus every uncaught page error."""
        bad = []
        for kind, text, where in self.console:
            if kind not in ("error", "warning", "assert"):
                continue
            if any(re.search(pattern, text) for pattern, _why in IGNORED_CONSOLE):
                continue
            bad.append(f"[{kind}] {text} ({where})")
        for error in self.page_errors:
            if not any(re.search(pattern, error, re.S) for pattern, _why in IGNORED_PAGE_ERRORS):
                bad.append(f"[pageerror] {error}")
        return bad

    def console_text(self):
        lines = [f"[{kind}] {text} ({where})" for kind, text, where in self.console]
        lines += [f"[pageerror] {e}" for e in self.page_errors]
        lines += [f"[dialog] {d}" for d in self.dialogs]
        lines += [f"[http] {r}" for r in self.failed_requests]
        lines += [f"[blocked] {url}" for url in self.blocked]
        return "\n".join(lines)

    # ---- artifacts ----------------------------------------------------------------------

    def save_artifacts(self, tag):
        """Screenshot + console log into test-artifacts/<tag>.png/.log; returns the png path."""
        ARTIFACTS.mkdir(exist_ok=True)
        base = ARTIFACTS / _safe_name(tag)
        try:
            self.page.screenshot(path=str(base) + ".png", full_page=False)
        except Exception as err:  # a crashed page still gets its log
            (pathlib.Path(str(base) + ".screenshot-error.txt")).write_text(repr(err))
        pathlib.Path(str(base) + ".log").write_text(
            self.console_text() + "\n\n---- server log (tail) ----\n" + self.server.log_tail())
        return pathlib.Path(str(base) + ".png")

    def screenshot_widget(self, locator, tag):
        """Screenshot of one element (e.g. a .gradwidget) into test-artifacts/<tag>.png."""
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / (_safe_name(tag) + ".png")
        locator.scroll_into_view_if_needed()
        self.page.wait_for_timeout(150)  # let a refit after scrolling into view settle
        locator.screenshot(path=str(path))
        return path

    def front(self):
        """Brings this tab to the front and returns its Playwright page: a tab in the
        background gets its timers and frames throttled (about 1 s per setTimeout)."""
        self.page.bring_to_front()
        return self.page

    def close(self):
        try:
            (self.context if self._own_context else self.page).close()
        except Exception:
            pass

    # ---- opening and running ------------------------------------------------------------

    def open(self, name, timeout=60):
        """Opens notebook `name` (relative to the server root) and waits for a really
        connected, idle kernel."""
        self.name = name
        page = self.page
        page.goto(self.server.page_url(self.name), wait_until="domcontentloaded", timeout=timeout * 1000)
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=timeout * 1000)
        page.evaluate("() => window.jupyterapp.restored")
        if self.server.app == "lab":
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']",
                                   timeout=timeout * 1000)
        page.wait_for_function(_JS_KERNEL_READY, arg=self.name, timeout=timeout * 1000, polling=100)

    def open_tab(self, name, timeout=60):
        """Opens notebook `name` in another tab of this page (the same JupyterLab), makes it
        the current one and waits for its kernel; the earlier tabs stay open behind it."""
        self.tabs.append(name)
        self.page.evaluate("(path) => { window.jupyterapp.commands.execute('docmanager:open', {path}); }",
                           name)
        self.page.wait_for_function(_JS_KERNEL_READY, arg=name, timeout=timeout * 1000, polling=100)

    def activate_tab(self, name):
        """Brings the tab of notebook `name` to the front of this page."""
        self.page.evaluate(
            """(name) => { const shell = window.jupyterapp.shell;
                 const w = [...shell.widgets('main')].find(w => w.context && w.context.path === name);
                 shell.activateById(w.id); }""", name)
        self.page.wait_for_function(
            "(name) => window.jupyterapp.shell.currentWidget.context.path === name", arg=name)

    def cell_states(self):
        return self.page.evaluate(_JS_CELL_STATES)

    def run_all(self, timeout=60):
        """Runs all cells and waits until every code cell has run. Raises on cell errors."""
        self.run_command("notebook:run-all-cells", timeout=timeout)

    def run_command(self, command, cell=None, done=None, timeout=60, attempts=4):
        """Makes `cell` (an index among all cells) the active one, runs the Lab command
        (e.g. notebook:run-all-above), confirms the run started (a prompt shows * or a new
        number), retrying a command that was lost, and waits until the first `done` code
        cells (all if None) have run. Raises on cell errors."""
        before = [state["count"] for state in self.cell_states()]
        for _attempt in range(attempts):
            self.page.evaluate(_JS_RUN_COMMAND, [cell, command])
            try:
                self.page.wait_for_function(_JS_RUN_STARTED, arg=before, timeout=5000, polling=50)
                break
            except Exception:
                pass
        else:
            raise AssertionError(f"{command} never started after {attempts} attempts")
        self.wait_cells_done(timeout, done)

    def wait_cells_done(self, timeout=60, done=None):
        """Waits until the first `done` code cells (all if None) have run; raises on errors."""
        deadline = time.monotonic() + timeout
        states = []
        while time.monotonic() < deadline:
            states = self.cell_states()[:done]
            errors = [e for s in states for e in s["errors"]]
            if errors:
                raise AssertionError("a notebook cell raised:\n" + "\n".join(errors))
            if all(s["count"] is not None and not s["busy"] for s in states):
                return states
            time.sleep(0.1)
        raise AssertionError(f"cells did not finish in {timeout} s: {states}")

    def run_new_cell(self, code, timeout=30):
        """Appends a code cell with `code` to the notebook and runs it (a real later cell)."""
        self.wait_new_cell(self.start_new_cell(code), timeout)

    def start_new_cell(self, code):
        """Appends a code cell with `code` and starts running it; returns its number for
        wait_new_cell()."""
        n = self.page.evaluate(
            """(code) => {
                 const w = window.jupyterapp.shell.currentWidget;
                 const model = w.content.model;
                 model.sharedModel.insertCell(model.cells.length, {cell_type: 'code', source: code});
                 w.content.activeCellIndex = model.cells.length - 1;
                 return model.cells.length;
               }""", code)
        # Not awaited: the command's promise settles only when the cell has run.
        self.page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-cell'); }")
        return n

    def new_cell_done(self, n):
        """Whether cell `n` (from start_new_cell()) has run."""
        return self.page.evaluate(_JS_CELL_RAN, n)

    def wait_new_cell(self, n, timeout=30):
        """Waits until cell `n` (from start_new_cell()) and all before it have run."""
        self.page.wait_for_function(_JS_CELL_RAN, arg=n, timeout=timeout * 1000, polling=50)
        self.wait_cells_done(timeout)

    def last_stdout(self):
        """What the notebook's last cell printed."""
        return self.page.evaluate(_JS_LAST_STDOUT)

    def kernel_json(self, expression, setup=""):
        """Runs a new cell (`setup`, then printing json.dumps(expression)); returns it parsed."""
        self.run_new_cell(f"{setup}\nimport json as _json\nprint(_json.dumps({expression}))")
        return json.loads(self.last_stdout().strip().splitlines()[-1])

    def widget_in_cell(self, code_cell):
        """The one .gradwidget in the output of code cell number `code_cell` (counting code
        cells only)."""
        widget = self.page.locator(".jp-CodeCell").nth(code_cell).locator(WIDGET)
        assert widget.count() == 1, f"code cell {code_cell} shows {widget.count()} widgets"
        return widget

    def wait_widgets(self, count, timeout=60):
        """Waits for `count` .gradwidget containers, each settled (not "Laying out…")."""
        self.page.wait_for_function(
            """([sel, count, settled]) => {
                 const all = [...document.querySelectorAll(sel)];
                 return all.length >= count && all.every(w => settled.includes(w.dataset.state));
               }""",
            arg=[WIDGET, count, list(SETTLED_STATES)], timeout=timeout * 1000, polling=50)


def open_and_run(page, notebook_path, widgets=1, timeout=60):
    """Opens `notebook_path` (a path in, or relative to, the server's root dir) in the
    NotebookPage `page`, runs all cells and waits for `widgets` settled widgets."""
    path = pathlib.Path(notebook_path)
    name = str(path.relative_to(page.server.root)) if path.is_absolute() else str(path)
    page.open(name, timeout)
    page.run_all(timeout)
    if widgets:
        page.wait_widgets(widgets, timeout)
    return page
