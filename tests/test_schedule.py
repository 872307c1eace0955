"""The scheduler: nightly on the configured cron expression, one run at a time."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from crawler.config import ConfigError, load_config
from crawler.schedule import build_scheduler, run_nightly


def test_the_nightly_job_fires_on_the_cron_expression(tmp_path: Path) -> None:
    path = tmp_path / "gced-news.toml"
    path.write_text('[schedule]\ncron = "15 3 * * *"\ntimezone = "Asia/Almaty"\n', encoding="utf-8")
    scheduler = build_scheduler(load_config(path), path, runner=lambda command: 0)
    job = scheduler.get_jobs()[0]
    after = datetime(2025, 6, 1, 12, 0, tzinfo=ZoneInfo("Asia/Almaty"))
    assert job.trigger.get_next_fire_time(None, after) == datetime(
        2025, 6, 2, 3, 15, tzinfo=ZoneInfo("Asia/Almaty")
    )
    assert (job.max_instances, job.coalesce) == (1, True)
    assert job.args[0][-3:] == ["--config", str(path), "nightly"]


def test_a_bad_cron_expression_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "gced-news.toml"
    path.write_text('[schedule]\ncron = "every night"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="schedule.cron"):
        build_scheduler(load_config(path), path)


def test_a_failed_run_is_logged_and_the_daemon_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    assert run_nightly(["gced-news", "nightly"], runner=lambda command: 2) == 2
    assert "exit status 2" in caplog.text
