"""The chain run in worker processes, one per core, away from the crawl's reactor thread.

A crawl and ``reprocess`` hand pages over the same way: a :class:`Fetched` page (plain data:
its bytes, where it was found, its source, the hints that led to it) goes to :func:`process`
in a worker process, and a :class:`Processed` outcome comes back (its record, or why it holds
no article, or why processing failed). The caller stores it; workers never touch the store.

A worker that dies (killed, out of memory, a crash in a C library) fails the pages it and
its fellows held, each as "cannot process" with that cause, to be fetched again next time;
the pool starts afresh for the pages after them. A page whose processing takes longer than
the pool's ``timeout`` (a pathological page that sends a pattern into catastrophic
backtracking, say) fails alone, "cannot process: took longer than 60 s", and its worker goes
on with the next page: a timer signal in the worker interrupts the chain wherever Python
code runs (the regular expression engine included; a hang inside a C library's own loop,
such as libxml2's, is not interrupted). Log records of the workers reach the
caller's logging, not a bare stderr.
"""

from __future__ import annotations

import logging
import logging.handlers
import multiprocessing
import os
import signal
import threading
import traceback
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from pipelines.process import ExtractionError, Source, process_fetched
from pipelines.record import Record

logger = logging.getLogger(__name__)

# Pages in flight per worker when a caller streams pages through `map`: enough that no
# worker waits for the next, few enough that bodies do not pile up in memory.
WINDOW_PER_WORKER = 4
WORKER_DIED = "cannot process: its worker process died"
DEFAULT_TIMEOUT = 60.0  # seconds processing one page may take
K = TypeVar("K")


@dataclass(frozen=True)
class Fetched:
    """A page to process, as plain data. ``url`` is where it was found; ``requested_url``
    the address asked for (a redirect's start); ``now`` fixes the clock (reprocess)."""

    body: bytes
    url: str
    source: Source | None
    requested_url: str | None = None
    content_type: str | None = None
    hints: Mapping[str, Any] = field(default_factory=dict)
    now: datetime | None = None


@dataclass(frozen=True)
class Processed:
    """A page through the chain: its record; or ``no_article`` (why it holds none: a fact
    about the page, remembered); or ``failure`` ("cannot process: …", to try again), with
    the ``trace`` to log at DEBUG."""

    record: Record | None = None
    no_article: str | None = None
    failure: str | None = None
    trace: str = ""


def describe(exc: BaseException) -> str:
    """An error in one line: its type and message."""
    message = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def process(page: Fetched) -> Processed:
    """The whole chain for one page, in whatever process calls it; never raises."""
    moment = page.now
    try:
        record = process_fetched(
            page.body,
            page.url,
            page.source,
            requested_url=page.requested_url,
            content_type=page.content_type,
            now=(lambda: moment) if moment is not None else _utcnow,
            **page.hints,
        )
    except ExtractionError as exc:
        return Processed(no_article=str(exc))
    except Exception as exc:  # noqa: BLE001 — whatever the cause, one page fails, not the run
        return Processed(failure=f"cannot process: {describe(exc)}", trace=traceback.format_exc())
    return Processed(record=record)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class TookTooLong(Exception):  # noqa: N818 - says what happened, as the failure line shows it
    """Processing one page went past its deadline."""


