"""Scrapy settings, built from the config (and nothing else)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from crawler.config import Config


def scrapy_settings(
    config: Config,
    *,
    archive: Path | None = None,
    record: Path | None = None,
    log_level: str | None = None,
    progress: bool = False,
) -> dict[str, Any]:
    """Settings for one crawl: polite defaults, the pipelines, and the download path.

    With ``archive`` every request is answered from that recorded archive, never the
    network; with ``record`` every response from the network is written to that archive.
    """
    crawl = config.crawl
    settings: dict[str, Any] = {
        "BOT_NAME": "gced-news",
        "SPIDER_MODULES": ["spiders"],
        "USER_AGENT": crawl.user_agent,
        "ROBOTSTXT_OBEY": crawl.obey_robots_txt,
        "DOWNLOAD_DELAY": crawl.download_delay,
        "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrent_requests_per_domain,
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": crawl.download_delay,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "DOWNLOAD_MAXSIZE": crawl.max_page_bytes,
        "DOWNLOAD_WARNSIZE": crawl.max_page_bytes // 2,
        "RETRY_TIMES": 3,
        "RETRY_HTTP_CODES": [429, 500, 502, 503, 504, 522, 524, 408],
        # A site that has not answered in a minute is not going to: Scrapy waits 3 minutes,
        # and retries, holding the site's slot the whole time.
        "DOWNLOAD_TIMEOUT": crawl.download_timeout,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "LOG_LEVEL": log_level or crawl.log_level,
        # The CLI configures logging. A request that failed is one warning, from the
        # spider's errback (URL and cause); Scrapy's own "gave up retrying" line is INFO.
        "LOG_INSTALL_ROOT_HANDLER": False,
        "RETRY_GIVE_UP_LOG_LEVEL": "INFO",
        "FEED_EXPORT_ENCODING": "utf-8",
        # An article page yields one item: Scrapy's default of 100 starts 100 tasks for each.
        "CONCURRENT_ITEMS": 8,
        "ITEM_PIPELINES": {
            "crawler.scrapy_store.RawArchivePipeline": 100,
            "pipelines.scrapy.ProcessPagePipeline": 300,
            # After processing (the record names its lead image), before the store.
            "crawler.scrapy_thumbnails.ThumbnailPipeline": 500,
            "crawler.scrapy_store.StorePipeline": 800,
        },
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "crawler.politeness.BackoffRetryMiddleware": 550,
            # Before RedirectMiddleware (600) on the way back: a loop fails, not vanishes.
            "crawler.politeness.RedirectLoopMiddleware": 610,
            "crawler.replay.ReplayMiddleware": 950,
            "crawler.replay.RecordMiddleware": 960,
        },
        "EXTENSIONS": {"crawler.progress.Progress": 500},
        "GCED_PROGRESS": progress,
        "GCED_DATABASE": str(config.paths.database),
        "GCED_RAW_ARCHIVE": str(config.paths.archive),
        "GCED_THUMBNAILS_ENABLED": crawl.thumbnails,
        "IMAGES_STORE": str(config.paths.thumbnails),
        # Image hosts redirect (to a CDN, to https): follow, as for pages.
        "MEDIA_ALLOW_REDIRECTS": True,
        "GCED_SOURCES": {name: source for name, source in config.sources.items()},
    }
    if archive is not None:
        settings["GCED_REPLAY_ARCHIVE"] = str(archive)
        # A replayed archive answers at once: waiting between requests only slows tests.
        settings["DOWNLOAD_DELAY"] = 0
        settings["AUTOTHROTTLE_ENABLED"] = False
        settings["RETRY_TIMES"] = 1
        settings["GCED_BACKOFF_MAX"] = 0
    if record is not None:
        settings["GCED_RECORD_ARCHIVE"] = str(record)
    return settings
