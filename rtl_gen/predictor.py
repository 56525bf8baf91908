"""Branch predictor: PRED_ENTRIES saturating counters indexed by the branch's word address
(isa.toml [predictor]). IF reads the counter at the fetch PC; the resolving stage (EX for
conditional branches, MW for bgecp) trains the entry of the branch it resolves. A training
is visible to reads from the next cycle on."""

from __future__ import annotations

from myhdl import always_comb, always_seq, block

from isa_spec import load_spec

from .config import RtlConfig, clog2
from .signals import uint


@block
def predictor(cfg: RtlConfig, clk, rst, pc, counter, taken_pred, train, train_pc, taken):
    p = load_spec().predictor
    bits, top, thresh = p.counter_bits, (1 << p.counter_bits) - 1, p.taken_threshold
    n = cfg.PRED_ENTRIES
    ib = clog2(n)
    # Reset to the spec's initial counter: every entry is a flop, so reset is cheap here.
    table = [uint(bits, p.reset_counter) for _ in range(n)]
    idx, tidx = uint(ib), uint(ib)

    @always_comb
    def index():
        if n == 1:
            idx.next = 0
            tidx.next = 0
        else:
            idx.next = pc[2 + ib:2]
            tidx.next = train_pc[2 + ib:2]

    @always_comb
    def read():
        counter.next = table[idx]
        taken_pred.next = table[idx] >= thresh

    @always_seq(clk.posedge, reset=rst)
    def update():
        if train:
            if taken:
                if table[tidx] != top:
                    table[tidx].next = table[tidx] + 1
            elif table[tidx] != 0:
                table[tidx].next = table[tidx] - 1

    return index, read, update
