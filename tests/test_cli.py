"""The command line: every command documented, clear one-line errors, extract prints a record."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import cli
from tests.conftest import SAMPLE_ARCHIVE

COMMANDS = sorted(cli.commands)
HOLD_LOCK = """
import fcntl, sys, time
fh = open(sys.argv[1], "a+")
fcntl.lockf(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
print("held", flush=True)
time.sleep(60)
"""


def invoke(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(
        cli, list(args), env=env or {"GCED_NEWS_CONFIG": ""}, catch_exceptions=False
    )


def test_the_design_commands_exist() -> None:
    assert {"crawl", "build", "nightly", "extract"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert cli.commands[command].help, f"{command} has no help text"


def test_extract_prints_the_record_of_a_saved_page() -> None:
    page = SAMPLE_ARCHIVE / "news.un.org/en/story/2025/04/1161742.html"
    result = invoke("extract", str(page), "--url", "https://news.un.org/en/story/2025/04/1161742")
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["title"].startswith("Global citizenship education remains")
    assert (
        record["text"].startswith("The report, Learning to Live Together")
        or "Learning to Live Together" in record["text"]
    )
    assert record["published"].startswith("2025-04-22")
    assert (record["language"], record["title_language"]) == ("en", "en")
    assert "global-citizenship" in record["topics"]


def test_extract_with_a_source_names_its_publisher_and_country() -> None:
    path = "www.unicef.org/kazakhstan/ru/press-releases/"
    slug = "balalarga-arnalgan-senim-telefony-endi-onlain-chat-arkyly-da-zhumys-isteidi"
    page = SAMPLE_ARCHIVE / f"{path}{slug}.html"

    result = invoke("extract", str(page), "--url", f"https://{path}{slug}",
                    "--source", "unicef-kazakhstan")  # fmt: skip

    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["source"] == "unicef"
    assert "KZ" in record["countries"]


def test_extract_of_a_page_without_text_fails_with_one_line(tmp_path: Path) -> None:
    page = tmp_path / "empty.html"
    page.write_text("<html><body></body></html>", encoding="utf-8")
    result = invoke("extract", str(page), "--url", "https://news.un.org/en/story/x")
    assert result.exit_code == 1
    assert result.output.strip().startswith("Error:") and "empty.html" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_bad_config_is_one_line_naming_key_and_file(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[crawl]\nuser_agnet = 'x'\n", encoding="utf-8")
    result = invoke("--config", str(config), "build", "--help")
    assert result.exit_code == 1
    assert "user_agnet" in result.output and str(config) in result.output


def test_unknown_source_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("crawl", "--source", "bbc", "--archive", str(SAMPLE_ARCHIVE))
    assert result.exit_code == 1
    assert "unknown source 'bbc'" in result.output


def test_archive_and_record_exclude_each_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("crawl", "--archive", str(SAMPLE_ARCHIVE), "--record", str(tmp_path / "r"))
    assert result.exit_code == 1 and "exclude" in result.output


def test_a_folder_that_is_no_archive_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("crawl", "--archive", str(tmp_path))
    assert result.exit_code == 1 and "index.jsonl" in result.output


def test_bad_since_date_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("crawl", "--since", "last week", "--archive", str(SAMPLE_ARCHIVE))
    assert result.exit_code == 1 and "YYYY-MM-DD" in result.output


def extract_archived(url: str) -> dict[str, object]:
    """`gced-news extract` on the sample archive's page for ``url``."""
    for index in SAMPLE_ARCHIVE.glob("index*.jsonl"):
        for line in index.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            if entry["url"] == url:
                result = invoke("extract", str(SAMPLE_ARCHIVE / entry["body"]), "--url", url)
                assert result.exit_code == 0, result.output
                return dict(json.loads(result.output))
    raise AssertionError(f"{url} is not in the sample archive")


def test_extract_keeps_a_kazakh_title_over_a_russian_body() -> None:
    record = extract_archived(
        "https://www.unicef.org/kazakhstan/ru/press-releases/"
        "balalarga-arnalgan-senim-telefony-endi-onlain-chat-arkyly-da-zhumys-isteidi"
    )
    assert (record["title_language"], record["language"]) == ("kk", "ru")
    assert str(record["published"]).startswith("2025-04-14")
    assert record["published_source"] == "json-ld:datePublished"


def test_extract_dates_a_page_without_metadata_by_its_visible_dateline() -> None:
    record = extract_archived(
        "https://www.unicef.org/uzbekistan/uz/press-releases/"
        "qoraqalpogistonda-100-ta-qisqa-muddatli-maktabgacha-talim-guruhi-ochildi"
    )
    assert (record["language"], record["title_language"]) == ("uz-Cyrl", "uz-Cyrl")
    assert (str(record["published"])[:10], record["published_source"]) == ("2025-07-17", "dateline")


def test_extract_gives_published_and_last_update_apart_without_the_dateline_in_text() -> None:
    record = extract_archived(
        "https://www.unicef.org/press-releases/"
        "one-three-adolescents-europe-and-central-asia-has-experienced-cyberbullying-new-unicef-survey"
    )
    assert str(record["published"]).startswith("2025-05-26")
    assert str(record["updated"]).startswith("2025-05-29")
    text = str(record["text"])
    assert "Last update" not in text and "© UNICEF" not in text and "Media contacts" not in text


def test_a_second_nightly_while_one_runs_exits_3_and_does_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    lock = tmp_path / "data" / "state" / "nightly.lock"
    lock.parent.mkdir(parents=True)
    with subprocess.Popen(  # another process, as another nightly run would be
        [sys.executable, "-c", HOLD_LOCK, str(lock)], stdout=subprocess.PIPE, text=True
    ) as holder:
        try:
            assert holder.stdout is not None and holder.stdout.readline() == "held\n"
            result = invoke("nightly", "--archive", str(SAMPLE_ARCHIVE))
        finally:
            holder.kill()
    assert result.exit_code == 3
    assert "another nightly run holds" in result.output
    assert not (tmp_path / "data" / "news.db").exists()


def test_backup_copies_the_database_into_a_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import UTC, datetime

    from crawler import store
    from tests.test_store import record

    monkeypatch.chdir(tmp_path)
    db = store.open_db(tmp_path / "data" / "news.db")
    store.upsert_record(db, record(), datetime.now(UTC))
    (tmp_path / "backups").mkdir()

    result = invoke("backup", "backups")

    assert result.exit_code == 0, result.output
    assert result.output == "backed up data/news.db (1 items) to backups/news.db\n"
    copy = store.open_db(tmp_path / "backups" / "news.db")
    assert [item["url"] for item in store.iter_items(copy)] == [record()["url"]]
