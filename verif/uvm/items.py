"""Sequence items: a program to run, and one retirement seen on the trace port."""

from __future__ import annotations

from pyuvm import uvm_sequence_item

from verif.retire import RtlRetire


class ProgramItem(uvm_sequence_item):
    """A whole program: instruction words, the data-memory image, and where it came from."""

    def __init__(self, name: str, text: list[int], data: list[int], origin: str, asm: str = ""):
        super().__init__(name)
        self.text, self.data, self.origin, self.asm = text, data, origin, asm

    def __str__(self) -> str:
        return f"{self.get_name()} ({len(self.text)} instructions, {self.origin})"


class RetireItem(uvm_sequence_item):
    """One record of the retirement trace port."""

    def __init__(self, name: str, rtl: RtlRetire):
        super().__init__(name)
        self.rtl = rtl


class FinalStateItem(uvm_sequence_item):
    """The architectural state read through the debug port after the core halted."""

    def __init__(self, name: str, program: ProgramItem, state: dict, cycles: int):
        super().__init__(name)
        self.program, self.state, self.cycles = program, state, cycles
