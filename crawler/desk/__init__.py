"""The editor's desk: a small Flask app on 127.0.0.1 to clear a night's candidates.

``app.py`` builds the app and holds what guards every request (Host check, optional
password, CSRF token and Origin check, a busy database answered 503, CSP); ``views.py`` the
pages and forms, which only parse what the editor sent and call ``crawler.curation`` (the
decisions and their rules) -- no SQL and no decision rule here; ``server.py`` the threaded
server with its timeouts.
"""

from crawler.desk.app import BUSY_READ, BUSY_WRITE, Desk, make_app
from crawler.desk.server import make_server

__all__ = ["BUSY_READ", "BUSY_WRITE", "Desk", "make_app", "make_server"]
