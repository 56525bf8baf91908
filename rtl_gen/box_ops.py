"""The box operations in EX (box stage 1), datapath and control together: which registers
each operation reads on the lane stores' ports A and B, what it writes, for how many beats,
its scalar result (and whether MW completes it), whether it takes a dimension index,
its lbx/sbx word transfers, the registered beat that box stage 2 (rtl_gen/box_volume.py, in
MW) turns into log volumes, and the capture of what it wrote for the trace port.

Adding a box operation: declare it in control_units.py, give it its case here (ports,
writes, beats, volume), and its arithmetic in box_lane.py if the lanes lack it."""

from __future__ import annotations

from types import SimpleNamespace

from myhdl import ConcatSignal, always_comb, always_seq, block, instances

from .box_datapath import W_HARD, W_MOV, W_SCALAR, W_SOFT, box_datapath, copy_bus
from .config import RtlConfig, clog2
from .control_units import BOX_UNIT, BOXMOVE_UNIT, MEM_UNIT, M, V, X
from .signals import flag, s32, u32, uint
from .stage_regs import LATE_LCP, LATE_LVOL, LATE_NONE
from .units import UNITS
from .wiring import low_bits

U_BOX, U_BMV, U_MEM = (UNITS.index(u.unit) for u in (BOX_UNIT, BOXMOVE_UNIT, MEM_UNIT))


def box_stage_bundle(cfg: RtlConfig) -> SimpleNamespace:
    """The register between box stage 1 (EX) and stage 2 (MW): one beat."""
    w = 32 * cfg.LANES
    return SimpleNamespace(valid=flag(), last=flag(), i_lo=uint(w), i_hi=uint(w), b_lo=uint(w), b_hi=uint(w))


def box_ex_bundle(cfg: RtlConfig) -> SimpleNamespace:
    """What the box operations tell EX (all combinational, for the instruction in EX)."""
    return SimpleNamespace(multi=flag(), last=flag(), bd_we=flag(), payload=uint(64 * cfg.D), dim=flag(),
                           rd_we=flag(), value=u32(), late=uint(3), gecp=flag(),
                           a_word_lo=s32(), a_word_hi=s32(), dm_we=flag(),
                           dm_addr=uint(clog2(cfg.DMEM_WORDS)), dm_wdata=u32())


@block
def lane_merge(we, w, a, y, lane: int):
    """y = lane `lane` of w where its write enable is set, else of a (what the lane holds
    after this beat's write)."""
    lo, hi = 32 * lane, 32 * (lane + 1)
    wv, av = w(hi, lo), a(hi, lo)
    bit = we(lane)

    @always_comb
    def comb():
        y.next = wv if bit else av
    return comb


