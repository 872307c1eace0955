"""A real HTTP server on 127.0.0.1 for crawl tests: scripted answers, counted requests."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(
        default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"}
    )
    delay: float = 0.0


@dataclass
class Site:
    """Paths → answers; a list of answers is served in turn (the last one repeats)."""

    routes: dict[str, Answer | list[Answer]]
    hits: Counter[str] = field(default_factory=Counter)
    agents: set[str] = field(default_factory=set)
    base: str = ""

    def answer(self, path: str, agent: str = "") -> Answer:
        self.hits[path] += 1
        self.agents.add(agent)
        route = self.routes.get(path)
        if route is None:
            return Answer(404, b"not found", {"Content-Type": "text/plain"})
        if isinstance(route, list):
            return route[min(self.hits[path], len(route)) - 1]
        return route


@contextmanager
def serve(site: Site) -> Iterator[Site]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            answer = site.answer(self.path, self.headers.get("User-Agent", ""))
            if answer.delay:
                time.sleep(answer.delay)
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value.replace("{base}", site.base))
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
