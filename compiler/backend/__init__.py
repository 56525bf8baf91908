"""Back end: instruction selection (isel), temperatures, memory layout, emission of LPU
assembly, and the splitting of large programs (split.py)."""
