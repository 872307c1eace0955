"""The editor's desk: a small web app on 127.0.0.1 to review, approve, reject, feature and
correct items. Every action goes through ``crawler.store`` and into the decision log.

Plain WSGI (served by the standard library's wsgiref): no framework is needed for a handful
of pages used by one editor on their own machine. POSTs carry a per-process token, and
requests whose Host is not this machine are refused (no DNS rebinding from a web page).

The desk shares the database with crawls: a decision waits for a crawl's write (the store's
lock wait, up to ``Desk.busy_timeout``), and when the database stays busy the editor is told
to send it again (503) -- a decision is saved or the editor knows it was not. Each
connection is served by its own thread with its own database connection, and a client that
stops sending is cut off after ``CONNECTION_TIMEOUT`` without holding up anyone else.
"""

from __future__ import annotations

import html
import logging
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer
from wsgiref.simple_server import make_server as make_wsgi_server

from jinja2 import Environment, FileSystemLoader, StrictUndefined

import site_templates
from crawler import store

TEMPLATES = site_templates.FOLDER / "review"
PAGE_SIZE = 50
# Page numbers beyond this (or not numbers at all) are not looked up as asked.
MAX_PAGE = 1_000_000
MAX_FORM_BYTES = 1_000_000
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")
# A decision waits this long for a crawl's write lock (a crawl's writes last milliseconds).
BUSY_TIMEOUT = 15.0
# A connection that sends nothing for this long is closed.
CONNECTION_TIMEOUT = 10.0
BUSY_WRITE = (
    "the database is busy (a crawl is storing pages); your decision was not saved, send it again"
)
BUSY_READ = "the database is busy (a crawl is storing pages); reload the page in a moment"
FAILED = "the desk failed to answer this request; the cause is in its log"
RETRY = [("Retry-After", "5")]

logger = logging.getLogger(__name__)

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


@dataclass(frozen=True)
class Desk:
    """What the app needs: the database path, who the editor is, and the clock; how long a
    decision waits for the database (seconds)."""

    database: Path
    editor: str
    now: Callable[[], datetime]
    token: str = ""
    busy_timeout: float = BUSY_TIMEOUT


class Refused(Exception):
    """A request the desk answers with an error status and a one-line reason."""

    def __init__(self, status: str, reason: str, headers: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__(reason)
        self.status, self.reason, self.headers = status, reason, list(headers)


def make_app(desk: Desk) -> WSGIApp:
    """The WSGI application of the desk."""
    desk = replace(desk, token=desk.token or secrets.token_urlsafe(24))
    env = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined
    )

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        host = environ.get("HTTP_HOST", "").rsplit(":", 1)[0]
        if host not in LOCAL_HOSTS:
            return _reply(start_response, "403 Forbidden", "this desk answers on 127.0.0.1 only")
        try:
            return _serve(environ, start_response, desk, env)
        except Refused as refusal:
            return _reply(start_response, refusal.status, refusal.reason, headers=refusal.headers)
        except Exception as exc:
            if store.is_busy(exc):
                method, path = environ.get("REQUEST_METHOD"), environ.get("PATH_INFO")
                logger.warning("desk: database busy, %s %s not done", method, path)
                busy = BUSY_WRITE if method == "POST" else BUSY_READ
                return _reply(start_response, "503 Service Unavailable", busy, headers=RETRY)
            logger.exception(
                "desk: %s %s failed", environ.get("REQUEST_METHOD"), environ.get("PATH_INFO")
            )
            return _reply(start_response, "500 Internal Server Error", FAILED)

    return app


def _serve(
    environ: dict[str, Any], start_response: StartResponse, desk: Desk, env: Environment
) -> Iterable[bytes]:
    db = store.open_db(desk.database, busy_timeout=desk.busy_timeout)
    try:
        return _route(environ, start_response, db, desk, env)
    finally:
        db.close()


def _route(
    environ: dict[str, Any], start_response: StartResponse, db: Any, desk: Desk, env: Environment
) -> Iterable[bytes]:
    method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "/")
    query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    if method == "GET" and path == "/":
        page = env.get_template("list.html").render(**_list_context(db, query), token=desk.token)
        return _reply(start_response, "200 OK", page, "text/html")
    if path.startswith("/item/"):
        parts = path.strip("/").split("/")
        item = store.get_item(db, parts[1]) if len(parts) >= 2 else None
        if item is None:
            return _reply(start_response, "404 Not Found", "no such item")
        if method == "GET" and len(parts) == 2:
            decisions = store.decisions_for(db, item["id"])
            page = env.get_template("item.html").render(
                item=item, decisions=decisions, statuses=store.STATUSES, token=desk.token
            )
            return _reply(start_response, "200 OK", page, "text/html")
        if method == "POST" and len(parts) == 3 and parts[2] in ("status", "edit"):
            form = _form(environ)
            if not secrets.compare_digest(form.get("token", ""), desk.token):
                return _reply(start_response, "403 Forbidden", "stale or missing form token")
            fields = _status_fields(form) if parts[2] == "status" else _edit_fields(form)
            _save(db, desk, item["id"], fields)
            back = form.get("back") or f"/item/{item['id']}"
            start_response("303 See Other", [("Location", back if back.startswith("/") else "/")])
            return [b""]
    return _reply(start_response, "404 Not Found", "no such page")


