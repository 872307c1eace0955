"""Every file of the site, part by part: reading this module tells you what the site holds.

The build (build.py) runs each part, possibly in a forked worker, as one call of
`page.render_pages(<part>_pages(...), writer)`: the part's pages are rendered one at a time,
only when their source changed, and the writer writes only changed bytes.

  tree_pages     /<code>/ for each interface language: the listings
                 (<kind>/<key>/index.html, page-<n>.html), browse.html, search.html,
                 about.html, stats.html, and the home page, index.html, last
  item_pages     one shard of the stories: items/<id>.json, its citation beside it
                 (items/<id>.ris, .bib, .csl.json) and the story's page,
                 <tree>/items/<id>.html, in the tree of its own language
  root_pages     static/…, thumbs/<hash>.jpg (the stories' thumbnails), feeds/all.xml,
                 feeds/language/<key>.xml, feeds/topic/<key>.xml,
                 sitemap.xml (or sitemap-<n>.xml and their index), and index.html

Pagefind's bundle (pagefind/…) is not a page: search.py copies it in after the parts. The
sitemap lists the trees' pages from `pages.tree_paths`, which counts them without making
them (tests/test_site_feeds.py checks it against the files built).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from .machine import Root
from .page import Page
from .pages import Tree, item_shard


def tree_pages(tree: Tree) -> Iterator[Page]:
    """One interface language's tree, the home page last."""
    yield from tree.listing_pages()
    yield tree.browse_page()
    yield tree.search_page()
    yield tree.about_page()
    yield tree.stats_page()
    yield tree.home_page()


def item_pages(root: Root, trees: Mapping[str, Tree], shard: int, shards: int) -> Iterator[Page]:
    """The stories of one shard (see `pages.item_shard`): each one's JSON and citation
    files, then its page."""
    for index, view in enumerate(root.views):
        if item_shard(view.id, shards) == shard:
            yield root.item_json_page(index)
            yield from root.item_citation_pages(index)
            yield trees[view.tree].item_page(index)


def root_pages(root: Root) -> Iterator[Page]:
    """The files outside the trees, the site's front door last."""
    yield from root.static_pages()
    yield from root.thumbnail_pages()
    yield from root.feed_pages()
    yield from root.sitemap_pages()
    yield root.index_page()
