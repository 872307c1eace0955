"""The project as others run it: an installed package built from this folder, and Scrapy's
own commands from the project folder."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, subprocess_env

SPIDERS = ["generic", "un_news", "undp", "unesco", "unicef"]
NOT_SOURCES = {".git", ".venv", "data", "build", "gced_news.egg-info"}  # at the top level


def _not_sources(folder: str, names: list[str]) -> set[str]:
    return NOT_SOURCES & set(names) if Path(folder) == ROOT else {"__pycache__"} & set(names)


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def _config(tmp_path: Path) -> Path:
    config = tmp_path / "gced-news.toml"
    config.write_text(
        "[paths]\n"
        f'database = "{tmp_path / "db" / "news.db"}"\n'
        f'site = "{tmp_path / "site"}"\n'
        f'archive = "{tmp_path / "raw"}"\n'
        f'state = "{tmp_path / "state"}"\n',
        encoding="utf-8",
    )
    return config


def test_an_installed_package_builds_the_site_from_any_folder(tmp_path: Path) -> None:
    """``pip install .`` (here into a target folder, offline, with this venv's build backend),
    then ``gced-news build`` elsewhere: templates, catalogues and data ship in the package."""
    source = tmp_path / "source"  # built from a copy: the build writes beside the sources
    shutil.copytree(ROOT, source, ignore=_not_sources)
    target = tmp_path / "installed"
    built = _run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(target), str(source)],
        cwd=tmp_path,
        env=subprocess_env(),
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = subprocess_env(target)

    where = _run([sys.executable, "-c", "import site_templates; print(site_templates.FOLDER)"],
                 cwd=elsewhere, env=env)  # fmt: skip
    result = _run([str(target / "bin" / "gced-news"), "--config", str(_config(tmp_path)), "build"],
                  cwd=elsewhere, env=env)  # fmt: skip

    assert where.stdout.strip() == str(target / "site_templates")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "index.html").is_file()
    assert (tmp_path / "site" / "static" / "style.css").is_file()
    assert (tmp_path / "site" / "ru" / "index.html").is_file()


def test_scrapy_list_names_the_spiders_from_the_project_folder() -> None:
    result = _run([sys.executable, "-m", "scrapy", "list"], cwd=ROOT, env=subprocess_env(ROOT))

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == SPIDERS


def test_scrapy_crawl_stores_a_sources_stories_as_gced_news_crawl_does(
    tmp_path: Path, sample_archive: Path
) -> None:
    database = tmp_path / "news.db"
    result = _run(
        [sys.executable, "-m", "scrapy", "crawl", "un_news", "-a", "source_name=un-news",
         "-s", f"GCED_REPLAY_ARCHIVE={sample_archive}", "-s", f"GCED_DATABASE={database}",
         "-s", f"GCED_RAW_ARCHIVE={tmp_path / 'raw'}", "-s", "DOWNLOAD_DELAY=0",
         "-s", "LOG_LEVEL=WARNING"],
        cwd=ROOT,
        env=subprocess_env(ROOT),
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    with sqlite3.connect(database) as db:
        sources = {row[0] for row in db.execute("select distinct source from items")}
        count = db.execute("select count(*) from items").fetchone()[0]
    assert sources == {"un-news"}
    assert count >= 5
