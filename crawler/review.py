"""The editor's desk: a small web app on 127.0.0.1 to review, approve, reject, feature and
correct items. Every action goes through ``crawler.store`` and into the decision log.

Plain WSGI (served by the standard library's wsgiref): no framework is needed for a handful
of pages used by one editor on their own machine. POSTs carry a per-process token, and
requests whose Host is not this machine are refused (no DNS rebinding from a web page).
"""

from __future__ import annotations

import html
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from crawler import store

TEMPLATES = Path(__file__).resolve().parents[1] / "site_templates" / "review"
PAGE_SIZE = 50
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


@dataclass(frozen=True)
class Desk:
    """What the app needs: the database path, who the editor is, and the clock."""

    database: Path
    editor: str
    now: Callable[[], datetime]
    token: str = ""


def make_app(desk: Desk) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """The WSGI application of the desk."""
    desk = Desk(desk.database, desk.editor, desk.now, desk.token or secrets.token_urlsafe(24))
    env = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined
    )

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        host = environ.get("HTTP_HOST", "").rsplit(":", 1)[0]
        if host not in LOCAL_HOSTS:
            return _reply(start_response, "403 Forbidden", "this desk answers on 127.0.0.1 only")
        db = store.open_db(desk.database)
        try:
            return _route(environ, start_response, db, desk, env)
        finally:
            db.close()

    return app


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
            try:
                fields = _status_fields(form) if parts[2] == "status" else _edit_fields(form)
                store.set_editor_fields(db, item["id"], fields, desk.editor, desk.now())
            except ValueError as exc:
                return _reply(start_response, "400 Bad Request", str(exc))
            back = form.get("back") or f"/item/{item['id']}"
            start_response("303 See Other", [("Location", back if back.startswith("/") else "/")])
            return [b""]
    return _reply(start_response, "404 Not Found", "no such page")


def _list_context(db: Any, query: dict[str, str]) -> dict[str, Any]:
    status = query.get("status", "candidate")
    statuses = None if status == "all" else [status]
    filters = {k: query[k] for k in ("source", "language", "topic") if query.get(k)}
    page = max(1, int(query.get("page", "1") or 1)) if query.get("page", "1").isdigit() else 1
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
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(min(length, 1_000_000)).decode("utf-8", "replace")
    return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}


def _reply(
    start_response: StartResponse, status: str, body: str, kind: str = "text/plain"
) -> list[bytes]:
    data = (body if kind == "text/html" else html.escape(body)).encode("utf-8")
    start_response(
        status,
        [
            ("Content-Type", f"{kind}; charset=utf-8"),
            ("Content-Length", str(len(data))),
            ("X-Frame-Options", "DENY"),
            ("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'"),
        ],
    )
    return [data]
