"""Server-side login state shared by every dashboard worker: sessions the server can revoke, and failed logins
counted per account and per address for throttling.

One small SQLite file (DASH_SESSION_STORE): gunicorn runs several worker processes, and a logout or a lock must
hold in all of them. A signed cookie alone cannot be revoked: the cookie now carries only a random session id,
and a session exists while its row does.
"""

from __future__ import annotations

import secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

MAX_FAILURES = 5  # failed logins per account, and per address, within the window
FAILURE_WINDOW_SECONDS = 15 * 60


class LoginStore:
    """`path` None keeps the state in this process's memory (one worker, the development server, tests)."""

    def __init__(
        self, path: Path | None, session_seconds: float, clock: Callable[[], float] = time.time
    ) -> None:
        self._clock = clock
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._target = str(path)
        else:
            self._target = ":memory:"
        self.session_seconds = session_seconds
        self._lock = threading.Lock()  # one connection per process, used by one thread at a time
        self._conn = sqlite3.connect(self._target, timeout=5.0, isolation_level=None, check_same_thread=False)
        if path is not None:
            self._conn.execute("pragma journal_mode=wal")
        with self._lock:
            db = self._conn
            db.execute(
                "create table if not exists sessions (sid text primary key, user text not null, seen real not null)"
            )
            db.execute("create table if not exists failures (key text not null, at real not null)")
            db.execute("create index if not exists failures_key on failures (key, at)")

    def _execute(self, sql: str, *args: Any) -> list[Any]:
        with self._lock:
            return self._conn.execute(sql, args).fetchall()

    # ---- sessions --------------------------------------------------------------------------------
    def open_session(self, user: str) -> str:
        sid = secrets.token_urlsafe(32)
        now = self._clock()
        self._execute("delete from sessions where seen < ?", now - self.session_seconds)
        self._execute("insert into sessions (sid, user, seen) values (?, ?, ?)", sid, user, now)
        return sid

    def session_user(self, sid: str, touch_after: float) -> str | None:
        """The user of a live session (its last-seen time renewed when older than `touch_after` seconds)."""
        now = self._clock()
        rows = self._execute("select user, seen from sessions where sid = ?", sid)
        if not rows:
            return None
        user, seen = rows[0]
        if now - seen > self.session_seconds:
            self.close_session(sid)
            return None
        if now - seen >= touch_after:
            self._execute("update sessions set seen = ? where sid = ?", now, sid)
        return str(user)

    def close_session(self, sid: str) -> None:
        self._execute("delete from sessions where sid = ?", sid)

    # ---- throttling ------------------------------------------------------------------------------
    def locked_for(self, keys: list[str]) -> float:
        """Seconds until a login may be tried again for any of `keys` (0 when allowed)."""
        now = self._clock()
        since = now - FAILURE_WINDOW_SECONDS
        longest = 0.0
        for key in keys:
            rows = self._execute(
                "select at from failures where key = ? and at >= ? order by at desc limit ?",
                key,
                since,
                MAX_FAILURES,
            )
            if len(rows) >= MAX_FAILURES:
                longest = max(longest, rows[-1][0] + FAILURE_WINDOW_SECONDS - now)
        return longest

    def record_failure(self, keys: list[str]) -> None:
        now = self._clock()
        self._execute("delete from failures where at < ?", now - FAILURE_WINDOW_SECONDS)
        for key in keys:
            self._execute("insert into failures (key, at) values (?, ?)", key, now)

    def clear_failures(self, key: str) -> None:
        self._execute("delete from failures where key = ?", key)
