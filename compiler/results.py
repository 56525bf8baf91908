"""The results region the host reads back: one 32-bit word per output slot.

A slot the program did not write (it lies in a branch that was not taken) holds
NOT_WRITTEN; the back end initialises every slot to it. The word is also the most negative
log-format value, so a log probability saturated to the bottom of the log format reads as
"not written" (it cannot arise from D <= 64 terms of at least -29.94 each).
"""

from __future__ import annotations

NOT_WRITTEN = -(2 ** 31)            # 0x80000000 as a signed word
NOT_WRITTEN_WORD = NOT_WRITTEN & 0xFFFFFFFF


def to_signed(word: int) -> int:
    """A raw result word (either spelling, unsigned or signed) as a signed 32-bit integer."""
    word &= 0xFFFFFFFF
    return word - (1 << 32) if word & 0x80000000 else word
