"""The desk's Flask app and what guards every request.

- **Host**: a request whose Host is not this machine is refused (403), so a web page cannot
  reach the desk through DNS rebinding.
- **Password** (optional, ``[desk] password`` or ``password_file``): without it every page
  but the sign-in form sends the editor there; signing in marks the session (a signed
  cookie, ``SameSite=Strict``, ``HttpOnly``). After ``SIGN_IN_TRIES`` wrong passwords from
  one address within ``SIGN_IN_WAIT``, that address is refused (429, ``Retry-After``; the
  right password too) until the wait is over, and the log says so once.
- **Forms**: every POST carries Flask-WTF's CSRF token, bound to the session and signed with
  a key made when the process starts (a restart makes old pages' forms stale), and a POST
  whose ``Origin`` (or, without one, ``Referer``) is another site is refused.
- **A busy database**: a decision waits for a crawl's write (the store's lock wait, up to
  ``Desk.busy_timeout``); when the database stays busy the desk answers 503 with
  ``Retry-After`` and says the decision was not saved -- saved, or the editor knows it was not.
- Any other failure is one logged traceback and a one-line 500. Every answer carries a
  Content-Security-Policy (scripts and styles from the desk only) and ``X-Frame-Options``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, g, redirect, request, session, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect
from jinja2 import StrictUndefined
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as Answer

import site_templates
from crawler import store

TEMPLATES = site_templates.FOLDER / "review"
SITE_STATIC = site_templates.FOLDER / "static"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")
MAX_FORM_BYTES = 1_000_000
# A decision waits this long for a crawl's write lock (a crawl's writes last milliseconds).
BUSY_TIMEOUT = 15.0
BUSY_WRITE = (
    "the database is busy (a crawl is storing pages); your decision was not saved, send it again"
)
BUSY_READ = "the database is busy (a crawl is storing pages); reload the page in a moment"
FAILED = "the desk failed to answer this request; the cause is in its log"
STALE_FORM = "stale or missing form token: reload the page and send it again"
OTHER_SITE = "this form was sent from another site; the desk takes forms from its own pages only"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
    " form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SIGN_IN_TRIES = 5  # wrong passwords from one address before it has to wait
SIGN_IN_WAIT = timedelta(minutes=15)
TOO_MANY_TRIES = "too many wrong passwords from this address: try again in {minutes} minutes"
# Pages the sign-in does not guard: the form itself and the stylesheets it uses.
OPEN_ENDPOINTS = frozenset({"desk.login", "static", "desk.site_style"})

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Desk:
    """What the app needs: the database, who the editor is, and the clock; how long a
    decision waits for the database (seconds); the taxonomy edits are checked against, the
    configured sources (for their health), the candidate threshold (for the borderline flag),
    and the password (None: no sign-in, for a desk only its editor can reach)."""

    database: Path
    editor: str
    now: Callable[[], datetime]
    busy_timeout: float = BUSY_TIMEOUT
    taxonomy: Any = None
    sources: tuple[Any, ...] = ()  # the configured sources (anything with a ``name``)
    threshold: float = 0.2
    password: str | None = None
    sign_ins: SignInGuard = field(default_factory=lambda: SignInGuard())


class SignInGuard:
    """Wrong passwords by client address, so that guessing the password is slow: after
    ``SIGN_IN_TRIES`` within ``SIGN_IN_WAIT`` an address waits until the oldest of those is
    ``SIGN_IN_WAIT`` old. Kept in memory: a restarted desk forgets (and logs each lockout)."""

    def __init__(self) -> None:
        self._wrong: dict[str, list[datetime]] = {}
        self._lock = threading.Lock()

    def wait(self, address: str, now: datetime) -> timedelta | None:
        """How long `address` must wait before it may try again; None: it may now."""
        with self._lock:
            recent = self._recent(address, now)
        if len(recent) < SIGN_IN_TRIES:
            return None
        return recent[-SIGN_IN_TRIES] + SIGN_IN_WAIT - now

    def failed(self, address: str, now: datetime) -> None:
        with self._lock:
            recent = self._recent(address, now)
            recent.append(now)
            self._wrong[address] = recent[-SIGN_IN_TRIES:]
            if len(self._wrong) > 10_000:  # many addresses: forget those with nothing recent
                for other in [a for a in self._wrong if not self._recent(a, now)]:
                    del self._wrong[other]
        if len(recent) == SIGN_IN_TRIES:
            logger.warning(
                "desk sign-in: %d wrong passwords from %s; refused for %d minutes",
                SIGN_IN_TRIES, address, SIGN_IN_WAIT.total_seconds() // 60,
            )  # fmt: skip

    def succeeded(self, address: str) -> None:
        with self._lock:
            self._wrong.pop(address, None)

    def _recent(self, address: str, now: datetime) -> list[datetime]:
        return [moment for moment in self._wrong.get(address, ()) if now - moment < SIGN_IN_WAIT]


def make_app(desk: Desk) -> Flask:
    """The desk's WSGI application."""
    from crawler.desk import views

    app = Flask(
        __name__,
        template_folder=str(TEMPLATES),
        static_folder=str(TEMPLATES / "static"),
        static_url_path="/static/desk",
    )
    app.config.update(
        SECRET_KEY=secrets.token_bytes(32),
        SESSION_COOKIE_NAME="gced_desk",
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_HTTPONLY=True,
        MAX_CONTENT_LENGTH=MAX_FORM_BYTES,
        WTF_CSRF_TIME_LIMIT=None,  # valid while the process runs: its key dies with it
        WTF_CSRF_SSL_STRICT=False,  # the Origin check below covers http too
    )
    app.jinja_env.undefined = StrictUndefined
    app.extensions["desk"] = desk
    app.before_request(_guard)  # before Flask-WTF's token check, which CSRFProtect adds
    CSRFProtect(app)
    app.after_request(_headers)
    app.teardown_request(_close_db)
    app.register_error_handler(CSRFError, lambda _: reply(403, STALE_FORM))
    app.register_error_handler(Exception, _failure)
    app.register_blueprint(views.desk)
    return app


