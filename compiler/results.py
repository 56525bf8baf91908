"""The results region the host reads back: one 32-bit word per output slot, decoded by the
output's source name (never shown as raw words).

A slot the program did not write (it lies in a branch that was not taken) holds
NOT_WRITTEN; the back end initialises every slot to it. The word is also the most negative
log-format value, so a log probability saturated to the bottom of the log format reads as
"not written" (it cannot arise from D <= 64 terms of at least -29.94 each)."""

from __future__ import annotations

from dataclasses import dataclass

from .ir import OutputSlot, Type
from .target import Target

NOT_WRITTEN = -(2 ** 31)            # 0x80000000 as a signed word
NOT_WRITTEN_WORD = NOT_WRITTEN & 0xFFFFFFFF


def to_signed(word: int) -> int:
    """A raw result word (either spelling, unsigned or signed) as a signed 32-bit integer."""
    word &= 0xFFFFFFFF
    return word - (1 << 32) if word & 0x80000000 else word


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
    raw = to_signed(raw)
    if raw == NOT_WRITTEN:
        return ResultValue(slot.name, slot.type, None, None)
    if slot.type == Type.LOGPROB:
        return ResultValue(slot.name, slot.type, raw, target.log.to_float(raw))
    if slot.type == Type.BOOL:
        return ResultValue(slot.name, slot.type, raw, bool(raw))
    label = slot.labels[raw] if slot.type == Type.INDEX and 0 <= raw < len(slot.labels) else None
    return ResultValue(slot.name, slot.type, raw, raw, label)
