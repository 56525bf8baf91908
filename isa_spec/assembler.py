"""Two-pass assembler for the LPU, generated from the ISA spec.

Mnemonics, operand templates (each instruction's `syntax`), field positions, register
prefixes and CSR names all come from `load_spec()`, so an instruction added to
isa_spec/instructions/ assembles with no change here. The only instruction names written
in this module are in PSEUDO_INSTRUCTIONS, the documented table of pseudo-instructions.

Source syntax: one statement per line; `#` or `;` starts a comment; `name:` defines a label;
sections `.text` (default) and `.data`; directives `.word`, `.fx`, `.space`, `.equ`.
Immediates are expressions: numbers (decimal, 0x, 0b), symbols, `+`/`-`, parentheses,
`fx(1.5)` (the Q16.16 raw value), `%hi(v)` and `%lo(v)` (the parts `li` loads).
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass

from .asm_expr import HILO_INT, PLAIN_INT, WordLayout, evaluate, fx_raw, hilo, parse_real
from .asm_expr import AsmFail as _Fail
from .asm_syntax import NAME, NAME_RE, _match_general, match_syntax, split_top  # noqa: F401 (re-exported)
from .bits import to_signed
from .errors import LpuError
from .loader import load_spec
from .types import Instruction, Operand, Spec


@dataclass(frozen=True)
class Pseudo:
    """A pseudo-instruction: `syntax` names placeholders that are substituted into each
    line of `expansion` (one real instruction per line, so the word count is fixed)."""

    name: str
    syntax: str
    expansion: tuple[str, ...]
    summary: str


PSEUDO_INSTRUCTIONS: dict[str, Pseudo] = {p.name: p for p in (
    Pseudo("nop", "", ("addi x0, x0, 0",), "Do nothing."),
    Pseudo("mv", "rd, rs", ("addi {rd}, {rs}, 0",), "Copy register rs to rd."),
    Pseudo("j", "target", ("jal x0, {target}",), "Jump to a label (or instruction offset), no link."),
    Pseudo("li", "rd, value", ("lui {rd}, %hi({value})", "addi {rd}, {rd}, %lo({value})"),
           "Load any 32-bit value; always two words so that later addresses never depend on it."),
    Pseudo("la", "rd, label", ("lui {rd}, %hi({label})", "addi {rd}, {rd}, %lo({label})"),
           "Load the byte address of a text or data label; two words, like li."),
)}

DIRECTIVES = (".data", ".equ", ".fx", ".space", ".text", ".word")


@dataclass
class Program:
    text: list[int]  # instruction words, unsigned
    data: list[int]  # data-memory words, signed 32-bit
    symbols: dict[str, int]  # labels (byte addresses) and .equ values
    text_lines: list[int]  # source line of each text word


class AsmError(LpuError, ValueError):
    def __init__(self, file: str, line: int, message: str):
        self.file, self.line, self.message = file, line, message
        super().__init__(f"{file}:{line}: {message}")


_NAME, _NAME_RE = NAME, NAME_RE
_LABEL_RE = re.compile(rf"\s*({_NAME})\s*:")
_STMT_RE = re.compile(rf"(\.?{_NAME})(?:\s+(.*))?")
_COMMENT_RE = re.compile(r"[#;]")


def register_prefix(spec: Spec, kind: str) -> str:
    for rf in spec.regfiles.values():
        if rf.kind == kind:
            return rf.prefix
    raise _Fail(f"the spec has no register file of kind '{kind}'")


@functools.cache
def _register_re(prefix: str) -> re.Pattern:
    return re.compile(rf"{re.escape(prefix)}(\d+)", re.IGNORECASE)


@dataclass
class _Stmt:
    line: int
    ins: Instruction | None  # None: a raw `.word` in .text
    operands: str
    via: str | None = None  # the pseudo-instruction this came from


class _Assembler:
    def __init__(self, spec: Spec, filename: str):
        self.spec, self.file = spec, filename
        self.section = "text"
        self.text: list[_Stmt] = []
        self.data: list[int] = []
        self.data_fix: list[tuple[int, int, str]] = []  # (word index, line, expression)
        self.symbols: dict[str, int] = {}
        self.kind: dict[str, str] = {}  # symbol -> "text", "data" or "equ"
        self.defined_at: dict[str, int] = {}
        self.line = 0
        self.final = False  # pass 2: every symbol is known
        # byte addresses: text labels count instructions, data labels count words
        self.step = {"text": spec.ilen // 8, "data": spec.xlen // 8}
        li = PSEUDO_INSTRUCTIONS["li"].expansion  # %hi/%lo split as lui + addi encode it
        try:
            self.layout = WordLayout.from_spec(spec, li[0].split()[0], li[1].split()[0])
        except _Fail as exc:
            raise AsmError(filename, 0, str(exc)) from None

    def run(self, source: str) -> Program:
        for n, raw in enumerate(source.splitlines(), 1):
            self.line = n
            try:
                self._statement(raw)
            except _Fail as exc:
                raise AsmError(self.file, n, str(exc)) from None
        self.final = True
        words: list[int] = []
        for st in self.text:
            self.line = st.line
            try:
                words.append(self._encode(st, self.step["text"] * len(words)))
            except _Fail as exc:
                via = f" (in the expansion of '{st.via}')" if st.via else ""
                raise AsmError(self.file, st.line, f"{exc}{via}") from None
        for idx, line, expr in self.data_fix:
            self.line = line
            try:
                self.data[idx] = to_signed(self._word(expr), self.layout.word_bits)
            except _Fail as exc:
                raise AsmError(self.file, line, str(exc)) from None
        return Program(words, self.data, dict(self.symbols), [st.line for st in self.text])

    # ---- pass 1: layout ----

    def _statement(self, raw: str) -> None:
        text = _COMMENT_RE.split(raw, maxsplit=1)[0]
        while m := _LABEL_RE.match(text):
            where = len(self.text) if self.section == "text" else len(self.data)
            self._define(m.group(1), self.step[self.section] * where, self.section)
            text = text[m.end():]
        text = text.strip()
        if not text:
            return
        m = _STMT_RE.fullmatch(text)
        if not m:
            bad = text.split(":")[0].strip() if ":" in text else text
            raise _Fail(f"cannot parse '{bad}' (expected a label, mnemonic or directive)")
        head, rest = m.group(1), (m.group(2) or "").strip()
        if head.startswith("."):
            self._directive(head, rest)
        else:
            self._instruction(head.lower(), rest)

    def _define(self, name: str, value: int, kind: str) -> None:
        if name in self.symbols:
            what = "label" if kind != "equ" else "symbol"
            raise _Fail(f"duplicate {what} '{name}' (first defined on line {self.defined_at[name]})")
        self.symbols[name], self.kind[name], self.defined_at[name] = value, kind, self.line

    def _instruction(self, mnemonic: str, rest: str) -> None:
        if self.section != "text":
            raise _Fail(f"instruction '{mnemonic}' in the .data section (instructions belong in .text)")
        ins = self.spec.instructions.get(mnemonic)
        if ins is not None:
            self.text.append(_Stmt(self.line, ins, rest))
            return
        pseudo = PSEUDO_INSTRUCTIONS.get(mnemonic)
        if pseudo is None:
            known = [*self.spec.instructions, *PSEUDO_INSTRUCTIONS]
            close = difflib.get_close_matches(mnemonic, known, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise _Fail(f"unknown mnemonic '{mnemonic}'{hint}")
        ops = self._split(pseudo.name, pseudo.syntax, rest)
        for template in pseudo.expansion:
            name, _, operands = template.format(**ops).partition(" ")
            real = self.spec.instructions.get(name)
            if real is None:
                raise _Fail(f"pseudo-instruction '{mnemonic}' expands to '{name}', "
                            "which the spec does not define")
            self.text.append(_Stmt(self.line, real, operands.strip(), via=mnemonic))

    def _directive(self, name: str, rest: str) -> None:
        args = split_top(rest)
        if name in (".text", ".data"):
            if args:
                raise _Fail(f"'{name}' takes no arguments, got '{rest}'")
            self.section = name[1:]
        elif name == ".equ":
            if len(args) != 2 or not _NAME_RE.fullmatch(args[0]):
                raise _Fail(f"'.equ' needs 'NAME, value', got '{rest}'")
            self._define(args[0], self._eval(args[1]), "equ")
        elif name in (".word", ".fx", ".space"):
            self._data_directive(name, args, rest)
        else:
            close = difflib.get_close_matches(name, DIRECTIVES, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f" (known: {', '.join(DIRECTIVES)})"
            raise _Fail(f"unknown directive '{name}'{hint}")

    def _data_directive(self, name: str, args: list[str], rest: str) -> None:
        if not args or not all(args):
            raise _Fail(f"'{name}' needs a comma-separated list of values, got '{rest}'")
        if name == ".word" and self.section == "text":
            # Raw instruction words (e.g. an illegal encoding for a trap test); this is
            # also what the disassembler prints for a word no instruction matches.
            self.text.extend(_Stmt(self.line, None, a) for a in args)
            return
        if self.section != "data":
            raise _Fail(f"data directive '{name}' in the .text section (put it after '.data')")
        if name == ".word":
            for a in args:
                self.data_fix.append((len(self.data), self.line, a))
                self.data.append(0)
        elif name == ".fx":
            self.data.extend(fx_raw(parse_real(a), self.layout.fx) for a in args)
        else:
            if len(args) != 1:
                raise _Fail(f"'.space' takes one count, got '{rest}'")
            n = self._eval(args[0])
            if not 0 <= n <= 1 << 24:
                raise _Fail(f"'.space' count '{args[0]}' = {n} out of range [0, {1 << 24}]")
            self.data.extend([0] * n)

    def _split(self, mnemonic: str, syntax: str, text: str) -> dict[str, str]:
        ops = match_syntax(syntax, text)
        if ops is not None:
            return ops
        form = f"'{mnemonic} {syntax}'" if syntax else "no operands"
        want, got = len(split_top(syntax)), len(split_top(text))
        if want != got:
            raise _Fail(f"wrong operand count for '{mnemonic}': expected {want} ({form}), "
                        f"got {got} ('{text}')")
        raise _Fail(f"operands '{text}' do not match the syntax {form}")

    # ---- values ----

    def _resolve(self, name: str) -> int:
        if name in self.symbols:
            return self.symbols[name]
        for rf in self.spec.regfiles.values():
            if re.fullmatch(rf"{re.escape(rf.prefix)}\d+", name, re.IGNORECASE):
                raise _Fail(f"expected a value, got register '{name}'")
        if self.final:
            raise _Fail(f"undefined label or symbol '{name}'")
        raise _Fail(f"undefined symbol '{name}' (.equ and .space may only use symbols defined above them)")

    def _eval(self, text: str) -> int:
        if PLAIN_INT.fullmatch(text):   # most operands: skip the expression parser
            return int(text)
        m = HILO_INT.fullmatch(text)    # li's expansion: %hi(N) and %lo(N)
        if m:
            return hilo(m.group(1), int(m.group(2)), self.layout)
        return evaluate(text, self._resolve, self.layout)

    def _word(self, text: str) -> int:
        v, lay = self._eval(text), self.layout
        if not lay.word_min <= v <= lay.word_max:
            raise _Fail(f"'.word' value '{text}' = {v} does not fit {lay.word_bits} bits")
        return v

    # ---- pass 2: encoding ----

    def _encode(self, st: _Stmt, pc: int) -> int:
        if st.ins is None:
            return self._word(st.operands) & ((1 << self.layout.word_bits) - 1)
        ops = self._split(st.ins.name, st.ins.syntax, st.operands)
        word = st.ins.match_bits
        for op in st.ins.operands:
            word = op.field.insert(word, self._operand(op, ops[op.name], pc, st.ins.name))
        return word

    def _operand(self, op: Operand, text: str, pc: int, mnemonic: str) -> int:
        width = op.field.width
        if op.kind in ("xreg", "breg"):
            prefix = register_prefix(self.spec, op.kind)
            m = _register_re(prefix).fullmatch(text)
            if not m or int(m.group(1)) >= 1 << width:
                raise _Fail(f"bad register '{text}' for operand '{op.name}' of '{mnemonic}' "
                            f"(expected {prefix}0..{prefix}{(1 << width) - 1})")
            return int(m.group(1))
        if op.kind == "csr":
            csr = self.spec.csrs.get(text.lower())
            if csr is not None:
                return csr.number
            if _NAME_RE.fullmatch(text) and text not in self.symbols:
                raise _Fail(f"unknown CSR '{text}' (known: {', '.join(sorted(self.spec.csrs))})")
            return self._check(op, text, self._eval(text), mnemonic)
        if op.kind == "label" and _NAME_RE.fullmatch(text):
            kind = self.kind.get(text)
            if kind is None:
                raise _Fail(f"undefined label '{text}'")
            if kind == "data":
                raise _Fail(f"'{text}' is a data label; '{mnemonic}' needs an instruction label or offset")
            value = self.symbols[text]
            return self._check(op, text, (value - pc) // self.step["text"] if kind == "text" else value, mnemonic)
        return self._check(op, text, self._eval(text), mnemonic)

    @staticmethod
    def _check(op: Operand, text: str, value: int, mnemonic: str) -> int:
        width = op.field.width
        lo, hi = (-(1 << (width - 1)), (1 << (width - 1)) - 1) if op.signed else (0, (1 << width) - 1)
        if not lo <= value <= hi:
            what = {"label": "offset (in instructions)", "csr": "CSR number"}.get(op.kind, "immediate")
            shown = f"'{text}'" if text == str(value) else f"'{text}' = {value}"
            raise _Fail(f"{what} {shown} out of range [{lo}, {hi}] for operand '{op.name}' of '{mnemonic}'")
        return value


def assemble(source: str, filename: str = "<input>", *, spec: Spec | None = None) -> Program:
    """Assemble source text; every problem raises AsmError naming file, line and token."""
    return _Assembler(spec or load_spec(), filename).run(source)
