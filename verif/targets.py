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
from dataclasses import dataclass, field, replace

from .coverage import LOW_REGS, RELATIONS, CoverageModel, reg_buckets
from .generator import BOX_CLASSES, IMM_CLASSES, Knobs, Target

# trap/CAUSE/KIND of the encoding trap -> the generator's TrapRecipe modes that raise it
ENCODING_MODES = {"no_match": ("nomatch",), "reg_beyond_file": ("regidx",), "in_execute": ("unknown", "readonly")}
# pred/counterC/OUTCOME: the data-dependent branch pattern that reaches that counter state
LOOP_ITERATIONS = (4, 5)   # enough for a 2-bit counter to saturate and then see the other outcome
NO_HAZARD = "0"            # the cheapest distance for items that need none: the set-up itself
SAFE_BASE_IMM = ("zero", "positive")  # absolute addressing (base x0): the offset is the address


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
        wants: dict[str, list[tuple[str, str]]] = {}   # instruction -> (dimension, value)
        traps: list[Target] = []
        loops: list[Target] = []

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
        out = traps + loops  # few and short: first, before IMEM fills
        for name, ws in wants.items():
            out += [self._target(name, it) for it in self._pack(name, ws)]
        return out

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
