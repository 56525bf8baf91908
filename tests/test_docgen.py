"""isa_spec/docgen.py: the Markdown reference pages generated from the spec."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from isa_spec import load_spec
from isa_spec.docgen import STAMP, encoding_diagram, encoding_segments, field_diagram, generate, write_docs

SPEC = load_spec()
PAGES = generate(SPEC)
ROOT = Path(__file__).resolve().parent.parent


def test_one_page_per_class_plus_the_index_all_stamped():
    assert set(PAGES) == {"index.md"} | {f"{c}.md" for c in SPEC.classes}
    for name, text in PAGES.items():
        assert text.splitlines()[2] == f"> {STAMP}", name
        assert text.endswith("\n") and not text.endswith("\n\n")


def test_generation_is_deterministic():
    assert generate(SPEC) == PAGES


@pytest.mark.parametrize("ins", list(SPEC.instructions.values()), ids=list(SPEC.instructions))
def test_encoding_segments_rebuild_the_mask_and_match(ins):
    # The diagram's fixed bits must be exactly the decoder's mask/match, and the cells must
    # tile the word: every bit once.
    mask = match = covered = 0
    for msb, lsb, label, _field in encoding_segments(SPEC, ins):
        bits = ((1 << (msb - lsb + 1)) - 1) << lsb
        assert covered & bits == 0, f"{ins.name}: overlapping cells at [{msb}:{lsb}]"
        covered |= bits
        if re.fullmatch(r"[01]+", label) and len(label) == msb - lsb + 1:
            mask |= bits
            match |= int(label, 2) << lsb
    assert covered == (1 << SPEC.ilen) - 1
    assert (mask, match) == (ins.mask_bits, ins.match_bits)


@pytest.mark.parametrize("ins", list(SPEC.instructions.values()), ids=list(SPEC.instructions))
def test_encoding_diagram_shows_the_segments_in_bit_order(ins):
    lines = encoding_diagram(SPEC, ins).splitlines()
    assert len(lines) == 5
    segs = encoding_segments(SPEC, ins)
    cells = [c.strip() for c in lines[2].strip("|").split("|")]
    names = [c.strip() for c in lines[3].strip("|").split("|")]
    assert cells == [s[2] for s in segs]
    assert names == [s[3] for s in segs]
    numbers = [int(n) for n in lines[0].split()]
    expected = [b for m, lo, *_ in segs for b in ((m, lo) if m != lo else (m,))]
    assert numbers == expected
    assert numbers[0] == SPEC.ilen - 1 and numbers[-1] == 0
    assert len({len(line) for line in lines[1:]}) == 1  # the box is rectangular
    assert PAGES[f"{ins.iclass}.md"].count(encoding_diagram(SPEC, ins)) >= 1


def test_field_diagram_marks_exactly_each_fields_bits():
    rows = field_diagram(SPEC).splitlines()
    ruler_tens, ruler_ones = rows[0].strip(), rows[1].strip()
    assert [int(t + o) for t, o in zip(ruler_tens, ruler_ones, strict=True)] == list(range(SPEC.ilen - 1, -1, -1))
    for row, f in zip(rows[2:], SPEC.fields.values(), strict=True):
        name, bits = row.split()[:2]
        assert name == f.name
        marked = sum(1 << (SPEC.ilen - 1 - i) for i, c in enumerate(bits) if c == "#")
        assert marked == f.mask


def test_index_covers_every_spec_section():
    index = PAGES["index.md"]
    for f in SPEC.formats.values():
        assert f.why in index
    for c in SPEC.csrs.values():
        assert re.search(rf"^\| {c.name} \| {c.number:#05x} \|", index, re.M)
    for t in SPEC.traps.values():
        assert re.search(rf"^\| {t.code} \| {t.name} \|", index, re.M)
    for p in SPEC.params.values():
        assert re.search(rf"^\| {p.name} \| {p.min} \.\. {p.max} \| {p.default} \|", index, re.M)
    for name, values in SPEC.configs.items():
        row = " | ".join(str(values[p]) for p in SPEC.params)
        assert f"| {name} | {row} |" in index
    for n in SPEC.nonlinear.values():
        assert re.search(rf"^\| {n.name} \|.*\\\|err\\\| <= {n.bound_ulp:g} ulp", index, re.M)
    assert SPEC.predictor.summary in index
    for iclass in SPEC.classes:
        assert f"[{iclass}]({iclass}.md)" in index


def _unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def test_tables_are_well_formed():
    # A stray '|' in a summary (e.g. '|err|' or 'x | y') would shift every later column.
    for name, text in PAGES.items():
        lines = text.splitlines()
        for i, line in enumerate(lines):
            if line.startswith("|---"):
                width = _unescaped_pipes(lines[i - 1])
                j = i + 1
                while j < len(lines) and lines[j].startswith("|"):
                    assert _unescaped_pipes(lines[j]) == width, f"{name}: {lines[j]}"
                    j += 1


def test_class_pages_show_examples_and_semantics():
    for ins in SPEC.instructions.values():
        page = PAGES[f"{ins.iclass}.md"]
        section = page.split(f"\n## {ins.name}\n", 1)[1].split("\n## ", 1)[0]
        assert f"Semantics: {ins.semantics}" in section
        assert f"match `{ins.match_bits:#010x}`, mask `{ins.mask_bits:#010x}`" in section
        for ex in ins.examples:
            assert f"`{ex.asm}`" in section
        assert ("Conditional branch" in section) == ins.conditional


def test_write_docs_replaces_stale_generated_pages_only(tmp_path):
    (tmp_path / "removed_class.md").write_text(f"# old\n\n> {STAMP}\n")
    (tmp_path / "notes.md").write_text("hand-written\n")
    written = write_docs(SPEC, tmp_path)
    assert {p.name for p in written} == set(PAGES)
    assert not (tmp_path / "removed_class.md").exists()
    assert (tmp_path / "notes.md").read_text() == "hand-written\n"
    for name, text in PAGES.items():
        assert (tmp_path / name).read_text() == text


def test_docgen_reads_only_the_spec():
    code = ("import sys, isa_spec.docgen as d, isa_spec; d.generate(isa_spec.load_spec()); "
            "bad = [m for m in sys.modules if m.split('.')[0] in "
            "('golden_model', 'rtl_gen', 'verif', 'regress', 'lpu')]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={"PYTHONPATH": str(ROOT), "PATH": ""}, check=True)
    assert out.stdout.strip() == "[]"