@block
def box_ops(cfg: RtlConfig, clk, rst, v, x1, x2, base, trap, dm_rdata, beta_i, ibeta_i, dbg, out, stage):
    """v: the ID/EX register; x1, x2: its forwarded operands; base: lbx/sbx word address;
    trap: EX traps this cycle; dbg: the debug read port (addr, sel, lo, hi); out: box_ex_bundle;
    stage: box_stage_bundle (registered here)."""
    D, LANES, BEATS = cfg.D, cfg.LANES, cfg.beats
    BOXW = 2 * D
    bb, tb, lb = cfg.breg_bits, cfg.beat_bits, cfg.lane_bits
    beat, lane, side, k = uint(tb), uint(lb), flag(), uint(clog2(BOXW) + 1)
    tr_lo, tr_hi, tr_mem = uint(32 * D), uint(32 * D), uint(64 * D)

    # lane-store ports and writes, chosen per operation below
    a_reg, b_reg, w_reg = uint(5), uint(5), uint(5)
    a_beat, w_beat, a_lane, lane_w = uint(tb), uint(tb), uint(lb), uint(lb)
    wmode, wscalar = uint(2), s32()
    we_lo, we_hi, all_lanes = flag(), flag(), flag()
    a_reg_b, b_reg_b, w_reg_b = uint(bb), uint(bb), uint(bb)
    narrow = [low_bits(a_reg, a_reg_b), low_bits(b_reg, b_reg_b), low_bits(w_reg, w_reg_b)]
    addr_a, addr_b, waddr = (uint(bb + tb) for _ in range(3))
    addr_a_v, addr_b_v, waddr_v = ConcatSignal(a_reg_b, a_beat), ConcatSignal(b_reg_b, beat), \
        ConcatSignal(w_reg_b, w_beat)
    w = 32 * LANES
    buses = SimpleNamespace(**{k_: uint(w) for k_ in ("a_lo", "a_hi", "b_lo", "b_hi", "i_lo", "i_hi", "w_lo",
                                                      "w_hi")}, we_lo=uint(LANES), we_hi=uint(LANES))
    datapath = box_datapath(cfg, clk, rst, addr_a, addr_b, dbg.addr, a_lane, dbg.sel, out.a_word_lo,
                            out.a_word_hi, dbg.lo, dbg.hi, beta_i, ibeta_i, wmode, we_lo, we_hi, all_lanes,
                            lane_w, waddr, wscalar, buses)

    # a dimension index from x[rs2] (bgetlo ... bsethi), split into beat and lane
    dim_beat, dim_lane = uint(8), uint(8)
    dim_beat_t, dim_lane_t = dim_beat(tb, 0), dim_lane(lb, 0)

    @always_comb
    def dim_split():
        dim_beat.next = x2[8:] // LANES
        dim_lane.next = x2[8:] % LANES

    @always_comb
    def addresses():
        addr_a.next = addr_a_v
        addr_b.next = addr_b_v
        waddr.next = waddr_v

    vol, want_lo, want_hi, want_store = flag(), flag(), flag(), flag()

    @always_comb
    def control():
        u = v.unit
        op = v.op
        beats = v.legal and not v.fault and (u == U_BOX or (u == U_BMV and (
            op == V.MOV or op == V.SETLO or op == V.SETHI)))
        words = v.legal and not v.fault and u == U_MEM and (op == M.LBX or op == M.SBX)
        out.multi.next = beats or words
        out.last.next = (beats and beat == BEATS - 1) or (words and k == BOXW - 1) or not (beats or words)
        a_reg.next = v.rs1
        b_reg.next = v.rs2
        w_reg.next = v.rd
        a_beat.next = beat
        a_lane.next = lane
        w_beat.next = beat
        lane_w.next = lane
        wmode.next = W_SCALAR
        wscalar.next = x1.signed()
        lo_w = False
        hi_w = False
        every = False
        bd = False
        volume_op = False
        out.dim.next = False
        out.rd_we.next = False
        out.late.next = LATE_NONE
        out.gecp.next = False
        if v.legal and u == U_BOX:
            if op == X.SOFT or op == X.HARD:
                wmode.next = W_SOFT if op == X.SOFT else W_HARD
                lo_w = True
                hi_w = True
                every = True
                bd = True
            elif op == X.LVOL:
                b_reg.next = v.rs1
                volume_op = True
                out.rd_we.next = True
                out.late.next = LATE_LVOL
            elif op == X.LCP:
                volume_op = True
                out.rd_we.next = True
                out.late.next = LATE_LCP
            elif op == X.GECP:
                volume_op = True
                out.gecp.next = True
        elif v.legal and u == U_BMV:
            if op == V.MOV:
                wmode.next = W_MOV
                lo_w = True
                hi_w = True
                every = True
                bd = True
            elif op == V.SETLO or op == V.SETHI:
                out.dim.next = True
                a_reg.next = v.rd
                lane_w.next = dim_lane_t
                bd = True
                if beat == dim_beat_t:
                    lo_w = op == V.SETLO
                    hi_w = op == V.SETHI
            elif op == V.GETLO or op == V.GETHI:
                out.dim.next = True
                out.rd_we.next = True
                a_beat.next = dim_beat_t
                a_lane.next = dim_lane_t
        elif v.legal and u == U_MEM:
            if op == M.LBX:
                wscalar.next = dm_rdata.signed()
                lo_w = not side
                hi_w = bool(side)
                bd = True
            elif op == M.SBX:
                a_reg.next = v.rs2
        want_lo.next = lo_w
        want_hi.next = hi_w
        all_lanes.next = every
        out.bd_we.next = bd
        vol.next = v.valid and volume_op
        want_store.next = words and op == M.SBX

    @always_comb
    def results():
        if v.unit == U_BMV and v.op == V.GETHI:
            out.value.next = out.a_word_hi[32:]
        else:
            out.value.next = out.a_word_lo[32:]

    @always_comb
    def enables():
        ok = v.valid and not trap
        we_lo.next = ok and want_lo
        we_hi.next = ok and want_hi
        out.dm_we.next = ok and want_store

    # what the destination holds after this beat (lanes not written keep port A's word)
    cap_lo, cap_hi = [uint(32) for _ in range(LANES)], [uint(32) for _ in range(LANES)]
    merges = [lane_merge(buses.we_lo, buses.w_lo, buses.a_lo, cap_lo[i], i) for i in range(LANES)] + \
             [lane_merge(buses.we_hi, buses.w_hi, buses.a_hi, cap_hi[i], i) for i in range(LANES)]
    beat_lo, beat_hi = (uint(32 * LANES) for _ in range(2))  # plain wires: a ConcatSignal inside
    beats_in = [copy_bus(ConcatSignal(*reversed(c)) if LANES > 1 else c[0], b)  # another reads as 0
                for c, b in ((cap_lo, beat_lo), (cap_hi, beat_hi))]
    lo_next = ConcatSignal(beat_lo, tr_lo(32 * D, 32 * LANES)) if BEATS > 1 else beat_lo
    hi_next = ConcatSignal(beat_hi, tr_hi(32 * D, 32 * LANES)) if BEATS > 1 else beat_hi
    word_in = u32()
    mem_next = ConcatSignal(word_in, tr_mem(64 * D, 32))
    box_next = ConcatSignal(hi_next, lo_next)
    words_op = flag()

    dm_sum = uint(len(base))

    @always_comb
    def word_address():
        dm_sum.next = base + k

    @always_comb
    def memory():
        out.dm_addr.next = dm_sum[len(out.dm_addr):]
        out.dm_wdata.next = out.a_word_hi[32:] if side else out.a_word_lo[32:]
        word_in.next = dm_rdata if v.op == M.LBX else (out.a_word_hi[32:] if side else out.a_word_lo[32:])
        words_op.next = v.unit == U_MEM

    @always_comb
    def payload():
        out.payload.next = mem_next if words_op else box_next

    @always_seq(clk.posedge, reset=rst)
    def sequence():
        tr_mem.next = mem_next
        stage.valid.next = vol
        stage.last.next = out.last
        stage.i_lo.next = buses.i_lo
        stage.i_hi.next = buses.i_hi
        stage.b_lo.next = buses.b_lo
        stage.b_hi.next = buses.b_hi
        if v.valid and out.multi and not out.last and not trap:
            if v.unit == U_MEM:
                k.next = k + 1
                if lane == LANES - 1:
                    lane.next = 0
                    if beat == BEATS - 1:
                        beat.next = 0
                        side.next = True
                    else:
                        beat.next = beat + 1
                else:
                    lane.next = lane + 1
            else:
                beat.next = beat + 1
        else:
            beat.next = 0
            lane.next = 0
            side.next = False
            k.next = 0

    if BEATS > 1:
        @always_seq(clk.posedge, reset=rst)
        def capture():
            tr_lo.next = lo_next
            tr_hi.next = hi_next

    return instances()
