"""Run one function over many items in forked copies of this process, results in item order.

A cold build parses thousands of records and renders thousands of pages, each on its own:
work that spreads over the machine's cores. The copies are made with ``fork``, so they
inherit the catalog and the templates instead of receiving them pickled; only each item's
result travels back, through a pipe. This process does a share of the work too.

Where ``fork`` does not exist (Windows), where other threads run (``mkdocs serve``'s
server: a lock one of them holds at the fork would stay held in the copy), and for few
items, everything runs here, one item after another. Either way the results, and what the
caller writes from them, are the same.
"""

from __future__ import annotations

import os
import pickle
import signal
import struct
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from .findings import DataError, Finding
from .write import WriteError

Item = TypeVar("Item")
Result = TypeVar("Result")

# Below this many items the work stays in this process. Forking a copy of a build's process
# and collecting what it sends back costs about 20 ms (measured at 5,000 papers); already at
# 75 papers (171 pages), two processes rendered in 0.19 s what one did in 0.24 s.
MINIMUM_ITEMS = 100
# More copies than this gain little and each holds its own copy of the pages it touches.
MAXIMUM_WORKERS = 4


class WorkerError(RuntimeError):
    """A forked copy failed in a way its results could not carry back; the message says how."""


def default_workers() -> int:
    """The processes a build may use: the cores this process may run on, at most MAXIMUM_WORKERS."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAXIMUM_WORKERS))


def can_fork() -> bool:
    """Whether this process may fork copies safely: the platform forks, and no other thread runs."""
    return hasattr(os, "fork") and sys.platform != "win32" and threading.active_count() == 1


def workers_for(items: int, workers: int | None) -> int:
    """How many processes share ``items``: ``workers`` when given (1 runs here), else as many as pay off."""
    if workers is None:
        workers = default_workers() if items >= MINIMUM_ITEMS else 1
    if not can_fork():
        return 1
    return max(1, min(workers, items))


def fork_map(function: Callable[[Item], Result], items: Sequence[Item], workers: int | None = None) -> list[Result]:
    """``[function(item) for item in items]``, shared among ``workers`` processes (see ``workers_for``).

    The items are cut into runs of neighbours, and each process takes the next run as soon
    as it is free, so a process that another program slows down takes fewer: no share is
    fixed in advance. An exception in a copy is raised here once every copy has ended:
    DataError and WriteError as they were; any other, as WorkerError with the copy's
    traceback. A result must pickle.
    """
    count = workers_for(len(items), workers)
    if count == 1:
        return [function(item) for item in items]
    runs = _runs(len(items))
    queue = _run_queue(len(runs))
    try:
        children = [_start(function, items, runs, queue) for _ in range(1, count)]
        try:
            done = dict(_take_runs(function, items, runs, queue))
        finally:
            # Collected even when this process's own runs failed, so that no copy is left running.
            outcomes = [_collect(*child) for child in children]
    finally:
        os.close(queue)
    for kind, value in outcomes:
        if kind != "ok":
            raise _rebuilt(kind, value)
        done.update(value)
    return [result for number in range(len(runs)) for result in done[number]]


class Background(Generic[Result]):
    """``function`` run in a forked copy of this process while this one goes on: see ``in_background``."""

    def __init__(self, function: Callable[[], Result], items: int, workers: int | None) -> None:
        self.function = function
        self.child: tuple[int, int] | None = None
        self.outcome: tuple[str, Any] | None = None
        if workers_for(items, workers) < 2:
            return
        queue = _run_queue(1)
        try:
            self.child = _start(lambda _: function(), [None], [range(1)], queue)
        finally:
            # The copy holds its own end of the queue and takes the one run from it.
            os.close(queue)

    def result(self) -> Result:
        """What ``function`` returned (waiting for the copy), or its error, raised as ``fork_map`` raises it."""
        if self.outcome is None:
            if self.child is None:
                # No copy was made: the work runs now, here.
                return self.function()
            self.outcome = _collect(*self.child)
            self.child = None
        kind, value = self.outcome
        if kind != "ok":
            raise _rebuilt(kind, value)
        [(_, [outcome])] = value
        return outcome  # type: ignore[no-any-return]

    def close(self) -> None:
        """End a copy whose result was never asked for (the caller failed first), and let go of its pipe."""
        if self.child is None:
            return
        pid, reader = self.child
        self.child = None
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(reader)

    def __enter__(self) -> Background[Result]:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def in_background(function: Callable[[], Result], items: int, workers: int | None = None) -> Background[Result]:
    """Start ``function`` in a forked copy of this process; ``result()`` waits for what it returns.

    This process goes on with other work meanwhile: two parts of a run that need each
    other's results only at the end take the time of the longer one. ``items`` and
    ``workers`` decide, as for ``fork_map``, whether a copy pays off; where none is made,
    ``function`` runs when its result is asked for. Errors are raised then, as ``fork_map``
    raises them. Use it as a context manager: a copy whose result was not asked for
    by the end of the block (an error came first) is ended there.
    """
    return Background(function, items, workers)


# A run's number in the queue: a read of this many bytes from a pipe takes exactly one, whole.
_RUN_NUMBER = struct.Struct("=I")
# At most this many runs: their numbers fit a pipe's buffer (64 KiB on Linux) with room to spare.
_MAXIMUM_RUNS = 2048


def _run_queue(count: int) -> int:
    """A pipe holding the numbers of ``count`` runs, its writing end closed; the reading end.

    Every number is written before any copy starts: each process reads the next one when it is free.
    """
    queue, queue_writer = os.pipe()
    try:
        os.write(queue_writer, b"".join(_RUN_NUMBER.pack(number) for number in range(count)))
    finally:
        os.close(queue_writer)
    return queue


def _runs(count: int) -> list[range]:
    """``range(count)`` cut into at most _MAXIMUM_RUNS runs of neighbouring items, in order."""
    size = -(-count // _MAXIMUM_RUNS)
    return [range(start, min(start + size, count)) for start in range(0, count, size)]


def _take_runs(
    function: Callable[[Item], Result], items: Sequence[Item], runs: list[range], queue: int
) -> list[tuple[int, list[Result]]]:
    """``function`` over the items of each run this process takes from the queue, until none is left."""
    done = []
    while number := os.read(queue, _RUN_NUMBER.size):
        (run,) = _RUN_NUMBER.unpack(number)
        done.append((run, [function(items[index]) for index in runs[run]]))
    return done


def _start(function: Callable[[Item], Any], items: Sequence[Item], runs: list[range], queue: int) -> tuple[int, int]:
    """Fork a copy that takes runs from the queue and sends back what came of them; its pid and pipe."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid:
        os.close(writer)
        return pid, reader
    # The copy: it must never return into the caller's code, whatever happens.
    status = 1
    try:
        os.close(reader)
        try:
            outcome: tuple[str, Any] = ("ok", _take_runs(function, items, runs, queue))
        except DataError as error:
            outcome = ("data", error.findings)
        except Exception as error:
            outcome = _carried(error)
        with os.fdopen(writer, "wb") as stream:
            pickle.dump(outcome, stream, protocol=pickle.HIGHEST_PROTOCOL)
        status = 0
    finally:
        os._exit(status)


def _carried(error: Exception) -> tuple[str, Any]:
    if isinstance(error, WriteError):
        return ("write", str(error))
    return ("crash", "".join(traceback.format_exception(error)))


def _collect(pid: int, reader: int) -> tuple[str, Any]:
    """What a copy sent, once it has ended; a copy that ended without sending it is a crash."""
    with os.fdopen(reader, "rb") as stream:
        data = stream.read()
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code != 0 or not data:
        how = f"was stopped by signal {-code}" if code < 0 else f"ended with status {code}"
        return ("crash", f"a worker process {how} before it finished (out of memory?)")
    outcome: tuple[str, Any] = pickle.loads(data)
    return outcome


def _rebuilt(kind: str, value: Any) -> Exception:
    if kind == "data":
        findings: list[Finding] = value
        return DataError(findings)
    if kind == "write":
        return WriteError(value)
    return WorkerError(value)
