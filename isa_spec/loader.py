"""Load and check the ISA spec: isa.toml plus one file per instruction class.

`load_spec()` returns a typed `Spec`; every problem raises `SpecError` naming the file, the
entry and the field. The spec is read once per process and cached.
"""

from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path

from . import schema
from .errors import SpecError
from .types import (
    OPERAND_KINDS,
    Constant,
    Csr,
    Example,
    Field,
    FixedFormat,
    Instruction,
    NonLinear,
    Operand,
    Param,
    Predictor,
    RegFile,
    Spec,
    Trap,
)

SPEC_DIR = Path(__file__).resolve().parent
ISA_FILE = SPEC_DIR / "isa.toml"
INSTRUCTION_DIR = SPEC_DIR / "instructions"
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(SPEC_DIR.parent))
    except ValueError:
        return str(path)


def _read_toml(path: Path) -> dict:
    """The parsed file; a missing, unreadable, non-UTF-8 or malformed file is a SpecError."""
    where = _rel(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SpecError(where, None, None, "file not found") from None
    except IsADirectoryError:
        raise SpecError(where, None, None, "is a directory, not a TOML file") from None
    except OSError as exc:
        raise SpecError(where, None, None, f"cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")  # TOML is UTF-8 by definition
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise SpecError(f"{where}:{line}", None, None,
                        f"not UTF-8 text (byte {raw[exc.start]:#04x} at offset {exc.start})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(where, None, None, f"not valid TOML: {exc}") from None


def check_entry(file: str, entry: str, data, sch: schema.Schema) -> None:
    if not isinstance(data, dict):
        raise SpecError(file, entry, None, f"must be a table, got {type(data).__name__}")
    for key in data:
        if key not in sch:
            allowed = ", ".join(sorted(sch))
            raise SpecError(file, entry, key, f"unknown key (allowed: {allowed})")
    for key, rule in sch.items():
        if key not in data:
            if rule.required:
                raise SpecError(file, entry, key, "missing (required)")
            continue
        value = data[key]
        types = rule.type if isinstance(rule.type, tuple) else (rule.type,)
        if isinstance(value, bool) and bool not in types:
            ok = False
        else:
            ok = isinstance(value, types)
        if not ok:
            names = " or ".join(t.__name__ for t in types)
            raise SpecError(file, entry, key, f"must be {names}, got {value!r}")
        if rule.lo is not None and not isinstance(value, (bool, str)) and not rule.lo <= value <= rule.hi:
            raise SpecError(file, entry, key, f"{value!r} is outside its legal range "
                            f"{schema.show_range(rule)} ({rule.why})")


def _section(file: str, doc: dict, name: str) -> dict:
    if name not in doc:
        raise SpecError(file, None, name, "missing section")
    sec = doc[name]
    if not isinstance(sec, dict):
        raise SpecError(file, None, name, "must be a table")
    return sec


def _load_fields(file: str, sec: dict, ilen: int) -> dict[str, Field]:
    out = {}
    for name, slices in sec.items():
        entry = f"field '{name}'"
        if not isinstance(slices, list) or not slices:
            raise SpecError(file, entry, None, "must be a non-empty list of [msb, lsb] pairs")
        parsed, used = [], 0
        for sl in slices:
            if (not isinstance(sl, list) or len(sl) != 2
                    or not all(isinstance(b, int) and not isinstance(b, bool) for b in sl)):
                raise SpecError(file, entry, None, f"slice {sl!r} is not [msb, lsb]")
            msb, lsb = sl
            if not (0 <= lsb <= msb < ilen):
                raise SpecError(file, entry, None, f"slice [{msb}, {lsb}] outside 0..{ilen - 1}")
            bits = ((1 << (msb - lsb + 1)) - 1) << lsb
            if used & bits:
                raise SpecError(file, entry, None, f"slice [{msb}, {lsb}] overlaps another")
            used |= bits
            parsed.append((msb, lsb))
        out[name] = Field(name, tuple(parsed))
    return out


def _example(file: str, entry: str, idx: int, data) -> Example:
    where = f"{entry} example {idx}"
    check_entry(file, where, data, schema.EXAMPLE)
    return Example(asm=data["asm"], init=dict(data.get("init", {})), expect=dict(data["expect"]),
                   tol=float(data.get("tol", 0.0)), where=f"{file}: {where}")


def syntax_operand_names(syntax: str) -> list[str]:
    return re.findall(r"[A-Za-z_][A-Za-z0-9_]*", syntax)


def _load_instruction(file: str, iclass: str, data, idx: int, spec: Spec) -> Instruction:
    entry = f"instruction {idx}"
    if isinstance(data, dict) and isinstance(data.get("name"), str):
        entry = f"instruction '{data['name']}'"
    check_entry(file, entry, data, schema.INSTRUCTION)
    name = data["name"]
    if not NAME_RE.match(name):
        raise SpecError(file, entry, "name", "must be lower-case letters, digits and _")
    ops = []
    covered = 0
    for opname in syntax_operand_names(data["syntax"]):
        if opname not in spec.operands:
            raise SpecError(file, entry, "syntax", f"unknown operand '{opname}' "
                            f"(known: {', '.join(sorted(spec.operands))})")
        op = spec.operands[opname]
        if covered & op.field.mask:
            raise SpecError(file, entry, "syntax", f"operand '{opname}' overlaps another operand")
        covered |= op.field.mask
        ops.append(op)
    mask_bits = match_bits = 0
    for fname, value in data["match"].items():
        if fname not in spec.fields:
            raise SpecError(file, entry, "match", f"unknown field '{fname}'")
        fld = spec.fields[fname]
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < (1 << fld.width):
            raise SpecError(file, entry, "match", f"{fname} = {value!r} does not fit {fld.width} bits")
        if (covered | mask_bits) & fld.mask:
            raise SpecError(file, entry, "match", f"field '{fname}' overlaps an operand or another match field")
        mask_bits |= fld.mask
        match_bits = fld.insert(match_bits, value)
    full = (1 << spec.ilen) - 1
    if (covered | mask_bits) != full:
        missing = full & ~(covered | mask_bits)
        raise SpecError(file, entry, "match", f"encoding bits {missing:#010x} are neither operands "
                        "nor matched (list reserved fields with value 0)")
    if data.get("result", "bool") not in schema.RESULT_KINDS:
        raise SpecError(file, entry, "result", f"'{data['result']}' is not one of {', '.join(schema.RESULT_KINDS)}")
    examples = data["example"]
    if not examples:
        raise SpecError(file, entry, "example", "at least one worked example is required")
    return Instruction(
        name=name, iclass=iclass, syntax=data["syntax"], operands=tuple(ops),
        match=dict(data["match"]), mask_bits=mask_bits, match_bits=match_bits,
        summary=data["summary"], semantics=data["semantics"],
        examples=tuple(_example(file, entry, i, e) for i, e in enumerate(examples)),
        conditional=bool(data.get("conditional", False)), source=file, result=data.get("result"))


def _check_conflicts(instrs: list[Instruction]) -> None:
    for i, a in enumerate(instrs):
        for b in instrs[i + 1:]:
            common = a.mask_bits & b.mask_bits
            if (a.match_bits ^ b.match_bits) & common == 0:
                raise SpecError(b.source, f"instruction '{b.name}'", "match",
                                f"encoding overlaps instruction '{a.name}' ({a.source})")


def _entries(file: str, doc: dict, section: str, sch: schema.Schema, what: str):
    for name, data in _section(file, doc, section).items():
        check_entry(file, f"{what} '{name}'", data, sch)
        yield name, data


def load_spec_from(isa_file: Path, instruction_dir: Path) -> Spec:
    from .timing_loader import check_timing_names, load_timing  # it reads the helpers above
    file = _rel(isa_file)
    doc = _read_toml(isa_file)
    for key in doc:
        if key not in schema.TOP_LEVEL:
            raise SpecError(file, None, key, f"unknown section (allowed: {', '.join(schema.TOP_LEVEL)})")
    isa = _section(file, doc, "isa")
    check_entry(file, "[isa]", isa, schema.ISA)
    fields = _load_fields(file, _section(file, doc, "fields"), isa["ilen"])
    if isa["reset_pc"] % (isa["ilen"] // 8):
        raise SpecError(file, "[isa]", "reset_pc", f"{isa['reset_pc']:#x} is not instruction-aligned "
                        f"(a multiple of {isa['ilen'] // 8})")

    operands = {}
    for name, d in _entries(file, doc, "operands", schema.OPERAND, "operand"):
        if d["kind"] not in OPERAND_KINDS:
            raise SpecError(file, f"operand '{name}'", "kind", f"'{d['kind']}' is not one of {OPERAND_KINDS}")
        if d["field"] not in fields:
            raise SpecError(file, f"operand '{name}'", "field", f"unknown field '{d['field']}'")
        operands[name] = Operand(name, d["kind"], fields[d["field"]])

    params = {}
    for name, d in _entries(file, doc, "params", schema.PARAM, "param"):
        p = Param(name=name, min=d["min"], max=d["max"], default=d["default"], summary=d["summary"],
                  pow2=d.get("pow2", False), divides=d.get("divides"))
        if p.min > p.max:
            raise SpecError(file, f"param '{name}'", "max", f"{p.max} is below min {p.min}")
        if not p.min <= p.default <= p.max:
            raise SpecError(file, f"param '{name}'", "default", f"{p.default} outside [{p.min}, {p.max}]")
        params[name] = p
    for p in params.values():
        if p.divides is not None and p.divides not in params:
            raise SpecError(file, f"param '{p.name}'", "divides", f"unknown parameter '{p.divides}'")

    regfiles = {}
    for name, d in _entries(file, doc, "regfiles", schema.REGFILE, "regfile"):
        if d["count_param"] not in params:
            raise SpecError(file, f"regfile '{name}'", "count_param", f"unknown parameter '{d['count_param']}'")
        regfiles[name] = RegFile(name=name, **d)
        # a register index must fit every operand field that names one of these registers
        for op in operands.values():
            top = params[d["count_param"]].max
            if op.kind == d["kind"] and top > 1 << op.field.width:
                raise SpecError(file, f"param '{d['count_param']}'", "max",
                                f"{top} registers cannot be named by operand '{op.name}' "
                                f"({op.field.width}-bit field '{op.field.name}': at most {1 << op.field.width})")

    formats = {n: FixedFormat(name=n, **d) for n, d in _entries(file, doc, "formats", schema.FORMAT, "format")}
    for f in formats.values():
        if f.frac > f.width:
            raise SpecError(file, f"format '{f.name}'", "frac", f"{f.frac} fraction bits exceed the width {f.width}")
    nonlinear = {}
    for n, d in _entries(file, doc, "nonlinear", schema.NONLINEAR, "nonlinear"):
        if d["output_format"] not in formats:
            raise SpecError(file, f"nonlinear '{n}'", "output_format", f"unknown format '{d['output_format']}'")
        nonlinear[n] = NonLinear(name=n, **d)
    constants = {n: Constant(name=n, **d) for n, d in _entries(file, doc, "constants", schema.CONSTANT, "constant")}
    for c in constants.values():
        if not -(1 << 63) <= c.raw < 1 << 63:
            raise SpecError(file, f"constant '{c.name}'", "value",
                            f"{c.value} * 2**{c.frac} does not fit a signed 64-bit raw value")

    csrs, numbers = {}, {}
    for n, d in _entries(file, doc, "csrs", schema.CSR, "csr"):
        entry = f"csr '{n}'"
        if d["access"] not in ("rw", "ro"):
            raise SpecError(file, entry, "access", "must be 'rw' or 'ro'")
        if not 0 <= d["number"] < (1 << fields["csr"].width):
            raise SpecError(file, entry, "number", f"does not fit the csr field ({fields['csr'].width} bits)")
        if d["number"] in numbers:
            raise SpecError(file, entry, "number", f"{d['number']:#x} already used by csr '{numbers[d['number']]}'")
        if isinstance(d["reset"], str) and d["reset"] not in params:
            raise SpecError(file, entry, "reset", f"unknown parameter '{d['reset']}'")
        if "format" in d and d["format"] not in formats:
            raise SpecError(file, entry, "format", f"unknown format '{d['format']}'")
        numbers[d["number"]] = n
        csrs[n] = Csr(name=n, number=d["number"], access=d["access"], reset=d["reset"],
                      summary=d["summary"], format=d.get("format"))

    traps, codes = {}, {}
    for n, d in _entries(file, doc, "traps", schema.TRAP, "trap"):
        if d["code"] <= 0 or d["code"] in codes:
            raise SpecError(file, f"trap '{n}'", "code", "must be > 0 and unique")
        codes[d["code"]] = n
        traps[n] = Trap(name=n, **d)

    pred = _section(file, doc, "predictor")
    check_entry(file, "[predictor]", pred, schema.PREDICTOR)
    top = (1 << pred["counter_bits"]) - 1
    for key, lo in (("reset_counter", 0), ("taken_threshold", 1)):
        if not lo <= pred[key] <= top:
            raise SpecError(file, "[predictor]", key, f"{pred[key]} is outside its legal range [{lo}, {top}] "
                            f"(a {pred['counter_bits']}-bit counter value)")
    predictor = Predictor(kind=pred["kind"], counter_bits=pred["counter_bits"], reset_counter=pred["reset_counter"],
                          taken_threshold=pred["taken_threshold"], index=pred["index"],
                          summary=pred["summary"])

    configs, summaries = {}, {}
    for cname, d in _section(file, doc, "configs").items():
        entry = f"config '{cname}'"
        if not isinstance(d, dict) or not isinstance(d.get("summary"), str):
            raise SpecError(file, entry, "summary", "missing (required)")
        values = {p.name: p.default for p in params.values()}
        for k, v in d.items():
            if k == "summary":
                continue
            if k not in params:
                raise SpecError(file, entry, k, "unknown parameter")
            values[k] = v
        configs[cname] = values
        summaries[cname] = d["summary"]

    spec = Spec(name=isa["name"], version=isa["version"], xlen=isa["xlen"], ilen=isa["ilen"],
                reset_pc=isa["reset_pc"], fields=fields, operands=operands, regfiles=regfiles,
                formats=formats, nonlinear=nonlinear, constants=constants, csrs=csrs,
                traps=traps, predictor=predictor, params=params, configs=configs,
                config_summaries=summaries, classes={}, timing=load_timing(file, doc, params, operands))

    for n, d in _entries(file, doc, "bounds", schema.BOUND, "bound"):
        spec.bounds[n] = dict(d)
    all_instrs: list[Instruction] = []
    if not instruction_dir.is_dir():
        raise SpecError(_rel(instruction_dir), None, None, "instruction directory not found")
    for path in sorted(instruction_dir.glob("*.toml")):
        f = _rel(path)
        doc_i = _read_toml(path)
        check_entry(f, "[file]", doc_i, schema.CLASS_FILE)
        iclass = doc_i["class"]
        if iclass in spec.classes:
            raise SpecError(f, "[file]", "class", f"class '{iclass}' already defined in another file")
        spec.classes[iclass] = doc_i["summary"]
        for idx, data in enumerate(doc_i["instruction"]):
            ins = _load_instruction(f, iclass, data, idx, spec)
            if ins.name in spec.instructions:
                raise SpecError(f, f"instruction '{ins.name}'", "name",
                                f"already defined in {spec.instructions[ins.name].source}")
            spec.instructions[ins.name] = ins
            all_instrs.append(ins)
    _check_conflicts(all_instrs)
    check_timing_names(file, spec)
    # Configs are checked with the same validator the CLI uses.
    from .params import validate_params
    for cname, values in configs.items():
        try:
            validate_params(spec, values)
        except ValueError as exc:
            raise SpecError(file, f"config '{cname}'", None, str(exc)) from None
        from .timing import evaluate
        evaluate(spec, cname, values)   # the timing numbers are legal in every named configuration
    from .example_check import check_example
    for ins in spec.instructions.values():
        for i, ex in enumerate(ins.examples):
            check_example(spec, ins, i, ex)
    return spec


@functools.lru_cache(maxsize=1)
def load_spec() -> Spec:
    return load_spec_from(ISA_FILE, INSTRUCTION_DIR)
