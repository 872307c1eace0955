"""The editor's desk, served for real on 127.0.0.1: list, approve, correct, with a log."""

from __future__ import annotations

import http.client
import re
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest

from crawler import store
from crawler.review import Desk, make_app
from tests.test_store import record


class Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def desk(tmp_path: Path, now: datetime) -> Iterator[tuple[int, Path]]:
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
    server = make_server(
        "127.0.0.1", 0, make_app(Desk(path, "editor-a", lambda: now)), handler_class=Quiet
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port, path
    server.shutdown()
    server.server_close()


def get(port: int, path: str, host: str = "127.0.0.1") -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Host": f"{host}:{port}"})
    response = conn.getresponse()
    return response.status, response.read().decode()


def post(port: int, path: str, form: dict[str, str]) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    body = urlencode(form)
    conn.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    return response.status, response.getheader("Location") or response.read().decode()


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
