"""Scalar integer ALU (operations named in rtl_gen/execute.py ALU_OPS)."""

from __future__ import annotations

from myhdl import always_comb, block

from .execute import op_code

ADD, SUB, SLL, SLT, SLTU, XOR, SRL, SRA, OR, AND, LUI = (
    op_code("alu", o) for o in ("add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and", "lui"))


@block
def alu(op, a, b, y):
    """y = a <op> b on 32-bit patterns; y is a modbv, so sums wrap modulo 2^32."""

    @always_comb
    def comb():
        sh = b[5:]
        if op == ADD:
            y.next = a + b
        elif op == SUB:
            y.next = a - b
        elif op == SLL:
            y.next = a << sh
        elif op == SLT:
            y.next = a.signed() < b.signed()
        elif op == SLTU:
            y.next = a < b
        elif op == XOR:
            y.next = a ^ b
        elif op == SRL:
            y.next = a >> sh
        elif op == SRA:
            y.next = a.signed() >> sh
        elif op == OR:
            y.next = a | b
        elif op == AND:
            y.next = a & b
        else:  # LUI
            y.next = b << 12
    return comb
