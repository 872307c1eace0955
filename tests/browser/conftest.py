"""Browser tests: the built site in real headless Chromium (Debian's /usr/bin/chromium, driven
by Playwright), served from a local http.server started here.

Without Chromium or Playwright these tests are skipped, except under CI (the environment
variable CI set), where they fail with the reason: CI must run them.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from crawler.digest import build_site
from tests.test_digest import NOW, make_item

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

# Words the search tests look for, each in one story only.
RUSSIAN_WORD = "подростков"
CHINESE_WORD = "网络欺凌"
# A Russian word in one story, and another form of it, not a prefix of it, which finds it
# only through Russian stemming ("образован" both).
RUSSIAN_FORM_INDEXED = "образование"
RUSSIAN_FORM_QUERIED = "образования"


def fixture_items() -> list[dict[str, Any]]:
    """Thirteen stories in English, Russian, Chinese, Arabic, Kazakh and French; the Russian
    and Arabic ones on children's rights are versions of one story."""
    stories = [
        ("en-gced", "en", "Global citizenship education reaches Central Asia",
         "UNICEF and UNESCO train teachers in global citizenship education."),
        ("en-peace", "en", "Peace education in schools", "UNICEF supports peace education."),
        ("en-labour", "en", "Child labour falls", "A UNICEF report on child labour."),
        ("ru-teens", "ru", "Права подростков в Казахстане",
         f"ЮНИСЕФ UNICEF помогает школам. Программа для {RUSSIAN_WORD} работает в Алматы."),
        ("ru-schools", "ru", "Школы Кыргызстана",
         f"UNICEF открывает новые школы в Бишкеке. Право на {RUSSIAN_FORM_INDEXED}."),
        ("ru-rights", "ru", "Права ребенка", "UNICEF напоминает о правах ребенка."),
        ("zh-bullying", "zh", "联合国儿童基金会关注校园欺凌",
         f"UNICEF 联合国儿童基金会今天发布报告，呼吁各国保护儿童免受{CHINESE_WORD}。"),
        ("zh-education", "zh", "全纳教育", "UNICEF 报告指出，全纳教育让每个儿童受益。"),
        ("ar-rights", "ar", "حقوق الطفل في آسيا الوسطى", "UNICEF تدعو إلى حماية حقوق الطفل."),
        ("ar-school", "ar", "التعليم من أجل السلام", "UNICEF تدعم التعليم من أجل السلام."),
        ("kk-children", "kk", "Балалар құқықтары", "UNICEF Қазақстандағы балаларды қолдайды."),
        ("fr-citizenship", "fr", "Éducation à la citoyenneté mondiale",
         "L’UNICEF et l’UNESCO soutiennent les enseignants."),
        ("fr-protection", "fr", "Protection de l’enfance", "L’UNICEF protège les enfants."),
    ]  # fmt: skip
    return [
        make_item(
            identifier,
            language=language,
            title=title,
            text=text,
            summary=None,
            published=f"2025-0{1 + n % 9}-1{n % 10}T09:00:00+00:00",
            topics=["child-protection"] if n % 2 else ["global-citizenship"],
            countries=["KZ"] if n % 3 == 0 else [],
            status="featured" if identifier == "en-gced" else "approved",
            story_id="child-rights" if identifier in ("ru-rights", "ar-rights") else None,
        )
        for n, (identifier, language, title, text) in enumerate(stories)
    ]


def require_browser() -> None:
    problems = []
    if not CHROMIUM.exists():
        problems.append(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append("Playwright is not installed (pip install playwright)")
    if problems:
        message = "browser tests need Chromium and Playwright: " + "; ".join(problems)
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="package")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "site"
    report = build_site(fixture_items(), out, now=NOW, search=True)
    assert report.search == "indexed"
    return out


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        pass


@pytest.fixture(scope="package")
def base_url(site: Path) -> Iterator[str]:
    with served(site) as url:
        yield url


@contextmanager
def served(folder: Path) -> Iterator[str]:
    """`folder` served over HTTP on 127.0.0.1 (a free port) while the block runs; its URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """Closed when the browser tests end: Playwright's sync API keeps an asyncio loop running
    in this thread meanwhile, which other tests' `asyncio.run` would trip over."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    """A fresh tab that may load only from the local server: anything else fails the test."""
    with guarded_tab(browser, base_url) as tab:
        yield tab


@contextmanager
def guarded_tab(
    browser: Any, allowed: str, viewport: tuple[int, int] = (390, 844)
) -> Iterator[Any]:
    """A fresh tab (a phone's screen unless told) that may load only URLs starting with
    ``allowed``, and must raise no JavaScript error."""
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    tab = context.new_page()
    elsewhere: list[str] = []
    errors: list[str] = []

    def guard(route: Any) -> None:
        if route.request.url.startswith(allowed):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    tab.route("**/*", guard)
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert elsewhere == [], "the page tried to load from elsewhere"
    assert errors == [], "the page raised JavaScript errors"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
