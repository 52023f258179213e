"""Sharing the query workers fairly between clients (issue 20, item 2).

Without this, two heavy queries from one client kept both workers busy and everybody else's
lookups waited behind them or got 503. Three rules, as public SPARQL endpoints have them:

- **Concurrency per client**: a client may have at most ``per_client`` queries running; one
  more is answered 429 at once (waiting would hold a server thread per request, another way to
  starve the server).
- **Query-seconds per client**: every query's running time is charged to its client, from a
  budget of ``seconds_per_minute`` that refills continuously; a client whose budget is spent
  gets 429 with ``Retry-After`` until it has a second again.
- **Light before heavy**: a free worker goes to the waiting client that used the least time
  lately, not to whoever came first; and a client that used more than ``heavy_seconds`` in the
  last minute may not take the last ``reserve`` free workers, which stay for everyone else's
  short queries. So lookups are not queued behind long queries.

>>> gate = FairGate(workers=2, per_client=1, reserve=1, heavy_seconds=2.0, seconds_per_minute=30.0)
>>> gate.acquire("a", timeout=0.1); gate.release("a", seconds=3.0)  # a is heavy now
>>> gate.acquire("a", timeout=0.1)  # one of two free: a may take it
>>> gate.acquire("b", timeout=0.1)  # the last free worker: b is light
>>> gate.release("a", 0.1); gate.release("b", 0.1)
>>> gate.acquire("a", timeout=0.1)
>>> gate.acquire("a", timeout=0.1)
Traceback (most recent call last):
server.fairness.ClientBusy: this client already has 1 query running; the limit is 1 at a time
"""

from __future__ import annotations

import itertools
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


class ClientBusy(Exception):
    """The client has as many queries running as it may (HTTP 429)."""

    retry_after = 1


class ClientOverBudget(Exception):
    """The client used its query-seconds for now (HTTP 429 with Retry-After)."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class NoWorker(Exception):
    """No worker came free for this client within the wait (HTTP 503)."""


@dataclass
class _Client:
    running: int = 0
    budget: float = 0.0  # query-seconds left
    budget_at: float = 0.0
    recent: deque[tuple[float, float]] = field(default_factory=deque)  # (end time, seconds) in the last minute
    # the sum of ``recent``'s seconds, kept as queries end and expire: summing the deque on every
    # admission costs O(queries in the last minute), under the gate's lock: 1.5 ms per admission
    # at 300 queries a second (18,000 in the window; timeit of the sum, 2026-12-03, issue 17)
    total: float = 0.0

    def used(self, now: float) -> float:
        while self.recent and now - self.recent[0][0] > 60.0:
            self.total -= self.recent.popleft()[1]
        if not self.recent:
            self.total = 0.0  # no float residue left over from the subtractions
        return max(0.0, self.total)

    def charge(self, now: float, seconds: float) -> None:
        self.recent.append((now, seconds))
        self.total += seconds


class FairGate:
    """Admission to ``workers`` query workers by the three rules above (thread-safe)."""

    MAX_CLIENTS = 50_000

    def __init__(
        self,
        *,
        workers: int,
        per_client: int,
        reserve: int,
        heavy_seconds: float,
        seconds_per_minute: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.free = workers
        self.per_client = max(1, per_client)
        self.reserve = max(0, min(reserve, workers - 1))
        self.heavy_seconds = heavy_seconds
        self.seconds_per_minute = seconds_per_minute
        self.clock = clock
        self._clients: dict[str, _Client] = {}
        self._waiting: list[tuple[float, int, str]] = []  # (used lately, arrival, client)
        self._arrivals = itertools.count()
        # one lock, and one condition per waiting request on it: a freed worker wakes the requests
        # that may now start, not every waiting thread (with 8 request threads and 2 workers, a
        # notify_all woke six threads per query to find one that may go: issue 17)
        self._lock = threading.Lock()
        self._sleepers: dict[tuple[float, int, str], threading.Condition] = {}

    def _client(self, name: str, now: float) -> _Client:
        c = self._clients.get(name)
        if c is None:
            if len(self._clients) >= self.MAX_CLIENTS:
                self._prune(now)
            c = self._clients[name] = _Client(budget=self.seconds_per_minute, budget_at=now)
        if self.seconds_per_minute > 0:  # refill continuously, up to one minute's worth
            c.budget = min(self.seconds_per_minute, c.budget + (now - c.budget_at) * self.seconds_per_minute / 60.0)
            c.budget_at = now
        return c

    def _prune(self, now: float) -> None:
        self._clients = {k: c for k, c in self._clients.items() if c.running or c.used(now) > 0}

    def acquire(self, client: str, timeout: float) -> None:
        """Wait for a worker for ``client``; raises ClientBusy, ClientOverBudget or NoWorker."""
        with self._lock:
            now = self.clock()
            c = self._client(client, now)
            if c.running >= self.per_client:
                raise ClientBusy(
                    f"this client already has {c.running} quer{'y' if c.running == 1 else 'ies'} running; "
                    f"the limit is {self.per_client} at a time"
                )
            if self.seconds_per_minute > 0 and c.budget < 1.0:
                wait = math.ceil((1.0 - c.budget) * 60.0 / self.seconds_per_minute)
                raise ClientOverBudget(
                    f"this client used its {self.seconds_per_minute:g} query-seconds per minute; retry after {wait} s",
                    retry_after=wait,
                )
            ticket = (c.used(now), next(self._arrivals), client)
            self._waiting.append(ticket)
            c.running += 1  # counted while waiting too: the per-client limit covers queued requests
            deadline = now + timeout
            try:
                while not self._may_start(ticket, now):
                    remaining = deadline - now
                    if remaining <= 0:
                        raise NoWorker("every query worker is busy; try again shortly")
                    if ticket not in self._sleepers:
                        self._sleepers[ticket] = threading.Condition(self._lock)
                    self._sleepers[ticket].wait(remaining)
                    now = self.clock()
            except BaseException:
                c.running -= 1
                self._leave(ticket)
                self._wake(self.clock())  # the one it kept waiting may go now
                raise
            self._leave(ticket)
            self.free -= 1
            self._wake(now)  # a worker still free goes to the next in line

    def _leave(self, ticket: tuple[float, int, str]) -> None:
        self._waiting.remove(ticket)
        self._sleepers.pop(ticket, None)

    def _wake(self, now: float) -> None:
        """Wake the waiting requests that may start now, in the order they would: as many as there
        are free workers (the first of them takes one and wakes the next if one is still free)."""
        if self.free <= 0 or not self._sleepers:
            return
        for ticket in self._in_line(now)[: self.free]:
            sleeper = self._sleepers.get(ticket)
            if sleeper is not None:
                sleeper.notify()

    def _in_line(self, now: float) -> list[tuple[float, int, str]]:
        """The waiting requests that may take a free worker, in the order they get one."""
        return sorted(t for t in self._waiting if self._eligible(t[2], now))

    def _may_start(self, ticket: tuple[float, int, str], now: float) -> bool:
        if self.free <= 0:
            return False
        line = self._in_line(now)
        return bool(line) and line[0] == ticket

    def _eligible(self, client: str, now: float) -> bool:
        heavy = self._clients[client].used(now) >= self.heavy_seconds
        return self.free > self.reserve or not heavy

    def release(self, client: str, seconds: float) -> None:
        """The client's query ended after ``seconds``: free the worker and charge the time."""
        with self._lock:
            now = self.clock()
            c = self._client(client, now)
            c.running = max(0, c.running - 1)
            c.charge(now, seconds)
            if self.seconds_per_minute > 0:
                c.budget -= seconds
            self.free += 1
            self._wake(now)
