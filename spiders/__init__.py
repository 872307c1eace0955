"""One Scrapy spider per source; they discover and fetch, and hold no extraction logic."""
