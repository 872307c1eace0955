"""The editor's desk, served for real on 127.0.0.1: the queue with filters, search and bulk
decisions, stories, checked corrections, the journal; never a server error, never a decision
lost while a crawl writes; only this machine's Host, forms from the desk's own pages (token
and Origin), only paths of the desk as redirects, only web links as originals."""

from __future__ import annotations

import http.client
import re
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from crawler import curation, store
from crawler.desk import BUSY_WRITE, Desk, make_app, make_server
from crawler.desk.app import SIGN_IN_TRIES, SIGN_IN_WAIT
from tests.test_store import record

Serve = Callable[..., int]
Form = dict[str, str] | Sequence[tuple[str, str]]

EN = store.item_id(record()["canonical_url"])
AR_URL = "https://news.un.org/ar/story/2025/03/1139874"
AR = store.item_id(AR_URL)
RU_URL = "https://news.un.org/ru/story/2025/03/1161235"
RU = store.item_id(RU_URL)
ITEM = EN


@pytest.fixture
def database(tmp_path: Path, now: datetime) -> Path:
    """Three stories: an English one, an Arabic one (escaped markup in its title), and a
    Russian one on peace education, published later."""
    path = tmp_path / "news.db"
    db = store.open_db(path)
    store.upsert_record(db, record(story_id="s-en", translations={}), now)
    store.upsert_record(
        db,
        record(
            url=AR_URL,
            canonical_url=AR_URL,
            title="<b>طلاب</b> يتعلمون المواطنة",
            language="ar",
            title_language="ar",
            relevance=0.9,
            content_hash="other",
            story_id="s-ar",
            translations={},
        ),
        now,
    )
    store.upsert_record(
        db,
        record(
            url=RU_URL,
            canonical_url=RU_URL,
            title="Образование в интересах мира",
            text="Школы учат миру.",
            language="ru",
            title_language="ru",
            relevance=0.4,
            published="2025-04-02T08:00:00+00:00",
            topics=["peace-education"],
            countries=[],
            content_hash="ru",
            story_id="s-ru",
            translations={},
        ),
        now,
    )
    db.close()
    return path


class Client:
    """One browser's worth of HTTP to the desk: it keeps the session cookie."""

    def __init__(self, port: int, host: str = "127.0.0.1") -> None:
        self.port, self.host = port, host
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None
    ) -> http.client.HTTPResponse:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        sent = {"Host": f"{self.host}:{self.port}", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body, sent)
        response = conn.getresponse()
        response.read_body = response.read().decode()  # type: ignore[attr-defined]
        conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response

    def get(self, path: str) -> tuple[int, str]:
        response = self.request("GET", path)
        return response.status, response.read_body  # type: ignore[attr-defined]

    def post(self, path: str, form: Form, headers: dict[str, str] | None = None) -> tuple[int, str]:
        """(status, Location or body); the form carries the token of the last page read
        unless it names its own."""
        pairs = list(form.items()) if isinstance(form, dict) else list(form)
        if not any(name == "csrf_token" for name, _ in pairs):
            pairs.append(("csrf_token", self.token))
        response = self.request(
            "POST",
            path,
            urlencode(pairs),
            {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})},
        )
        return response.status, response.getheader("Location") or response.read_body  # type: ignore[attr-defined]

    @property
    def token(self) -> str:
        if not hasattr(self, "_token"):
            self._token = token(self.get("/")[1])
        return self._token


