"""Pages are processed in worker processes, off the crawl's thread: the same outcome as in
this process, in order, and a worker that dies fails only the pages it held."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from crawler.config import load_config
from pipelines.workers import WORKER_DIED, Fetched, Workers, process, process_within

from .conftest import FIXED_NOW, run_cli

SOURCE = load_config(None).sources["un-news"]


def story(n: int) -> Fetched:
    body = (
        f"<html lang='en'><head><title>Peace education {n}</title></head><body><article>"
        f"<h1>Peace education in schools, part {n}</h1>"
        + f"<p>Teachers in {n + 40} countries bring global citizenship education to class.</p>" * 8
        + "</article></body></html>"
    ).encode()
    url = f"https://news.un.org/en/story/2025/05/{n}"
    return Fetched(body, url, SOURCE, content_type="text/html; charset=utf-8", now=FIXED_NOW)


class DiesWhenUnpickled:
    """A page's source that kills the worker process receiving it, as a crash in a C
    library or the kernel's OOM killer would."""

    def __reduce__(self) -> tuple[object, tuple[int]]:
        return (os._exit, (9,))


class LogsWhenUnpickled:
    """A page's source that logs a warning in the worker receiving it (then is no source)."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (logging.getLogger("pipelines.worker_test").warning, ("said in a worker",))


def test_a_page_has_the_same_outcome_in_a_worker_as_here() -> None:
    pages = [story(n) for n in range(6)] + [Fetched(b"%PDF-1.4", "https://x.org/a.pdf", None)]
    with Workers(2) as pool:
        outcomes = list(pool.map((page, page) for page in pages))
    assert [page for page, _ in outcomes] == pages, "in the order given, with their tags"
    assert [processed for _, processed in outcomes] == [process(page) for page in pages]
    assert outcomes[0][1].record is not None
    assert outcomes[0][1].record["title"] == "Peace education in schools, part 0"
    assert outcomes[-1][1].no_article is not None


def test_a_page_whose_processing_raises_is_a_failure_with_its_cause_not_an_error() -> None:
    from dataclasses import replace

    from pipelines.rules import SiteRules

    broken = replace(SOURCE, rules=SiteRules(title="h1["))
    with Workers(1) as pool:
        processed = pool.submit(replace(story(1), source=broken)).result()
    assert processed.record is None
    assert processed.failure is not None
    assert processed.failure.startswith("cannot process: SelectorSyntaxError")
    assert "Traceback" in processed.trace


def test_a_worker_that_dies_fails_its_page_and_the_pool_goes_on() -> None:
    with Workers(1) as pool:
        before = pool.submit(story(1)).result()
        died = pool.submit(Fetched(b"", "https://x.org/killer", DiesWhenUnpickled())).result()
        after = [pool.submit(story(n)).result() for n in (2, 3)]
    assert before.record is not None
    assert died.failure == WORKER_DIED
    assert [processed.record is not None for processed in after] == [True, True]


def test_a_page_past_its_deadline_fails_alone_and_its_worker_goes_on() -> None:
    with Workers(1, timeout=0.001) as pool:  # no page goes through the chain in a millisecond
        late = pool.submit(story(1)).result()
        worker = set(pool._pool()._processes)
        pool.timeout = 0  # no limit
        after = pool.submit(story(2)).result()
        still = set(pool._pool()._processes)
    assert late.record is None
    assert late.failure == "cannot process: took longer than 0.001 s"
    assert "Traceback" in late.trace  # where it was when time ran out, for DEBUG
    assert after.record is not None
    assert still == worker and len(worker) == 1  # the same worker process went on


def test_the_deadline_leaves_no_timer_behind() -> None:
    import signal

    before = signal.getsignal(signal.SIGALRM)
    processed = process_within(story(3), 60.0)

    assert processed.record is not None
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) == before


def test_what_a_worker_logs_reaches_this_process_logging(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING), Workers(1) as pool:
        processed = pool.submit(Fetched(b"<p>x</p>", "https://x.org/", LogsWhenUnpickled()))
        processed.result()
    (record,) = [r for r in caplog.records if r.name == "pipelines.worker_test"]
    assert record.getMessage() == "said in a worker"
    assert record.process != os.getpid()


def test_a_crawl_stores_the_same_records_with_one_worker_or_two(
    tmp_path: Path, sample_archive: Path
) -> None:
    import sqlite3

    stored = []
    for workers in ("1", "2"):
        folder = tmp_path / workers
        folder.mkdir()
        command = ("crawl", "--archive", str(sample_archive), "--workers", workers)
        result = run_cli(*command, cwd=folder)
        assert result.returncode in (0, 4), result.stderr
        with sqlite3.connect(folder / "data/news.db") as conn:
            rows = conn.execute(
                "select url, title, text, language, published, topics, countries, relevance"
                " from items order by url"
            ).fetchall()
            stories = conn.execute(
                "select group_concat(url, ' ') from (select url, story_id from items order by url)"
                " group by story_id order by 1"
            ).fetchall()
        stored.append((rows, stories))
    assert len(stored[0][0]) > 10
    # The same records and the same stories; which version of a story was stored first (and
    # so which one says why it joined the other) follows the order pages finish in.
    assert stored[0] == stored[1]


def _processes_marked(mark: str) -> list[int]:
    """Processes whose environment holds `mark` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if mark.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc")
def test_workers_do_not_outlive_a_process_killed_with_sigkill(tmp_path: Path) -> None:
    """cron's kill -9 of a crawl leaves no worker processes behind."""
    import signal
    import subprocess
    import sys
    import time
    import uuid

    from .conftest import ROOT, subprocess_env

    mark = f"GCED_TEST_MARK={uuid.uuid4().hex}"
    script = (
        "from pipelines.workers import Fetched, Workers\n"
        "pool = Workers(2)\n"
        "pool.submit(Fetched(b'<p>x</p>', 'https://x.org/', None)).result()\n"
        "print('ready', flush=True)\n"
        "import time; time.sleep(600)\n"
    )
    env = {**subprocess_env(ROOT), mark.split("=")[0]: mark.split("=")[1]}
    owner = subprocess.Popen(
        [sys.executable, "-c", script], env=env, cwd=tmp_path, stdout=subprocess.PIPE, text=True
    )
    assert owner.stdout is not None
    with owner.stdout:
        assert owner.stdout.readline().strip() == "ready"
    assert len(_processes_marked(mark)) >= 3, "the owner, the fork server and a worker"
    owner.send_signal(signal.SIGKILL)
    owner.wait()
    deadline = time.monotonic() + 60
    while _processes_marked(mark) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _processes_marked(mark) == []
