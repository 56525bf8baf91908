"""Gumbel box embeddings of the mammal taxonomy, trained with box-embeddings 0.1.0 on PyTorch CPU.

Model (Dasgupta et al. 2020, as the library implements it): concept k is a SigmoidBoxTensor
(corners inside [0, 1]^D), P(parent | child) = exp(logvol(child ∩ parent) - logvol(child)),
with GumbelIntersection(beta_i) and BesselApproxVolume(beta_v, beta_i). Loss: -log P on the
training edges and -log(1 - P) on NEG_PER_POS corrupted pairs per edge, drawn afresh for
each batch by demo.negatives (rejected against the closure of the training edges). Adam.
D = 8 is the `default` LPU configuration's D (LANES = 4 divides it: two passes per box).

Evaluation in float64 with the library's own classes: the decision is log P >= threshold,
the threshold demo.floatmodel.choose_threshold picks on training data (the rule `lpu demo`
uses), then applied to the test split.
"""

from __future__ import annotations

import argparse
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from compiler.embedding import Embedding, save_embedding

from . import floatmodel
from .negatives import corrupt, known_ids
from .taxonomy import NEG_PER_POS, Split, load_split

DIM = 8
BETA_I = 0.01
BETA_V = 0.1
EPOCHS = 400
SEED = 1
LR = 0.01
BATCH = 256
DEFAULT_OUT = Path(__file__).parent / "data" / "mammal_boxes.json"


def _torch():
    try:
        import torch
        from box_embeddings.modules.intersection import GumbelIntersection
        from box_embeddings.modules.volume import BesselApproxVolume
        from box_embeddings.parameterizations.box_tensor import BoxTensor
        from box_embeddings.parameterizations.sigmoid_box_tensor import SigmoidBoxTensor
    except ImportError as e:
        raise SystemExit(f"the demo needs torch and box-embeddings ({e.name} is missing); "
                         "install the demo extra: pip install -e '.[demo]'") from None
    return torch, GumbelIntersection, BesselApproxVolume, BoxTensor, SigmoidBoxTensor


@dataclass
class Scores:
    threshold: float
    train_f1: float
    test_f1: float
    test_precision: float
    test_recall: float
    losses: list[float] = field(default_factory=list)


def log_prob(z, Z, child, parent, beta_i: float, beta_v: float):
    """log P(parent | child) for index tensors `child`, `parent` of boxes (z, Z)."""
    torch, GI, BV, BoxTensor, _ = _torch()
    c = BoxTensor.from_zZ(z[child], Z[child])
    p = BoxTensor.from_zZ(z[parent], Z[parent])
    vol = BV(log_scale=True, volume_temperature=beta_v, intersection_temperature=beta_i)
    return vol(GI(intersection_temperature=beta_i)(c, p)) - vol(c)


def _index(split: Split) -> tuple[dict[str, int], np.ndarray]:
    ix = {n: k for k, n in enumerate(split.nodes)}
    return ix, np.array([[ix[c], ix[p]] for c, p in split.train], dtype=np.int64)


def train(split: Split, epochs: int = EPOCHS, seed: int = SEED, dim: int = DIM, beta_i: float = BETA_I,
          beta_v: float = BETA_V, lr: float = LR, batch: int = BATCH, neg_per_pos: int = NEG_PER_POS,
          log=None) -> Embedding:
    """Train boxes for `split.nodes` on `split.train`; the same arguments give the same boxes."""
    torch, GI, BV, BoxTensor, SigmoidBoxTensor = _torch()
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        ix, pos = _index(split)
        n = len(split.nodes)
        known = known_ids(split.nodes, split.train)
        rng = np.random.default_rng(seed)
        w = torch.empty(n, 2, dim, dtype=torch.float32)
        w[:, 0].uniform_(-2.0, 0.0)          # lower corners near 0.1 .. 0.5
        w[:, 1].uniform_(-1.0, 1.0)          # sides 0.3 .. 0.7 of the room above
        w = torch.nn.Parameter(w)
        opt = torch.optim.Adam([w], lr=lr)
        losses: list[float] = []
        t0 = time.time()
        for ep in range(epochs):
            order = rng.permutation(len(pos))
            total = 0.0
            for s in range(0, len(order), batch):
                b = pos[order[s:s + batch]]
                nb = corrupt(rng, b, n, known, neg_per_pos)
                box = SigmoidBoxTensor(w)
                z, Z = box.z, box.Z
                lp = log_prob(z, Z, torch.from_numpy(b[:, 0]), torch.from_numpy(b[:, 1]), beta_i, beta_v)
                ln = log_prob(z, Z, torch.from_numpy(nb[:, 0]), torch.from_numpy(nb[:, 1]), beta_i, beta_v)
                ln = ln.clamp(max=-1e-7)
                loss = -lp.sum() - torch.log(-torch.expm1(ln)).sum()
                opt.zero_grad()
                loss.backward()
                opt.step()
                total += float(loss.detach())
            losses.append(total / (len(pos) * (1 + neg_per_pos)))
            if log and (ep % 50 == 0 or ep == epochs - 1):
                log(f"epoch {ep + 1}/{epochs}: loss {losses[-1]:.5f} ({time.time() - t0:.1f} s)")
        with torch.no_grad():
            box = SigmoidBoxTensor(w.detach().double())
            lo, hi = box.z.numpy().copy(), box.Z.numpy().copy()
    finally:
        torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(False)
    meta = {"epochs": epochs, "seed": seed, "lr": lr, "batch": batch, "neg_per_pos": neg_per_pos,
            "loss": losses[-1], "losses_every_10": losses[::10],
            "negatives": "corruptions rejected against the closure of the training edges (demo.negatives)",
            "library": "box-embeddings 0.1.0",
            "model": "SigmoidBoxTensor + GumbelIntersection + BesselApproxVolume", "protocol": split.protocol}
    return Embedding(dim, beta_i, beta_v, list(split.nodes), lo, hi, meta)


