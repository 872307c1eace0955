"""The config: defaults, a file read over them, and clear errors naming key and file."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.config import ConfigError, find_config_path, load_config
from pipelines.rules import SiteRules


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "gced-news.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_name_the_database_site_and_un_news_feeds() -> None:
    config = load_config(None)
    assert config.paths.database == Path("data/news.db")
    assert config.paths.site == Path("data/site")
    assert "mailto:" in config.crawl.user_agent
    feeds = dict(config.source("un-news").feed_urls())
    assert feeds["https://news.un.org/feed/subscribe/ru/news/all/rss.xml"] == "ru"


def test_file_overrides_one_key_and_keeps_the_other_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[paths]\ndatabase = "elsewhere/x.db"\n'))
    assert config.paths.database == Path("elsewhere/x.db")
    assert config.paths.site == Path("data/site")


def test_a_source_added_in_the_file_sits_beside_the_defaults(tmp_path: Path) -> None:
    text = """
[sources.unesco-kz]
spider = "generic"
languages = ["kk", "ru"]
allowed_domains = ["unesco.kz"]
feeds = ["https://unesco.kz/{lang}/rss.xml"]
"""
    config = load_config(write(tmp_path, text))
    assert {"un-news", "unicef-kazakhstan", "unesco-kz"} <= set(config.sources)
    assert config.source("unesco-kz").feed_urls() == [
        ("https://unesco.kz/kk/rss.xml", "kk"),
        ("https://unesco.kz/ru/rss.xml", "ru"),
    ]


def test_site_rules_serve_every_source_and_page_of_their_host() -> None:
    config = load_config()
    about = ".field--name-field-about-unicef"
    assert about in config.source("unicef").rules.prune
    assert about in config.source("unicef-kazakhstan").rules.prune
    assert about in config.rules_for("https://www.unicef.org/kazakhstan/en/press-releases/x").prune
    assert about not in config.rules_for("https://www.undp.org/kazakhstan/news/x").prune
    assert config.rules_for("https://example.org/a") == SiteRules()


def test_a_sources_own_rules_come_on_top_of_its_hosts_rules(tmp_path: Path) -> None:
    text = """
[site_rules."example.org"]
prune = [".contacts"]
standfirst = [".lead"]
title = "h1.site-title"

[site_rules."news.example.org"]
drop = [".ticker"]

[sources.example-news]
spider = "generic"
languages = ["en"]
allowed_domains = ["news.example.org"]
feeds = ["https://news.example.org/rss.xml"]
rules = { title = "h1.story", standfirst = [".story-lead"] }
"""
    rules = load_config(write(tmp_path, text)).source("example-news").rules
    assert rules == SiteRules(
        title="h1.story",
        drop=(".ticker",),
        prune=(".contacts",),
        standfirst=(".story-lead", ".lead"),
    )


SOURCE = (
    "[sources.un-news]\nspider = '{spider}'\nlanguages = ['en']\n"
    "allowed_domains = []\nfeeds = ['x']\n"
)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("[paths]\ndatabse = 'x.db'\n", "'databse'"),
        ("[crawl]\ndownload_delay = 'slow'\n", "crawl.download_delay"),
        ("[colour]\nx = 1\n", "'colour'"),
        (SOURCE.format(spider="un_news") + "feed = 'y'\n", "'feed'"),
        (SOURCE.format(spider="nope"), "sources.un-news.spider"),
        ("[site_rules.'example.org']\nprune = ['div[']\n", "site_rules.example.org.prune"),
        ("[site_rules.'example.org']\nlead = ['.x']\n", "site_rules.example.org.'lead'"),
        ("site_rules = 3\n", "site_rules must be a table"),
        (
            "[sources.x]\nspider = 'generic'\nlanguages = ['en']\nallowed_domains = []\n",
            "sources.x needs",
        ),
    ],
)
def test_wrong_or_unknown_key_names_the_key_and_the_file(
    tmp_path: Path, text: str, names: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(path) in str(error.value)
    assert names in str(error.value)


def test_broken_toml_is_a_config_error_naming_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[paths\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "absent.toml")


def test_config_path_order_is_flag_then_environment_then_local_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert find_config_path(None, None) is None
    write(tmp_path, "")
    assert find_config_path(None, None) == Path("gced-news.toml")
    assert find_config_path(None, "/etc/env.toml") == Path("/etc/env.toml")
    assert find_config_path("flag.toml", "/etc/env.toml") == Path("flag.toml")