def token(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match
    return match.group(1)


@pytest.fixture
def serve(database: Path, now: datetime) -> Iterator[Serve]:
    """``serve(busy_timeout=..., ...)``: the desk over ``database`` on a free port."""
    servers = []

    def start(**options: Any) -> int:
        clock = options.pop("clock", lambda: now)
        desk = Desk(options.pop("path", database), "editor-a", clock, **options)
        server = make_server(make_app(desk), 0)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return server.server_port

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def client(serve: Serve) -> Client:
    return Client(serve())


def item(path: Path, item_id: str) -> dict[str, Any]:
    db = store.open_db(path)
    try:
        found = store.get_item(db, item_id)
        assert found is not None
        return found
    finally:
        db.close()


def statuses(path: Path) -> dict[str, str]:
    return {key: item(path, key)["status"] for key in (EN, AR, RU)}


def decisions(path: Path) -> list[str]:
    db = store.open_db(path)
    try:
        return [d["detail"]["status"][1] for d in reversed(store.decisions_for(db, ITEM))]
    finally:
        db.close()


def listed(page: str) -> list[str]:
    return re.findall(r'<article class="item" id="item-([^"]+)"', page)


# -- the queue ------------------------------------------------------------------------------


def test_candidates_are_listed_most_relevant_first_with_reasons(client: Client) -> None:
    status, page = client.get("/")
    assert status == 200
    assert listed(page) == [AR, EN, RU]
    assert "&lt;b&gt;طلاب&lt;/b&gt;" in page, "crawled text is escaped"
    assert "Why: global-citizenship: global citizenship (title)" in page


def test_arabic_titles_are_laid_out_right_to_left(client: Client) -> None:
    page = client.get("/")[1]
    assert re.search(r'lang="ar" dir="rtl">&lt;b&gt;طلاب', page)
    assert re.search(r'lang="en" dir="auto">Schools in Kazakhstan', page)
    page = client.get(f"/item/{AR}")[1]
    assert re.search(r'id="edited_title" [^>]*lang="ar" dir="rtl"', page)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"language": "ru"}, [RU]),
        ({"source": "un-news", "language": "ar"}, [AR]),
        ({"topic": "peace-education"}, [RU]),
        ({"country": "KZ"}, [AR, EN]),
        ({"since": "2025-04-01"}, [RU]),
        ({"until": "2025-03-31"}, [AR, EN]),
        ({"sort": "newest"}, [RU, AR, EN]),
        ({"q": "Школы"}, [RU]),
        ({"q": "Kazakhstan", "status": "all"}, [EN]),
        ({"flag": "short-body"}, [AR, EN, RU]),
    ],
)
def test_the_queue_filters_searches_and_sorts(
    client: Client, query: dict[str, str], expected: list[str]
) -> None:
    status, page = client.get("/?" + urlencode(query))
    assert status == 200
    assert sorted(listed(page)) == sorted(expected)
    if "sort" in query:
        assert listed(page)[0] == expected[0]


def test_search_finds_the_edited_title(client: Client, database: Path) -> None:
    client.get(f"/item/{EN}")
    form = {"edited_title": "Almaty teachers", "edited_topics": "", "back": "/"}
    assert client.post(f"/item/{EN}/edit", form)[0] == 303
    assert listed(client.get("/?q=Almaty")[1]) == [EN]


def test_filters_offer_what_the_queue_holds(client: Client) -> None:
    page = client.get("/")[1]
    assert '<option value="ru">ru (1)</option>' in page
    assert '<option value="short-body">short-body (3)</option>' in page


@pytest.mark.parametrize("page", ["99999999999999999999", "2", "0", "-1", "abc", "²", "", "1e9"])
def test_any_page_number_shows_a_page_never_a_server_error(client: Client, page: str) -> None:
    status, body = client.get(f"/?{urlencode({'page': page})}")
    assert status == 200
    assert "Schools in Kazakhstan" in body, "past the end is the last page"


@pytest.mark.parametrize(
    "query", [{"flag": "nonesuch"}, {"sort": "random"}, {"since": "yesterday"}, {"status": "x"}]
)
def test_unknown_filter_values_show_the_queue(client: Client, query: dict[str, str]) -> None:
    assert client.get("/?" + urlencode(query))[0] == 200


# -- decisions ------------------------------------------------------------------------------


def test_approving_moves_the_item_and_logs_the_decision(client: Client, database: Path) -> None:
    assert client.post(f"/item/{EN}/status", {"status": "approved", "back": "/"}) == (303, "/")
    assert item(database, EN)["status"] == "approved"
    assert [e.line for e in journal(database, EN)] == [
        "2025-11-01 12:00 editor-a: status candidate -> approved"
    ]
    assert EN not in listed(client.get("/")[1])
    assert listed(client.get("/?status=approved")[1]) == [EN]


