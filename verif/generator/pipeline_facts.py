"""What the pipeline streams need to know of a configuration, from the spec's timing rules
(isa.toml [timing], docs/pipeline.md) and the role probe: which instructions compute their
scalar result in EX and which late (in MW), which read x registers (each such operand is a
forwarding path), which use the data-memory port in MW and which in EX, which box
instructions write and read box registers, which branches redirect fetch from EX, how deep
a wrong path is, and the predictor the ISS builds. Nothing here names an instruction."""

from __future__ import annotations

from dataclasses import dataclass

from golden_model.predictor import BranchPredictor
from golden_model.state import ArchState
from isa_spec import Config, Spec
from isa_spec.timing import TimingTable, timing_table

from .roles import Roles


@dataclass(frozen=True)
class PipelineFacts:
    timing: TimingTable
    ex_producers: tuple[str, ...]    # free x writers whose result is ready in EX (not in `late`)
    late_producers: tuple[str, ...]  # free x writers in `late` (result ready in MW): rule 2c
    consumers: tuple[str, ...]       # instructions that read x registers, branches and jumps included
    box_writers: tuple[str, ...]     # non-memory instructions that write a box register
    box_readers: tuple[str, ...]     # non-memory instructions that read a box register
    mem_mw: tuple[str, ...]          # `mem_port_mw` instructions with a base register (rule 2d)
    mem_ex: tuple[str, ...]          # `mem_port_ex` instructions with a base register
    redirects: tuple[str, ...]       # `always_redirect` indirect jumps: redirected from EX always
    fan_readers: tuple[str, ...]     # x readers that may all read one register holding 0 (fan-out)
    box_fan_readers: tuple[str, ...]  # box readers whose box sources may all be one register
    predictor: BranchPredictor       # as the ISS builds it (its index function and counters)

    @property
    def late_distances(self) -> range:
        """Distances at which a late result is still in flight: 0 stalls (rule 2c), up to
        late_use it is read through the bypass."""
        return range(self.timing.late_use + 1)

    @property
    def mem_port_distances(self) -> range:
        """Distances of a mem_port_ex instruction after a mem_port_mw one: 0 interlocks (2d)."""
        return range(self.timing.mem_port + 1)

    @property
    def shadow_depth(self) -> int:
        """Instructions fetched behind a branch when it redirects from EX (in IF and ID)."""
        return self.timing.fetch_to_ex


def fan_readers(roles: dict[str, Roles]) -> tuple[str, ...]:
    """Instructions that can read one register through all their x operands when it holds
    0 (a legal address base, dimension index and CSR value; a branch to the next word either
    way): the consumers of a fan-out. Jumps are left out (their target would be the
    register). Box operands of later consumers avoid the box registers earlier ones wrote
    (a nearer source), so a fan-out holds at most one box writer (`box_writer`)."""
    return tuple(n for n, r in roles.items() if r.x_reads and not r.jumps and not r.halts)


def box_fan_readers(roles: dict[str, Roles]) -> tuple[str, ...]:
    """Instructions that can read one box register through all their box operands, with x0
    in every x operand (index 0, an address that is the offset, a threshold of 0), and do
    not write what they read: the consumers of a box fan-out."""
    return tuple(n for n, r in roles.items() if r.b_reads and not set(r.b_reads) & set(r.b_writes)
                 and not r.jumps and not r.halts)


def pipeline_facts(spec: Spec, config: Config, roles: dict[str, Roles], fillers: list[str],
                   indirect: list[str]) -> PipelineFacts:
    t = timing_table(spec, config)
    x_writers = [n for n in fillers if roles[n].x_writes]
    box = [n for n, r in roles.items() if not r.mem and not r.halts]

    def based(names) -> tuple[str, ...]:
        return tuple(n for n in spec.instructions
                     if n in names and any(a in roles[n].x_reads for a in roles[n].addr_ops))

    return PipelineFacts(
        timing=t,
        ex_producers=tuple(n for n in x_writers if n not in t.late),
        late_producers=tuple(n for n in x_writers if n in t.late),
        consumers=tuple(n for n, r in roles.items() if r.x_reads and not r.csr_read),
        box_writers=tuple(n for n in box if roles[n].b_writes),
        box_readers=tuple(n for n in box if roles[n].b_reads),
        mem_mw=based(t.mem_port_mw), mem_ex=based(t.mem_port_ex),
        redirects=tuple(n for n in indirect if n in t.always_redirect),
        fan_readers=fan_readers(roles), box_fan_readers=box_fan_readers(roles),
        predictor=ArchState.reset(spec, config).predictor)
