"""The download path's manners: retries that slow down, and no going round in circles.

Scrapy's retry middleware retries at once; a site that answers 429 asked us to wait. This
one widens the delay of the site's download slot before the retry — to ``Retry-After``
when the site says how long (seconds or an HTTP date), else exponentially — so every
request to that site waits, not only the retried one.

A redirect back to a URL the request already went through would be dropped in silence by
Scrapy's duplicate filter; :class:`RedirectLoopMiddleware` fails that request instead, so
the spider's errback logs it and the page is remembered as failed.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from w3lib.url import safe_url_string

logger = logging.getLogger(__name__)

# Seconds before the first retry when the site gives no Retry-After (doubling after), and
# the longest wait for one site; settings GCED_BACKOFF_BASE and GCED_BACKOFF_MAX.
BACKOFF_BASE = 2.0
BACKOFF_MAX = 300.0


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def backoff_seconds(
    retries_so_far: int,
    retry_after: float | None,
    base: float = BACKOFF_BASE,
    ceiling: float = BACKOFF_MAX,
) -> float:
    if retry_after is not None:
        return min(retry_after, ceiling)
    return min(base * 2**retries_so_far, ceiling)


class BackoffRetryMiddleware(RetryMiddleware):
    """RetryMiddleware that slows the site's download slot down before retrying."""

    def process_response(  # type: ignore[override]  # Scrapy ≥ 2.14 passes no spider
        self, request: Request, response: Response
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        header = response.headers.get("Retry-After")
        retry_after = retry_after_seconds(
            header.decode("latin-1") if header else None, datetime.now(UTC)
        )
        settings = self.crawler.settings
        delay = backoff_seconds(
            request.meta.get("retry_times", 0),
            retry_after,
            settings.getfloat("GCED_BACKOFF_BASE", BACKOFF_BASE),
            settings.getfloat("GCED_BACKOFF_MAX", BACKOFF_MAX),
        )
        self._slow_down(request, delay)
        return super().process_response(request, response)

    def _slow_down(self, request: Request, delay: float) -> None:
        engine = self.crawler.engine
        if engine is None:
            return
        downloader = engine.downloader
        key = request.meta.get("download_slot") or downloader.get_slot_key(request)
        slot = downloader.slots.get(key)
        if slot is not None and slot.delay < delay:
            logger.info("backing off %s: %.1fs between requests after %s", key, delay, request.url)
            slot.delay = delay


REDIRECT_STATUSES = (301, 302, 303, 307, 308)


def redirect_target(request: Request, response: Response) -> str | None:
    """Where a redirect response sends ``request`` (as Scrapy's RedirectMiddleware reads it)."""
    header = response.headers.get(b"Location")
    if response.status not in REDIRECT_STATUSES or not header:
        return None
    handled = request.meta.get("handle_httpstatus_list", [])
    if request.meta.get("dont_redirect") or request.meta.get("handle_httpstatus_all"):
        return None
    if response.status in handled:
        return None
    location = safe_url_string(header.decode("latin-1"))
    return urljoin(request.url, location)


class RedirectLoopMiddleware:
    """Fail a request redirected back to a URL on its own redirect chain (a loop).

    Sits before Scrapy's RedirectMiddleware on the response path (a higher order number);
    too many redirects without a loop are Scrapy's own ``max redirections reached``.
    """

    def process_response(self, request: Request, response: Response) -> Response:
        target = redirect_target(request, response)
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target is not None and target in chain:
            raise IgnoreRequest("redirect loop: " + " -> ".join([*chain, target]))
        return response
