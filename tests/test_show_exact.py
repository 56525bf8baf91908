"""Fixed-point values as `lpu run` prints them (issue 13, 3.5): never outside the format's
range, and the shortest decimal that reads back as the same raw value."""

from __future__ import annotations

import math
import random
import re
from fractions import Fraction

import pytest

from isa_spec import load_spec
from isa_spec.assembler import assemble
from isa_spec.types import FixedFormat
from lpu.cli import main

SPEC = load_spec()


def _reads_back(text: str, raw: int, fmt: FixedFormat) -> bool:
    """Independent of show(): exact rational arithmetic, round half up, and the range."""
    v = Fraction(text)
    scale = 1 << fmt.frac
    return (Fraction(fmt.min_raw, scale) <= v <= Fraction(fmt.max_raw, scale)
            and math.floor(v * scale + Fraction(1, 2)) == raw)


def _shorter_exists(raw: int, fmt: FixedFormat, digits: int) -> bool:
    """Brute force: is there a decimal with fewer fraction digits that reads back as raw?"""
    scale = 1 << fmt.frac
    for d in range(digits):
        ten = 10 ** d
        centre = Fraction(raw, scale) * ten
        for k in range(math.floor(centre) - 1, math.ceil(centre) + 2):
            if _reads_back(f"{k}/{ten}", raw, fmt):
                return True
    return False


def _digits(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


@pytest.mark.parametrize("signed, width, frac", [(True, 8, 4), (False, 8, 4), (True, 6, 6), (False, 7, 0)])
def test_every_value_of_small_formats(signed, width, frac):
    fmt = FixedFormat("t", signed, width, frac, "", "")
    for raw in range(fmt.min_raw, fmt.max_raw + 1):
        text = fmt.show(raw)
        assert re.fullmatch(r"-?\d+(\.\d+)?", text), text
        assert _reads_back(text, raw, fmt), (raw, text)
        assert not _shorter_exists(raw, fmt, _digits(text)), (raw, text)


@pytest.mark.parametrize("name", sorted(SPEC.formats))
def test_spec_formats_at_their_edges_and_at_random(name):
    fmt = SPEC.formats[name]
    rng = random.Random(35)
    raws = [fmt.min_raw, fmt.min_raw + 1, -1 if fmt.signed else 1, 0, 1, fmt.max_raw - 1, fmt.max_raw]
    for raw in raws + [rng.randint(fmt.min_raw, fmt.max_raw) for _ in range(300)]:
        text = fmt.show(raw)
        assert _reads_back(text, raw, fmt), (raw, text)
        assert not _shorter_exists(raw, fmt, _digits(text)), (raw, text)


def test_largest_q16_16_value():
    coord = SPEC.formats["coord"]
    assert coord.show(0x7FFFFFFF) == "32767.99998"
    assert coord.show(-(1 << 31)) == coord.show(0x80000000) == "-32768"
    # the printed value assembles back to the same word
    assert assemble(".data\n.fx 32767.99998").data == [0x7FFFFFFF]


def test_lpu_run_prints_the_largest_value_inside_the_range(tmp_path, capsys):
    src = tmp_path / "max.s"
    src.write_text("li x5, 0x7fffffff\nli x6, 0x80000000\naddi x7, x0, 1\n"
                   "bsetlo b1, x5, x0\nbsethi b1, x6, x7\nhalt\n")
    assert main(["run", str(src), "--trace"]) == 0
    out = capsys.readouterr().out
    assert "32768" not in out.replace("-32768", "")
    assert re.search(r"^\s+x5\s+0x7fffffff\s+2147483647\s+32767\.99998$", out, re.M)
    assert re.search(r"^\s+x6\s+0x80000000\s+-2147483648\s+-32768$", out, re.M)
    assert re.search(r"^\s+b1\s+lo \[32767\.99998(, 0)*\]\s+hi \[0, -32768(, 0)*\]$", out, re.M)
    assert "x5 <- 0x7fffffff (2147483647, 32767.99998)" in out