def journal(path: Path, item_id: str | None = None) -> list[curation.Entry]:
    db = store.open_db(path)
    try:
        return curation.journal(db, item_id=item_id)
    finally:
        db.close()


def test_selected_items_are_approved_at_once(client: Client, database: Path) -> None:
    form = [("action", "approve"), ("id", EN), ("id", RU), ("back", "/?language=")]
    assert client.post("/decide", form) == (303, "/?language=")
    assert statuses(database) == {EN: "approved", AR: "candidate", RU: "approved"}


def test_selected_items_are_rejected_with_the_reason_logged(client: Client, database: Path) -> None:
    form = [("action", "reject"), ("reason", "off-topic"), ("id", AR), ("id", RU)]
    assert client.post("/decide", form)[0] == 303
    assert statuses(database)[AR] == statuses(database)[RU] == "rejected"
    assert journal(database, RU)[0].text == "status candidate -> rejected (reason: off-topic)"


def test_a_bulk_decision_without_a_selection_is_refused(client: Client) -> None:
    assert client.post("/decide", {"action": "approve"}) == (
        400,
        "no item selected: tick the items to decide on",
    )


def test_a_decision_in_the_queue_returns_to_the_next_item(client: Client) -> None:
    answer = client.post(f"/item/{AR}/status?next={EN}", {"status": "featured", "back": "/"})
    assert answer == (303, f"/#item-{EN}")


def test_a_decision_on_an_item_page_opens_the_next_item_of_its_queue(client: Client) -> None:
    back = "/?status=candidate"
    page = client.get(f"/item/{AR}?{urlencode({'back': back})}")[1]
    assert f'id="next-item" rel="next" href="/item/{EN}?back=' in page
    status, location = client.post(
        f"/item/{AR}/status", {"status": "approved", "back": back, "then": "next"}
    )
    assert (status, location) == (303, f"/item/{EN}?{urlencode({'back': back})}")


def test_an_unknown_status_is_a_bad_request(client: Client) -> None:
    assert client.post(f"/item/{EN}/status", {"status": "maybe"})[0] == 400


def test_an_unknown_item_is_not_found(client: Client) -> None:
    assert client.get("/item/nonesuch")[0] == 404
    assert client.post("/item/nonesuch/status", {"status": "approved"})[0] == 404


# -- corrections ----------------------------------------------------------------------------


def test_corrections_are_saved_and_an_empty_field_restores_the_crawled_value(
    client: Client, database: Path
) -> None:
    form = {
        "edited_title": "Kazakh schools teach global citizenship",
        "edited_summary": "",
        "edited_topics": "global-citizenship, youth-participation",
        "edited_countries": "KZ",
        "notes": "check date",
    }
    assert client.post(f"/item/{EN}/edit", form)[0] == 303
    found = item(database, EN)
    assert (found["edited_title"], found["edited_summary"], found["edited_topics"]) == (
        "Kazakh schools teach global citizenship",
        None,
        ["global-citizenship", "youth-participation"],
    )
    assert found["notes"] == "check date"


def test_a_topic_not_in_the_taxonomy_is_refused_with_a_suggestion(
    client: Client, database: Path
) -> None:
    form = {"edited_title": "New title", "edited_topics": "peace-educaton"}
    status, page = client.post(f"/item/{EN}/edit", form)
    assert status == 400
    assert (
        "Not saved: unknown topic &#39;peace-educaton&#39;"
        " (did you mean &#39;peace-education&#39;?)" in page
    )
    assert 'value="peace-educaton"' in page, "what was typed stays in the form"
    assert item(database, EN)["edited_title"] is None, "nothing of the form was saved"


def test_the_edit_form_suggests_the_taxonomy(client: Client) -> None:
    page = client.get(f"/item/{EN}")[1]
    assert 'list="topic-choices"' in page
    assert '<option value="peace-education">' in page


# -- stories --------------------------------------------------------------------------------


