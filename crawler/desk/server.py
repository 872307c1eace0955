"""The desk's server: Werkzeug's threaded WSGI server, one thread per connection.

Why this one: it comes with Flask (nothing more to vet), it is the model the desk already
relied on (``socketserver`` threads, ``serve_forever``/``shutdown``), and for one editor on
127.0.0.1 it is enough. What makes it safe to leave running: each connection has its own
thread and its own database connection, a connection idle for ``CONNECTION_TIMEOUT``
(a client that stops sending, a half-sent request) is closed without holding up anyone
else, request lines and errors go to ``logging`` instead of stderr, and the app refuses any
Host that is not this machine.
"""

from __future__ import annotations

import logging
import socket
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler
from werkzeug.serving import make_server as make_werkzeug_server

# A connection that sends nothing for this long is closed.
CONNECTION_TIMEOUT = 10.0

logger = logging.getLogger(__name__)


class _Handler(WSGIRequestHandler):
    """Requests logged through ``logging``; a connection idle for ``CONNECTION_TIMEOUT``
    (set on its socket by ``StreamRequestHandler.setup``) is closed."""

    timeout = CONNECTION_TIMEOUT

    def log(self, type: str, message: str, *args: Any) -> None:  # noqa: A002 - the base's name
        level = logging.WARNING if type == "error" else logging.DEBUG
        logger.log(level, "desk: %s %s", self.address_string(), message % args)

    def connection_dropped(self, error: BaseException, environ: Any = None) -> None:
        logger.info("desk: %s stopped sending (%s); closed", self.address_string(), error)


def make_server(app: Any, port: int, host: str = "127.0.0.1") -> BaseWSGIServer:
    """A server for ``app`` on ``host:port`` (0: any free port, see ``server_port``) that
    answers each connection in its own thread; ``serve_forever()`` runs it, ``shutdown()``
    stops it. A port in use is an OSError here (Werkzeug itself would print and exit when it
    binds, so the desk binds the socket and hands it over)."""
    with socket.create_server((host, port), backlog=64) as listening:
        server = make_werkzeug_server(
            host, port, app, threaded=True, request_handler=_Handler, fd=listening.fileno()
        )  # Werkzeug keeps a duplicate of the socket; this one closes here
    server.daemon_threads = True  # type: ignore[attr-defined]
    server.server_port = server.port  # as socketserver names it
    return server
