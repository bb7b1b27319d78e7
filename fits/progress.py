"""Progress of long jobs on stderr, readable on a terminal and in a batch log.

On a terminal a line is redrawn in place (at most every 0.1 s); anywhere else (a log file, a
pipe) a new line is written at most every `LOG_EVERY_S` seconds, so a log shows a job's pace
without growing by megabytes. `Ticker` prints lines; `Progress` is a bar of done/total points with
rate and ETA built on it.
"""

import math
import sys
import time

LOG_EVERY_S = 5.0  # seconds between progress lines in a log (not a terminal)
TTY_EVERY_S = 0.1


def clock(seconds):
    """h:mm:ss, or --:-- for an unknown time."""
    if not math.isfinite(seconds):
        return "--:--"
    s = int(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


class Ticker:
    """Throttled status lines: `ticker(text)` prints `text` unless the last line is younger than
    `every_s` (default 0.1 s on a terminal, LOG_EVERY_S elsewhere); `final=True` always prints.
    `enabled=False` silences it."""

    def __init__(self, enabled=True, stream=None, every_s=None, tty=None):
        self.stream = stream if stream is not None else sys.stderr
        self.tty = getattr(self.stream, "isatty", lambda: False)() if tty is None else tty
        self.enabled = bool(enabled)
        self.every_s = (TTY_EVERY_S if self.tty else LOG_EVERY_S) if every_s is None else every_s
        self.start = time.perf_counter()
        self._last = time.perf_counter() if not self.tty else -math.inf  # a log's first line after every_s
        self._width = 0
        self._open = False  # a terminal line waiting for its newline

    def elapsed(self):
        return time.perf_counter() - self.start

    def __call__(self, text, final=False):
        now = time.perf_counter()
        if not self.enabled or (now - self._last < self.every_s and not final):
            return
        self._last = now
        if self.tty:
            pad = " " * max(0, self._width - len(text))
            self._width = len(text)
            self.stream.write("\r" + text + pad + ("\n" if final else ""))
            self._open = not final
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def line(self, text):
        """One line now, whatever the throttle (a phase that starts or ends)."""
        if not self.enabled:
            return
        if self._open:
            self.stream.write("\n")
            self._open, self._width = False, 0
        self.stream.write(text + "\n")
        self.stream.flush()


class Progress:
    """A progress bar of `total` points: done/total, points/s of the points computed in this run
    (read-back chunks excluded), ETA. On a terminal a bar redrawn in place; elsewhere a line every
    LOG_EVERY_S seconds and one at the end (`every_s` overrides both)."""

    def __init__(self, total, enabled=True, stream=None, force=False, label="scan", every_s=None):
        self.ticker = Ticker(enabled, stream, every_s, tty=True if force else None)
        self.total, self.label = total, label
        self.done = self.computed = 0

    def update(self, done, computed=0, final=False):
        self.done += done
        self.computed += computed
        frac = self.done / self.total if self.total else 1.0
        rate = self.computed / max(self.ticker.elapsed(), 1e-9)
        eta = (self.total - self.done) / rate if rate > 0 else math.inf
        bar = "█" * int(24 * frac) + "·" * (24 - int(24 * frac))
        text = f"{self.label} {100 * frac:5.1f}% |{bar}| {self.done:.3g}/{self.total:.3g} points  {rate:.3g} points/s  ETA {clock(eta)}"
        self.ticker(text, final)

    def close(self):
        self.update(0, final=True)
