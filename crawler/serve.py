"""Serving the built site on this machine, for a look before publishing and for search,
which needs http (a browser will not load Pagefind's module and files from ``file://``).

Why the standard library's ``ThreadingHTTPServer`` and ``SimpleHTTPRequestHandler``: the site
is static files, so there is nothing for a framework to do; the handler already answers GET
and HEAD with Last-Modified and 304s, lists nothing outside its folder (``translate_path``
drops ``..`` and drive parts after decoding the path), and the threading server gives each
connection its own thread, so one slow or idle client (cut off after ``CONNECTION_TIMEOUT``)
holds up no one. Like ``mkdocs serve`` and ``pelican --listen``, it listens on 127.0.0.1
only. It is for one reader on this machine, not for publishing: any web server serves the
folder for that.
"""

from __future__ import annotations

import functools
import logging
import socketserver
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

# A connection that sends nothing for this long is closed.
CONNECTION_TIMEOUT = 10.0

# What the site is made of, typed here rather than by the machine's mimetypes tables (which
# differ between systems: some still say text/plain or application/x-javascript for .js, and
# a module script is refused with anything but a JavaScript type).
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".json": "application/json",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    # Pagefind's index (.pf_meta, .pf_index, .pf_fragment, .pf_filter) and its WebAssembly
    # (wasm.<language>.pagefind) are gzipped binaries its script reads and unpacks itself.
    ".pagefind": "application/octet-stream",
}
PAGEFIND_PREFIX = ".pf_"

logger = logging.getLogger(__name__)


class SiteNotBuilt(Exception):
    """The folder to serve holds no built site."""


class SiteHandler(SimpleHTTPRequestHandler):
    """Files from the site's folder with the site's content types; request lines and errors
    go to ``logging`` at INFO (quiet at the default WARNING), not one line each on stderr."""

    timeout = CONNECTION_TIMEOUT

    def guess_type(self, path: Any) -> str:
        suffix = Path(str(path)).suffix.lower()
        if suffix.startswith(PAGEFIND_PREFIX):
            return "application/octet-stream"
        return CONTENT_TYPES.get(suffix) or super().guess_type(path)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        logger.info("serve: %s %s", self.address_string(), format % args)


def check_site(folder: Path) -> Path:
    """``folder`` if it holds a built site (its root page), else SiteNotBuilt saying why."""
    if not folder.is_dir():
        raise SiteNotBuilt(f"{folder}: no such folder; run `gced-news build` first")
    if not (folder / "index.html").is_file():
        raise SiteNotBuilt(f"{folder}: no built site (no index.html); run `gced-news build` first")
    return folder


class _Server(ThreadingHTTPServer):
    def server_bind(self) -> None:
        # HTTPServer's own looks up the host's fully qualified name, a DNS query for nothing.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)


def make_server(folder: Path, port: int, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """A server for the files under ``folder`` on ``host:port`` (0: any free port, see
    ``server_port``); ``serve_forever()`` runs it, ``shutdown()`` stops it. A port in use is
    an OSError here."""
    handler = functools.partial(SiteHandler, directory=str(folder.resolve()))
    server = _Server((host, port), handler)
    server.daemon_threads = True  # a connection left open does not hold up stopping
    return server
