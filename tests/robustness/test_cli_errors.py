"""Every command meets a broken machine with one line and a non-zero exit, never a traceback.

Each case sets up one fault in a fresh folder (a corrupt, read-only or missing database, a
full disk, a bad config, a port in use, an unwritable output, a bad archive, a bad import
file...) and runs the real `gced-news` entry point in its own process.
"""

from __future__ import annotations

import os
import resource
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler import store
from tests.conftest import NETGUARD, ROOT, SAMPLE_ARCHIVE
from tests.test_store import record

Setup = Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    args: tuple[str, ...]
    says: str  # what the error line must contain
    setup: Setup | None = None
    file_size_limit: int | None = None  # bytes a process may write to one file: a full disk


def run(case: Case, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "GCED_NEWS_CONFIG"}
    env["PYTHONPATH"] = os.pathsep.join([str(NETGUARD), str(ROOT)])
    limit = case.file_size_limit

    def limited() -> None:  # Python ignores SIGXFSZ: a write past the limit fails with EFBIG
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "crawler", *case.args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limited,
    )


# ---- faults ----------------------------------------------------------------------------------

DB = Path("data/news.db")


def corrupt_database(folder: Path) -> None:
    (folder / DB).parent.mkdir(parents=True)
    (folder / DB).write_bytes(b"SQLite format 2\0" + os.urandom(8192))


