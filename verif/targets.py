"""From coverage holes to targeted items (riscv-dv / OpenTitan style hole fillers).

Every hole names what it lacks: an instruction with an operand value class, a hazard
distance, a box value class or a branch outcome; a trap cause (and how its encoding fails);
a predictor counter state. `plan` turns the holes into `Target`s, each generated under
one-hot knobs: one item of the instruction with the hazard, operand classes, box class and
outcome it still lacks, packed so that one item fills as many holes as are compatible.
Instruction names, operands, register files, traps and box operators come from the spec
(through the coverage model); nothing here lists them.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field, replace

from .coverage import LOW_REGS, RELATIONS, CoverageModel, reg_buckets
from .generator import BOX_CLASSES, HAZARDS, IMM_CLASSES, Knobs, Target, box_fan_readers, fan_readers
from .uarch_targets import uarch_targets

# trap/CAUSE/KIND of the encoding trap -> the generator's TrapRecipe modes that raise it
ENCODING_MODES = {"no_match": ("nomatch",), "reg_beyond_file": ("regidx",), "in_execute": ("unknown", "readonly")}
# pred/counterC/OUTCOME: the data-dependent branch pattern that reaches that counter state
LOOP_ITERATIONS = (4, 5)   # enough for a 2-bit counter to saturate and then see the other outcome
FAN_OUT = "fan_out"        # the generator stream that serves hazard holes several at a time
HAZARD_HORIZON = 6         # words an item with no hazard may need: fillers past distance 4
NO_HAZARD = "0"            # the cheapest distance for items that need none: the set-up itself
SAFE_BASE_IMM = ("zero", "positive")  # absolute addressing (base x0): the offset is the address
UARCH_FIRST = 0            # pipeline targets before the architectural ones while those remain (IMEM is small)
INSTRUCTION_GROUPS = ("instr", "field", "hazard", "box", "branch", "result")  # bins NAME/... of one instruction


@dataclass
class _Item:
    """The wants packed into one item of one instruction."""

    hazard: str | None = None
    ops: dict[str, str] = field(default_factory=dict)   # operand -> coverage class
    box: str | None = None
    outcome: str | None = None
    result: str | None = None   # a result bin of a predicate (value_classes.py): its sources


def one_hot(weights: dict[str, float], key: str) -> dict[str, float]:
    return {k: (1.0 if k == key else 0.0) for k in weights}


class Planner:
    """Targets for the holes of one coverage model (its spec, configuration and roles)."""

    def __init__(self, model: CoverageModel, base: Knobs):
        self.m, self.base = model, base
        self.root = base
        # the packing that serves the pipeline streams (fan-outs, cheapest first) when the
        # base knobs have them; without, the plans of the planner before them
        self.pipeline_aware = base.stream_weights.get(FAN_OUT, 0) > 0
        self.spec, self.roles = model.spec, model.roles
        self.operands = {n: {op.name: op for op in ins.operands} for n, ins in self.spec.instructions.items()}
        self.buckets = {}  # coverage register class -> allowed indices
        for kind, count in model.counts.items():
            b0, b1, b2 = reg_buckets(model.prefix[kind])
            self.buckets.update({b0: (0,), b1: tuple(range(1, min(LOW_REGS, count))),
                                 b2: tuple(range(LOW_REGS, count))})
        pairs = [n for n in model.box_ops if len(self.roles[n].b_reads) == 2]
        self.pair_op = pairs[0] if pairs else None
        self.any_box_op = next(iter(sorted(model.box_ops)), None)
        # an instruction that reads only one register file, per file (for hazard_kind holes)
        self.reader = {}
        for kind, attr, other in (("xreg", "x_reads", "b_reads"), ("breg", "b_reads", "x_reads")):
            self.reader[model.prefix[kind]] = next(
                (n for n, r in self.roles.items() if getattr(r, attr) and not getattr(r, other) and r.free), None)

    # ---- holes -> wants ----

    def plan(self, holes: list[str], rng: random.Random) -> list[Target]:
        self.base = self._steered(holes)
        wants: dict[str, list[tuple[str, str]]] = {}   # instruction -> (dimension, value)
        traps: list[Target] = []
        loops: list[Target] = []
        uarch: list[str] = []

        def want(name: str | None, dim: str, value: str = "") -> None:
            if name is not None and (dim, value) not in wants.setdefault(name, []):
                wants[name].append((dim, value))

        for h in holes:
            p = h.split("/")
            g = p[0]
            if g == "instr":
                want(p[1], "any")
            elif g == "field":
                want(p[1], f"op:{p[2]}", p[3])
            elif g == "box":
                want(p[1], "box", p[2])
            elif g == "boxclass":
                want(self.pair_op if p[1] in RELATIONS else self.any_box_op, "box", p[1])
            elif g == "hazard":
                want(p[1], "hazard", p[2])
            elif g == "hazard_kind":
                want(self.reader.get(p[1]), "hazard", p[2])
            elif g == "branch":
                want(p[1], "outcome", p[2])
            elif g == "result":
                want(p[1], "result", "/".join(p[2:]))
            elif g == "trap":
                traps.append(self._trap(p[1], p[2] if len(p) > 2 else None, rng))
            elif g == "pred":
                loops.append(self._loop(int(p[1].removeprefix("counter")), p[2] == "taken"))
            elif g == "uarch":
                uarch.append(h)
        # few and short: first, before IMEM fills; pipeline targets fill what the others leave
        pipe, closing = uarch_targets(self.spec, self.m.config, uarch, self.base, rng, self._loop)
        first = UARCH_FIRST if len(uarch) < len(holes) else len(pipe)   # all, once only they are left
        out = traps + loops + pipe[:first] + self._fan_outs(wants)
        items = [(name, it) for name, ws in wants.items() for it in self._pack(name, ws)]
        return out + [self._target(name, it) for name, it in self._cheapest_first(items)] + pipe[first:] \
            + closing

    def _fan_outs(self, wants: dict[str, list[tuple[str, str]]]) -> list[Target]:
        """Hazard wants of fan readers, at most one per distance, become fan-out items (one
        producer read at distance d by the consumer in position d): one item for up to five
        hazard holes, instead of one item each with d fillers. Instructions that read x
        registers go through an x fan-out, the others through a box one. Only when the base
        knobs enable the fan-out stream."""
        if not self.pipeline_aware:
            return []
        readers = {"xreg": set(fan_readers(self.roles)),
                   "breg": set(box_fan_readers(self.roles)) - set(fan_readers(self.roles))}
        depth = max(int(d) for d in HAZARDS if d.isdigit()) + 1
        out = []
        for file, names in readers.items():
            by_d = {d: [n for n, ws in wants.items() if n in names and ("hazard", str(d)) in ws] for d in range(depth)}
            while any(by_d.values()):
                members = []
                for d in range(depth):   # at most one box writer per fan-out
                    ok = [n for n in by_d[d] if not (self.roles[n].b_writes and file == "xreg"
                                                     and any(self.roles[m].b_writes for m in members if m))]
                    members.append(ok[0] if ok else "")
                    if ok:
                        by_d[d].remove(ok[0])
                        wants[ok[0]].remove(("hazard", str(d)))
                while not members[-1]:
                    members.pop()
                out.append(Target("fan_out", "", replace(self.base, fan_out=tuple(members), fan_file=file)))
        return out

    def _cheapest_first(self, items: list[tuple[str, _Item]]) -> list[tuple[str, _Item]]:
        """Items by holes filled per word (an estimate: the item, its hazard fillers, box loads,
        constrained source values), most first: a program that IMEM ends fills the most."""
        def value(entry: tuple[str, _Item]) -> float:
            name, it = entry
            ro = self.roles[name]
            words = 1 + (int(it.hazard) + 1 if (it.hazard or "").isdigit() else HAZARD_HORIZON if it.hazard else 0)
            words += 2 * len(ro.b_reads) * bool(it.box) + 2 * len(ro.x_reads) * bool(it.outcome or it.result)
            filled = 1 + len(it.ops) + sum(bool(v) for v in (it.hazard, it.box, it.outcome, it.result))
            return filled / words
        return sorted(items, key=value, reverse=True) if self.pipeline_aware else items

    def _steered(self, holes: list[str]) -> Knobs:
        """The base knobs of this plan's targets: fillers (the instructions that space a
        hazard) among those that still have holes, weighted by their count, so that the
        spacing fills holes too; set-ups in one word where they fit."""
        counts = Counter(h.split("/")[1] for h in holes if h.split("/")[0] in INSTRUCTION_GROUPS)
        weights = {n: float(c) for n, c in counts.items() if n in self.spec.instructions}
        return replace(self.root, filler_weights=weights, dense=True)

    def _pack(self, name: str, ws: list[tuple[str, str]]) -> list[_Item]:
        """First fit: each want joins the first item where it is compatible."""
        zero = {c for c, idx in self.buckets.items() if idx == (0,)}
        # zero-register classes and "no hazard" first, so that they meet in the same items
        ws = sorted(ws, key=lambda w: (w[1] not in zero and w[1] != "none", w))
        items: list[_Item] = []
        for dim, value in ws:
            if dim == "any":
                items = items or [_Item()]
                continue
            for it in items:
                if self._fits(name, it, dim, value):
                    break
            else:
                it = _Item()
                items.append(it)
            self._put(it, dim, value)
        return items

    @staticmethod
    def _put(it: _Item, dim: str, value: str) -> None:
        if dim.startswith("op:"):
            it.ops[dim[3:]] = value
        else:
            setattr(it, dim, value)

    def _fits(self, name: str, it: _Item, dim: str, value: str) -> bool:
        trial = _Item(it.hazard, dict(it.ops), it.box, it.outcome, it.result)
        if (dim.startswith("op:") and dim[3:] in it.ops) or (not dim.startswith("op:") and getattr(it, dim)):
            return False
        self._put(trial, dim, value)
        return self._consistent(name, trial)

    def _consistent(self, name: str, it: _Item) -> bool:
        ro, ops = self.roles[name], self.operands[name]
        if it.result and it.ops:  # the result's source values fix its operands
            return False
        zero = {o for o, c in it.ops.items() if self.buckets.get(c) == (0,)}
        # a hazard needs a source that is not the zero register
        if it.hazard not in (None, "none") and ro.sources and all(o in zero for o in ro.sources):
            return False
        imm = [o for o, c in it.ops.items() if ops[o].kind not in ("xreg", "breg", "csr")]
        imm_cls = it.ops[imm[0]] if imm else None
        # a zero base register: the offset is the address (or the label) itself
        bases = set(ro.addr_ops) | set(ro.target_ops)
        if imm_cls and imm_cls not in SAFE_BASE_IMM and zero & bases:
            return False
        # a forced outcome goes with a forward branch (positive offset) or none
        return not (it.outcome and imm_cls and imm_cls != "positive")

    # ---- wants -> knobs ----

    def _target(self, name: str, it: _Item) -> Target:
        b = self.base
        k = replace(b, instr_weights=one_hot(b.instr_weights, name),
                    hazard_weights=one_hot(b.hazard_weights, it.hazard or NO_HAZARD),
                    reg_pins={}, branch_outcome=it.outcome, result_class=it.result)
        if self.roles[name].conditional:  # a forward branch unless an offset class is wanted
            k.imm_class_weights = one_hot(b.imm_class_weights, "positive")
        for o, cls in it.ops.items():
            kind = self.operands[name][o].kind
            if kind in ("xreg", "breg"):
                k.reg_pins[o] = self.buckets[cls]
            elif kind == "csr":
                k.csr_weights = one_hot(b.csr_weights, cls)
            elif cls in IMM_CLASSES:
                k.imm_class_weights = one_hot(b.imm_class_weights, cls)
        if it.box:
            # "plain" is any relation without a property: a pair of one relation class
            cls = it.box if it.box in BOX_CLASSES else "overlap"
            k.box_class_weights = one_hot(b.box_class_weights, cls)
        return Target("instr", name, k)

    def _trap(self, cause: str, kind: str | None, rng: random.Random) -> Target:
        modes = ENCODING_MODES.get(kind or "", (None,))
        return Target("trap", cause, replace(self.base, trap_mode=rng.choice(modes)))

    def _loop(self, counter: int, taken: bool) -> Target:
        p = self.spec.predictor
        saturated = counter in (0, (1 << p.counter_bits) - 1)
        predicted = (counter >= p.taken_threshold) == taken
        # a saturated counter that sees its own outcome: a constant pattern; the other
        # outcome: a rare one; the middle states: alternating outcomes
        kind = ("taken" if taken else "not_taken") if saturated and predicted else \
            "rare" if saturated else "alternate"
        return Target("loop", "", replace(self.base, pattern_weights=one_hot(self.base.pattern_weights, kind),
                                          loop_iterations=LOOP_ITERATIONS))


def plan(model: CoverageModel, base: Knobs, rng: random.Random) -> list[Target]:
    """Targeted items for the current holes of `model`."""
    return Planner(model, base).plan(model.holes(), rng)
