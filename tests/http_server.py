"""A real HTTP server on 127.0.0.1 for crawl tests: scripted answers, counted requests.

Beyond status, headers and body, an answer can misbehave as real servers do: wait before
answering (``delay``), stall halfway through its body (``stall``), reset the connection
halfway through (``reset``), or send no Content-Length (``sized=False``, the body ends when
the connection closes). An answer with an ``ETag`` header is answered 304 to a request whose
``If-None-Match`` matches it.
"""

from __future__ import annotations

import socket
import struct
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
    delay: float = 0.0  # seconds before the status line
    stall: float = 0.0  # seconds between the first half of the body and the rest
    reset: bool = False  # the connection is reset after the first half of the body
    sized: bool = True  # send Content-Length


@dataclass
class Site:
    """Paths → answers; a list of answers is served in turn (the last one repeats)."""

    routes: dict[str, Answer | list[Answer]]
    hits: Counter[str] = field(default_factory=Counter)
    agents: set[str] = field(default_factory=set)
    base: str = ""
    conditional: Counter[str] = field(default_factory=Counter)  # requests with If-None-Match

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
            if self.headers.get("If-None-Match"):
                site.conditional[self.path] += 1
            etag = answer.headers.get("ETag")
            if etag and self.headers.get("If-None-Match") == etag:
                answer = Answer(304, b"", {"ETag": etag})
            if answer.delay:
                time.sleep(answer.delay)
            try:
                self.send(answer)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the crawler gave up waiting: what the answer was for

        def send(self, answer: Answer) -> None:
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value.replace("{base}", site.base))
            if answer.sized:
                self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            half = len(answer.body) // 2
            self.wfile.write(answer.body[:half])
            self.wfile.flush()
            if answer.reset:
                # RST, not FIN: the peer sees the connection reset mid-body.
                linger = struct.pack("ii", 1, 0)
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
                self.connection.close()
                self.close_connection = True
                return
            if answer.stall:
                time.sleep(answer.stall)
            self.wfile.write(answer.body[half:])

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
