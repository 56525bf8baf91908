"""The pyuvm testbench: one UVM role per module (items, sequences, sequencer, driver,
monitor, scoreboard, coverage, env, tests)."""