def test_stories_are_merged_and_a_version_split_off_each_logged(
    client: Client, database: Path
) -> None:
    ru_story = item(database, RU)["story_id"]
    en_story = item(database, EN)["story_id"]
    assert client.post(f"/story/{en_story}/merge", {"from_story": ru_story}) == (
        303,
        f"/story/{en_story}",
    )
    page = client.get(f"/story/{en_story}")[1]
    assert 'id="version-' + RU in page and 'id="version-' + EN in page
    assert client.post(f"/story/{en_story}/status", {"status": "approved"})[0] == 303
    assert statuses(database)[RU] == "approved", "a story's decision reaches every version"
    status, location = client.post(f"/story/{en_story}/split", {"item_id": RU})
    assert status == 303
    assert item(database, RU)["story_id"] != en_story
    assert location == f"/story/{item(database, RU)['story_id']}"
    lines = [e.text for e in journal(database, RU)]
    assert lines[0].startswith(f"split off story {en_story}")
    assert f"merged story {ru_story} into {en_story}" in lines


def test_an_item_in_a_story_shows_its_versions(client: Client, database: Path) -> None:
    en_story = item(database, EN)["story_id"]
    client.post(f"/story/{en_story}/merge", {"from_story": item(database, AR)["story_id"]})
    page = client.get(f"/item/{EN}")[1]
    assert "One story in 2 versions" in page
    assert f'<a href="/item/{AR}" lang="ar" dir="rtl">' in page


def test_a_version_is_chosen_as_the_lead(client: Client, database: Path) -> None:
    en_story = item(database, EN)["story_id"]
    client.post(f"/story/{en_story}/merge", {"from_story": item(database, RU)["story_id"]})
    assert client.post(f"/story/{en_story}/lead", {"item_id": RU}) == (303, f"/story/{en_story}")
    page = client.get(f"/story/{en_story}")[1]
    row = page.split(f'id="version-{RU}"')[1].split("</tr>")[0]
    assert "<strong>lead</strong>" in row
    assert journal(database, RU)[0].text.startswith(f"made the lead of story {en_story}")


def test_merging_an_unknown_story_is_refused(client: Client, database: Path) -> None:
    en_story = item(database, EN)["story_id"]
    status, body = client.post(f"/story/{en_story}/merge", {"from_story": "nonesuch"})
    assert (status, body) == (400, "no story 'nonesuch'")


# -- the journal and the sources ------------------------------------------------------------


def test_the_journal_reads_like_a_journal(client: Client) -> None:
    client.post("/decide", [("action", "reject"), ("reason", "off-topic"), ("id", RU)])
    page = client.get("/journal")[1]
    assert "2025-11-01 12:00 editor-a: status candidate -&gt; rejected (reason: off-topic)" in page
    item_page = client.get(f"/item/{RU}")[1]
    assert "status candidate -&gt; rejected (reason: off-topic)" in item_page
    assert "{" not in item_page.split("<h2>Journal</h2>")[1], "no raw Python in the log"


def test_the_sources_panel_lists_each_configured_source(serve: Serve) -> None:
    from crawler.config import load_config

    sources = tuple(load_config().sources.values())
    page = Client(serve(sources=sources)).get("/sources")[1]
    assert "<td>un-news</td><td>never crawled</td>" in page


# -- what the desk guarantees ---------------------------------------------------------------


def test_a_post_without_the_session_token_is_refused(client: Client, database: Path) -> None:
    assert (
        client.post(f"/item/{EN}/status", {"status": "rejected", "csrf_token": "guess"})[0] == 403
    )
    stranger = Client(client.port)  # another browser: no session, so no token of its own
    assert (
        stranger.post(f"/item/{EN}/status", {"status": "rejected", "csrf_token": client.token})[0]
        == 403
    )
    assert item(database, EN)["status"] == "candidate"


