"""Loads and stores (isa_spec/instructions/mem.toml)."""

from .registry import semantic


@semantic("lw")
def lw(c):
    c.wx("rd", c.load(c.xr("rs1") + c.op["imm"]))


@semantic("sw")
def sw(c):
    c.store(c.xr("rs1") + c.op["simm"], c.xr("rs2"))


@semantic("lbx")
def lbx(c):
    base, d = c.xr("rs1") + c.op["imm"], c.D
    words = c.load_block(base, 2 * d)
    c.wb("bd", words[:d], words[d:])


@semantic("sbx")
def sbx(c):
    lo, hi = c.br("bs")
    c.store_block(c.xr("rs1") + c.op["simm"], [int(v) for v in lo] + [int(v) for v in hi])
