"""The question patterns `lpu ask` understands, parsed into the terms they relate:

- is-a:   "Is a beagle a kind of carnivore?", "Is a beagle a dog?", "Are wolves canines?"
- which:  "Which of beagle, tabby and wolf is a kind of feline?"
- what:   "What is a beagle?", "What kind of animal is a puppy?" (the most likely parent)

A question that fits none of them is NotUnderstood, with the patterns in the message."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

PATTERNS = ('"Is a X a kind of Y?"', '"Which of A, B or C is a kind of Y?"', '"What is a X?"')
_ART = r"(?:(?:a|an|the|every|all|any) )?"
_KIND = r"(?:(?:kind|type|sort|species|breed|variety|member|form) of )"
_WHICH = re.compile(r"^which (?:one )?(?:of )?(?:(?:the following|these)[:,]? )?"
                    rf"(?P<list>.+?),? (?:is|are) {_ART}{_KIND}?{_ART}(?P<y>.+)$")
_WHAT_KIND = re.compile(rf"^what {_KIND}(?:animal|mammal|creature|thing|beast)s? (?:is|are) {_ART}(?P<x>.+)$")
_WHAT = re.compile(rf"^what (?:is|are) {_ART}(?P<x>.+)$")
_ISA_KIND = re.compile(rf"^(?:is|are) {_ART}(?P<x>.+?) {_ART}{_KIND}{_ART}(?P<y>.+)$")
_ISA_ART = re.compile(r"^(?:is|are) " + _ART + r"(?P<rest>.+)$")
_SPLIT_LIST = re.compile(r"\s*,\s*(?:and |or )?|\s+(?:and|or)\s+")


class NotUnderstood(ValueError):
    """The question fits no pattern (or its terms cannot be told apart)."""


@dataclass(frozen=True)
class IsA:
    child: str
    parent: str


@dataclass(frozen=True)
class WhichOf:
    candidates: tuple[str, ...]
    parent: str


@dataclass(frozen=True)
class WhatIs:
    child: str


Question = IsA | WhichOf | WhatIs


def clean(text: str) -> str:
    t = " ".join(text.strip().split()).lower()
    return t.rstrip("?.! ").strip()


def parse(text: str, known: Callable[[str], bool] = lambda t: False) -> Question:
    """The question's pattern and terms; `known(term)` says whether a term is a concept's
    name, to split "Are sea lions carnivores?" where no article marks the boundary."""
    t = clean(text)
    if not t:
        raise NotUnderstood("the question is empty; ask, for example, " + PATTERNS[0])
    if m := _WHICH.match(t):
        items = [i.strip() for i in _SPLIT_LIST.split(m["list"]) if i.strip()]
        items = [_strip_article(i) for i in items]
        if len(items) < 2:
            raise NotUnderstood(f"'which of' needs two or more candidates, got {len(items)}: {m['list']!r}")
        return WhichOf(tuple(items), _term(m["y"]))
    if m := (_WHAT_KIND.match(t) or _WHAT.match(t)):
        x = m["x"]
        if re.match(rf"^{_KIND}", x):
            raise NotUnderstood(f"asking for the kinds of a concept ({x!r}) is not a pattern I know; "
                                f"I understand {', '.join(PATTERNS)}")
        return WhatIs(_term(x))
    if m := _ISA_KIND.match(t):
        return IsA(_term(m["x"]), _term(m["y"]))
    if m := _ISA_ART.match(t):
        return _split_isa(m["rest"], known)
    raise NotUnderstood(f"I do not understand {text.strip()!r}; I understand {', '.join(PATTERNS)}")


def _split_isa(rest: str, known: Callable[[str], bool]) -> IsA:
    """'beagle a carnivore' (an article marks the boundary) or 'sea lions carnivores' (the
    split whose two sides are both concept names)."""
    words = rest.split()
    art = [k for k, w in enumerate(words) if w in ("a", "an") and 0 < k < len(words) - 1]
    if art:
        k = art[-1]
        return IsA(_term(" ".join(words[:k])), _term(" ".join(words[k + 1:])))
    splits = [(" ".join(words[:k]), " ".join(words[k:])) for k in range(1, len(words))]
    if len(splits) == 1:
        return IsA(_term(splits[0][0]), _term(splits[0][1]))
    both = [s for s in splits if known(s[0]) and known(s[1])]
    if len(both) == 1:
        return IsA(_term(both[0][0]), _term(both[0][1]))
    raise NotUnderstood(f"I cannot tell the two terms apart in {rest!r}; ask it as \"Is a X a kind of Y?\"")


def _strip_article(term: str) -> str:
    return re.sub(r"^(?:a|an|the) ", "", term.strip())


def _term(term: str) -> str:
    t = _strip_article(term)
    if not t or t in ("a", "an", "the", "every", "all", "any"):
        raise NotUnderstood(f"a term of the question is missing; ask, for example, {PATTERNS[0]}")
    if re.search(r"(?:^| )(?:of|kind|type|sort)$", t) or re.match(rf"^{_KIND}", t + " "):
        raise NotUnderstood(f"the question is incomplete ({t!r} is not a concept); ask, for example, {PATTERNS[0]}")
    return t
