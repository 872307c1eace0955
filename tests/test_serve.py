"""`gced-news serve`: the built site on 127.0.0.1 from the real command in its own process,
each file with its content type, nothing outside the folder, one line for a port in use or a
site not built, and Ctrl-C ending it cleanly."""

from __future__ import annotations

import http.client
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import ROOT, subprocess_env
from tests.robustness.test_cli_errors import Case, assert_one_line_error, port_in_use, run

SECRET = "not part of the site"

# A built site's kinds of file, where the build puts them (Pagefind's under pagefind/).
SITE_FILES = {
    "index.html": "text/html; charset=utf-8",
    "en/index.html": "text/html; charset=utf-8",
    "en/items/4147dcd56d0d.html": "text/html; charset=utf-8",
    "items/4147dcd56d0d.json": "application/json",
    "feeds/all.xml": "application/xml",
    "sitemap.xml": "application/xml",
    "static/site.css": "text/css; charset=utf-8",
    "static/search.js": "text/javascript; charset=utf-8",
    "static/logo.svg": "image/svg+xml",
    "pagefind/pagefind.js": "text/javascript; charset=utf-8",
    "pagefind/pagefind-entry.json": "application/json",
    "pagefind/pagefind.en_1844d5e148.pf_meta": "application/octet-stream",
    "pagefind/index/en_2c7f0a1.pf_index": "application/octet-stream",
    "pagefind/fragment/en_9a3b5c2.pf_fragment": "application/octet-stream",
    "pagefind/filter/en_77e1d0f.pf_filter": "application/octet-stream",
    "pagefind/wasm.en.pagefind": "application/octet-stream",
}


def make_site(tmp_path: Path) -> Path:
    (tmp_path / "secret.txt").write_text(SECRET)  # beside the site, not in it
    folder = tmp_path / "site"
    for name in SITE_FILES:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"content of {name}")
    return folder


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path)


def start(*args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "crawler", "serve", *args],
        cwd=cwd,
        env=subprocess_env(ROOT),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@contextmanager
def serving(site: Path) -> Iterator[tuple[int, subprocess.Popen[str]]]:
    """The command serving ``site`` on a free port (--port 0), and that port."""
    process = start("--port", "0", "--dir", str(site), cwd=site.parent)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("site: http://127.0.0.1:"), line + process.stderr.read()
        port = int(line.split("127.0.0.1:")[1].split("/")[0])
        yield port, process
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)


@pytest.fixture
def served(site: Path) -> Iterator[tuple[int, subprocess.Popen[str]]]:
    with serving(site) as port_and_process:
        yield port_and_process


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """One server for the tests that only read."""
    with serving(make_site(tmp_path_factory.mktemp("serve"))) as (port, _):
        yield port


def get(port: int, path: str) -> tuple[int, str, str]:
    """Status, Content-Type and body of ``path`` sent as it is (no clean-up of ``..``)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read().decode()
    finally:
        connection.close()


def test_serve_prints_the_root_page_and_serves_it(port: int) -> None:
    assert get(port, "/") == (200, "text/html; charset=utf-8", "content of index.html")


@pytest.mark.parametrize("name", SITE_FILES)
def test_each_file_has_its_content_type(port: int, name: str) -> None:
    assert get(port, f"/{name}") == (200, SITE_FILES[name], f"content of {name}")


@pytest.mark.parametrize(
    "path",
    ["/../secret.txt", "/en/../../secret.txt", "/%2e%2e/secret.txt", "/en/%2E%2E%2f..%2fsecret.txt",
     "/..%2fsecret.txt", "/%2e%2e%5csecret.txt"],
)  # fmt: skip
def test_nothing_outside_the_folder_is_served(port: int, path: str) -> None:
    status, _, body = get(port, path)

    assert status == 404
    assert SECRET not in body


def test_ctrl_c_stops_it_cleanly(served: tuple[int, subprocess.Popen[str]]) -> None:
    port, process = served
    assert get(port, "/")[0] == 200

    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=10)

    assert process.returncode == 0, err
    assert "Traceback" not in err
    assert out.strip() == "stopped"


def test_requests_are_not_logged_at_the_default_level(
    served: tuple[int, subprocess.Popen[str]],
) -> None:
    port, process = served
    get(port, "/")
    get(port, "/missing.html")

    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=10)

    assert err == ""


def test_a_port_in_use_is_one_line(site: Path) -> None:
    with port_in_use() as port:
        done = run(Case(("serve", "--port", str(port), "--dir", str(site)), ""), site.parent)

    assert_one_line_error(done, f"cannot listen on 127.0.0.1:{port}")


@pytest.mark.parametrize("made", [False, True])
def test_a_site_not_built_is_one_line(tmp_path: Path, made: bool) -> None:
    if made:
        (tmp_path / "data" / "site").mkdir(parents=True)  # the folder, but no pages

    done = run(Case(("serve", "--port", "0"), ""), tmp_path)

    assert_one_line_error(done, "run `gced-news build` first")
    assert "data/site" in done.stderr
