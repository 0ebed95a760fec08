"""What a web process may trust for a few seconds without asking the database again.

A door scanner sends its token with every scan, and a registration burst asks for the
same event thousands of times: both keep what they read here, each entry for as many
seconds as its setting says (0: not kept). Entries are detached ORM copies that the
caller merges into its request's session. A change made in this process empties the
cache at once (the owner listens for it); other processes follow when the seconds run out.
"""
from __future__ import annotations

import time


class ShortTrust:
    """Values by key, each trusted until its seconds run out; at most ``max_entries`` at once."""

    clock = staticmethod(time.monotonic)  # seconds; the tests move a clock of their own in its place

    def __init__(self, max_entries: int = 1024):
        self.max_entries = max_entries
        self._entries: dict = {}

    def get(self, key):
        entry = self._entries.get(key)
        if entry is None or entry[0] < self.clock():
            return None
        return entry[1]

    def put(self, key, value, seconds: float) -> None:
        if seconds <= 0:
            return
        if len(self._entries) >= self.max_entries:  # only what worked is kept: a flood of misses adds nothing
            self._entries.clear()
        self._entries[key] = (self.clock() + seconds, value)

    def clear(self) -> None:
        self._entries.clear()
