"""Passes: each one a module with `run(fn, target) -> fn` (IR in, IR out), testable alone.
The pass manager (manager.py) runs them in order for an -O level and verifies between."""
