"""The choice of a pipeline stream (names.STREAMS) by the knobs' stream weights; each stream
is one item (it fits IMEM whole or is rolled back whole)."""

from __future__ import annotations

from .knobs import _pick
from .names import STREAMS


class _Streams:
    """Stream dispatch (a mixin of the program builder)."""

    def stream(self, name: str | None = None, in_loop: bool = False) -> None:
        """Stream `name`, or one by the stream weights (no loop inside a loop)."""
        names = [s for s in STREAMS if not (in_loop and s == "branchy_loop")]
        name = name or _pick(self.rng, self.k.stream_weights, names)
        if name is None:
            return None
        return {"chain": self.chain, "fan_out": self.fan_out, "load_use": self.load_use, "late_use": self.late_use,
                "mem_port": self.mem_port, "box_chain": self.box_chain, "wrong_path": self.wrong_path,
                "branchy_loop": lambda: self.loop(branchy=True)}[name]()
