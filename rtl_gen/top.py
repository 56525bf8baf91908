"""The LPU top: the four pipeline stages (IF, ID, EX, MW), the box unit's two stages, the
memories, register files, predictor and CSRs, wired through the typed stage registers of
rtl_gen/stage_regs.py. It only wires; the ports are documented in docs/rtl_ports.md."""

from __future__ import annotations

from types import SimpleNamespace

from myhdl import ConcatSignal, ResetSignal, Signal, always_comb, block, instances

from isa_spec import load_spec

from .box_ops import box_ex_bundle, box_ops, box_stage_bundle
from .box_volume import box_volume
from .config import RtlConfig, clog2
from .csr_file import csr_file
from .decode import decode_tables
from .ex_stage import ex_stage
from .id_stage import id_stage
from .if_stage import if_stage
from .memories import word_memory
from .mw_stage import dmem_port, mw_stage
from .predictor import predictor
from .regfile import regfile
from .signals import flag, s32, u32, uint
from .stage_regs import ExMw, IdEx, IfId, Redirect
from .wiring import field_bits, low_bits

TOP_NAME = "lpu_top"
DBG_X, DBG_BLO, DBG_BHI, DBG_DMEM, DBG_CSR, DBG_PC = range(6)


def top_ports(cfg: RtlConfig) -> dict[str, Signal]:
    """The top's ports, by name (order = the module's port order)."""
    d2 = 2 * cfg.D
    return {
        "clk": flag(), "rst": ResetSignal(0, active=1, isasync=False),
        "halted": flag(), "trapped": flag(),
        "host_imem_we": flag(), "host_imem_addr": uint(clog2(cfg.IMEM_WORDS)), "host_imem_wdata": u32(),
        "host_dmem_we": flag(), "host_dmem_addr": uint(clog2(cfg.DMEM_WORDS)), "host_dmem_wdata": u32(),
        "dbg_sel": uint(3), "dbg_idx": uint(16), "dbg_rdata": u32(),
        "rvfi_valid": flag(), "rvfi_order": u32(), "rvfi_pc": u32(), "rvfi_insn": u32(), "rvfi_next_pc": u32(),
        "rvfi_trap": flag(), "rvfi_cause": uint(8), "rvfi_tval": u32(),
        "rvfi_rd_we": flag(), "rvfi_rd_addr": uint(5), "rvfi_rd_wdata": u32(),
        "rvfi_bd_we": flag(), "rvfi_bd_addr": uint(5), "rvfi_bd_lo": uint(32 * cfg.D), "rvfi_bd_hi": uint(32 * cfg.D),
        "rvfi_mem_we": flag(), "rvfi_mem_addr": u32(), "rvfi_mem_count": uint(16), "rvfi_mem_wdata": uint(32 * d2),
        "rvfi_csr_we": flag(), "rvfi_csr_addr": uint(cfg.csr_bits), "rvfi_csr_wdata": u32(),
        "rvfi_br_valid": flag(), "rvfi_br_pred": flag(), "rvfi_br_taken": flag(), "rvfi_br_counter": uint(2),
        "rvfi_halt": flag(), "rvfi_cycle": u32(),   # the cycle CSR's value in the retirement cycle
        # observation port (docs/rtl_ports.md): this cycle's stall, flushes and forwards
        "obs_stall": uint(3), "obs_flush": uint(2), "obs_fwd": uint(3), "obs_bypass": uint(3),
        "obs_mispred": uint(2), "obs_ex_valid": flag(), "obs_ex_pc": u32(), "obs_id_valid": flag(),
        "obs_id_pc": u32(), "obs_if_valid": flag(), "obs_if_pc": u32(),
    }


def _trace(ports: dict) -> SimpleNamespace:
    return SimpleNamespace(**{k[len("rvfi_"):]: v for k, v in ports.items() if k.startswith("rvfi_")})


