"""The sequencer: hands ProgramItems from the sequences to the driver."""

from pyuvm import uvm_sequencer


class LpuSequencer(uvm_sequencer):
    pass