def current_desk() -> Desk:
    from flask import current_app

    desk: Desk = current_app.extensions["desk"]
    return desk


def db() -> Any:
    """This request's database connection, opened on first use and closed after it."""
    if "db" not in g:
        desk = current_desk()
        g.db = store.open_db(desk.database, busy_timeout=desk.busy_timeout)
    return g.db


def _close_db(_: BaseException | None) -> None:
    connection = g.pop("db", None)
    if connection is not None:
        connection.close()


def reply(status: int, reason: str, headers: Mapping[str, str] | None = None) -> Answer:
    """A one-line plain-text answer."""
    return Response(reason, status=status, headers=dict(headers or {}), mimetype="text/plain")


def _guard() -> Answer | None:
    """Before every request: the Host, the sign-in, and a POST's origin. (Flask-WTF checks
    the token after this, in its own ``before_request``.)"""
    host = request.host if request.host.endswith("]") else request.host.rsplit(":", 1)[0]
    if host not in LOCAL_HOSTS:
        return reply(403, "this desk answers on 127.0.0.1 only")
    if current_desk().password and not session.get("signed_in"):
        if request.endpoint not in OPEN_ENDPOINTS:
            return redirect(url_for("desk.login", next=safe_back(request.full_path)), 303)
    if request.method == "POST" and not _same_origin():
        return reply(403, OTHER_SITE)
    return None


def _same_origin() -> bool:
    """True unless the browser says the form came from another origin (``Origin``, else
    ``Referer``). Clients that send neither -- not a browser posting a web page's form --
    still need the session's token."""
    own = f"{request.scheme}://{request.host}"
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin == own
    referer = request.headers.get("Referer")
    if referer:
        parts = urlsplit(referer)
        return f"{parts.scheme}://{parts.netloc}" == own
    return True


def check_password(given: str) -> bool:
    """Whether ``given`` is the desk's password (compared in constant time)."""
    wanted = current_desk().password or ""
    return hmac.compare_digest(
        hashlib.sha256(given.encode()).digest(), hashlib.sha256(wanted.encode()).digest()
    )


def safe_back(raw: str | None, default: str = "/") -> str:
    """``raw`` if it is a path on this desk (``/…``), else ``default``: never another host
    (``//host``, ``/\\host``, ``https://…``), never a scheme."""
    if not raw or not raw.startswith("/") or raw.startswith(("//", "/\\")):
        return default
    if any(ord(c) < 0x20 or c == "\\" for c in raw):
        return default
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc:
        return default
    return raw.rstrip("?") or default


def _headers(response: Answer) -> Answer:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"  # "no-referrer" makes Origin "null"
    if response.mimetype == "text/html":
        response.headers["Cache-Control"] = "no-store"
    return response


def _failure(error: Exception) -> Answer:
    """HTTP errors as one line; a busy database as 503 (nothing was saved); anything else a
    logged traceback and a one-line 500."""
    if isinstance(error, HTTPException):
        return reply(error.code or 500, _http_reason(error))
    if store.is_busy(error):
        logger.warning("desk: database busy, %s %s not done", request.method, request.path)
        busy = BUSY_WRITE if request.method == "POST" else BUSY_READ
        return reply(503, busy, {"Retry-After": "5"})
    logger.error("desk: %s %s failed", request.method, request.path, exc_info=error)
    return reply(500, FAILED)


def _http_reason(error: HTTPException) -> str:
    reasons = {
        400: "the form arrived incomplete or malformed",
        404: "no such page",
        405: "this page does not take that method",
        413: "the form is too large",
    }
    return reasons.get(error.code or 0, error.description or error.name)
