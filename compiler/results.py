"""The results region: where each output slot lives in data memory and how the host reads
it back (by the output's source name, never as raw words)."""

from __future__ import annotations

from dataclasses import dataclass

from .ir import OutputSlot, Type
from .target import Target

NOT_WRITTEN = -(2**31)     # a slot's initial word: the `out` did not run (its `if` went the other way)


@dataclass(frozen=True)
class ResultValue:
    name: str
    type: Type
    raw: int | None            # the word, None if not written
    value: float | int | bool | None
    label: str | None = None   # an index's candidate name

    def show(self) -> str:
        if self.raw is None:
            return "not written"
        if self.type == Type.LOGPROB:
            return f"{self.value:.6f}"
        if self.type == Type.BOOL:
            return "true" if self.value else "false"
        if self.type == Type.INDEX and self.label is not None:
            return f"{self.label} (index {self.value})"
        return str(self.value)


def decode(slot: OutputSlot, raw: int, target: Target) -> ResultValue:
    raw = raw - (1 << 32) if raw >= (1 << 31) else raw
    if raw == NOT_WRITTEN:
        return ResultValue(slot.name, slot.type, None, None)
    if slot.type == Type.LOGPROB:
        return ResultValue(slot.name, slot.type, raw, target.log.to_float(raw))
    if slot.type == Type.BOOL:
        return ResultValue(slot.name, slot.type, raw, bool(raw))
    label = slot.labels[raw] if slot.type == Type.INDEX and 0 <= raw < len(slot.labels) else None
    return ResultValue(slot.name, slot.type, raw, raw, label)