@block
def lpu_top(cfg: RtlConfig, clk, rst, halted, trapped, host_imem_we, host_imem_addr, host_imem_wdata,
            host_dmem_we, host_dmem_addr, host_dmem_wdata, dbg_sel, dbg_idx, dbg_rdata,
            rvfi_valid, rvfi_order, rvfi_pc, rvfi_insn, rvfi_next_pc, rvfi_trap, rvfi_cause, rvfi_tval,
            rvfi_rd_we, rvfi_rd_addr, rvfi_rd_wdata, rvfi_bd_we, rvfi_bd_addr, rvfi_bd_lo, rvfi_bd_hi,
            rvfi_mem_we, rvfi_mem_addr, rvfi_mem_count, rvfi_mem_wdata, rvfi_csr_we, rvfi_csr_addr,
            rvfi_csr_wdata, rvfi_br_valid, rvfi_br_pred, rvfi_br_taken, rvfi_br_counter, rvfi_halt, rvfi_cycle,
            obs_stall, obs_flush, obs_fwd, obs_bypass, obs_mispred, obs_ex_valid, obs_ex_pc, obs_id_valid,
            obs_id_pc, obs_if_valid, obs_if_pc):
    spec = load_spec()
    tables = decode_tables(spec)
    D, LANES = cfg.D, cfg.LANES
    ib, db = clog2(cfg.IMEM_WORDS), clog2(cfg.DMEM_WORDS)
    ish = cfg.insn_shift
    ports = dict(locals())
    trace = _trace({k: v for k, v in ports.items() if k.startswith("rvfi_")})
    ifid, idex, exmw = IfId.make(), IdEx.make(), ExMw.make(cfg)
    redirect, ex_redirect, mw_redirect = Redirect.make(), Redirect.make(), Redirect.make()

    # IF: fetch and predict
    pc, word = u32(spec.reset_pc), u32()
    counter, pred_taken, accept, go = uint(2), flag(), flag(), flag()
    imem = word_memory(cfg.IMEM_WORDS, clk, pc(ib + ish, ish), word, None, None, None, None, None,
                       host_imem_we, host_imem_addr, host_imem_wdata)
    train, train_pc, train_taken = flag(), u32(), flag()
    pred = predictor(cfg, clk, rst, pc, counter, pred_taken, train, train_pc, train_taken)
    fetching = flag()
    fetch = if_stage(cfg, clk, rst, pc, word, counter, pred_taken, ifid, accept, redirect, fetching, tables, spec)

    # ID: decode, register read, interlocks
    rf = SimpleNamespace(x1=u32(), x2=u32(), x3=u32())
    mw = SimpleNamespace(we=flag(), rd=uint(5), wd=u32(), train=flag(), taken=flag(),
                         mispred=flag(), redirect=mw_redirect)
    fwd = SimpleNamespace(x1=u32(), x2=u32(), x3=u32())
    ex = SimpleNamespace(done=flag(), trap=flag(), cause=uint(8), tval=u32(), csr_we=flag(), train=flag(),
                         taken=flag(), retire=flag(), mispred=flag(), base=uint(30), late=flag())
    obs = SimpleNamespace(why=uint(3), byp1=flag(), byp2=flag(), byp3=flag(), fwd1=flag(), fwd2=flag(),
                          fwd3=flag())
    sb = cfg.sreg_bits
    lsb = {n: spec.fields[n].slices[0][1] for n in ("rd", "rs1", "rs2")}
    rd_x, rs1_x, rs2_x, wr_x = (uint(sb) for _ in range(4))
    dbg_x = u32()
    x_idx = [field_bits(ifid.insn, lsb["rd"], rd_x), field_bits(ifid.insn, lsb["rs1"], rs1_x),
             field_bits(ifid.insn, lsb["rs2"], rs2_x), low_bits(mw.rd, wr_x)]
    xregs = regfile(cfg, clk, rst, rs1_x, rs2_x, rd_x, rf.x1, rf.x2, rf.x3, mw.we, wr_x, mw.wd, dbg_idx, dbg_x)
    decode = id_stage(cfg, clk, rst, ifid, idex, rf, mw, fwd, ex.done, ex.late, redirect, go, obs, tables, spec)

    # CSRs (read and written in EX; trap registers written by a trap taken in EX)
    named = {n: u32(v.reset if isinstance(v.reset, int) else getattr(cfg, v.reset)) for n, v in spec.csrs.items()}
    events = {"tick": flag(), "retire": flag(), "branch": flag(), "mispred": flag()}
    CSRB = cfg.csr_bits
    csr = SimpleNamespace(rdata=u32(), valid=flag(), writable=flag())
    csr_rnum = uint(CSRB)
    csrs = csr_file(cfg, clk, rst, csr_rnum, csr.rdata, csr.valid, csr.writable, ex.csr_we, idex.imm(CSRB, 0),
                    fwd.x1, events, ex.trap, {"epc": idex.pc, "cause": ex.cause, "tval": ex.tval}, named)

    # EX: scalar execute and box stage 1; MW: memory, late results, box stage 2, retirement
    box = box_ex_bundle(cfg)
    stage = box_stage_bundle(cfg)
    dbg = SimpleNamespace(addr=uint(cfg.breg_bits + cfg.beat_bits), sel=uint(cfg.lane_bits), lo=s32(), hi=s32())
    dm = SimpleNamespace(raddr=uint(db), rdata=u32(), we=flag(), waddr=uint(db), wdata=u32())
    boxes = box_ops(cfg, clk, rst, idex, fwd.x1, fwd.x2, ex.base, ex.trap, dm.rdata, named["beta_i"],
                    named["ibeta_i"], dbg, box, stage)
    execute = ex_stage(cfg, clk, rst, idex, exmw, box, csr, named["mtvec"], ex, fwd, ex_redirect, obs)
    lvol, lcp = s32(), s32()
    volume = box_volume(cfg, clk, rst, stage, named["beta_i"], named["beta_v"], named["ibeta_v"], lvol, lcp)
    dbg_dm = u32()
    port = dmem_port(cfg, exmw, box, dm)
    dmem = word_memory(cfg.DMEM_WORDS, clk, dm.raddr, dm.rdata, dbg_idx(db, 0), dbg_dm, dm.we, dm.waddr,
                       dm.wdata, host_dmem_we, host_dmem_addr, host_dmem_wdata)
    arch_pc = u32(spec.reset_pc)
    retire = mw_stage(cfg, clk, rst, exmw, dm.rdata, lvol, lcp, mw, trace, named["cycle"], halted, trapped,
                      arch_pc)
    ev_tick, ev_retire, ev_branch, ev_mispred = (events[k] for k in ("tick", "retire", "branch", "mispred"))

    @always_comb
    def control():
        redirect.valid.next = ex_redirect.valid or mw_redirect.valid
        redirect.target.next = mw_redirect.target if mw_redirect.valid else ex_redirect.target
        redirect.stop.next = (ex_redirect.valid and ex_redirect.stop) or (mw_redirect.valid and mw_redirect.stop)
        accept.next = not ifid.valid or go
        train.next = ex.train or mw.train
        train_pc.next = exmw.pc if mw.train else idex.pc
        train_taken.next = mw.taken if mw.train else ex.taken
        ev_tick.next = not halted
        ev_retire.next = ex.retire
        ev_branch.next = ex.train or mw.train
        ev_mispred.next = ex.mispred or mw.mispred
        csr_rnum.next = dbg_idx[CSRB:] if halted else idex.imm[CSRB:]

    fwd_bits = ConcatSignal(obs.fwd3, obs.fwd2, obs.fwd1)
    byp_bits = ConcatSignal(obs.byp3, obs.byp2, obs.byp1)
    flush_bits = ConcatSignal(mw_redirect.valid, ex_redirect.valid)
    mispred_bits = ConcatSignal(mw.mispred, ex.mispred)

    @always_comb
    def observe():
        obs_stall.next = obs.why
        obs_flush.next = flush_bits
        obs_fwd.next = fwd_bits
        obs_bypass.next = byp_bits
        obs_mispred.next = mispred_bits
        obs_ex_valid.next = idex.valid
        obs_ex_pc.next = idex.pc
        obs_id_valid.next = ifid.valid
        obs_id_pc.next = ifid.pc
        obs_if_valid.next = fetching
        obs_if_pc.next = pc

    # debug reads (the host, after the core halts)
    b_dbg_reg, dbg_reg, dbg_dim, dbg_beat, dbg_lane = uint(cfg.breg_bits), uint(16), uint(16), uint(16), uint(16)
    dbg_beat_b, dbg_lane_b = uint(cfg.beat_bits), uint(cfg.lane_bits)
    narrow = [low_bits(dbg_reg, b_dbg_reg), low_bits(dbg_beat, dbg_beat_b), low_bits(dbg_lane, dbg_lane_b)]
    addr_dbg_v = ConcatSignal(b_dbg_reg, dbg_beat_b)

    @always_comb
    def box_dbg_split():
        dbg_reg.next = dbg_idx // D
        dbg_dim.next = dbg_idx % D

    @always_comb
    def box_dbg_split2():
        dbg_beat.next = dbg_dim // LANES
        dbg_lane.next = dbg_dim % LANES
        dbg.addr.next = addr_dbg_v
        dbg.sel.next = dbg_lane_b

    @always_comb
    def debug_read():
        v = arch_pc
        if dbg_sel == DBG_X:
            v = dbg_x
        elif dbg_sel == DBG_BLO:
            v = dbg.lo[32:]
        elif dbg_sel == DBG_BHI:
            v = dbg.hi[32:]
        elif dbg_sel == DBG_DMEM:
            v = dbg_dm
        elif dbg_sel == DBG_CSR:
            v = csr.rdata
        dbg_rdata.next = v

    return instances()
