"""Box-embedding files ("lpu-boxes", version 1): the concepts a program `use`s.

    {"format": "lpu-boxes", "version": 1, "D": 8, "beta_i": 0.001, "beta_v": 0.01,
     "concepts": [{"name": "dog.n.01", "lo": [8 numbers], "hi": [8 numbers]}, ...],
     "meta": {...}}                                   (meta optional, free-form JSON)

`load_embedding` checks everything and names the file and the entry on any mistake
(`boxes.json: concepts[12] ('dog.n.01'): 'lo' has 7 values, D is 8`); `save_embedding`
writes a canonical file (fixed key order, one concept per line, floats by `repr`) so that
saving what was loaded gives the same bytes and loading what was saved gives the same
numbers, exactly.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .errors import CompileError

FORMAT, VERSION = "lpu-boxes", 1
_TOP_FIELDS = ("format", "version", "D", "beta_i", "beta_v", "concepts")
_CONCEPT_FIELDS = ("name", "lo", "hi")


@dataclass(eq=False)
class Embedding:
    """N concepts as boxes in D dimensions: concept k is the box lo[k] .. hi[k]."""

    D: int
    beta_i: float
    beta_v: float
    names: list[str]
    lo: np.ndarray                 # (N, D) float64
    hi: np.ndarray                 # (N, D) float64
    meta: dict[str, Any] = field(default_factory=dict)
    _index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.lo = np.array(self.lo, dtype=np.float64)
        self.hi = np.array(self.hi, dtype=np.float64)
        _check_embedding(self)
        self._index = {n: k for k, n in enumerate(self.names)}

    def __len__(self) -> int:
        return len(self.names)

    def __contains__(self, name: object) -> bool:
        return name in self._index

    def index(self, name: str) -> int:
        """The row of concept `name`; KeyError if there is none."""
        try:
            return self._index[name]
        except KeyError:
            raise KeyError(f"no concept {name!r} in the embedding") from None


def _check_embedding(emb: Embedding) -> None:
    """An Embedding built in Python obeys the same rules as a file (source '<embedding>')."""
    src = "<embedding>"
    if isinstance(emb.D, bool) or not isinstance(emb.D, int) or emb.D < 1:
        raise CompileError(src, f"'D' must be an integer >= 1, found {emb.D!r}")
    for key in ("beta_i", "beta_v"):
        _check_beta(src, key, getattr(emb, key))
    n = len(emb.names)
    if n == 0:
        raise CompileError(src, "'concepts' is empty (an embedding holds at least one concept)")
    for key in ("lo", "hi"):
        arr = getattr(emb, key)
        if arr.shape != (n, emb.D):
            raise CompileError(src, f"'{key}' has shape {arr.shape}, expected ({n}, {emb.D}) for {n} names")
        bad = np.argwhere(~np.isfinite(arr))
        if len(bad):
            k, d = bad[0]
            raise CompileError(src, f"{_entry(k, emb.names[k])}: '{key}'[{d}] is not finite ({float(arr[k, d])!r})")
    seen: dict[str, int] = {}
    for k, name in enumerate(emb.names):
        _check_name(src, k, name)
        if name in seen:
            raise CompileError(src, f"{_entry(k, name)}: duplicate name (first at concepts[{seen[name]}])")
        seen[name] = k
    if not isinstance(emb.meta, dict):
        raise CompileError(src, f"'meta' must be a JSON object, found {type(emb.meta).__name__}")


def _entry(k: int, name: object) -> str:
    return f"concepts[{k}] ({name!r})" if isinstance(name, str) else f"concepts[{k}]"


def _is_number(v: object) -> bool:
    return type(v) in (int, float)


def _finite(v: float) -> bool:
    """Finite as a float64 (an integer too large for a float is not)."""
    try:
        return math.isfinite(v)
    except OverflowError:
        return False


def _check_beta(src: str, key: str, value: object) -> float:
    if not _is_number(value):
        raise CompileError(src, f"'{key}' must be a number, found {value!r}")
    if not (_finite(value) and value > 0):
        raise CompileError(src, f"'{key}' must be finite and > 0, found {value!r:.30}")
    return float(value)


def _check_name(src: str, k: int, name: object) -> str:
    if not isinstance(name, str) or not name:
        raise CompileError(src, f"{_entry(k, name)}: 'name' must be a non-empty string, found {name!r}")
    if "`" in name or "\n" in name:
        raise CompileError(src, f"{_entry(k, name)}: 'name' holds '`' or a newline (not writable in SLRM)")
    return name


def _read_json(path: Path, src: str) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise CompileError(src, f"not UTF-8 text (byte {e.start})") from None
    except OSError as e:
        raise CompileError(src, f"cannot read the file: {e.strerror or e}") from None
    if not text.strip():
        raise CompileError(src, "the file is empty (expected an lpu-boxes JSON object)")
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise CompileError(f"{src}:{e.lineno}:{e.colno}", f"not valid JSON: {e.msg}") from None
    except (ValueError, RecursionError) as e:
        raise CompileError(src, f"not valid JSON: {e}") from None


def _header(src: str, doc: Any) -> tuple[int, float, float, list, dict]:
    if not isinstance(doc, dict):
        raise CompileError(src, f"expected a JSON object at the top, found {type(doc).__name__}")
    for key in _TOP_FIELDS:
        if key not in doc:
            raise CompileError(src, f"missing field '{key}'")
    unknown = sorted(set(doc) - set(_TOP_FIELDS) - {"meta"})
    if unknown:
        raise CompileError(src, f"unknown field '{unknown[0]}' (the fields are {', '.join(_TOP_FIELDS)}, meta)")
    if doc["format"] != FORMAT:
        raise CompileError(src, f"'format' is {doc['format']!r}, expected {FORMAT!r}")
    if doc["version"] != VERSION or type(doc["version"]) is not int:
        raise CompileError(src, f"unsupported version {doc['version']!r} (this compiler reads version {VERSION})")
    D = doc["D"]
    if type(D) is not int or D < 1:
        raise CompileError(src, f"'D' must be an integer >= 1, found {D!r}")
    betas = [_check_beta(src, key, doc[key]) for key in ("beta_i", "beta_v")]
    concepts = doc["concepts"]
    if not isinstance(concepts, list):
        raise CompileError(src, f"'concepts' must be a list, found {type(concepts).__name__}")
    if not concepts:
        raise CompileError(src, "'concepts' is empty (an embedding holds at least one concept)")
    meta = doc.get("meta", {})
    if not isinstance(meta, dict):
        raise CompileError(src, f"'meta' must be a JSON object, found {type(meta).__name__}")
    return D, betas[0], betas[1], concepts, meta


def _corner(src: str, k: int, name: str, key: str, values: Any, D: int) -> list[float]:
    where = f"{_entry(k, name)}: '{key}'"
    if not isinstance(values, list):
        raise CompileError(src, f"{where} must be a list of {D} numbers, found {type(values).__name__}")
    if len(values) != D:
        raise CompileError(src, f"{where} has {len(values)} values, D is {D}")
    for d, v in enumerate(values):
        if not _is_number(v):
            raise CompileError(src, f"{where}[{d}] is not a number ({v!r})")
        if not _finite(v):
            raise CompileError(src, f"{where}[{d}] is not a finite number ({v!r:.30})")
    return values


def load_embedding(path: str | os.PathLike[str]) -> Embedding:
    """Read and check an embedding file; every mistake is a one-line CompileError."""
    src = str(path)
    D, beta_i, beta_v, concepts, meta = _header(src, _read_json(Path(path), src))
    names: list[str] = []
    first: dict[str, int] = {}
    lo = np.empty((len(concepts), D))
    hi = np.empty((len(concepts), D))
    for k, c in enumerate(concepts):
        if not isinstance(c, dict):
            raise CompileError(src, f"concepts[{k}]: expected an object with name, lo, hi, found {type(c).__name__}")
        for key in _CONCEPT_FIELDS:
            if key not in c:
                raise CompileError(src, f"{_entry(k, c.get('name'))}: missing field '{key}'")
        unknown = sorted(set(c) - set(_CONCEPT_FIELDS))
        if unknown:
            raise CompileError(src, f"{_entry(k, c['name'])}: unknown field '{unknown[0]}' "
                               "(the fields are name, lo, hi)")
        name = _check_name(src, k, c["name"])
        if name in first:
            raise CompileError(src, f"{_entry(k, name)}: duplicate name (first at concepts[{first[name]}])")
        first[name] = k
        names.append(name)
        lo[k] = _corner(src, k, name, "lo", c["lo"], D)
        hi[k] = _corner(src, k, name, "hi", c["hi"], D)
    return Embedding(D, beta_i, beta_v, names, lo, hi, meta)


def dumps_embedding(emb: Embedding) -> str:
    """The canonical text of an embedding file."""
    def floats(row: np.ndarray) -> str:
        return "[" + ", ".join(repr(float(v)) for v in row) + "]"

    try:
        meta = json.dumps(emb.meta, sort_keys=True, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as e:
        raise CompileError("<embedding>", f"'meta' is not plain JSON: {e}") from None
    head = [f'  "format": "{FORMAT}",', f'  "version": {VERSION},', f'  "D": {emb.D},',
            f'  "beta_i": {float(emb.beta_i)!r},', f'  "beta_v": {float(emb.beta_v)!r},']
    rows = [f'    {{"name": {json.dumps(n, ensure_ascii=False)}, "lo": {floats(emb.lo[k])}, '
            f'"hi": {floats(emb.hi[k])}}}' for k, n in enumerate(emb.names)]
    return "\n".join(["{", *head, '  "concepts": [', ",\n".join(rows), "  ],", f'  "meta": {meta}', "}"]) + "\n"


def save_embedding(emb: Embedding, path: str | os.PathLike[str]) -> None:
    """Write `emb` (checked again first) to `path`, atomically (a reader never sees half a file)."""
    _check_embedding(emb)
    text = dumps_embedding(emb)
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
