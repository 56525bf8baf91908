"""Gumbel-box operators (isa_spec/instructions/box.toml); arithmetic in golden_model/boxops.py."""

from .registry import semantic


@semantic("bint")
def bint(c):
    c.wb("bd", *c.boxops.intersect(*c.br("ba"), *c.br("bb"), c.temps()))


@semantic("bhint")
def bhint(c):
    c.wb("bd", *c.boxops.hard_intersect(*c.br("ba"), *c.br("bb")))


@semantic("blvol")
def blvol(c):
    c.wx("rd", c.boxops.log_volume(*c.br("ba"), c.temps()))


@semantic("blcp")
def blcp(c):
    c.wx("rd", c.boxops.log_cond_prob(*c.br("ba"), *c.br("bb"), c.temps()))


@semantic("bgecp")
def bgecp(c):
    lcp = c.boxops.log_cond_prob(*c.br("ba"), *c.br("bb"), c.temps())
    c.branch(lcp >= c.xr("rt"), c.pc + c.isize * c.op["coff"])