@pytest.mark.parametrize(
    "headers",
    [{"Origin": "http://attacker.example"}, {"Origin": "null"},
     {"Referer": "http://attacker.example/page"}],
)  # fmt: skip
def test_a_post_from_another_origin_is_refused(
    client: Client, database: Path, headers: dict[str, str]
) -> None:
    assert client.post(f"/item/{EN}/status", {"status": "rejected"}, headers)[0] == 403
    assert item(database, EN)["status"] == "candidate"
    own = {"Origin": f"http://127.0.0.1:{client.port}"}
    assert client.post(f"/item/{EN}/status", {"status": "rejected"}, own)[0] == 303


def test_requests_for_another_host_name_are_refused(client: Client) -> None:
    assert Client(client.port, host="attacker.example").get("/")[0] == 403


@pytest.mark.parametrize(
    "back",
    ["//attacker.example/", "https://attacker.example/", "/\\attacker.example", "javascript:x",
     "http:/x", "/\t/attacker.example", ""],
)  # fmt: skip
def test_a_decision_redirects_only_within_the_desk(client: Client, back: str) -> None:
    status, location = client.post(f"/item/{EN}/status", {"status": "approved", "back": back})
    assert status == 303
    assert location.startswith("/") and not location.startswith(("//", "/\\"))


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "ftp://x/y"])
def test_an_original_that_is_not_a_web_address_is_not_linked(
    serve: Serve, database: Path, now: datetime, url: str
) -> None:
    db = store.open_db(database)
    store.upsert_record(db, record(url=url, canonical_url="https://x.example/a", story_id="x"), now)
    db.close()
    client = Client(serve())
    for page in (
        client.get("/?status=all")[1],
        client.get(f"/item/{store.item_id('https://x.example/a')}")[1],
    ):
        assert (
            url not in page.replace("&amp;", "&").split("title=")[0] or 'href="' + url not in page
        )
        assert f'href="{url}' not in page
        assert "original (not a web address, not linked)" in page


def test_every_answer_carries_the_content_security_policy(client: Client) -> None:
    response = client.request("GET", "/")
    assert "script-src 'self'" in response.getheader("Content-Security-Policy", "")
    assert response.getheader("X-Frame-Options") == "DENY"
    assert "unsafe-inline" not in response.getheader("Content-Security-Policy", "")


def test_with_a_password_every_page_asks_for_it_first(serve: Serve, database: Path) -> None:
    client = Client(serve(password="correct horse"))
    assert client.request("GET", "/?status=all").getheader("Location") == (
        "/login?next=/?status%3Dall"
    )
    assert client.get("/static/site.css")[0] == 200
    login = client.get("/login")[1]
    form = {"password": "wrong", "csrf_token": token(login), "next": "/"}
    assert client.post("/login", form)[0] == 401
    assert (
        client.post(f"/item/{EN}/status", {"status": "approved", "csrf_token": token(login)})[0]
        == 303
    )  # to the sign-in
    assert item(database, EN)["status"] == "candidate"
    form["password"] = "correct horse"
    assert client.post("/login", form) == (303, "/")
    assert client.get("/")[0] == 200
    assert client.post(f"/item/{EN}/status", {"status": "approved"})[0] == 303
    assert item(database, EN)["status"] == "approved"


