"""Progress on stderr for long steps, shown only on a terminal and silenced by ``--quiet``."""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["Progress"]


class Progress:
    """Stage messages and ``done/total`` counters on one updating stderr line.

    Parameters
    ----------
    enabled : bool, optional
        Default: only when stderr is a terminal.
    lang : {"zh", "en"}
        Language of the stage names.
    """

    def __init__(
        self, enabled: bool | None = None, stream: TextIO | None = None, lang: str = "en"
    ) -> None:
        self.lang = lang
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._stage = ""
        self._t0 = time.perf_counter()
        self._last = 0.0
        self._open = False

    def stage(self, name: str) -> None:
        """Start a stage; ``name`` is shown through the catalogue (``stage.<name>``) if there."""
        from .i18n import t_or

        self._end_line()
        self._stage = t_or(f"stage.{name}", self.lang, name)
        self._t0 = time.perf_counter()
        if self.enabled:
            self.stream.write(f"{name} …")
            self.stream.flush()

    def count(self, done: int, total: int, item: str = "") -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        width = 24
        filled = int(width * done / max(total, 1))
        bar = "#" * filled + "-" * (width - filled)
        tail = f" {item[-40:]}" if item else ""
        self.stream.write(f"\r\033[K{self._stage} [{bar}] {done}/{total}{tail}")
        self.stream.flush()

    def line(self, text: str) -> None:
        """Show ``text`` as the one progress line, in place of the last one."""
        if not self.enabled:
            return
        self.stream.write(f"\r{text}\033[K")
        self.stream.flush()
        self._open = True

    def _end_line(self) -> None:
        if self.enabled and self._stage:
            secs = time.perf_counter() - self._t0
            self.stream.write(f"\r\033[K{self._stage} ✓ {secs:.1f}s\n")
            self.stream.flush()
        elif self._open:
            self.stream.write("\n")
            self.stream.flush()
        self._stage = ""
        self._open = False

    def done(self) -> None:
        self._end_line()
