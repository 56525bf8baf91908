"""The demo's inputs: the committed boxes (compiler embedding format) and the split.

The split file (demo/data/mammal_split.json) is read with `demo.taxonomy.load_split` when
that module exists; otherwise (and for the synthetic data of the tests) this module reads
the fields it needs of the same JSON ("lpu-demo-split": {"train": [[child, parent], ...],
"test": [[child, parent, label], ...], ...}, label 1 = child is a kind of parent).
`synthetic` writes a small taxonomy in both formats (the split with every field of
demo.taxonomy's format, so that its checking loader reads it too).
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from compiler.embedding import Embedding, load_embedding, save_embedding
from compiler.errors import CompileError

BOXES, SPLIT = "mammal_boxes.json", "mammal_split.json"
DATA_DIR = Path(__file__).resolve().parent / "data"


class DemoDataError(Exception):
    """A missing or damaged data file: one line naming the file and the problem."""


@dataclass(frozen=True)
class Query:
    child: str
    parent: str
    label: bool


@dataclass
class DemoData:
    emb: Embedding
    train: list[tuple[str, str]]           # training positives (child, parent)
    test: list[Query]
    source: Path


def _pairs(doc: dict, key: str, width: int, src: str) -> list[list]:
    rows = doc.get(key)
    if not isinstance(rows, list):
        raise DemoDataError(f"{src}: '{key}' must be a list of [{'child, parent' + (', label' if width == 3 else '')}]")
    for k, r in enumerate(rows):
        if not isinstance(r, (list, tuple)) or len(r) < width:
            raise DemoDataError(f"{src}: {key}[{k}] must be a list of {width} items, found {r!r:.60}")
    return rows


def _own_split(path: Path) -> tuple[list[tuple[str, str]], list[Query]]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise DemoDataError(f"{path}: cannot read the split: {e}") from None
    if not isinstance(doc, dict):
        raise DemoDataError(f"{path}: expected a JSON object with 'train' and 'test'")
    train = [(str(r[0]), str(r[1])) for r in _pairs(doc, "train", 2, str(path))]
    test = [Query(str(r[0]), str(r[1]), bool(r[2])) for r in _pairs(doc, "test", 3, str(path))]
    return train, test


def _as_query(q: object) -> Query:
    if isinstance(q, Query):
        return q
    if isinstance(q, dict):
        return Query(str(q["child"]), str(q["parent"]), bool(q["label"]))
    for names in (("child", "parent", "label"),):
        if all(hasattr(q, n) for n in names):
            return Query(str(q.child), str(q.parent), bool(q.label))  # type: ignore[attr-defined]
    c, p, lab = q  # type: ignore[misc]
    return Query(str(c), str(p), bool(lab))


def load_split(path: Path) -> tuple[list[tuple[str, str]], list[Query]]:
    """(training positives, test queries) from the split file."""
    if not path.exists():
        raise DemoDataError(f"{path}: no such file (the split; `lpu demo train` writes it)")
    try:
        tax = importlib.import_module("demo.taxonomy")
    except ImportError:
        tax = None
    loader = getattr(tax, "load_split", None)
    if loader is None:
        return _own_split(path)
    try:
        split = loader(path)
    except Exception as e:  # noqa: BLE001 (a damaged file, in the loader's words)
        raise DemoDataError(f"{path}: {e}") from None
    train = [(str(a), str(b)) for a, b in split.train]
    test = [_as_query(q) for q in split.test]
    return train, test


def load(data_dir: Path | None = None) -> DemoData:
    d = Path(data_dir) if data_dir else DATA_DIR
    boxes = d / BOXES
    if not boxes.exists():
        raise DemoDataError(f"{boxes}: no such file (the trained boxes; `lpu demo train` writes it)")
    try:
        emb = load_embedding(boxes)
    except CompileError as e:
        raise DemoDataError(str(e)) from None
    train, test = load_split(d / SPLIT)
    for what, names in (("train", [n for pair in train for n in pair]),
                        ("test", [n for q in test for n in (q.child, q.parent)])):
        missing = next((n for n in names if n not in emb), None)
        if missing is not None:
            raise DemoDataError(f"{d / SPLIT}: {what} names concept {missing!r}, which {boxes.name} lacks")
    if not test:
        raise DemoDataError(f"{d / SPLIT}: the test split is empty")
    return DemoData(emb, train, test, d)


def synthetic(out_dir: Path, depth: int = 3, fanout: int = 3, seed: int = 0, D: int = 8,
              beta_i: float = 0.01, beta_v: float = 0.1) -> Path:
    """A small tree as nested boxes (each child a random sub-box of its parent, siblings
    apart in dimension 0) and a split: tree edges to train, the other closure edges and as
    many random non-edges to test. Written as BOXES and SPLIT in out_dir."""
    rng = np.random.default_rng(seed)
    names, lo, hi, parent_of = ["root"], [np.zeros(D)], [np.ones(D)], {}
    frontier = [0]
    for _ in range(depth):
        nxt = []
        for p in frontier:
            width = hi[p] - lo[p]
            for c in range(fanout):
                k = len(names)
                names.append(f"n{k}.s")
                lo_k, h = lo[p] + width * rng.uniform(0.02, 0.15, D), hi[p] - width * rng.uniform(0.02, 0.15, D)
                seg = (hi[p][0] - lo[p][0]) / fanout
                lo_k[0], h[0] = lo[p][0] + seg * (c + 0.1), lo[p][0] + seg * (c + 0.9)
                lo.append(lo_k)
                hi.append(h)
                parent_of[k] = p
                nxt.append(k)
        frontier = nxt
    closure = set()
    for k in parent_of:
        a = parent_of[k]
        while True:
            closure.add((k, a))
            if a not in parent_of:
                break
            a = parent_of[a]
    train = sorted((k, parent_of[k]) for k in parent_of)
    pos = sorted(closure - set(train))
    neg: set[tuple[int, int]] = set()
    while len(neg) < len(pos):
        a, b = (int(x) for x in rng.integers(0, len(names), 2))
        if a != b and (a, b) not in closure:
            neg.add((a, b))
    test = [[names[a], names[b], 1] for a, b in pos] + [[names[a], names[b], 0] for a, b in sorted(neg)]
    out_dir.mkdir(parents=True, exist_ok=True)
    save_embedding(Embedding(D, beta_i, beta_v, names, np.array(lo), np.array(hi), {"synthetic": True}),
                   out_dir / BOXES)
    doc = {"format": "lpu-demo-split", "version": 1, "seed": seed, "root": "root",
           "relation": "synthetic tree closure (child, ancestor)", "nodes": sorted(names),
           "train": [[names[a], names[b]] for a, b in train], "test": test,
           "protocol": "synthetic: tree edges in training, other closure edges and as many random non-edges in test",
           "counts": {"nodes": len(names), "train": len(train), "test": len(test), "test_positives": len(pos),
                      "test_negatives": len(test) - len(pos)}}
    (out_dir / SPLIT).write_text(json.dumps(doc))
    return out_dir
