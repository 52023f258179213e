"""Query workers forked from one loaded process, so that every worker of the server shares its pages.

A query worker started as a fresh interpreter (``python -m server.query_worker``) loads Python,
pyoxigraph and rdflib's SPARQL parser (the guard) on its own: about 34 MiB PSS each, and
``occugraph serve --workers 2`` runs four of them (issue 17, memory). The zygote is one process
that loads all of that once, before it has opened any store or started any thread, and then
forks a worker whenever an app worker asks for one. The forked workers share the zygote's pages
until they write to them (``gc.freeze()`` keeps the collector from writing to the objects'
headers); measured on this machine, a zygote and four forked workers held 95 MiB PSS against 138
for four started ones.

Nothing about a worker changes but where it comes from. It runs ``query_worker._worker_main``: it
installs the seccomp filter that denies it the network (``server/sandbox.py``) first thing, in
the forked child, then opens the store read-only. The zygote itself opens no store, runs no query
and never installs the filter (it must fork). It is started by ``occugraph serve`` (as
``python -m server.query_worker zygote``) before gunicorn forks the app workers (the environment
variable ``OCCUGRAPH_ZYGOTE`` tells them where it listens), and exits when that master does.

The protocol, over a Unix socket in a directory only the server's user can enter: the app
worker sends the store path and, as ancillary data (SCM_RIGHTS), its end of a new socket pair;
the zygote forks, and sends back a pidfd of the child, which the app worker uses to kill it
(the time limit) and to see that it has ended. A pidfd names the process itself, so a killed
worker's number reused by another process can never be signalled by mistake. The zygote's
children are reaped by the kernel (SIGCHLD ignored). When the zygote cannot be reached, a worker
is started as a fresh interpreter, as before.
"""

from __future__ import annotations

import atexit
import gc
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

ENV = "OCCUGRAPH_ZYGOTE"
_MAX_MESSAGE = 4096


class ForkedWorker:
    """A worker process the zygote forked: the part of ``subprocess.Popen`` the pool uses."""

    def __init__(self, pidfd: int, pid: int) -> None:
        self.pidfd = pidfd
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None and select.select([self.pidfd], [], [], 0)[0]:
            self._ended()
        return self.returncode

    def kill(self) -> None:
        if self.poll() is None:
            try:
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            if not select.select([self.pidfd], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired(f"query worker {self.pid}", timeout or 0)
            self._ended()
        return self.returncode  # type: ignore[return-value]

    def _ended(self) -> None:
        self.returncode = -signal.SIGKILL  # reaped by the zygote's kernel; the status is not ours
        os.close(self.pidfd)


def fork_worker(store_path: str) -> tuple[ForkedWorker, Connection] | None:
    """A query worker forked by the server's zygote, or None (no zygote, or it did not answer)."""
    address = os.environ.get(ENV)
    if not address:
        return None
    parent_sock, child_sock = socket.socketpair()
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as link:
            link.settimeout(10)
            link.connect(address)
            socket.send_fds(link, [os.fsencode(store_path)], [child_sock.fileno()])
            reply, fds, _flags, _addr = socket.recv_fds(link, 64, 1)
        if not fds:
            parent_sock.close()
            return None
        return ForkedWorker(fds[0], int(reply)), Connection(parent_sock.detach())
    except (OSError, ValueError):
        parent_sock.close()
        return None
    finally:
        child_sock.close()


class Zygote:
    """The started zygote: where it listens, and how to stop it (also done when this process exits)."""

    def __init__(self, process: subprocess.Popen[bytes], folder: Path) -> None:
        self.process = process
        self.folder = folder
        self.address = str(folder / "socket")

    def stop(self) -> None:
        if os.environ.get(ENV) == self.address:
            del os.environ[ENV]
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


def start() -> Zygote | None:
    """Start the zygote (before any app worker is forked) and tell this process and its children
    where it listens (``OCCUGRAPH_ZYGOTE``); None when it did not come up (workers are then
    started as fresh interpreters)."""
    from graph.core.paths import PACKAGE_ROOT

    folder = Path(tempfile.mkdtemp(prefix="occugraph-zygote-"))  # mode 0700: only this user
    process = subprocess.Popen(
        [sys.executable, "-m", "server.query_worker", "zygote", str(folder / "socket"), str(os.getpid())],
        cwd=str(PACKAGE_ROOT),
        stdin=subprocess.DEVNULL,
    )
    started = Zygote(process, folder)
    atexit.register(started.stop)
    for _ in range(1200):  # it loads its modules first (a few seconds on a busy machine)
        if os.path.exists(started.address) or process.poll() is not None:
            break
        time.sleep(0.05)
    if not os.path.exists(started.address):
        started.stop()
        return None
    os.environ[ENV] = started.address
    return started


def serve(address: str, master: int, worker_main: Callable[[Connection, str], None]) -> None:
    """The zygote (``python -m server.query_worker zygote ADDRESS MASTER``, which loaded what a
    worker needs first): fork a process that runs ``worker_main(conn, store_path)`` per request,
    until the master ends."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the workers
    # stopped with SIGTERM (a service manager, `timeout`, a terminal's process group): exit through
    # the finally below, which removes the socket's folder, instead of dying where it stands
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    gc.collect()
    gc.freeze()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address + ".tmp")
    os.replace(address + ".tmp", address)  # the address appears once it accepts
    listener.listen(16)
    listener.settimeout(1.0)
    try:
        _fork_on_request(listener, master, worker_main)
    finally:  # a master killed outright ran no exit handler: the zygote leaves no socket behind
        listener.close()
        folder = Path(address).parent
        if folder.name.startswith("occugraph-zygote-"):
            shutil.rmtree(folder, ignore_errors=True)


def _exit_on_sigterm(_signum: int, _frame: object) -> None:
    raise SystemExit(0)


def _fork_on_request(listener: socket.socket, master: int, worker_main: Callable[[Connection, str], None]) -> None:
    while os.getppid() == master:
        try:
            link, _ = listener.accept()
        except TimeoutError:
            continue
        with link:
            try:
                link.settimeout(10)
                path, fds, _flags, _addr = socket.recv_fds(link, _MAX_MESSAGE, 1)
            except OSError:
                continue
            if len(fds) != 1:
                for fd in fds:
                    os.close(fd)
                continue
            pid = os.fork()
            if pid == 0:  # the worker
                listener.close()
                link.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a worker is stopped as before
                try:
                    worker_main(Connection(fds[0]), os.fsdecode(path))
                finally:
                    os._exit(0)
            os.close(fds[0])
            try:
                pidfd = os.pidfd_open(pid)
            except OSError:  # it ended already
                continue
            try:
                socket.send_fds(link, [str(pid).encode()], [pidfd])
            except OSError:
                os.kill(pid, signal.SIGKILL)
            finally:
                os.close(pidfd)
