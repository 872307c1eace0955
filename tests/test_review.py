"""The editor's desk, served for real on 127.0.0.1: list, approve, correct, with a log;
never a server error, never a decision lost while a crawl writes."""

from __future__ import annotations

import http.client
import re
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from crawler import store
from crawler.review import BUSY_WRITE, Desk, make_app, make_server
from tests.test_store import record

Serve = Callable[..., int]


@pytest.fixture
def database(tmp_path: Path, now: datetime) -> Path:
    path = tmp_path / "news.db"
    db = store.open_db(path)
    store.upsert_record(db, record(), now)
    store.upsert_record(
        db,
        record(
            url="https://news.un.org/ar/story/2025/03/1139874",
            canonical_url="https://news.un.org/ar/story/2025/03/1139874",
            title="<b>طلاب</b> يتعلمون المواطنة",
            language="ar",
            relevance=0.9,
            content_hash="other",
        ),
        now,
    )
    db.close()
    return path


@pytest.fixture
def serve(database: Path, now: datetime) -> Iterator[Serve]:
    """``serve(busy_timeout=..., ...)``: the desk over ``database`` on a free port."""
    servers = []

    def start(**options: Any) -> int:
        desk = Desk(options.pop("path", database), "editor-a", lambda: now, **options)
        server = make_server(make_app(desk), 0)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return server.server_port

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def desk(serve: Serve, database: Path) -> tuple[int, Path]:
    return serve(), database


def get(
    port: int, path: str, host: str = "127.0.0.1", timeout: float = 10
) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": f"{host}:{port}"})
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


def post(port: int, path: str, form: dict[str, str]) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        body = urlencode(form)
        conn.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})
        response = conn.getresponse()
        return response.status, response.getheader("Location") or response.read().decode()
    finally:
        conn.close()


def token(page: str) -> str:
    match = re.search(r'name="token" value="([^"]+)"', page)
    assert match
    return match.group(1)


def test_candidates_are_listed_most_relevant_first_with_reasons(desk: tuple[int, Path]) -> None:
    port, _ = desk
    status, page = get(port, "/")
    assert status == 200
    assert page.index("يتعلمون المواطنة") < page.index("Schools in Kazakhstan")
    assert "&lt;b&gt;طلاب&lt;/b&gt;" in page, "crawled text is escaped"
    assert "Why: global-citizenship: global citizenship (title)" in page


def test_approving_moves_the_item_and_logs_the_decision(
    desk: tuple[int, Path], now: datetime
) -> None:
    port, path = desk
    item_id = store.item_id(record()["canonical_url"])
    _, page = get(port, "/")
    status, location = post(
        port, f"/item/{item_id}/status", {"status": "approved", "token": token(page), "back": "/"}
    )
    assert (status, location) == (303, "/")
    db = store.open_db(path)
    item = store.get_item(db, item_id)
    assert item is not None and item["status"] == "approved"
    assert [(d["editor"], d["detail"]) for d in store.decisions_for(db, item_id)] == [
        ("editor-a", {"status": "approved"})
    ]
    assert "Schools in Kazakhstan" not in get(port, "/")[1]
    assert "Schools in Kazakhstan" in get(port, "/?status=approved")[1]


def test_corrections_are_saved_and_an_empty_field_restores_the_crawled_value(
    desk: tuple[int, Path],
) -> None:
    port, path = desk
    item_id = store.item_id(record()["canonical_url"])
    _, page = get(port, f"/item/{item_id}")
    form = {
        "token": token(page),
        "edited_title": "Kazakh schools teach global citizenship",
        "edited_summary": "",
        "edited_topics": "global-citizenship, youth-participation",
        "notes": "check date",
    }
    assert post(port, f"/item/{item_id}/edit", form)[0] == 303
    item = store.get_item(store.open_db(path), item_id)
    assert item is not None
    assert (item["edited_title"], item["edited_summary"], item["edited_topics"], item["notes"]) == (
        "Kazakh schools teach global citizenship",
        None,
        ["global-citizenship", "youth-participation"],
        "check date",
    )


def test_a_post_without_the_page_token_is_refused(desk: tuple[int, Path]) -> None:
    port, path = desk
    item_id = store.item_id(record()["canonical_url"])
    assert post(port, f"/item/{item_id}/status", {"status": "rejected", "token": "guess"})[0] == 403
    item = store.get_item(store.open_db(path), item_id)
    assert item is not None and item["status"] == "candidate"


def test_requests_for_another_host_name_are_refused(desk: tuple[int, Path]) -> None:
    port, _ = desk
    assert get(port, "/", host="attacker.example")[0] == 403


def test_an_unknown_status_is_a_bad_request(desk: tuple[int, Path]) -> None:
    port, _ = desk
    item_id = store.item_id(record()["canonical_url"])
    _, page = get(port, "/")
    assert (
        post(port, f"/item/{item_id}/status", {"status": "maybe", "token": token(page)})[0] == 400
    )


