"""Scrapy's settings module, so that Scrapy's own commands work from the project folder.

``scrapy.cfg`` points here: ``scrapy list`` names the spiders, and
``scrapy crawl un_news -a source_name=un-news`` crawls one configured source with the same
settings, middlewares and pipelines as ``gced-news crawl``. The config is found as the CLI
finds it (``GCED_NEWS_CONFIG``, then ``./gced-news.toml``, else the built-in defaults);
Scrapy's ``-s`` overrides any setting, e.g. ``-s GCED_REPLAY_ARCHIVE=data/sample-archive`` to
replay an archive instead of the network.
"""

import os

from crawler.config import find_config_path, load_config
from crawler.settings import scrapy_settings

globals().update(
    scrapy_settings(load_config(find_config_path(None, os.environ.get("GCED_NEWS_CONFIG"))))
)
