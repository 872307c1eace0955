"""UNDP (www.undp.org): news, press releases and blog, global and country offices.

Country offices publish in English at ``/<country>/news/<slug>`` and in other languages at
``/<lang>/<country>/news/<slug>``. Discovery: the sitemap index and the news listings with
their Drupal pager; which offices and languages is configuration.
"""

from __future__ import annotations

from spiders.base import SourceSpider


class UNDPSpider(SourceSpider):
    name = "undp"
