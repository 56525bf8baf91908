"""Box element moves (isa_spec/instructions/boxmove.toml)."""

from .registry import semantic


@semantic("bmov")
def bmov(c):
    c.wb("bd", *c.br("ba"))


def _get(side: int):
    def fn(c):
        c.wx("rd", int(c.br("ba")[side][c.dim(c.xr("rs2"))]))
    return fn


def _set(side: int):
    def fn(c):
        i = c.dim(c.xr("rs2"))
        box = [arr.copy() for arr in c.br("bd")]
        box[side][i] = c.xr("rs1")
        c.wb("bd", *box)
    return fn


semantic("bgetlo")(_get(0))
semantic("bgethi")(_get(1))
semantic("bsetlo")(_set(0))
semantic("bsethi")(_set(1))
