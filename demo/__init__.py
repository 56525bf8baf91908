"""The demo: a taxonomy learned as Gumbel boxes, answered on the LPU beside the float model
(docs/demo.md). Nothing imports this package but the CLI (lpu/cmd_demo.py)."""
