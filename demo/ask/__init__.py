"""`lpu ask`: plain-English questions about the demo's taxonomy, answered on the LPU.

A small sentence-embedding model (all-MiniLM-L6-v2, the `lm` extra) maps the question's
terms to the taxonomy's concepts (lexicon.py, matcher.py); a question pattern
(questions.py) becomes an SLRM program built with the compiler's API (program.py); the
LPU answers it (ISS, or the RTL under the testbench). evaluate.py measures it on
questions generated from the demo's test split. docs/demo.md, section "lpu ask"."""
