"""Markdown reference documentation generated from the spec (`lpu isa doc`).

Reads only the `Spec` object, so the pages can never disagree with the model, the RTL or the
assembler: they all read the same data. One index page (formats, register files, CSRs,
traps, predictor, parameters, non-linear units, the field layout) and one page per
instruction class (syntax, encoding diagram, summary, semantics, worked examples).
"""

from __future__ import annotations

from pathlib import Path

from .types import Field, FixedFormat, Instruction, Spec

STAMP = "Generated from isa_spec/ by `lpu isa doc`; do not edit."
INDEX = "index.md"

OPERAND_KIND_TEXT = {
    "xreg": "scalar register",
    "breg": "box register",
    "simm": "signed immediate",
    "uimm": "unsigned immediate",
    "label": "pc-relative offset in instructions (label or number)",
    "csr": "CSR name or number",
}


# ---------------------------------------------------------------- small formatting helpers

def _cell(text: object) -> str:
    """A Markdown table cell: pipes escaped, newlines flattened."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out


def _value(v: object) -> str:
    """An example value as written in the spec's TOML (ints >= 4096 in hex for reading)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return hex(v) if v >= 4096 else str(v)
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    return str(v)


def _assignments(d: dict) -> str:
    return ", ".join(f"{k} = {_value(v)}" for k, v in d.items()) or "(reset state)"


def _real(v: float) -> str:
    return f"{v:.10g}"


def _slices(f: Field) -> str:
    return " ".join(f"[{m}:{lo}]" if m != lo else f"[{m}]" for m, lo in f.slices)


def _stamped(title: str, body: list[str]) -> str:
    return "\n".join([f"# {title}", "", f"> {STAMP}", "", *body]).rstrip() + "\n"


def page_name(iclass: str) -> str:
    return f"{iclass}.md"


# ---------------------------------------------------------------- bit diagrams

def _slice_value_bits(f: Field) -> list[tuple[int, int, int, int]]:
    """(msb, lsb, value_hi, value_lo) per slice: which bits of the field value it holds."""
    out, hi = [], f.width - 1
    for msb, lsb in f.slices:
        w = msb - lsb + 1
        out.append((msb, lsb, hi, hi - w + 1))
        hi -= w
    return out


def encoding_segments(spec: Spec, ins: Instruction) -> list[tuple[int, int, str, str]]:
    """(msb, lsb, top label, field name) for every slice of the encoding, msb-first.

    Fixed (matched) fields are labelled with their bits in binary, operand fields with the
    operand name (plus the value bits it holds when the field is split)."""
    segs = []
    for op in ins.operands:
        split = len(op.field.slices) > 1
        for msb, lsb, vhi, vlo in _slice_value_bits(op.field):
            label = f"{op.name}[{vhi}:{vlo}]" if split else op.name
            segs.append((msb, lsb, label, op.field.name))
    for fname, value in ins.match.items():
        f = spec.fields[fname]
        for msb, lsb, vhi, vlo in _slice_value_bits(f):
            bits = (value >> vlo) & ((1 << (vhi - vlo + 1)) - 1)
            segs.append((msb, lsb, format(bits, f"0{vhi - vlo + 1}b"), fname))
    return sorted(segs, key=lambda s: -s[0])


def encoding_diagram(spec: Spec, ins: Instruction) -> str:
    """A boxed bit diagram: bit numbers, fixed values / operand names, field names."""
    segs = encoding_segments(spec, ins)
    widths = [max(len(top), len(name), len(str(m)) + len(str(lo)) + 1) + 2 for m, lo, top, name in segs]
    head, rule, tops, names = "", "", "", ""
    for (msb, lsb, top, name), w in zip(segs, widths, strict=True):
        head += " " + (str(msb).ljust(w - len(str(lsb))) + str(lsb) if msb != lsb else str(msb).center(w))
        rule += "+" + "-" * w
        tops += "|" + top.center(w)
        names += "|" + name.center(w)
    lines = [head, rule + "+", tops + "|", names + "|", rule + "+"]
    return "\n".join(line.rstrip() for line in lines)


