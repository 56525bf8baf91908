"""Scalar integer ALU: the operations declared in ALU_UNIT, one explicit case each."""

from __future__ import annotations

from myhdl import always_comb, block

from .units import UnitOps

ALU_UNIT = UnitOps("alu", "rtl_gen/alu.py",
                   ("add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and", "lui"), alias="A")
A = ALU_UNIT.consts


@block
def alu(op, a, b, y):
    """y = a <op> b on 32-bit patterns; y is a modbv, so sums wrap modulo 2^32. An op code
    of another unit gives 0 (the core ignores y then)."""

    @always_comb
    def comb():
        sh = b[5:]
        if op == A.ADD:
            y.next = a + b
        elif op == A.SUB:
            y.next = a - b
        elif op == A.SLL:
            y.next = a << sh
        elif op == A.SLT:
            y.next = a.signed() < b.signed()
        elif op == A.SLTU:
            y.next = a < b
        elif op == A.XOR:
            y.next = a ^ b
        elif op == A.SRL:
            y.next = a >> sh
        elif op == A.SRA:
            y.next = a.signed() >> sh
        elif op == A.OR:
            y.next = a | b
        elif op == A.AND:
            y.next = a & b
        elif op == A.LUI:
            y.next = b << 12
        else:
            y.next = 0
    return comb
