"""The one command line entry point, ``gced-news``: commands parse options and call the library."""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import click

from crawler import __version__, store
from crawler.config import Config, ConfigError, find_config_path, load_config
from crawler.health import Health, assess
from crawler.replay import ArchiveError, read_archive

# What a command may meet in normal use, told in one line: not bugs, but the machine's state.
EXPECTED_FAILURES = (sqlite3.Error, OSError, ConfigError, ArchiveError, UnicodeError)

logger = logging.getLogger("gced_news")

EXIT_UNHEALTHY = 2
EXIT_LOCKED = 3
EXIT_PAGES_FAILED = 4
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def _now() -> datetime:
    return datetime.now(UTC)


def _configure_logging(level: str) -> None:
    """Readable lines on a terminal; one key=value line per event elsewhere (cron)."""
    if sys.stderr.isatty():
        fmt = "%(asctime)s %(levelname)s %(name)s: %(message)s"
    else:
        fmt = "ts=%(asctime)s level=%(levelname)s logger=%(name)s msg=%(message)r"
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(fmt))
    handler.setLevel(level.upper())  # Scrapy sets its own loggers to DEBUG: filter here
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    # trafilatura warns about every page it finds no text in; our own log line says it once.
    logging.getLogger("trafilatura").setLevel(logging.ERROR)


