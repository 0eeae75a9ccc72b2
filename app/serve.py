"""The HTTP server behind ``chainaid serve``: Granian, with a bound on slow clients and a graceful, bounded stop.

Granian reads HTTP/1 in Rust (hyper) and closes a connection whose request line and headers have not all
arrived within ``CHAINAID_HEADER_SECONDS``, whatever trickle the client keeps up; uvicorn has no such bound
(its keep-alive timeout only runs between requests). Its workers are processes, as uvicorn's were.

A stop (SIGINT or SIGTERM) goes: the listening socket is closed (new connections are refused); every request
already read is answered and the connections are closed; each worker then closes its connection pool (bounded,
``app.core.database.close_pool``) and exits. A worker still busy after ``CHAINAID_SHUTDOWN_SECONDS`` is killed.
A second signal, a second or more after the first, kills the workers at once. ``chainaid serve`` then stops the
embedded database, if it started one, and says "stopped".
"""

from __future__ import annotations

import os
import signal
import time
from typing import Any

from granian.constants import HTTPModes, Interfaces
from granian.http import HTTP1Settings
from granian.log import LogLevels
from granian.server import MPServer

from app.core.settings import Settings

LOG_LEVELS = ("critical", "error", "warning", "info", "debug")

# `uv run` passes a terminal's Ctrl-C on to the process the terminal already sent it to, and systemd sends
# SIGTERM to every process of the service at once: signals this close to the first are the same stop.
SAME_STOP_SECONDS = 1.0


class _Server(MPServer):
    """Granian's process supervisor, told what to do with a second signal: stop now."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stop_asked_at: float | None = None
        self.forced = False
        self.cut = False

    def signal_handler_interrupt(self, *args: Any, **kwargs: Any) -> None:
        now = time.monotonic()
        if os.getpid() != self.pid:  # a worker between its fork and its own handlers: not ours to act on
            return
        if self.stop_asked_at is None:
            self.stop_asked_at = now
            timeout = self.workers_kill_timeout
            print(
                f"stopping: answering the requests in flight (at most {timeout} s); signal again to stop at once",
                flush=True,
            )
        elif not self.forced and now - self.stop_asked_at >= SAME_STOP_SECONDS:
            self.forced = True
            print("stopping at once: requests in flight are cut", flush=True)
            for worker in list(self.wrks):
                worker.kill()
        super().signal_handler_interrupt(*args, **kwargs)

    def _stop_workers(self) -> None:
        workers = list(self.wrks)
        began = time.monotonic()
        super()._stop_workers()
        # Cut: a worker was killed (by a second signal, or by Granian at CHAINAID_SHUTDOWN_SECONDS), or the
        # stop ran into the bound: a worker can end on its own in the instant Granian decides to kill it, and
        # its exit code then reads as a clean one although its requests were cut.
        killed = any(worker.inner.exitcode == -signal.SIGKILL for worker in workers)
        bound = self.workers_kill_timeout
        self.cut = killed or (bound is not None and time.monotonic() - began >= bound)

    def shutdown(self, exit_code: int = 0) -> None:
        if self.stop_asked_at is not None:
            # a worker that got the same Ctrl-C from the terminal may have finished before we asked it to:
            # that is the stop going as planned, not a crash
            self.interrupt_children.clear()
        super().shutdown(exit_code)


def serve(settings: Settings, *, host: str, port: int, workers: int, log_level: str) -> bool:
    """Serve ``app.main:create_app`` until a signal stops it; False when requests in flight were cut (a second
    signal, or the bound)."""
    server = _Server(
        "app.main:create_app",
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        factory=True,
        workers=workers,
        # HTTP/1.1 only: the header bound is HTTP/1's; a reverse proxy speaks HTTP/1.1 to its upstream anyway
        http=HTTPModes.http1,
        http1_settings=HTTP1Settings(header_read_timeout=settings.header_seconds * 1000),
        websockets=False,
        workers_kill_timeout=settings.shutdown_seconds,
        respawn_failed_workers=True,  # a worker that dies (out of memory, say) is started again
        log_level=LogLevels(log_level),
    )
    server.serve()
    return not (server.forced or server.cut)
