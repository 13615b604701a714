"""Fixtures for the browser tests: one JupyterLab server and one Chromium for the whole
session (a Notebook 7 server only if a test asks for it), pages that save a screenshot and
their console log into test-artifacts/ when a test fails, and kernels stopped after use."""

import pathlib

import pytest

from .jupyter import JupyterServer, NotebookPage, block_outside, launch_browser, open_and_run

_open_pages = []  # (tag, NotebookPage) currently open: saved on a test failure


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "lesson_layer: the lesson layer of the widget (steps per contribution, "
        "narration, keys, wheel, projector size; tests/e2e/test_lesson_*.py of the lesson layer)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed and report.when in ("setup", "call"):
        for tag, page in list(_open_pages):
            try:
                png = page.save_artifacts(f"FAILED-{item.name}-{tag}")
                report.sections.append(("browser artifacts", f"{png} (+ .log)"))
            except Exception as err:  # never hide the real failure
                report.sections.append(("browser artifacts", f"could not save: {err!r}"))


def _server(app):
    server = JupyterServer(app).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def lab_server():
    yield from _server("lab")


@pytest.fixture(scope="session")
def notebook7_server():
    yield from _server("notebook")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        chromium = launch_browser(p)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def browser_context(browser):
    """One context for all pages: Lab's static files are fetched once. Nothing leaves the
    machine: requests to anywhere else are aborted (and listed in each page's log)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.blocked = []
    block_outside(context, context.blocked)
    yield context
    context.close()


class PageFactory:
    """new(server, tag) -> a NotebookPage that is registered for failure artifacts and
    closed (with their notebooks' kernels stopped) by close_all()."""

    def __init__(self, browser):
        self.browser = browser
        self.mine = []

    def new(self, server, tag, viewport=(1400, 1000)):
        page = NotebookPage(self.browser, server, viewport)
        entry = (tag, page)
        _open_pages.append(entry)
        self.mine.append(entry)
        return page

    def run(self, server, tag, notebook, widgets=1, timeout=60, viewport=(1400, 1000)):
        """A new page on `notebook` (a list of code cells, written as <tag>.ipynb, or the path
        of a notebook, copied into the server's root), with every cell run and `widgets`
        widgets settled."""
        if isinstance(notebook, pathlib.Path):
            name = server.copy_in(notebook)
        else:
            name = server.write_notebook(f"{tag}.ipynb", notebook).name
        return open_and_run(self.new(server, tag, viewport), name, widgets=widgets, timeout=timeout)

    def close(self, page):
        """Closes one page early, and stops its notebook's kernel."""
        for entry in list(self.mine):
            if entry[1] is page:
                self.mine.remove(entry)
                _open_pages.remove(entry)
        _close(page)

    def close_all(self):
        for entry in self.mine:
            _open_pages.remove(entry)
            _close(entry[1])
        self.mine.clear()


def _close(page):
    """Closes a page and stops only its own notebooks' kernels: pages of module-scoped
    fixtures on the same server are still in use."""
    page.close()
    for name in [page.name, *page.tabs]:
        if name is not None:
            try:
                page.server.shutdown_kernels(name)
            except Exception:
                pass


@pytest.fixture(scope="module")
def module_pages(browser_context):
    """Pages shared by the tests of one module (one notebook run, several assertions)."""
    factory = PageFactory(browser_context)
    yield factory
    factory.close_all()


@pytest.fixture
def pages(browser_context):
    """Pages for one test."""
    factory = PageFactory(browser_context)
    yield factory
    factory.close_all()