class Commands(click.Group):
    """The command group: an expected failure anywhere below a command (a database that is
    corrupt, read-only or locked, a full disk, a file that cannot be read or written) ends the
    command with one line naming what failed and why, and exit status 1; the traceback goes
    to the log at DEBUG."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except EXPECTED_FAILURES as exc:
            logger.debug("command failed", exc_info=True)
            raise click.ClickException(describe_failure(exc, ctx.obj)) from exc


def describe_failure(exc: BaseException, obj: Any) -> str:
    """One line for an expected failure: what it concerned, and the cause."""
    config = obj.get("config") if isinstance(obj, dict) else None
    if isinstance(exc, sqlite3.Error):
        where = f"database {config.paths.database}" if config else "database"
        cause = str(exc) or type(exc).__name__
        hint = DATABASE_HINTS.get(cause.split(":")[0], "")
        return f"{where}: {cause}{hint}"
    if isinstance(exc, OSError) and exc.strerror:
        names = [str(name) for name in (exc.filename, exc.filename2) if name]
        return f"{exc.strerror}: {' → '.join(names)}" if names else exc.strerror
    return str(exc) or type(exc).__name__


DATABASE_HINTS = {
    "file is not a database": " (restore it from a backup: see `gced-news backup`)",
    "database disk image is malformed": " (restore it from a backup: see `gced-news backup`)",
    "attempt to write a readonly database": " (check the file's and its folder's permissions)",
    "unable to open database file": " (check that the folder exists and is writable)",
    "database is locked": " (another process holds it too long; try again)",
}


@click.group(cls=Commands)
@click.version_option(__version__, prog_name="gced-news")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Config file (default: $GCED_NEWS_CONFIG, ./gced-news.toml, else built-in defaults).",
)
@click.option(
    "--log-level",
    type=click.Choice(LOG_LEVELS, case_sensitive=False),
    default=None,
    help="How much to log (default: from config).",
)
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, log_level: str | None) -> None:
    """gced-news: news on global citizenship education and children's rights, collected,
    curated and published as a static digest."""
    path = find_config_path(config_path, os.environ.get("GCED_NEWS_CONFIG"))
    try:
        config = load_config(path)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    log_level = log_level.upper() if log_level else None
    _configure_logging(log_level or config.crawl.log_level)
    ctx.obj = {"config": config, "log_level": log_level, "config_path": path}


def _config(ctx: click.Context) -> Config:
    config: Config = ctx.obj["config"]
    return config


def _check_pipeline_data() -> None:
    """A broken taxonomy or language table stops a crawl before it starts, in one line that
    names the file, not one page at a time."""
    from pipelines.tables import TableError
    from pipelines.topics import TaxonomyError, load_taxonomy

    try:
        load_taxonomy()
        import pipelines.process  # noqa: F401 — reads the language tables
    except (TaxonomyError, TableError) as exc:
        raise click.ClickException(str(exc)) from exc


def _archive_option(func: Any) -> Any:
    return click.option(
        "--archive",
        type=click.Path(exists=True, path_type=Path),
        help="Replay this recorded archive (folder or WARC) instead of the network.",
    )(func)


def _workers_option(func: Any) -> Any:
    return click.option(
        "--workers",
        type=click.IntRange(min=0),
        help="Processes that extract and tag pages (default: [crawl] workers; 0: one per core).",
    )(func)


def _check_archive(archive: Path | None) -> None:
    if archive is None:
        return
    try:
        read_archive(archive)
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from exc


def _do_crawl(
    ctx: click.Context,
    source_names: tuple[str, ...],
    since: str | None,
    archive: Path | None,
    record: Path | None,
    workers: int | None = None,
) -> dict[str, Any]:
    from crawler.crawl import run_crawl

    config = _config(ctx)
    _check_archive(archive)
    _check_pipeline_data()
    try:
        sources = (
            [config.source(name) for name in source_names]
            if source_names
            else config.enabled_sources()
        )
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    if since:
        try:
            date.fromisoformat(since)
        except ValueError as exc:
            raise click.ClickException(f"--since {since!r}: expected a date as YYYY-MM-DD") from exc
    db = store.open_db(config.paths.database)
    store.close_abandoned_runs(db, _now())
    run_id = store.start_run(db, "crawl", _now())
    report = run_crawl(
        config,
        sources,
        archive=archive,
        record=record,
        since=since,
        log_level=ctx.obj["log_level"],
        progress=sys.stderr.isatty(),
        workers=workers,
    )
    summary = report.as_dict()
    outcome = "ok" if not report.total("failed") else "failures"
    store.finish_run(db, run_id, outcome, summary, _now())
    for line in report.lines():
        click.echo(line)
    return summary


@cli.command()
@click.option("--source", "sources", multiple=True, help="Only this source (repeatable).")
@click.option("--since", help="Also fetch items published since this date (YYYY-MM-DD).")
@_archive_option
@click.option(
    "--record",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write every response fetched from the network to this archive folder.",
)
@_workers_option
@click.pass_context
def crawl(
    ctx: click.Context,
    sources: tuple[str, ...],
    since: str | None,
    archive: Path | None,
    record: Path | None,
    workers: int | None,
) -> None:
    """Fetch new items from the sources into the database."""
    if archive and record:
        raise click.ClickException("--archive and --record exclude each other")
    _do_crawl(ctx, sources, since, archive, record, workers)


def _do_build(config: Config, out: Path) -> Path:
    from crawler.digest import ITEM_FIELDS, DigestError, build_site

    db = store.open_db(config.paths.database)
    site = config.site
    shown = ("candidate", "approved", "featured")
    try:
        report = build_site(
            store.iter_items(db, statuses=shown, ordered=False, fields=ITEM_FIELDS),
            out,
            now=_now(),
            site_title=site.title,
            show_candidates=site.show_candidates,
            candidate_threshold=site.candidate_threshold,
            base_url=site.base_url or None,
            items_version=store.items_version(db),
            thumbnails=config.paths.thumbnails,
        )
    except DigestError as exc:
        raise click.ClickException(f"site build: {exc}") from exc
    took = f", {report.search_seconds:.1f}s" if report.search_seconds is not None else ""
    click.echo(
        f"site: {report.written} files written, {report.unchanged} unchanged;"
        f" search index {report.search}{took}"
    )
    return report.index_path


@cli.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
@click.pass_context
def build(ctx: click.Context, out: Path | None) -> None:
    """Build the static digest site from the database."""
    config = _config(ctx)
    index = _do_build(config, out or config.paths.site)
    click.echo(f"index: {index.resolve()}")


@contextmanager
def _lock(path: Path) -> Iterator[None]:
    """One nightly run at a time. A POSIX record lock (lockf) belongs to this process
    alone: the build's forked workers do not inherit it, and it goes when this process dies,
    however it dies."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as fh:
        try:
            fcntl.lockf(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EACCES, errno.EAGAIN):
                raise
            click.echo(f"another nightly run holds {path}", err=True)
            sys.exit(EXIT_LOCKED)
        fh.truncate(0)
        fh.write(str(os.getpid()))
        fh.flush()
        yield


