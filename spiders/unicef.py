"""UNICEF (www.unicef.org): press releases and stories, global and country offices.

Global: ``/press-releases/<slug>``, ``/stories/<slug>`` and their French and Spanish
sections; country offices: ``/<country>/<lang>/press-releases/<slug>``. Discovery: the XML
sitemap and the press-release listings with their Drupal pager. Which offices and
languages are covered is configuration (one source per office).
"""

from __future__ import annotations

from spiders.base import SourceSpider


class UNICEFSpider(SourceSpider):
    name = "unicef"
