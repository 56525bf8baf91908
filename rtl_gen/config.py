"""One config object for every RTL block: the generator parameters plus what is derived
from them and from the spec (widths, constants, tables). Blocks take this, nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field

from isa_spec import Config, Spec, load_spec
from isa_spec.tables import build_table

from .units import RtlError


def clog2(n: int) -> int:
    return max(1, (n - 1).bit_length())


@dataclass(frozen=True)
class RtlConfig:
    name: str
    D: int
    LANES: int
    SREGS: int
    BREGS: int
    PRED_ENTRIES: int
    IMEM_WORDS: int
    DMEM_WORDS: int
    NLT_BITS: int
    xlen: int
    ilen: int         # instruction bits: one instruction per 32-bit memory word (checked)
    csr_bits: int     # width of the spec's csr field (CSR numbers, rvfi_csr_addr)
    q: int            # fraction bits of coord/log (16)
    temp_frac: int    # 24
    itemp_frac: int   # 18
    consts: dict[str, tuple[int, int]]   # name -> (raw, frac)
    tables: dict[str, tuple[int, ...]]   # non-linear unit name -> entries
    table_frac: dict[str, int]
    nl_input_frac: dict[str, int]
    nl_domain_int_bits: dict[str, int]
    # Per-design shared elaboration objects (one ROM memory per table); not a parameter.
    shared: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def insn_bytes(self) -> int:
        """PC step of one instruction."""
        return self.ilen // 8

    @property
    def insn_shift(self) -> int:
        """log2(insn_bytes): PC word index and branch offsets (in instructions) to bytes."""
        return clog2(self.insn_bytes)

    @property
    def beats(self) -> int:
        return self.D // self.LANES

    @property
    def beat_bits(self) -> int:
        return clog2(self.beats)

    @property
    def lane_bits(self) -> int:
        return clog2(self.LANES)

    @property
    def sreg_bits(self) -> int:
        return clog2(self.SREGS)

    @property
    def breg_bits(self) -> int:
        return clog2(self.BREGS)

    @classmethod
    def from_config(cls, config: Config, spec: Spec | None = None) -> RtlConfig:
        spec = spec or load_spec()
        v = config.as_dict()
        if spec.ilen != 32 or spec.xlen != 32:
            # the fetch reads one instruction per memory word and the datapath is 32 bits wide
            raise RtlError(f"isa_spec/isa.toml: the RTL generator supports ilen = xlen = 32, "
                           f"not ilen = {spec.ilen}, xlen = {spec.xlen}")
        return cls(
            name=config.name, xlen=spec.xlen, ilen=spec.ilen, csr_bits=spec.fields["csr"].width,
            q=spec.formats["coord"].frac,
            temp_frac=spec.formats["temp"].frac, itemp_frac=spec.formats["itemp"].frac,
            consts={k: (c.raw, c.frac) for k, c in spec.constants.items()},
            tables={k: build_table(k, v["NLT_BITS"]) for k in spec.nonlinear},
            table_frac={k: n.table_frac for k, n in spec.nonlinear.items()},
            nl_input_frac={k: n.input_frac for k, n in spec.nonlinear.items()},
            nl_domain_int_bits={k: n.domain_int_bits for k, n in spec.nonlinear.items()},
            **{k: v[k] for k in ("D", "LANES", "SREGS", "BREGS", "PRED_ENTRIES", "IMEM_WORDS",
                                 "DMEM_WORDS", "NLT_BITS")},
        )