def field_diagram(spec: Spec) -> str:
    """One row per field: '#' on the bits it occupies, under a two-line bit-number ruler."""
    n = spec.ilen
    pad = max(len(f) for f in spec.fields) + 2
    tens = "".join(str(b // 10) for b in range(n - 1, -1, -1))
    ones = "".join(str(b % 10) for b in range(n - 1, -1, -1))
    lines = [" " * pad + tens, " " * pad + ones]
    for f in spec.fields.values():
        row = "".join("#" if f.mask >> b & 1 else "." for b in range(n - 1, -1, -1))
        lines.append(f"{f.name.ljust(pad)}{row}  {_slices(f)}, {f.width} bits")
    return "\n".join(lines)


# ---------------------------------------------------------------- index page

def _format_range(f: FixedFormat) -> str:
    return f"[{_real(f.to_float(f.min_raw))}, {_real(f.to_float(f.max_raw))}]"


def _param_constraints(spec: Spec, name: str) -> str:
    p = spec.params[name]
    parts = []
    if p.pow2:
        parts.append("power of two")
    if p.divides:
        parts.append(f"divides {p.divides}")
    return ", ".join(parts) or "-"


def _nl_bound(spec: Spec, name: str) -> str:
    nl = spec.nonlinear[name]
    ulp = spec.formats[nl.output_format].ulp
    text = f"{nl.bound_ulp:g} ulp of {nl.output_format} ({nl.bound_ulp * ulp:.3g})"
    if nl.bound_rel:
        text += f" + {nl.bound_rel:g} x |f|"
    return "|err| <= " + text


def _csr_reset(spec: Spec, name: str) -> str:
    c = spec.csrs[name]
    if isinstance(c.reset, str):  # the value of a generator parameter
        return f"{c.reset} (parameter)"
    if c.format:
        return f"{c.reset:#x} ({_real(spec.formats[c.format].to_float(c.reset))})"
    return hex(c.reset)


def index_page(spec: Spec) -> str:
    b: list[str] = [
        f"The {spec.name} instruction-set architecture, version {spec.version}: "
        f"{spec.xlen}-bit scalar registers, {spec.ilen}-bit instructions, reset PC {spec.reset_pc:#x}.",
        "",
        "## Instruction classes",
        "",
    ]
    b += _table(["class", "summary", "instructions"], [
        [f"[{c}]({page_name(c)})", summary,
         ", ".join(i.name for i in spec.instructions.values() if i.iclass == c)]
        for c, summary in spec.classes.items()])

    b += ["", "## Encoding fields", "",
          f"Bit ranges of the {spec.ilen}-bit instruction word. A field may be split into "
          "several slices; its value is their concatenation, most significant slice first.",
          "", "```text", field_diagram(spec), "```", ""]
    b += _table(["field", "bits", "width", "operands encoded in it"], [
        [f.name, _slices(f), f.width,
         ", ".join(o.name for o in spec.operands.values() if o.field.name == f.name) or "-"]
        for f in spec.fields.values()])

    b += ["", "## Operands", ""]
    b += _table(["operand", "kind", "field"], [
        [o.name, OPERAND_KIND_TEXT.get(o.kind, o.kind), o.field.name] for o in spec.operands.values()])

    b += ["", "## Register files", ""]
    b += _table(["file", "names", "count", "width", "zero register", "summary"], [
        [r.name, f"{r.prefix}0..", r.count_param, r.width if r.width is not None else "-",
         f"{r.prefix}{r.zero_register}" if r.zero_register is not None else "-", r.summary]
        for r in spec.regfiles.values()])

    b += ["", "## Fixed-point formats", "",
          "value = raw / 2^frac; signed formats are two's complement. Rounding is round-half-up "
          "and results saturate to the range.", ""]
    b += _table(["format", "signed", "width", "frac", "range", "step", "summary"], [
        [f.name, "yes" if f.signed else "no", f.width, f.frac, _format_range(f), f"{f.ulp:.3g}", f.summary]
        for f in spec.formats.values()])
    b += ["", "Why these formats:", ""]
    b += [f"- **{f.name}**: {f.why}" for f in spec.formats.values()]

    b += ["", "## Non-linear units", "",
          "Each unit is a table of 2^NLT_BITS + 1 entries with linear interpolation. The error "
          "bound is against the exact function, in units of the output format.", ""]
    b += _table(["unit", "summary", "input frac", "table domain", "output", "table frac", "error bound"], [
        [n.name, n.summary, n.input_frac, f"[0, {2 ** n.domain_int_bits})", n.output_format,
         n.table_frac, _nl_bound(spec, n.name)]
        for n in spec.nonlinear.values()])

    bounds = getattr(spec, "bounds", {}) or {}
    if bounds:
        b += ["", "### Error bounds of the box operators", "",
              "Against the float64 reference, for exactly representable inputs.", ""]
        b += _table(["operator", "bound", "coefficients"], [
            [name, d.get("summary", ""),
             ", ".join(f"{k} = {v:g}" if isinstance(v, float) else f"{k} = {v}"
                       for k, v in d.items() if k != "summary") or "-"]
            for name, d in bounds.items()])

    b += ["", "## Constants", ""]
    b += _table(["constant", "value", "frac", "raw", "summary"], [
        [c.name, _real(c.value), c.frac, hex(c.raw), c.summary] for c in spec.constants.values()])

    b += ["", "## Control and status registers", "",
          "A write to a read-only CSR, or any access to an unknown number, is an illegal instruction.", ""]
    b += _table(["csr", "number", "access", "format", "reset", "summary"], [
        [c.name, f"{c.number:#05x}", c.access, c.format or "-", _csr_reset(spec, c.name), c.summary]
        for c in spec.csrs.values()])

    b += ["", "## Traps", "", "On a trap: mcause = code, mepc = the PC, mtval = the value below.", ""]
    b += _table(["code", "trap", "mtval", "summary"], [
        [t.code, t.name, t.tval, t.summary] for t in sorted(spec.traps.values(), key=lambda t: t.code)])

    p = spec.predictor
    b += ["", "## Branch predictor", "", p.summary, ""]
    b += _table(["property", "value"], [
        ["counter bits", p.counter_bits], ["reset counter", p.reset_counter],
        ["predict taken when counter >=", p.taken_threshold], ["index", f"`{p.index}`"]])

    b += ["", "## Generator parameters", "",
          "Every legal combination generates; an illegal one is refused with the parameter named.", ""]
    b += _table(["parameter", "legal range", "default", "constraint", "summary"], [
        [q.name, f"{q.min} .. {q.max}", q.default, _param_constraints(spec, q.name), q.summary]
        for q in spec.params.values()])

    b += ["", "## Named configurations", ""]
    names = list(spec.params)
    b += _table(["config", *names, "summary"], [
        [c, *(values[n] for n in names), spec.config_summaries[c]] for c, values in spec.configs.items()])
    return _stamped(f"{spec.name} ISA {spec.version}", b)


# ---------------------------------------------------------------- class pages

def _instruction_section(spec: Spec, ins: Instruction) -> list[str]:
    syntax = f"{ins.name} {ins.syntax}".strip()
    b = [f"## {ins.name}", "", ins.summary, "", f"Syntax: `{syntax}`", ""]
    if ins.operands:
        b += [f"- `{o.name}`: {OPERAND_KIND_TEXT.get(o.kind, o.kind)}, field `{o.field.name}`"
              for o in ins.operands]
        b.append("")
    b += ["Encoding:", "", "```text", encoding_diagram(spec, ins), "```", "",
          f"match `{ins.match_bits:#010x}`, mask `{ins.mask_bits:#010x}`", ""]
    if ins.conditional:
        b += ["Conditional branch: predicted, counted (branches, mispred) and trains the predictor.", ""]
    b += [f"Semantics: {ins.semantics}", "", "Worked examples:", ""]
    b += _table(["asm", "initial state", "expected", "tolerance"], [
        [f"`{e.asm}`", _assignments(e.init), _assignments(e.expect), _real(e.tol) if e.tol else "exact"]
        for e in ins.examples])
    return [*b, ""]


def class_page(spec: Spec, iclass: str) -> str:
    instrs = [i for i in spec.instructions.values() if i.iclass == iclass]
    b = [f"[Back to the ISA overview]({INDEX})", "",
         f"Instructions: {', '.join(f'[{i.name}](#{i.name})' for i in instrs)}.", "",
         "In the worked examples, integers are raw values and reals are Q16.16 values (for a CSR "
         "with a format, that format's values); `x1`, `b1.lo`, `mem.16` (byte address) and CSR "
         "names denote state.", ""]
    for ins in instrs:
        b += _instruction_section(spec, ins)
    return _stamped(f"{iclass}: {spec.classes[iclass]}", b)


# ---------------------------------------------------------------- output

def generate(spec: Spec) -> dict[str, str]:
    """File name -> Markdown text, for the index and every instruction class."""
    pages = {INDEX: index_page(spec)}
    for iclass in spec.classes:
        name = page_name(iclass)
        if name in pages:
            raise ValueError(f"instruction class '{iclass}' collides with the page {name}")
        pages[name] = class_page(spec, iclass)
    return pages


def write_docs(spec: Spec, out_dir: Path) -> list[Path]:
    """Write the pages; remove pages generated earlier for classes that no longer exist
    (only files carrying the stamp, so hand-written files in out_dir are never touched)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    pages = generate(spec)
    for old in out_dir.glob("*.md"):
        if old.name not in pages and STAMP in old.read_text(encoding="utf-8", errors="replace"):
            old.unlink()
    written = []
    for name, text in pages.items():
        path = out_dir / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


# ---------------------------------------------------------------- timing table (docs/rtl.md)

TIMING_BEGIN = "<!-- timing table: generated from isa.toml [timing] by `lpu isa doc --rtl-doc`; do not edit -->"
TIMING_END = "<!-- end of the generated timing table -->"

# The rule numbers of [timing], in the order of docs/pipeline.md, with what each one is.
TIMING_RULES = {
    "fetch_to_ex": "2a: from leaving IF to the first EX cycle",
    "late_use": "2c: extra wait of an instruction reading the x register a late instruction (just before it) writes",
    "mem_port": "2d: extra wait of {mem_port_ex} right after {mem_port_mw} (one data-memory port)",
    "gecp_resolve": "2e: extra wait of the instruction after {resolve_in_mw} (it resolves in MW)",
    "mispredict_penalty": "5: bubbles after a redirect from EX (a mispredicted conditional branch, {always_redirect}, "
                          "a trap), or from MW (a mispredicted {resolve_in_mw})",
    "retire": "4: from the last EX cycle to retirement (MW)",
    "counter_read": "6: the EX cycle (0 = the first) in which `csrr` reads `cycle`",
}


def timing_markdown(spec: Spec) -> list[str]:
    """The pipeline timing rules' values per named configuration: EX cycles per instruction
    group (one row per distinct expression), the rule numbers, the name lists."""
    from .timing import evaluate, ex_key, members

    t = spec.timing
    configs = list(spec.configs)
    tables = {c: evaluate(spec, c, spec.configs[c]) for c in configs}

    def names(key: str) -> str:
        return ", ".join(f"`{n}`" for n in sorted(members(spec, t.lists[key]), key=list(spec.instructions).index))

    groups: dict[str, list[str]] = {}   # expression -> the instructions it applies to
    for ins in spec.instructions.values():
        groups.setdefault(t.ex_cycles[ex_key(spec, ins.name)], []).append(ins.name)
    out = [f"Stages: {', '.join(t.stages)}; rules and notation in [pipeline.md](pipeline.md). "
           f"EX cycles (rule 3; BEATS = D / LANES):", ""]
    rows = [[", ".join(f"`{n}`" for n in group), expr, *(tables[c].ex_cycles[group[0]] for c in configs)]
            for expr, group in groups.items()]
    rows.append(["a trap (or a fetch fault)", t.ex_cycles["trap"], *(tables[c].ex_cycles["trap"] for c in configs)])
    out += _table(["instructions", "EX cycles", *configs], rows)
    fill = {k: names(k) for k in t.lists}
    out += ["", "Timing rules (cycles):", ""]
    out += _table(["rule", "key", "expression", *configs],
                  [[what.format(**fill), f"`{k}`", t.numbers[k], *(getattr(tables[c], k) for c in configs)]
                   for k, what in TIMING_RULES.items()])
    out += ["", f"Late (scalar result in MW, rule 2c): {fill['late']}. Conditional branches resolve in EX, "
            f"except {fill['resolve_in_mw']} (MW); other jumps are taken in IF (no bubble). "
            f"Written operands (not sources): {', '.join(f'`{o}`' for o in t.written_operands)}."]
    return out


def with_timing_table(text: str, spec: Spec) -> str:
    """`text` (docs/rtl.md) with the section between the markers regenerated."""
    if TIMING_BEGIN not in text or TIMING_END not in text:
        raise ValueError("no generated timing section (its begin and end markers) in the file")
    head, rest = text.split(TIMING_BEGIN, 1)
    _, tail = rest.split(TIMING_END, 1)
    return "\n".join([head + TIMING_BEGIN, *timing_markdown(spec), TIMING_END]) + tail
