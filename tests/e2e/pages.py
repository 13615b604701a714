"""Static pages for the browser tests beyond Jupyter: a local HTTP server for a folder (with
extra response headers, e.g. a Content-Security-Policy), and a Chromium page that records
its console, page errors and every request that would leave the machine (all aborted)."""

import functools
import http.server
import re
import threading
from typing import ClassVar

from .jupyter import ARTIFACTS, _safe_name

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
