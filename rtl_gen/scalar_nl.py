"""The scalar hardened non-linear ops (isa_spec/instructions/nonlinear.toml) as one MyHDL
unit: exp, ln, softplus and log-sum-exp use the units of nl_units; fmul is a rounded product.
"""

from __future__ import annotations

from types import SimpleNamespace

from myhdl import Signal, SignalType, block, intbv

from isa_spec import load_spec

from .config import RtlConfig
from .netlist import Net
from .nl_units import exp_unit, ln_unit, phi_unit
from .units import UnitOps

# Op select of scalar_nl_unit = index in this tuple (instruction names from the spec); the
# top maps the decoder's op code (SCALAR_NL_UNIT.code) onto it.
SCALAR_NL_OPS = ("fexp", "fln", "fsoftp", "flse", "fmul")
SCALAR_NL_UNIT = UnitOps("scalar_nl", "rtl_gen/scalar_nl.py", SCALAR_NL_OPS, alias="SEL")
SEL = SimpleNamespace(**{o.upper(): i for i, o in enumerate(SCALAR_NL_OPS)})
_missing = [n for n in SCALAR_NL_OPS if n not in load_spec().instructions]
if _missing:
    raise ImportError(f"rtl_gen/scalar_nl.py: SCALAR_NL_OPS names {_missing}, not instructions of isa_spec")


@block
def scalar_nl_unit(cfg: RtlConfig, op: SignalType, a: SignalType, b: SignalType, y: SignalType):
    """y = SCALAR_NL_OPS[op](a, b) on signed 32-bit Q16 values (b unused by fexp, fln, fsoftp);
    select codes beyond the tuple give 0."""
    net = Net()
    w = cfg.xlen
    ye, yl = (Signal(intbv(0, min=-(1 << (w - 1)), max=1 << (w - 1))) for _ in range(2))
    g = Signal(intbv(0, min=0, max=1 << cfg.q))
    net.inst(exp_unit, cfg, a, ye)
    # fln: x <= 0 gives -2^31, which the ln unit returns for a zero input.
    net.inst(ln_unit, cfg, net.low(net.mux(net.gt(a, 0), a, 0), w - 1), yl, cfg.q)
    # fsoftp(x) = flse(x, 0) = max(x, 0) + phi(min(|x|, 2^31 - 1)): one phi unit for both.
    b2 = net.mux(net.eq(op, SEL.FSOFTP), 0, b)
    net.inst(phi_unit, cfg, net.unsigned(net.sat(net.absv(net.sub(a, b2)), w)), g)
    lse = net.sat(net.add(net.maxv(a, b2), net.s(g)), w)
    results = {SEL.FEXP: ye, SEL.FLN: yl, SEL.FSOFTP: lse, SEL.FLSE: lse,
               SEL.FMUL: net.sat(net.rnd(net.mul(a, b), cfg.q), w)}
    res = None  # a one-hot mux chain whose default (no op selected) is 0, not some op
    for i in reversed(range(len(SCALAR_NL_OPS))):
        res = net.mux(net.eq(op, i), results[i], 0 if res is None else res)
    net.out(res, y)
    return [blk(*args) for blk, args in net.specs]
