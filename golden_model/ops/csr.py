"""CSR access (isa_spec/instructions/csr.toml)."""

from .registry import semantic


@semantic("csrr")
def csrr(c):
    c.wx("rd", c.csr_read(c.op["csr"]))


@semantic("csrw")
def csrw(c):
    c.csr_write(c.op["csr"], c.xr("rs1"))
