"""Shared fixtures: no network beyond 127.0.0.1, fresh databases, a fixed clock, the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NETGUARD = Path(__file__).with_name("netguard")
SAMPLE_ARCHIVE = ROOT / "data" / "sample-archive"
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"
FIXED_NOW = datetime(2025, 11, 1, 12, 0, tzinfo=UTC)

sys.path.insert(0, str(NETGUARD))
import netguard  # noqa: E402


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test fails loudly if it connects anywhere but loopback."""
    guards = netguard.patched()
    monkeypatch.setattr("socket.socket.connect", guards["connect"])
    monkeypatch.setattr("socket.socket.connect_ex", guards["connect_ex"])
    monkeypatch.setattr("socket.getaddrinfo", guards["getaddrinfo"])
    yield


@pytest.fixture
def now() -> datetime:
    return FIXED_NOW


@pytest.fixture
def sample_archive() -> Path:
    if not (SAMPLE_ARCHIVE / "index.jsonl").is_file():
        pytest.fail(f"the bundled sample archive is missing: {SAMPLE_ARCHIVE}")
    return SAMPLE_ARCHIVE


@pytest.fixture
def shared_corpus() -> Path:
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"real captures unavailable: ../shared/corpus is not at {SHARED_CORPUS}")
    return SHARED_CORPUS


def run_cli(*args: str, cwd: Path, config: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``gced-news`` as its own process (Scrapy's reactor runs once per process),
    with the network guard loaded at start-up."""
    command = [
        sys.executable,
        "-m",
        "crawler",
        *(["--config", str(config)] if config else []),
        *args,
    ]
    return subprocess.run(
        command, cwd=cwd, env=subprocess_env(ROOT), capture_output=True, text=True, timeout=300
    )


def subprocess_env(*path: Path) -> dict[str, str]:
    """The environment of a child process: no config from the caller's shell, the network
    guard loaded at start-up, then ``path`` on PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if k != "GCED_NEWS_CONFIG"}
    env["PYTHONPATH"] = os.pathsep.join(str(p) for p in (NETGUARD, *path))
    return env


@pytest.fixture
def cli_run(tmp_path: Path):  # type: ignore[no-untyped-def]
    """``cli_run("crawl", "--archive", ...)``: the CLI in a subprocess, working in tmp_path."""

    def run(*args: str, config: Path | None = None) -> subprocess.CompletedProcess[str]:
        return run_cli(*args, cwd=tmp_path, config=config)

    return run