ITEM = store.item_id(record()["canonical_url"])


def decisions(path: Path) -> list[str]:
    db = store.open_db(path)
    try:
        return [d["detail"].get("status") for d in reversed(store.decisions_for(db, ITEM))]
    finally:
        db.close()


def test_a_half_sent_request_does_not_hold_up_anyone_else(desk: tuple[int, Path]) -> None:
    port, _ = desk
    with socket.create_connection(("127.0.0.1", port)) as stalled:
        stalled.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: tex")
        # answered while the other is still half sent (its server-side timeout is 10 s):
        # a desk serving one request at a time would leave this one waiting behind it
        assert get(port, "/", timeout=5)[0] == 200


@pytest.mark.parametrize("page", ["99999999999999999999", "2", "0", "-1", "abc", "²", "", "1e9"])
def test_any_page_number_shows_a_page_never_a_server_error(
    desk: tuple[int, Path], page: str
) -> None:
    port, _ = desk
    status, body = get(port, f"/?{urlencode({'page': page})}")
    assert status == 200
    assert "Schools in Kazakhstan" in body, "past the end is the last page"


def test_a_post_that_stops_halfway_is_a_bad_request_and_saves_nothing(
    desk: tuple[int, Path],
) -> None:
    port, path = desk
    _, page = get(port, "/")
    body = urlencode({"status": "approved", "token": token(page)}).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(
            f"POST /item/{ITEM}/status HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Length: {len(body) + 50}\r\n\r\n".encode()
            + body
        )
        conn.shutdown(socket.SHUT_WR)
        answer = conn.recv(4096).decode()
    assert answer.startswith("HTTP/1.0 400") or answer.startswith("HTTP/1.1 400"), answer
    assert decisions(path) == []


def test_a_decision_while_a_crawl_holds_the_database_too_long_is_refused_not_lost(
    serve: Serve, database: Path
) -> None:
    port = serve(busy_timeout=0.4)
    _, page = get(port, "/")
    crawl = sqlite3.connect(database)
    crawl.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        status, body = post(
            port, f"/item/{ITEM}/status", {"status": "approved", "token": token(page)}
        )
        waited = time.monotonic() - started
    finally:
        crawl.rollback()
        crawl.close()
    assert (status, body) == (503, BUSY_WRITE)
    assert waited >= 0.4, "waited for the lock before giving up"
    assert decisions(database) == []
    assert (
        post(port, f"/item/{ITEM}/status", {"status": "approved", "token": token(page)})[0] == 303
    )
    assert decisions(database) == ["approved"]


def test_a_decision_waits_for_a_crawl_write_to_end(serve: Serve, database: Path) -> None:
    port = serve(busy_timeout=5)
    _, page = get(port, "/")
    crawl = sqlite3.connect(database, check_same_thread=False)
    crawl.execute("BEGIN IMMEDIATE")
    threading.Timer(0.5, crawl.commit).start()
    try:
        status, _ = post(port, f"/item/{ITEM}/status", {"status": "featured", "token": token(page)})
    finally:
        crawl.close()
    assert status == 303
    assert decisions(database) == ["featured"]


def test_decisions_made_while_a_crawl_stores_pages_are_all_kept(
    desk: tuple[int, Path], now: datetime
) -> None:
    port, path = desk
    _, page = get(port, "/")
    done = threading.Event()
    stored: list[str] = []

    def crawl() -> None:
        db = store.open_db(path)
        for n in range(10_000):
            if done.is_set():
                break
            url = f"https://news.un.org/en/story/2025/03/{n}"
            store.upsert_record(db, record(url=url, canonical_url=url, content_hash=url), now)
            stored.append(url)
        db.close()

    crawler = threading.Thread(target=crawl)
    crawler.start()
    sent = ["approved", "rejected", "featured", "candidate"] * 5
    try:
        answers = [
            post(port, f"/item/{ITEM}/status", {"status": s, "token": token(page)})[0] for s in sent
        ]
    finally:
        done.set()
        crawler.join()
    assert answers == [303] * len(sent)
    assert decisions(path) == sent
    assert stored, "the crawl wrote meanwhile"


def test_an_unexpected_failure_is_a_logged_500_with_one_line(
    serve: Serve, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    port = serve(path=tmp_path)  # a folder, not a database
    status, body = get(port, "/")
    assert status == 500
    assert body == "the desk failed to answer this request; the cause is in its log"
    assert any(r.levelname == "ERROR" and "GET /" in r.getMessage() for r in caplog.records)


def test_an_unknown_item_is_not_found(desk: tuple[int, Path]) -> None:
    port, _ = desk
    assert get(port, "/item/nonesuch")[0] == 404
    _, page = get(port, "/")
    assert (
        post(port, "/item/nonesuch/status", {"status": "approved", "token": token(page)})[0] == 404
    )