def _health(config: Config) -> list[Health]:
    db = store.open_db(config.paths.database)
    fetches, last_new = store.last_fetches(db), store.last_new_by_source(db)
    return [
        assess(source.name, fetches.get(source.name), last_new.get(source.name), _now())
        for source in config.enabled_sources()
    ]


@cli.command()
@_archive_option
@click.pass_context
def nightly(ctx: click.Context, archive: Path | None) -> None:
    """Crawl every enabled source, then build the site (cron-safe: one run at a time).

    Exit status: 0 done, 1 error, 2 done but a source is failing or yields nothing,
    3 another run holds the lock, 4 done but some pages failed (kept to retry next time).
    """
    config = _config(ctx)
    with _lock(config.paths.state / "nightly.lock"):
        summary = _do_crawl(ctx, (), None, archive, None)
        index = _do_build(config, config.paths.site)
        unhealthy = [h for h in _health(config) if not h.healthy]
    click.echo(f"index: {index.resolve()}")
    for finding in unhealthy:
        click.echo(
            f"unhealthy source {finding.source}: {finding.state}: {finding.detail}", err=True
        )
    failed = summary["totals"].get("failed", 0)
    if failed:
        click.echo(f"{failed} pages failed; the next run tries them again", err=True)
    if any(h.state in ("failing", "empty") for h in unhealthy):
        sys.exit(EXIT_UNHEALTHY)
    if failed:
        sys.exit(EXIT_PAGES_FAILED)


@cli.command()
@click.pass_context
def status(ctx: click.Context) -> None:
    """Last runs, items per source and language, and each source's health."""
    config = _config(ctx)
    db = store.open_db(config.paths.database)
    click.echo(f"database: {config.paths.database} ({store.count_items(db)} items)")
    click.echo("last runs:")
    for run in store.last_runs(db, limit=5, now=_now()):
        totals = run["report"].get("totals", {})
        counts = ", ".join(f"{totals.get(k, 0)} {k}" for k in ("new", "updated", "failed"))
        outcome = run["outcome"] or "running"
        click.echo(f"  #{run['id']} {run['command']} {run['started'][:19]} {outcome}: {counts}")
    click.echo("items per source and language:")
    for source, language, n in sorted(store.counts_by(db, "language")):
        click.echo(f"  {source:<10} {language or '?':<8} {n:>6}")
    click.echo("health:")
    for finding in _health(config):
        click.echo(f"  {finding.source:<20} {finding.state:<13} {finding.detail}")


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url", required=True, help="The URL the page was fetched from.")
@click.option(
    "--source",
    "source_name",
    help="Name the page after this configured source, with its rules (default: the rules of"
    " the URL's host).",
)
@click.option("--language", help="The language the page is said to be in (a hint).")
@click.pass_context
def extract(
    ctx: click.Context, file: Path, url: str, source_name: str | None, language: str | None
) -> None:
    """Print the JSON record extracted from one saved page."""
    from pipelines import ExtractionError, process_fetched

    config = _config(ctx)
    source = None
    if source_name:
        try:
            source = config.source(source_name)
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from exc
    try:
        record = process_fetched(
            file.read_bytes(), url, source, rules=config.rules_for(url), language=language
        )
    except ExtractionError as exc:
        raise click.ClickException(f"{file}: {exc}") from exc
    click.echo(json.dumps(record, ensure_ascii=False, indent=2))


def main() -> None:
    cli(prog_name="gced-news")


@cli.command()
@_workers_option
@click.pass_context
def reprocess(ctx: click.Context, workers: int | None) -> None:
    """Re-run the pipelines over the raw pages kept by crawls (data/archive/), offline.

    Use it after changing the taxonomy, site rules or the pipelines; editor fields stay.
    """
    from crawler.reprocess import reprocess as run_reprocess

    config = _config(ctx)
    _check_pipeline_data()
    db = store.open_db(config.paths.database)
    store.relax_durability(db)
    store.close_abandoned_runs(db, _now())
    run_id = store.start_run(db, "reprocess", _now())
    counts = run_reprocess(
        config, db, _now(), workers=config.crawl.workers if workers is None else workers
    )
    store.finish_run(db, run_id, "ok", {"totals": dict(counts)}, _now())
    click.echo(
        ", ".join(
            f"{counts.get(k, 0)} {k.replace('_', '-')}"
            for k in ("new", "updated", "unchanged", "no_article", "failed")
        )
    )


