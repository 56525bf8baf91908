"""Branch predictor: PRED_ENTRIES saturating counters indexed by the branch's word address
(isa.toml [predictor]); one read (at the branch being executed) and one training port."""

from __future__ import annotations

from myhdl import always_comb, always_seq, block

from isa_spec import load_spec

from .config import RtlConfig, clog2
from .signals import uint


@block
def predictor(cfg: RtlConfig, clk, rst, pc, counter, taken_pred, train, taken):
    p = load_spec().predictor
    bits, top, thresh = p.counter_bits, (1 << p.counter_bits) - 1, p.taken_threshold
    n = cfg.PRED_ENTRIES
    ib = clog2(n)
    # Reset to the spec's initial counter: every entry is a flop, so reset is cheap here.
    table = [uint(bits, p.reset_counter) for _ in range(n)]
    idx = uint(ib)

    @always_comb
    def index():
        if n == 1:
            idx.next = 0
        else:
            idx.next = pc[2 + ib:2]

    @always_comb
    def read():
        counter.next = table[idx]
        taken_pred.next = table[idx] >= thresh

    @always_seq(clk.posedge, reset=rst)
    def update():
        if train:
            if taken:
                if table[idx] != top:
                    table[idx].next = table[idx] + 1
            elif table[idx] != 0:
                table[idx].next = table[idx] - 1

    return index, read, update
