"""Save the generator's programs as the fixture of tests/test_generator_split.py.

Run from the repository root: python tests/data/make_generator_programs.py
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from test_generator_split import CASES, FIXTURE, FULL, digest, program  # noqa: E402

from isa_spec import load_spec  # noqa: E402

spec = load_spec()
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
out: dict = {"commit": commit, "programs": {}, "full": {}}
for key in CASES:
    p = program(spec, key)
    out["programs"][key] = digest(p)
    if key in FULL:
        out["full"][key] = p.asm
FIXTURE.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
