"""The worked examples' state names (`init` and `expect` keys), and their check at load.

An example runs on the ISS in one configuration: `default`, with D set to the length of its
boxes and LANES = 1 (`example_overrides`). Its names are checked against that configuration,
not against the parameters' legal maxima: BREGS may be 32 at most but is 8 in `default`, so
`b20` would pass a check against the maximum and still fail with an IndexError when the
example runs. Every problem is a SpecError naming the file, the example and the key.
"""

from __future__ import annotations

import re

from .errors import ConfigError, SpecError
from .params import make_config
from .types import Example, Instruction, Spec

BOX_KEY = re.compile(r"^b(\d+)\.(lo|hi)$")
X_KEY = re.compile(r"^x(\d+)$")
MEM_KEY = re.compile(r"^mem\.(\d+|0x[0-9a-fA-F]+)$")
STATE_KEYS = ("pc", "halted", "trap")  # expect only
EXAMPLE_CONFIG = "default"


def example_dims(example: Example) -> int | None:
    """D of the example: the length of its boxes (None when it names no box)."""
    for table in (example.init, example.expect):
        for k, v in table.items():
            if BOX_KEY.match(k) and isinstance(v, list):
                return len(v)
    return None


def example_overrides(example: Example) -> dict[str, int]:
    d = example_dims(example)
    return {"D": d, "LANES": 1} if d else {}


def mem_address(key_text: str) -> int:
    """The byte address in a `mem.ADDR` key (decimal, or 0x hex)."""
    return int(key_text, 16) if key_text.lower().startswith("0x") else int(key_text, 10)


def _is_num(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _keys_help(spec: Spec, expect: bool) -> str:
    state = ", ".join(STATE_KEYS) + ", " if expect else ""
    return f"{state}xN, bN.lo, bN.hi, mem.ADDR or a CSR name ({', '.join(spec.csrs)})"


def check_example(spec: Spec, ins: Instruction, idx: int, ex: Example) -> None:
    entry = f"instruction '{ins.name}' example {idx}"
    try:
        config = make_config(spec, EXAMPLE_CONFIG, example_overrides(ex))
    except ConfigError as exc:
        raise SpecError(ins.source, entry, None, f"its boxes need a configuration that is not legal: {exc}") from None
    sizes = {rf.kind: (rf.prefix, config[rf.count_param], rf.count_param) for rf in spec.regfiles.values()}
    dims = config["D"]
    word = spec.xlen // 8
    for table_name, table in (("init", ex.init), ("expect", ex.expect)):
        for key, value in table.items():
            def bad(msg: str, key: str = key, table_name: str = table_name) -> SpecError:
                return SpecError(ins.source, entry, table_name, f"'{key}': {msg}")

            if m := X_KEY.match(key) or BOX_KEY.match(key):
                kind = "xreg" if key.startswith("x") else "breg"
                prefix, count, param = sizes[kind]
                if int(m.group(1)) >= count:
                    raise bad(f"register {prefix}{int(m.group(1))} is beyond the file ({prefix}0..{prefix}"
                              f"{count - 1}: {param} = {count} in configuration '{config.name}', "
                              "which examples run on)")
                if kind == "xreg" and not _is_num(value):
                    raise bad(f"must be a number, got {value!r}")
                if kind == "breg" and not (isinstance(value, list) and len(value) == dims
                                           and all(_is_num(v) for v in value)):
                    raise bad(f"must be a list of {dims} numbers (one per dimension, like the "
                              f"example's other boxes), got {value!r}")
            elif m := MEM_KEY.match(key):
                addr, words = mem_address(m.group(1)), config["DMEM_WORDS"]
                if addr % word or addr // word >= words:
                    raise bad(f"address {addr} is not a word address in data memory (a multiple of {word} "
                              f"below {word * words})")
                if not _is_num(value):
                    raise bad(f"must be a number, got {value!r}")
            elif key in spec.csrs:
                if not _is_num(value):
                    raise bad(f"must be a number, got {value!r}")
            elif table_name == "expect" and key == "pc":
                if not isinstance(value, int) or isinstance(value, bool):
                    raise bad(f"must be an integer byte address, got {value!r}")
            elif table_name == "expect" and key == "halted":
                if not isinstance(value, bool):
                    raise bad(f"must be true or false, got {value!r}")
            elif table_name == "expect" and key == "trap":
                if value not in spec.traps:
                    raise bad(f"{value!r} is not a trap (known: {', '.join(spec.traps)})")
            else:
                close = [c for c in spec.csrs if c.lower() == key.lower()]
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                raise bad(f"unknown key{hint}; expected {_keys_help(spec, table_name == 'expect')}")
