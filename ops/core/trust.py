"""What a web process may trust for a few seconds without asking the database again.

A door scanner sends its token with every scan, and a registration burst asks for the
same event thousands of times: both keep what they read here, each entry for as many
seconds as its setting says (0: not kept). Entries are detached ORM copies that the
caller merges into its request's session. A change made in this process empties the
cache at once (the owner listens for it); other processes follow when the seconds run out.
"""
from __future__ import annotations

import time

from cachetools import TLRUCache


class ShortTrust:
    """Values by key, each trusted until its seconds run out; at most ``max_entries`` at once.

    A cachetools ``TLRUCache``: each entry carries its own seconds (settings differ per app), and
    when full the least recently used entry goes (only what worked is put: a flood of misses adds nothing).
    """

    clock = staticmethod(time.monotonic)  # seconds; the tests move a clock of their own in its place

    def __init__(self, max_entries: int = 1024):
        self.max_entries = max_entries
        # The timer asks the class each time, so a clock the tests put in place holds for every cache.
        self._entries = TLRUCache(max_entries, ttu=lambda _key, entry, now: now + entry[0],
                                  timer=lambda: type(self).clock())

    def get(self, key):
        entry = self._entries.get(key)
        return None if entry is None else entry[1]

    def put(self, key, value, seconds: float) -> None:
        if seconds <= 0:
            return
        self._entries[key] = (seconds, value)

    def clear(self) -> None:
        self._entries.clear()
