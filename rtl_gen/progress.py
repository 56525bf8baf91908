"""Progress of the long generation steps (a large configuration elaborates and converts for
minutes): one line when a step starts and one with its elapsed seconds when it ends."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class Progress:
    """`with progress.step("convert"): ...`; echo=None prints nothing (library callers)."""

    def __init__(self, echo: Callable[[str], None] | None = None, prefix: str = "gen") -> None:
        self.echo, self.prefix = echo, prefix
        self.times: dict[str, float] = {}

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        if self.echo:
            self.echo(f"[{self.prefix}] {name} ...")
        t0 = time.monotonic()
        yield
        self.times[name] = time.monotonic() - t0
        if self.echo:
            self.echo(f"[{self.prefix}] {name}: {self.times[name]:.1f} s")


QUIET = Progress()