def _f1(pred: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    tp = float(np.sum(pred & (y == 1)))
    p = tp / max(1, int(pred.sum()))
    r = tp / max(1, int((y == 1).sum()))
    return (2 * p * r / (p + r) if p + r else 0.0), p, r


def scores64(emb: Embedding, split: Split, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """float64 log P(parent | child) of every test pair, and its labels."""
    torch = _torch()[0]
    ix = {n: k for k, n in enumerate(emb.names)}
    rows = np.array([[ix[c], ix[p]] for c, p, _ in split.test], dtype=np.int64)
    y = np.array([lab for *_, lab in split.test], dtype=np.int64)
    z, Z = torch.from_numpy(emb.lo), torch.from_numpy(emb.hi)
    with torch.no_grad():
        s = log_prob(z, Z, torch.from_numpy(rows[:, 0]), torch.from_numpy(rows[:, 1]), emb.beta_i, emb.beta_v)
    return s.numpy(), y


def evaluate(emb: Embedding, split: Split, seed: int = 0) -> Scores:
    """The threshold `lpu demo` uses (training data only); F1 on the test split."""
    thr = floatmodel.choose_threshold(emb, split.train, seed)
    s_te, y_te = scores64(emb, split)
    f, p, r = _f1(s_te >= thr.value, y_te)
    return Scores(thr.value, thr.f1, f, p, r)


def main(argv: list[str] | None = None) -> int:
    """`lpu demo train` / python -m demo.train: train on the packaged split, save the boxes."""
    ap = argparse.ArgumentParser(prog="lpu demo train", description=__doc__.splitlines()[0])
    ap.add_argument("--split", type=Path, default=None, help="split file (default: the packaged one)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"embedding file (default: {DEFAULT_OUT})")
    ap.add_argument("--epochs", type=int, default=EPOCHS)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--dim", type=int, default=DIM)
    ap.add_argument("--beta-i", type=float, default=BETA_I)
    ap.add_argument("--beta-v", type=float, default=BETA_V)
    ap.add_argument("--lr", type=float, default=LR)
    a = ap.parse_args(argv)
    split = load_split(a.split)
    t0 = time.time()
    emb = train(split, a.epochs, a.seed, a.dim, a.beta_i, a.beta_v, a.lr, log=print)
    secs = time.time() - t0
    sc = evaluate(emb, split)
    emb.meta.update({"train_seconds": round(secs, 1), "threshold": sc.threshold, "train_f1": sc.train_f1,
                     "test_f1": sc.test_f1, "test_precision": sc.test_precision, "test_recall": sc.test_recall})
    save_embedding(emb, a.out)
    print(f"trained {len(emb)} boxes, D={emb.D}, beta_i={emb.beta_i}, beta_v={emb.beta_v} in {secs:.0f} s -> {a.out}")
    print(f"float64 threshold log P >= {sc.threshold:.4f}: train F1 {sc.train_f1:.4f}; "
          f"test F1 {sc.test_f1:.4f} (precision {sc.test_precision:.4f}, recall {sc.test_recall:.4f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
