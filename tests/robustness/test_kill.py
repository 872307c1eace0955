"""SIGKILL at random points: a crawl or a build killed anywhere loses nothing the next run
cannot bring back, leaves a sound database, no orphan process and no held lock.

Each trial kills a real `gced-news` process (its own process group) after a random delay
within the time a whole run takes, then runs the same command again to the end and compares
with a run that was never killed. The seed is printed in a failure, so a trial can be replayed.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import NETGUARD, ROOT, SAMPLE_ARCHIVE

TRIALS = 10
SEED = int(os.environ.get("GCED_KILL_SEED", time.time_ns() % 1_000_000))

pytestmark = pytest.mark.slow


def gced(*args: str, cwd: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "GCED_NEWS_CONFIG"}
    env["PYTHONPATH"] = os.pathsep.join([str(NETGUARD), str(ROOT)])
    return subprocess.Popen(
        [sys.executable, "-m", "crawler", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: its children can be found after it
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=300)
    return process.returncode, out, err


def run_whole(*args: str, cwd: Path) -> float:
    started = time.perf_counter()
    code, out, err = finish(gced(*args, cwd=cwd))
    assert code in (0, 4), f"{args}: exit {code}\n{out}\n{err[-3000:]}"  # 4: pages failed
    return time.perf_counter() - started


def kill_after(process: subprocess.Popen[str], delay: float) -> None:
    try:
        process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)


def group_gone(pgid: int, within: float = 5.0) -> bool:
    """True once no live process is left in the group (zombies are dead: where PID 1 does
    not reap orphans, as in some containers, they linger in the process table)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not live_members(pgid):
            return True
        time.sleep(0.05)
    return False


def live_members(pgid: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()  # after "pid (command)": state, ppid, pgrp
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            members.append(int(entry.name))
    return members


def stored(folder: Path) -> set[str]:
    with sqlite3.connect(folder / "data" / "news.db") as db:
        assert db.execute("pragma integrity_check").fetchone() == ("ok",)
        return {row[0] for row in db.execute("select canonical_url from items")}


def site_files(site: Path) -> dict[str, bytes]:
    """The site's pages and feeds (not the build's own bookkeeping)."""
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.is_file() and not path.relative_to(site).as_posix().startswith((".", "pagefind"))
    }


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, float]]:
    """A crawl never killed: what every trial must end with, and how long it took."""
    folder = tmp_path_factory.mktemp("clean")
    yield folder, run_whole("crawl", "--archive", str(SAMPLE_ARCHIVE), cwd=folder)


def test_a_crawl_killed_anywhere_is_made_whole_by_the_next(
    clean: tuple[Path, float], tmp_path: Path
) -> None:
    expected, seconds = clean
    rng = random.Random(SEED)
    for trial in range(TRIALS):
        folder = tmp_path / f"trial-{trial}"
        folder.mkdir()
        delay = rng.uniform(0.2, seconds)
        crawl = gced("crawl", "--archive", str(SAMPLE_ARCHIVE), cwd=folder)
        kill_after(crawl, delay)
        where = f"seed {SEED}, trial {trial}, killed after {delay:.2f}s"

        assert group_gone(crawl.pid), where
        if (folder / "data" / "news.db").exists():
            assert stored(folder) <= stored(expected), where
        run_whole("crawl", "--archive", str(SAMPLE_ARCHIVE), cwd=folder)
        assert stored(folder) == stored(expected), where
        code, out, err = finish(gced("status", cwd=folder))
        assert code == 0 and " running" not in out, f"{where}\n{out}"


BUILD = """
import sys, time
from pathlib import Path
from tests.test_digest import NOW, make_item
languages = ["en", "ru", "fr", "ar", "zh", "kk"]
items = [make_item(f"s{n}", language=languages[n % 6],
                   published=f"2025-{1 + n % 12:02}-11T04:00:00+00:00")
         for n in range(int(sys.argv[2]))]
from crawler.digest import build, build_site
pause, run_part = float(sys.argv[3]), build._run_part
def slow_part(part):  # as each part of a 100,000-story site takes seconds
    time.sleep(pause)
    return run_part(part)
build._run_part = slow_part
build_site(items, Path(sys.argv[1]), now=NOW, workers=2, search=False)  # forked workers
"""
STORIES = 600
PART_PAUSE = 0.3  # seconds each part takes beyond its work: a worker is mid-part when killed


def build(out: Path, pause: float = 0.0) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", BUILD, str(out), str(STORIES), str(pause)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def test_a_build_killed_anywhere_leaves_no_worker_and_is_made_whole_by_the_next(
    tmp_path: Path,
) -> None:
    started = time.perf_counter()
    code, _, err = finish(build(tmp_path / "clean", PART_PAUSE))
    seconds = time.perf_counter() - started
    assert code == 0, err[-3000:]
    expected = site_files(tmp_path / "clean")
    rng = random.Random(SEED + 1)
    out = tmp_path / "site"
    for trial in range(TRIALS):
        delay = rng.uniform(0.1, seconds)
        killed = build(out, PART_PAUSE)
        kill_after(killed, delay)
        where = f"seed {SEED}, trial {trial}, killed after {delay:.2f}s of {seconds:.2f}s"

        assert group_gone(killed.pid, within=0.5), f"{where}: a build worker outlived its parent"
        code, _, err = finish(build(out))
        assert code == 0, f"{where}\n{err[-3000:]}"
        assert site_files(out) == expected, where


KILLED_PARENT = """
import os, sys, time
from pathlib import Path
from crawler.cli import _lock
with _lock(Path(sys.argv[1])):
    if os.fork() == 0:  # a child, as the build's workers are
        time.sleep(30)
        os._exit(0)
    print("locked", flush=True)
    time.sleep(30)
"""


def test_the_nightly_lock_dies_with_its_holder_not_with_its_children(tmp_path: Path) -> None:
    lock = tmp_path / "data" / "state" / "nightly.lock"
    lock.parent.mkdir(parents=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    holder = subprocess.Popen(
        [sys.executable, "-c", KILLED_PARENT, str(lock)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=10)
        holder.stdout.close()
        nightly = gced("nightly", "--archive", str(SAMPLE_ARCHIVE), cwd=tmp_path)
        code, out, err = finish(nightly)
    finally:
        try:
            os.killpg(holder.pid, signal.SIGKILL)  # the child, still asleep
        except ProcessLookupError:
            pass

    assert code != 3, err[-2000:]
    assert "another nightly run holds" not in err
