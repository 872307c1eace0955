"""gced-news: the application core (config, storage, CLI, scheduling, site building)."""

__version__ = "0.1.0"