def _editor_option(func: Any) -> Any:
    return click.option(
        "--editor",
        default=lambda: os.environ.get("USER", "editor"),
        help="Your name in the decision log (default: $USER).",
    )(func)


@cli.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True
)
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="File (default: stdout)."
)
@click.option(
    "--status", "statuses", multiple=True, help="Only items with this status (repeatable)."
)
@click.option(
    "--decisions", is_flag=True, help="Write the decision log (oldest first) instead of items."
)
@click.pass_context
def export_items(
    ctx: click.Context, fmt: str, out: Path | None, statuses: tuple[str, ...], decisions: bool
) -> None:
    """Write the stored items with their editor fields (or, with --decisions, the decision
    log as journal lines) as JSON lines or CSV. CSV is UTF-8 with a byte order mark, and a
    cell a spreadsheet would read as a formula starts with an apostrophe."""
    from crawler import curation
    from crawler.exchange import open_output, write_decisions, write_items

    if decisions and statuses:
        raise click.ClickException("--decisions exports the whole log: leave out --status")
    config = _config(ctx)
    db = store.open_db(config.paths.database)
    fh = open_output(out)
    try:
        if decisions:
            count = write_decisions(curation.journal(db, oldest_first=True), fh, fmt)
        else:
            count = write_items(store.iter_items(db, statuses=statuses or None), fh, fmt)
    finally:
        if out is not None:
            fh.close()
    click.echo(f"{count} {'decisions' if decisions else 'items'} exported", err=True)


@cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv"]),
    help="The file's format (default: CSV for a .csv file, else JSON lines).",
)
@_editor_option
@click.pass_context
def import_items(ctx: click.Context, file: Path, fmt: str | None, editor: str) -> None:
    """Import items from JSON lines or CSV (as `export` writes them): every line is
    checked first, and a bad one stops the import, naming its line, before anything is
    written; then all are applied in one transaction.

    Editor fields (status, edited title, summary, topics and countries, notes, story lead,
    story) that differ from the stored item are applied as your decisions, logged.
    """
    from crawler.exchange import ImportError_, import_records

    config = _config(ctx)
    db = store.open_db(config.paths.database)
    try:
        counts = import_records(db, file, _now(), fmt=fmt, editor=editor)
    except ImportError_ as exc:
        raise click.ClickException(str(exc)) from exc
    kinds = ("new", "updated", "unchanged", "decided")
    click.echo(", ".join(f"{counts.get(k, 0)} {k}" for k in kinds))


