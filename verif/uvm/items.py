"""Sequence items: a program to run, and what one program did on the RTL."""

from __future__ import annotations

from pyuvm import uvm_sequence_item

from verif.harness import ProgramRun


class ProgramItem(uvm_sequence_item):
    """A whole program: instruction words, the data-memory image, and where it came from."""

    def __init__(self, name: str, text: list[int], data: list[int], origin: str, asm: str = ""):
        super().__init__(name)
        self.text, self.data, self.origin, self.asm = text, data, origin, asm

    def __str__(self) -> str:
        return f"{self.get_name()} ({len(self.text)} instructions, {self.origin})"


class ProgramRunItem(uvm_sequence_item):
    """One program as observed on the RTL: every record of the retirement trace port, the
    final architectural state read through the debug port, cycles, and a timeout flag."""

    def __init__(self, name: str, run: ProgramRun):
        super().__init__(name)
        self.run = run

    def __str__(self) -> str:
        return f"{self.get_name()} ({len(self.run.trace)} retirements, {self.run.cycles} cycles)"