def test_wrong_passwords_make_the_address_wait_even_for_the_right_one(
    serve: Serve, now: datetime, caplog: pytest.LogCaptureFixture
) -> None:
    clock = [now]
    client = Client(serve(password="correct horse", clock=lambda: clock[0]))
    form = {"password": "wrong", "csrf_token": token(client.get("/login")[1]), "next": "/"}
    answers = [client.post("/login", form)[0] for _ in range(SIGN_IN_TRIES)]
    form["password"] = "correct horse"
    refused = client.request("POST", "/login", urlencode(form),
                             {"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    clock[0] = now + SIGN_IN_WAIT

    assert answers == [401] * SIGN_IN_TRIES
    assert refused.status == 429
    assert refused.getheader("Retry-After") == str(int(SIGN_IN_WAIT.total_seconds()))
    assert "try again in 15 minutes" in refused.read_body  # type: ignore[attr-defined]
    assert [r.getMessage() for r in caplog.records if "desk sign-in" in r.getMessage()] == [
        "desk sign-in: 5 wrong passwords from 127.0.0.1; refused for 15 minutes"
    ]
    assert client.post("/login", form) == (303, "/")  # the wait is over


def test_a_half_sent_request_does_not_hold_up_anyone_else(client: Client) -> None:
    with socket.create_connection(("127.0.0.1", client.port)) as stalled:
        stalled.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: tex")
        # answered while the other is still half sent (its server-side timeout is 10 s):
        # a desk serving one request at a time would leave this one waiting behind it
        assert client.get("/")[0] == 200


def test_a_post_that_stops_halfway_is_a_bad_request_and_saves_nothing(
    client: Client, database: Path
) -> None:
    body = urlencode({"status": "approved", "csrf_token": client.token}).encode()
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    with socket.create_connection(("127.0.0.1", client.port), timeout=10) as conn:
        conn.sendall(
            f"POST /item/{ITEM}/status HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body) + 50}\r\n\r\n".encode()
            + body
        )
        conn.shutdown(socket.SHUT_WR)
        answer = conn.recv(4096).decode()
    assert answer.startswith("HTTP/1.1 400"), answer
    assert decisions(database) == []


def test_a_decision_while_a_crawl_holds_the_database_too_long_is_refused_not_lost(
    serve: Serve, database: Path
) -> None:
    client = Client(serve(busy_timeout=0.4))
    client.token  # noqa: B018 -- read the page before the crawl takes the lock
    crawl = sqlite3.connect(database)
    crawl.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        status, body = client.post(f"/item/{ITEM}/status", {"status": "approved"})
        waited = time.monotonic() - started
    finally:
        crawl.rollback()
        crawl.close()
    assert (status, body) == (503, BUSY_WRITE)
    assert waited >= 0.4, "waited for the lock before giving up"
    assert decisions(database) == []
    assert client.post(f"/item/{ITEM}/status", {"status": "approved"})[0] == 303
    assert decisions(database) == ["approved"]


def test_a_busy_answer_says_when_to_send_it_again(serve: Serve, database: Path) -> None:
    client = Client(serve(busy_timeout=0.1))
    client.token  # noqa: B018
    crawl = sqlite3.connect(database)
    crawl.execute("BEGIN IMMEDIATE")
    try:
        response = client.request(
            "POST",
            f"/item/{ITEM}/status",
            urlencode({"status": "approved", "csrf_token": client.token}),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
    finally:
        crawl.rollback()
        crawl.close()
    assert (response.status, response.getheader("Retry-After")) == (503, "5")


def test_a_decision_waits_for_a_crawl_write_to_end(serve: Serve, database: Path) -> None:
    client = Client(serve(busy_timeout=5))
    client.token  # noqa: B018
    crawl = sqlite3.connect(database, check_same_thread=False)
    crawl.execute("BEGIN IMMEDIATE")
    threading.Timer(0.5, crawl.commit).start()
    try:
        status, _ = client.post(f"/item/{ITEM}/status", {"status": "featured"})
    finally:
        crawl.close()
    assert status == 303
    assert decisions(database) == ["featured"]


def test_decisions_made_while_a_crawl_stores_pages_are_all_kept(
    client: Client, database: Path, now: datetime
) -> None:
    client.token  # noqa: B018
    done = threading.Event()
    stored: list[str] = []

    def crawl() -> None:
        db = store.open_db(database)
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
        answers = [client.post(f"/item/{ITEM}/status", {"status": s})[0] for s in sent]
    finally:
        done.set()
        crawler.join()
    assert answers == [303] * len(sent)
    assert decisions(database) == sent
    assert stored, "the crawl wrote meanwhile"


def test_an_unexpected_failure_is_a_logged_500_with_one_line(
    serve: Serve, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    port = serve(path=tmp_path)  # a folder, not a database
    status, body = Client(port).get("/")
    assert status == 500
    assert body == "the desk failed to answer this request; the cause is in its log"
    assert any(r.levelname == "ERROR" and "GET /" in r.getMessage() for r in caplog.records)