def process_within(page: Fetched, seconds: float) -> Processed:
    """:func:`process`, failing the page if it takes longer than ``seconds`` (0: no limit).
    Runs in a worker's main thread, where the timer's signal arrives."""
    if seconds <= 0:
        return process(page)

    def too_long(_signum: int, _frame: object) -> None:
        raise TookTooLong(f"took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, too_long)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        outcome = process(page)
    except TookTooLong as exc:  # the signal came after process() had caught its last error
        outcome = Processed(failure=f"cannot process: {exc}")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    late = f"cannot process: {TookTooLong.__name__}: "
    if outcome.failure and outcome.failure.startswith(late):  # said plainly, where it hung kept
        return Processed(failure=f"cannot process: {outcome.failure[len(late):]}",
                         trace=outcome.trace)  # fmt: skip
    return outcome


def log_failure(log: logging.Logger, url: str, processed: Processed) -> None:
    """A page whose processing failed: one WARNING line with its URL and the cause, the
    traceback at DEBUG."""
    log.warning("failed %s: %s", url, processed.failure)
    if processed.trace:
        log.debug("processing %s failed:\n%s", url, processed.trace)


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class Workers:
    """A pool of ``count`` worker processes (0: one per core) running :func:`process`, each
    page within ``timeout`` seconds (0: no limit).

    Started at the first page; `close` (or leaving the ``with`` block) stops it. Workers are
    forked from a clean server process that has imported the chain once (never from the
    crawl's own process, whose threads a fork would copy mid-flight), and ignore Ctrl-C:
    the caller decides how a run stops.
    """

    def __init__(self, count: int = 0, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.count = count if count > 0 else cores()
        self.timeout = timeout
        self._executor: ProcessPoolExecutor | None = None
        self._logs: Any = None
        self._listener: logging.handlers.QueueListener | None = None
        self._lifeline: tuple[Any, Any] | None = None  # a pipe only this process writes to
        self._lock = threading.Lock()

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __deepcopy__(self, memo: dict[int, Any]) -> Workers:
        return self  # one pool, shared: Scrapy copies the settings that hand it to crawlers

    def submit(self, page: Fetched) -> Future[Processed]:
        """Process one page in a worker; the future holds its outcome and never an error."""
        outcome: Future[Processed] = Future()
        try:
            inner = self._pool().submit(process_within, page, self.timeout)
        except BrokenProcessPool:
            self._restart()
            inner = self._pool().submit(process_within, page, self.timeout)
        inner.add_done_callback(lambda done: outcome.set_result(_result(done)))
        return outcome

    def map(self, pages: Iterable[tuple[K, Fetched]]) -> Iterator[tuple[K, Processed]]:
        """Each page's outcome with what the caller tagged it with (its archive entry, say),
        in the order given, a few pages ahead per worker."""
        window: deque[tuple[K, Future[Processed]]] = deque()
        for tag, page in pages:
            window.append((tag, self.submit(page)))
            if len(window) >= self.count * WINDOW_PER_WORKER:
                done, future = window.popleft()
                yield done, future.result()
        while window:
            done, future = window.popleft()
            yield done, future.result()

    def close(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
        if self._listener is not None:
            self._listener.stop()
            self._listener = None
        if self._lifeline is not None:
            for end in self._lifeline:
                end.close()
            self._lifeline = None

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = self._start()
            return self._executor

    def _restart(self) -> None:
        logger.warning("a worker process died: starting the pool again")
        with self._lock:
            broken, self._executor = self._executor, None
        if broken is not None:
            broken.shutdown(wait=False, cancel_futures=True)

    def _start(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["pipelines.workers"])
        if self._listener is None:
            self._logs = context.Queue()
            self._listener = logging.handlers.QueueListener(self._logs, _Relay())
            self._listener.start()
        if self._lifeline is None:
            self._lifeline = context.Pipe(duplex=False)
        return ProcessPoolExecutor(
            self.count,
            mp_context=context,
            initializer=_worker_started,
            initargs=(self._logs, logging.getLogger().getEffectiveLevel(), self._lifeline[0]),
        )


def _result(done: Future[Processed]) -> Processed:
    try:
        return done.result()
    except BrokenProcessPool:
        return Processed(failure=WORKER_DIED)
    except Exception as exc:  # noqa: BLE001 — e.g. a page that cannot be sent to a worker
        return Processed(failure=f"cannot process: {describe(exc)}")


class _Relay(logging.Handler):
    """Hands a worker's log record to the same-named logger here, so it meets the caller's
    handlers and levels."""

    def emit(self, record: logging.LogRecord) -> None:
        logging.getLogger(record.name).handle(record)


def _worker_started(logs: Any, level: int, lifeline: Any) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    root = logging.getLogger()
    root.handlers[:] = [logging.handlers.QueueHandler(logs)]
    root.setLevel(level)
    threading.Thread(target=_exit_with_owner, args=(lifeline,), daemon=True).start()


def _exit_with_owner(lifeline: Any) -> None:
    """Exit when the process that started the pool is gone, however it went (SIGKILL
    included): its end of the lifeline closes, and reading ours finds the end of the pipe.
    A pool's own queues cannot tell, since each worker holds both of their ends."""
    try:
        while True:
            lifeline.recv_bytes()
    except (EOFError, OSError):
        os._exit(1)