def _save(db: Any, desk: Desk, item_id: str, fields: dict[str, Any]) -> None:
    """Store one decision; 400 for a bad value. A database still busy after the store's
    wait is the app's 503 (nothing was saved)."""
    try:
        store.set_editor_fields(db, item_id, fields, desk.editor, desk.now())
    except ValueError as exc:
        raise Refused("400 Bad Request", str(exc)) from exc


def _page_number(raw: str | None) -> int:
    """The page asked for: 1 unless a plain number, at most ``MAX_PAGE``."""
    if raw is None or not re.fullmatch(r"[0-9]+", raw):
        return 1
    if len(raw) > len(str(MAX_PAGE)):
        return MAX_PAGE
    return min(max(1, int(raw)), MAX_PAGE)


def _list_context(db: Any, query: dict[str, str]) -> dict[str, Any]:
    status = query.get("status", "candidate")
    statuses = None if status == "all" else [status]
    filters = {k: query[k] for k in ("source", "language", "topic") if query.get(k)}
    page = _page_number(query.get("page"))
    items, total = store.review_queue(
        db, statuses=statuses, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, **filters
    )
    last_page = max(1, -(-total // PAGE_SIZE))
    if page > last_page:  # past the end: the last page
        page = last_page
        items, total = store.review_queue(
            db, statuses=statuses, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, **filters
        )
    base = {k: v for k, v in query.items() if k != "page"}
    return {
        "items": items,
        "total": total,
        "status": status,
        "statuses": ("all", *store.STATUSES),
        "filters": filters,
        "page": page,
        "next_page": f"/?{urlencode({**base, 'page': page + 1})}"
        if page * PAGE_SIZE < total
        else None,
        "here": f"/?{urlencode(query)}",
    }


def _status_fields(form: dict[str, str]) -> dict[str, Any]:
    return {"status": form.get("status", "")}


def _edit_fields(form: dict[str, str]) -> dict[str, Any]:
    """Editor corrections; an emptied field goes back to the crawled value (None)."""
    topics = [t.strip() for t in form.get("edited_topics", "").split(",") if t.strip()]
    return {
        "edited_title": form.get("edited_title", "").strip() or None,
        "edited_summary": form.get("edited_summary", "").strip() or None,
        "edited_topics": topics or None,
        "notes": form.get("notes", "").strip() or None,
    }


def _form(environ: dict[str, Any]) -> dict[str, str]:
    """The posted form; 400 when it is incomplete, 413 when it is too large."""
    raw = environ.get("CONTENT_LENGTH") or "0"
    if not re.fullmatch(r"[0-9]{1,12}", raw):
        raise Refused("400 Bad Request", "the form's length is not a number")
    length = int(raw)
    if length > MAX_FORM_BYTES:
        raise Refused("413 Content Too Large", "the form is too large")
    try:
        body = environ["wsgi.input"].read(length)
    except OSError as exc:  # TimeoutError: the client stopped sending
        raise Refused("400 Bad Request", "the form arrived incomplete") from exc
    if len(body) < length:
        raise Refused("400 Bad Request", "the form arrived incomplete")
    text = body.decode("utf-8", "replace")
    return {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()}


def _reply(
    start_response: StartResponse,
    status: str,
    body: str,
    kind: str = "text/plain",
    headers: Iterable[tuple[str, str]] = (),
) -> list[bytes]:
    data = (body if kind == "text/html" else html.escape(body)).encode("utf-8")
    start_response(
        status,
        [
            ("Content-Type", f"{kind}; charset=utf-8"),
            ("Content-Length", str(len(data))),
            ("X-Frame-Options", "DENY"),
            ("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'"),
            *headers,
        ],
    )
    return [data]


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    """One thread per connection, none of them keeping the process alive."""

    daemon_threads = True
    request_queue_size = 64

    def handle_error(self, request: Any, client_address: Any) -> None:
        logger.warning("desk: connection from %s failed", client_address[0], exc_info=True)


class _LogStream:
    """Where wsgiref writes tracebacks: one log record per flush instead of stderr."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def flush(self) -> None:
        text, self.parts = "".join(self.parts).rstrip(), []
        if text:
            logger.error("desk: %s", text)


class _QuietHandler(WSGIRequestHandler):
    """Requests logged through ``logging``; a connection idle for ``CONNECTION_TIMEOUT``
    (set on its socket by ``StreamRequestHandler.setup``) is closed."""

    timeout = CONNECTION_TIMEOUT

    def handle(self) -> None:
        try:
            super().handle()
        except TimeoutError:
            logger.info("desk: %s sent an incomplete request; closed", self.client_address[0])

    def get_stderr(self) -> Any:
        return _LogStream()

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("desk: %s %s", self.client_address[0], format % args)

    def log_error(self, format: str, *args: Any) -> None:
        logger.warning("desk: %s %s", self.client_address[0], format % args)


def make_server(app: WSGIApp, port: int, host: str = "127.0.0.1") -> WSGIServer:
    """A server for ``app`` on ``host:port`` (0: any free port, see ``server_port``) that
    answers each connection in its own thread; ``serve_forever()`` runs it."""
    return make_wsgi_server(
        host, port, app, server_class=_ThreadingServer, handler_class=_QuietHandler
    )