def truncated_database(folder: Path) -> None:
    stored_database(folder)
    data = (folder / DB).read_bytes()
    (folder / DB).write_bytes(data[: len(data) // 3])


def database_is_a_folder(folder: Path) -> None:
    (folder / DB).mkdir(parents=True)


def data_is_a_file(folder: Path) -> None:
    (folder / "data").write_text("not a folder")


def stored_database(folder: Path, count: int = 1) -> None:
    db = store.open_db(folder / DB)
    for n in range(count):
        url = f"https://news.un.org/en/story/2025/03/{n}"
        text = f"Story {n}: " + "global citizenship education " * 2000
        store.upsert_record(
            db,
            record(url=url, canonical_url=url, text=text, content_hash=str(n)),
            datetime.now(UTC),
        )
    db.close()


def many_stored(folder: Path) -> None:
    """A database whose export is larger than the room left (256 KB)."""
    stored_database(folder, count=8)


def read_only(path: Path) -> None:
    """Read-only even for root: the immutable attribute where chattr works, else the mode."""
    if os.geteuid() == 0:
        done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
        if done.returncode != 0:
            pytest.skip(f"root ignores file modes and chattr failed here: {done.stderr!r}")
    else:
        path.chmod(0o555 if path.is_dir() else 0o444)


def read_only_database(folder: Path) -> None:
    stored_database(folder)
    for path in (folder / "data").iterdir():
        read_only(path)
    read_only(folder / "data")


def config(text: str | bytes) -> Setup:
    def write(folder: Path) -> None:
        data = text.encode("utf-8") if isinstance(text, str) else text
        (folder / "gced-news.toml").write_bytes(data)

    return write


def source_config(**keys: str) -> Setup:
    lines = [
        "[sources.local]",
        'spider = "generic"',
        'languages = ["en"]',
        'allowed_domains = ["127.0.0.1"]',
        'feeds = ["http://127.0.0.1:9/feed.xml"]',
        *(f"{key} = {value}" for key, value in keys.items()),
    ]
    return config("\n".join(lines) + "\n")


def files(**contents: str | bytes) -> Setup:
    """Files by name (`__` for `/`), relative to the case's folder."""

    def write(folder: Path) -> None:
        for name, content in contents.items():
            path = folder / name.replace("__", "/")
            path.parent.mkdir(parents=True, exist_ok=True)
            data = content.encode("utf-8") if isinstance(content, str) else content
            path.write_bytes(data)

    return write


def both(*setups: Setup) -> Setup:
    def apply(folder: Path) -> None:
        for setup in setups:
            setup(folder)

    return apply


def archive_copy(folder: Path) -> None:
    shutil.copytree(SAMPLE_ARCHIVE, folder / "archive")


WARC_HEADER = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999\r\n\r\nHTTP/1.1 200 OK\r\n"
GOOD_LINE = '{"url": "https://news.un.org/en/story/2025/01/1", "title": "A story"}\n'

CASES: dict[str, Case] = {
    # the database
    "status, corrupt database": Case(("status",), "file is not a database", corrupt_database),
    "build, corrupt database": Case(("build",), "file is not a database", corrupt_database),
    "export, corrupt database": Case(("export",), "file is not a database", corrupt_database),
    "reprocess, corrupt database": Case(("reprocess",), "file is not a database", corrupt_database),
    "crawl, corrupt database": Case(
        ("crawl", "--archive", str(SAMPLE_ARCHIVE)), "file is not a database", corrupt_database
    ),
    "nightly, corrupt database": Case(
        ("nightly", "--archive", str(SAMPLE_ARCHIVE)), "file is not a database", corrupt_database
    ),
    "review, corrupt database": Case(
        ("review", "--port", "0"), "file is not a database", corrupt_database
    ),
    "status, truncated database": Case(("status",), "database", truncated_database),
    "status, database is a folder": Case(("status",), "unable to open", database_is_a_folder),
    "status, data/ is a file": Case(("status",), "data", data_is_a_file),
    "build, data/ is a file": Case(("build",), "data", data_is_a_file),
    "crawl, read-only database": Case(
        ("crawl", "--archive", str(SAMPLE_ARCHIVE)), "database", read_only_database
    ),
    "import, read-only database": Case(
        ("import", "lines.jsonl"),
        "database",
        both(read_only_database, files(**{"lines.jsonl": GOOD_LINE})),
    ),
    # a full disk
    "build, full disk": Case(("build",), "File too large", stored_database, 40 * 1024),
    "export, full disk": Case(
        ("export", "--out", "out.jsonl"), "File too large", many_stored, 256 * 1024
    ),
    "crawl, full disk": Case(
        ("crawl", "--archive", str(SAMPLE_ARCHIVE)), "database", stored_database, 64 * 1024
    ),
    # options and config
    "unknown log level": Case(("--log-level", "LOUD", "status"), "'LOUD' is not one of"),
    "config not found": Case(("--config", "missing.toml", "status"), "config file not found"),
    "config not UTF-8": Case(("status",), "not UTF-8", config(b'[site]\ntitle = "\xe9t\xe9"\n')),
    "config not TOML": Case(("status",), "not valid TOML", config("[site\n")),
    "config unknown key": Case(("status",), "unknown key", config("[crawl]\nspeed = 1\n")),
    "config wrong type": Case(("status",), "must be", config("[crawl]\ndownload_delay = 'x'\n")),
    "config invalid regex": Case(
        ("status",), "invalid regular expression", source_config(article_patterns='["(story"]')
    ),
    "config invalid CSS body": Case(
        ("status",), "invalid CSS selector", source_config(rules='{ body = "div[" }')
    ),
    "config invalid CSS pager": Case(
        ("status",), "invalid CSS selector", source_config(next_page='"a:nonsense"')
    ),
    "config is a folder": Case(("--config", ".", "status"), "is a directory"),
    # outputs
    "build --out is a file": Case(("build", "--out", "taken"), "taken", files(taken="x")),
    "build --out under a file": Case(("build", "--out", "taken/site"), "taken", files(taken="x")),
    "export --out in a missing folder": Case(("export", "--out", "no/such/out.csv"), "no/such"),
    "export --out is a folder": Case(("export", "--out", "."), "."),
    # archives
    "crawl, bad WARC": Case(
        ("crawl", "--archive", "bad.warc"), "bad.warc", files(**{"bad.warc": WARC_HEADER})
    ),
    "crawl, WARC of random bytes": Case(
        ("crawl", "--archive", "noise.warc.gz"),
        "noise.warc.gz",
        files(**{"noise.warc.gz": os.urandom(4096)}),
    ),
    "crawl, archive folder without index": Case(
        ("crawl", "--archive", "empty"), "no index.jsonl", files(empty__readme="")
    ),
    "crawl, archive index not JSON": Case(
        ("crawl", "--archive", "arc"), "index.jsonl:1", files(**{"arc__index.jsonl": "{nope\n"})
    ),
    "crawl, archive body outside the archive": Case(
        ("crawl", "--archive", "arc"),
        "index.jsonl:1",
        files(**{"arc__index.jsonl": '{"url": "https://a.org/", "body": "../../etc/passwd"}\n'}),
    ),
    "reprocess, raw archive index not JSON": Case(
        ("reprocess",), "index.jsonl:1", files(**{"data__archive__index.jsonl": "[1,\n"})
    ),
    # import files
    "import, line is a list": Case(
        ("import", "x.jsonl"), "x.jsonl:1", files(**{"x.jsonl": "[]\n"})
    ),
    "import, url is a number": Case(
        ("import", "x.jsonl"),
        "x.jsonl:1: each line needs a url",
        files(**{"x.jsonl": '{"url": 5}'}),
    ),
    "import, topics is text": Case(
        ("import", "x.jsonl"),
        "x.jsonl:2: topics must be list",
        files(**{"x.jsonl": GOOD_LINE + '{"url": "https://a.org/2", "topics": "peace"}\n'}),
    ),
    "import, relevance is text": Case(
        ("import", "x.jsonl"),
        "relevance must be number",
        files(**{"x.jsonl": '{"url": "https://a.org/2", "relevance": "high"}\n'}),
    ),
    "import, unknown status": Case(
        ("import", "x.jsonl"),
        "unknown status",
        files(**{"x.jsonl": '{"url": "https://a.org/2", "status": "maybe"}\n'}),
    ),
    "import, not JSON": Case(("import", "x.jsonl"), "x.jsonl:1", files(**{"x.jsonl": "{url\n"})),
    "import, not UTF-8": Case(
        ("import", "x.jsonl"), "not UTF-8", files(**{"x.jsonl": b'{"url": "\xe9"}\n'})
    ),
    # backups
    "backup, no database": Case(("backup", "copy.db"), "no database to back up"),
    "backup onto the database": Case(
        ("backup", "data/news.db"), "is the database itself", stored_database
    ),
    "backup, corrupt database": Case(("backup", "copy.db"), "not a database", corrupt_database),
    "backup under a file": Case(
        ("backup", "taken/copy.db"), "taken", both(stored_database, files(taken="x"))
    ),
    # other commands' inputs
    "crawl, unknown source": Case(("crawl", "--source", "nowhere"), "unknown source"),
    "crawl, bad --since": Case(("crawl", "--since", "yesterday"), "YYYY-MM-DD"),
    "schedule, bad cron": Case(("schedule",), "cron", config('[schedule]\ncron = "every night"\n')),
}


@contextmanager
def port_in_use() -> Iterator[int]:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield taken.getsockname()[1]


def assert_one_line_error(done: subprocess.CompletedProcess[str], says: str) -> None:
    assert done.returncode not in (0, None), (done.stdout + done.stderr)[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    errors = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, done.stderr[-3000:]
    assert says in errors[0], errors[0]


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path
    # an immutable file left behind would stop pytest from removing tmp_path
    subprocess.run(["chattr", "-R", "-i", str(tmp_path)], capture_output=True, check=False)


@pytest.mark.parametrize("name", CASES)
def test_a_fault_ends_the_command_with_one_line(name: str, folder: Path) -> None:
    case = CASES[name]
    if case.setup:
        case.setup(folder)

    done = run(case, folder)

    assert_one_line_error(done, case.says)


def test_a_port_in_use_is_one_line(folder: Path) -> None:
    with port_in_use() as port:
        done = run(Case(("review", "--port", str(port)), ""), folder)

    assert_one_line_error(done, f"127.0.0.1:{port}")


def test_a_missing_database_is_created_not_an_error(folder: Path) -> None:
    done = run(Case(("status",), ""), folder)

    assert done.returncode == 0, done.stderr
    assert (folder / DB).is_file()


def test_the_cases_cover_every_fault_the_issue_lists() -> None:
    kinds = " ".join(CASES)
    for fault in ("corrupt", "read-only", "full disk", "log level", "UTF-8", "regex", "CSS",
                  "--out", "WARC", "import"):  # fmt: skip
        assert fault in kinds
    assert len(CASES) + 1 >= 37
