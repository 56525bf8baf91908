"""The schema of the spec files: which keys each entry has, their types, which are required,
and the legal range of every number.

Each schema maps a key to a `Key`: its type (or types), whether it is required, and for a
number its inclusive range [lo, hi] with the reason for that range. The loader checks every
entry against its schema before it builds typed objects, so a malformed spec fails with the
file, the entry, the field and (for a number) the legal range named. Ranges that depend on
another value (a counter below 2**counter_bits, frac <= width) are checked by the loader
after these.
"""

from __future__ import annotations

from typing import NamedTuple


class Key(NamedTuple):
    type: type | tuple[type, ...]
    required: bool
    lo: float | None = None  # inclusive range of a number (None: not a number)
    hi: float | None = None
    why: str = ""


Schema = dict[str, Key]

NUM = (int, float)
INF = float("inf")

# The tools model a 32-bit machine (isa_spec/bits.py to_s32, the ISS's 32-bit words, the
# RTL's buses), so xlen and ilen are checked here, once, instead of assumed everywhere.
WORD = "the tools implement a 32-bit machine"
FRAC = "a fraction of a 32-bit (or, for constants, 64-bit) fixed-point value"
WORD_VALUE = (-(1 << 31), (1 << 32) - 1)  # a 32-bit value, signed or unsigned spelling
SIZE = "a count or size; 2**24 is beyond any memory or table the generator builds"

ISA: Schema = {"name": Key(str, True), "version": Key(str, True),
               "xlen": Key(int, True, 32, 32, WORD), "ilen": Key(int, True, 32, 32, WORD),
               "reset_pc": Key(int, True, 0, (1 << 32) - 1, "a 32-bit byte address")}
OPERAND: Schema = {"kind": Key(str, True), "field": Key(str, True)}
REGFILE: Schema = {"kind": Key(str, True), "prefix": Key(str, True), "count_param": Key(str, True),
                   "summary": Key(str, True), "width": Key(int, False, 32, 32, WORD),
                   "zero_register": Key(int, False, 0, 0, "only register 0 may be hard-wired to zero")}
FORMAT: Schema = {"signed": Key(bool, True), "width": Key(int, True, 2, 32, "held in a 32-bit register"),
                  "frac": Key(int, True, 0, 32, FRAC), "summary": Key(str, True), "why": Key(str, True)}
NONLINEAR: Schema = {"function": Key(str, True), "summary": Key(str, True),
                     "input_frac": Key(int, True, 0, 32, FRAC),
                     "domain_int_bits": Key(int, True, 0, 16, "the integer bits of a Q16.16 input"),
                     "output_format": Key(str, True), "table_frac": Key(int, True, 0, 32, FRAC),
                     "bound_ulp": Key(NUM, True, 0, 1e6, "an error bound in ulps, not negative"),
                     "bound_rel": Key(NUM, True, 0, 1, "a relative error bound, not negative")}
CONSTANT: Schema = {"value": Key(NUM, True, -(1 << 31), 1 << 31, "value * 2**frac must fit 64 bits"),
                    "frac": Key(int, True, 0, 32, FRAC), "summary": Key(str, True)}
CSR: Schema = {"number": Key(int, True, 0, INF, "checked against the csr field's width"),
               "access": Key(str, True), "reset": Key((int, str), True, *WORD_VALUE, "a 32-bit value"),
               "summary": Key(str, True), "format": Key(str, False)}
TRAP: Schema = {"code": Key(int, True, 1, (1 << 31) - 1, "an mcause value; 0 means no trap"),
                "tval": Key(str, True), "summary": Key(str, True)}
PREDICTOR: Schema = {
    "kind": Key(str, True),
    "counter_bits": Key(int, True, 1, 8, "a saturating counter needs a bit; coverage enumerates every value"),
    "reset_counter": Key(int, True, 0, 255, "a counter value (below 2**counter_bits)"),
    "taken_threshold": Key(int, True, 1, 255, "a counter value (1 .. 2**counter_bits - 1, so that "
                           "both directions can be predicted)"),
    "index": Key(str, True), "summary": Key(str, True)}
PARAM: Schema = {"min": Key(int, True, 1, 1 << 24, SIZE), "max": Key(int, True, 1, 1 << 24, SIZE),
                 "default": Key(int, True, 1, 1 << 24, SIZE), "summary": Key(str, True),
                 "pow2": Key(bool, False), "divides": Key(str, False)}
CLASS_FILE: Schema = {"class": Key(str, True), "summary": Key(str, True), "instruction": Key(list, True)}
INSTRUCTION: Schema = {"name": Key(str, True), "syntax": Key(str, True), "match": Key(dict, True),
                       "summary": Key(str, True), "semantics": Key(str, True), "example": Key(list, True),
                       "conditional": Key(bool, False), "result": Key(str, False)}
RESULT_KINDS = ("bool", "compare")  # an instruction's optional `result`: what kind of value rd gets
EXAMPLE: Schema = {"asm": Key(str, True), "init": Key(dict, False), "expect": Key(dict, True),
                   "tol": Key(NUM, False, 0, 1e6, "a tolerance in real units, not negative")}

_BOUND = "an error bound, not negative"
BOUND: Schema = {"summary": Key(str, True), "const_ulp": Key(NUM, True, 0, 1e6, _BOUND),
                 "beta_i_ulp": Key(NUM, False, 0, 1e6, _BOUND), "abs_x": Key(NUM, False, 0, 1, _BOUND),
                 "inv_beta_v": Key(NUM, False, 0, 1, _BOUND)}

# [timing] (docs/pipeline.md): the rule numbers, each an expression of the parameters with its
# least legal value (checked per configuration, once the parameters fix it) and the reason;
# the lists of instruction or class names; the table ex_cycles (its special keys, at least 1).
TIMING_NUMBERS: dict[str, tuple[int, str]] = {
    "fetch_to_ex": (1, "EX is a later stage than IF"),
    "late_use": (0, "a wait in cycles"),
    "mem_port": (0, "a wait in cycles"),
    "gecp_resolve": (0, "a wait in cycles"),
    "mispredict_penalty": (0, "a wait in cycles"),
    "retire": (1, "MW is a later stage than EX"),
    "counter_read": (0, "a cycle of EX, 0 = the first"),
}
TIMING_NAME_LISTS = ("late", "mem_port_mw", "mem_port_ex", "resolve_in_mw", "always_redirect")
TIMING_EX_SPECIAL = ("default", "trap")
TIMING_EX_MIN = 1  # an instruction occupies EX for at least a cycle
TIMING: Schema = {"stages": Key(list, True), "written_operands": Key(list, True), "ex_cycles": Key(dict, True),
                  **{k: Key(str, True) for k in TIMING_NUMBERS}, **{k: Key(list, True) for k in TIMING_NAME_LISTS}}

TOP_LEVEL = ("bounds", "isa", "timing", "fields", "operands", "regfiles", "formats", "nonlinear", "constants",
             "csrs", "traps", "predictor", "params", "configs")


def show_range(key: Key) -> str:
    def num(v: float) -> str:
        if v == INF:
            return "inf"
        return f"{int(v)}" if float(v).is_integer() else f"{v:g}"
    return f"[{num(key.lo)}, {num(key.hi)}]"
