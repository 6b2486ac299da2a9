"""The bounded queue between scoring and the event writer.

Single scores never wait and may use the whole capacity; batches may fill it only up to a reserve kept for
single scores, and wait for room only until a deadline their caller gives (one budget per call, not per event),
so that a slow store can slow a batch down but never hold a worker thread for long nor starve single scores.
The writer waits on a condition (no polling): an idle service costs no CPU. It says how many items it waits for
(what fills its next write), and is woken only when that many are queued, the queue closes or its wait ends: not
once per scored request, which cost every Score a thread switch and the writer's loop under the interpreter lock.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Sequence
from typing import Generic, TypeVar

T = TypeVar("T")


class EventBuffer(Generic[T]):
    def __init__(self, capacity: int, reserve: int) -> None:
        if capacity < 1 or not 0 <= reserve < capacity:
            raise ValueError("the event queue needs a capacity of at least 1 and a reserve below it")
        self.capacity = capacity
        self.reserve = reserve
        self._items: deque[T] = deque()
        self._cond = threading.Condition()
        self._closed = False
        self._want = 1  # items the waiting taker wakes for

    def __len__(self) -> int:
        return len(self._items)

    @property
    def closed(self) -> bool:
        return self._closed

    def put_one(self, item: T) -> bool:
        """Queue one item without waiting; False when the queue is full or closed."""
        with self._cond:
            if self._closed or len(self._items) >= self.capacity:
                return False
            self._items.append(item)
            if len(self._items) >= self._want:
                self._cond.notify_all()
            return True

    def put_many(self, items: Sequence[T], deadline: float) -> int:
        """Queue `items` in order, waiting for room below the single-score reserve until `deadline` (a
        time.monotonic() value); returns how many were queued (the rest were refused)."""
        limit = self.capacity - self.reserve
        done = 0
        with self._cond:
            while done < len(items) and not self._closed:
                room = limit - len(self._items)
                if room > 0:
                    self._items.extend(items[done : done + room])
                    done = min(len(items), done + room)
                    if len(self._items) >= self._want:
                        self._cond.notify_all()
                    continue
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
        return done

    def take(self, most: int, timeout: float | None, want: int = 1) -> list[T]:
        """Up to `most` items, waiting until `want` are queued, the queue closes or `timeout` passes (None: no
        limit); returns what is there then, possibly fewer than `want` (or none)."""
        with self._cond:
            if len(self._items) < max(1, want) and not self._closed:
                self._want = max(1, want)
                try:
                    self._cond.wait(timeout)
                finally:
                    self._want = 1
            count = min(most, len(self._items))
            taken = [self._items.popleft() for _ in range(count)]
            if taken:
                self._cond.notify_all()  # batches waiting for room
            return taken

    def wait_closed(self, timeout: float) -> bool:
        """Sleep until the queue closes or `timeout` passes; True when closed."""
        with self._cond:
            if not self._closed:
                self._cond.wait(timeout)
            return self._closed

    def close(self) -> None:
        """Refuse new items from now on and wake every waiter; queued items can still be taken."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
