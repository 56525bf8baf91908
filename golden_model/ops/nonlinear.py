"""Scalar hardened non-linear ops (isa_spec/instructions/nonlinear.toml); units in
golden_model/nonlinear.py."""

from .registry import semantic


@semantic("fexp")
def fexp(c):
    c.wx("rd", int(c.units.exp(c.xr("rs1"))))


@semantic("fln")
def fln(c):
    c.wx("rd", int(c.units.ln(c.xr("rs1"), c.q)))


@semantic("fsoftp")
def fsoftp(c):
    c.wx("rd", int(c.units.softplus(c.xr("rs1"))))


@semantic("flse")
def flse(c):
    c.wx("rd", int(c.units.lse(c.xr("rs1"), c.xr("rs2"))))


@semantic("fmul")
def fmul(c):
    p = (c.xr("rs1") * c.xr("rs2") + (1 << (c.q - 1))) >> c.q
    c.wx("rd", max(-(1 << 31), min((1 << 31) - 1, p)))
