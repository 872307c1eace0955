"""The scheduler daemon: runs ``gced-news nightly`` on a cron expression, one run at a time.

Scrapy's reactor cannot restart inside one process, so each run is a new process.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from crawler.config import Config, ConfigError

logger = logging.getLogger(__name__)

Runner = Callable[[Sequence[str]], int]


def nightly_command(config_path: Path | None) -> list[str]:
    config = ["--config", str(config_path)] if config_path else []
    return [sys.executable, "-m", "crawler", *config, "nightly"]


def run_process(command: Sequence[str]) -> int:
    return subprocess.run(list(command), check=False).returncode


def run_nightly(command: Sequence[str], runner: Runner = run_process) -> int:
    """One scheduled run; its exit status is logged, never raised (the daemon goes on)."""
    logger.info("nightly run starting: %s", " ".join(command))
    status = runner(command)
    log = logger.info if status == 0 else logger.warning
    log("nightly run ended with exit status %s", status)
    return status


def build_scheduler(
    config: Config, config_path: Path | None, runner: Runner = run_process
) -> BlockingScheduler:
    try:
        trigger = CronTrigger.from_crontab(config.schedule.cron, timezone=config.schedule.timezone)
    except (ValueError, LookupError) as exc:
        raise ConfigError(
            f"{config.origin}: schedule.cron {config.schedule.cron!r} or timezone: {exc}"
        ) from exc
    scheduler = BlockingScheduler(timezone=config.schedule.timezone)
    scheduler.add_job(
        run_nightly,
        trigger,
        args=[nightly_command(config_path), runner],
        id="nightly",
        max_instances=1,
        coalesce=True,
        misfire_grace_time=3600,
    )
    return scheduler
