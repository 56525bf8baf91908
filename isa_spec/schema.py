"""The schema of the spec files: which keys each entry has, their types, which are required.

Each schema maps a key to (type or tuple of types, required). The loader checks every entry
against its schema before it builds typed objects, so a malformed spec fails with the file,
the entry and the field named.
"""

from __future__ import annotations

Schema = dict[str, tuple[type | tuple[type, ...], bool]]

NUM = (int, float)

ISA: Schema = {"name": (str, True), "version": (str, True), "xlen": (int, True),
               "ilen": (int, True), "reset_pc": (int, True)}
OPERAND: Schema = {"kind": (str, True), "field": (str, True)}
REGFILE: Schema = {"kind": (str, True), "prefix": (str, True), "count_param": (str, True),
                   "summary": (str, True), "width": (int, False), "zero_register": (int, False)}
FORMAT: Schema = {"signed": (bool, True), "width": (int, True), "frac": (int, True),
                  "summary": (str, True), "why": (str, True)}
NONLINEAR: Schema = {"function": (str, True), "summary": (str, True), "input_frac": (int, True),
                     "domain_int_bits": (int, True), "output_format": (str, True),
                     "table_frac": (int, True), "bound_ulp": (NUM, True), "bound_rel": (NUM, True)}
CONSTANT: Schema = {"value": (NUM, True), "frac": (int, True), "summary": (str, True)}
CSR: Schema = {"number": (int, True), "access": (str, True), "reset": ((int, str), True),
               "summary": (str, True), "format": (str, False)}
TRAP: Schema = {"code": (int, True), "tval": (str, True), "summary": (str, True)}
PREDICTOR: Schema = {"kind": (str, True), "counter_bits": (int, True), "reset_counter": (int, True),
                     "taken_threshold": (int, True), "index": (str, True), "summary": (str, True)}
PARAM: Schema = {"min": (int, True), "max": (int, True), "default": (int, True),
                 "summary": (str, True), "pow2": (bool, False), "divides": (str, False)}
CLASS_FILE: Schema = {"class": (str, True), "summary": (str, True), "instruction": (list, True)}
INSTRUCTION: Schema = {"name": (str, True), "syntax": (str, True), "match": (dict, True),
                       "summary": (str, True), "semantics": (str, True), "example": (list, True),
                       "conditional": (bool, False), "result": (str, False)}
RESULT_KINDS = ("bool", "compare")  # an instruction's optional `result`: what kind of value rd gets
EXAMPLE: Schema = {"asm": (str, True), "init": (dict, False), "expect": (dict, True),
                   "tol": (NUM, False)}

BOUND: Schema = {"summary": (str, True), "const_ulp": (NUM, True), "beta_i_ulp": (NUM, False),
                 "abs_x": (NUM, False), "inv_beta_v": (NUM, False)}

TOP_LEVEL = ("bounds", "isa", "latency", "fields", "operands", "regfiles", "formats", "nonlinear", "constants",
             "csrs", "traps", "predictor", "params", "configs")