@cli.command()
@click.argument("item_ids", metavar="ID...", nargs=-1, required=True)
@click.option("--approve", is_flag=True, help="Approve (the whole story).")
@click.option("--reject", is_flag=True, help="Reject (the whole story).")
@click.option("--feature", is_flag=True, help="Feature (the whole story).")
@click.option("--candidate", is_flag=True, help="Back to an unreviewed candidate.")
@click.option("--reason", help="Why (logged with the decision).")
@click.option("--title", help="Corrected title (its same-language duplicates too); '' clears.")
@click.option("--summary", help="Corrected summary (as --title); '' clears.")
@click.option("--topics", help="Topics, comma-separated taxonomy slugs (the whole story).")
@click.option("--countries", help="Countries or regions, comma-separated (the whole story).")
@click.option("--note", help="Replaces the item's notes ('' removes them).")
@click.option(
    "--only-this", is_flag=True, help="Apply to the items named alone, not their stories."
)
@_editor_option
@click.pass_context
def curate(
    ctx: click.Context,
    item_ids: tuple[str, ...],
    approve: bool,
    reject: bool,
    feature: bool,
    candidate: bool,
    reason: str | None,
    title: str | None,
    summary: str | None,
    topics: str | None,
    countries: str | None,
    note: str | None,
    only_this: bool,
    editor: str,
) -> None:
    """Decide on items without the browser, as at the desk: a status applies to every
    version of each item's story, and every change is logged. Prints the log's new lines."""
    from crawler import curation

    chosen = [
        status
        for status, given in (
            ("approved", approve),
            ("rejected", reject),
            ("featured", feature),
            ("candidate", candidate),
        )
        if given
    ]
    if len(chosen) > 1:
        raise click.ClickException("give one of --approve, --reject, --feature, --candidate")
    changes = curation.Changes(
        status=chosen[0] if chosen else None,
        reason=reason,
        title=title,
        summary=summary,
        topics=None if topics is None else tuple(topics.split(",")),
        countries=None if countries is None else tuple(countries.split(",")),
        note=note,
    )
    if changes.empty:
        raise click.ClickException(
            "nothing to do: give --approve, --reject, --feature, --candidate or an edit"
        )
    db = store.open_db(_config(ctx).paths.database)
    try:
        changed = curation.decide(
            db, item_ids, changes, editor=editor, now=_now(), whole_story=not only_this
        )
    except curation.CurationError as exc:
        raise click.ClickException(str(exc)) from exc
    for entry in reversed(curation.journal(db, limit=len(changed))):
        click.echo(f"{entry.item_id} {entry.line}")
    if not changed:
        click.echo("nothing changed: the items already say so")


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.pass_context
def backup(ctx: click.Context, path: Path) -> None:
    """Copy the database to PATH (a file, or a folder to put news.db in), consistently,
    while crawls and the desk go on using it.

    To restore: stop the scheduler and the desk, remove news.db-wal and news.db-shm beside
    the database, and copy the backup over it.
    """
    database = _config(ctx).paths.database
    target = store.backup_path(database, path)
    try:
        count = store.backup(database, path)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"backed up {database} ({count} items) to {target}")


@cli.command()
@click.pass_context
def schedule(ctx: click.Context) -> None:
    """Run the nightly job on the config's cron expression ([schedule] cron), until stopped.

    Each run is its own `gced-news nightly` process; a run still going when the next is
    due is not doubled (missed runs coalesce into one).
    """
    from crawler.schedule import build_scheduler

    config = _config(ctx)
    try:
        scheduler = build_scheduler(config, ctx.obj["config_path"])
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"nightly on '{config.schedule.cron}' ({config.schedule.timezone}); Ctrl-C stops")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        scheduler.shutdown(wait=False)


@cli.command()
@click.option("--port", default=8765, show_default=True, help="Port on 127.0.0.1.")
@click.option(
    "--editor",
    default=lambda: os.environ.get("USER", "editor"),
    help="Your name in the decision log.",
)
@click.pass_context
def review(ctx: click.Context, port: int, editor: str) -> None:
    """The editor's desk on http://127.0.0.1:PORT/: the queue with filters, search and bulk
    actions, stories, corrections, the journal and the sources' health."""
    from crawler.desk import Desk, make_app, make_server
    from pipelines.topics import load_taxonomy

    config = _config(ctx)
    try:
        password = config.desk.read_password(config.origin)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    store.open_db(config.paths.database).close()
    desk = Desk(
        config.paths.database,
        editor,
        _now,
        taxonomy=load_taxonomy(),
        sources=tuple(config.sources.values()),
        threshold=config.site.candidate_threshold,
        password=password,
    )
    try:
        server = make_server(make_app(desk), port)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}") from exc
    with server:
        signed = " (password set: sign in first)" if password else ""
        click.echo(f"editor's desk: http://127.0.0.1:{server.server_port}/{signed} (Ctrl-C stops)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


@cli.command()
@click.option("--port", default=8000, show_default=True, help="Port on 127.0.0.1.")
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="The built site's folder (default: the config's paths.site).",
)
@click.pass_context
def serve(ctx: click.Context, port: int, folder: Path | None) -> None:
    """Serve the built site on http://127.0.0.1:PORT/ to look at it, search included (search
    needs http). For this machine only: publish the folder with any web server."""
    from crawler.serve import SiteNotBuilt, check_site, make_server

    try:
        site = check_site(folder or _config(ctx).paths.site)
    except SiteNotBuilt as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        server = make_server(site, port)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}") from exc
    with server:
        click.echo(f"site: http://127.0.0.1:{server.server_port}/ (Ctrl-C stops)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            click.echo("stopped")
