"""docs/rtl.md's timing table is generated from isa.toml [timing] (docs/pipeline.md): EX
cycles per instruction group and the rule numbers, per named configuration."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from isa_spec import load_spec, make_config
from isa_spec.docgen import TIMING_BEGIN, TIMING_END, timing_markdown, with_timing_table
from isa_spec.schema import TIMING_NUMBERS
from isa_spec.timing import timing_table
from lpu.cli import main

SPEC = load_spec()
RTL_DOC = Path(__file__).resolve().parent.parent / "docs" / "rtl.md"
CONFIGS = list(SPEC.configs)


def _rows(lines: list[str], first_header: str) -> list[list[str]]:
    """The body rows of the table whose header starts with `first_header`, split in cells."""
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {first_header} |"))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip("|").split(" | ")])
    return rows


def _eval(expr: str, cfg) -> int:
    env = {"D": cfg["D"], "LANES": cfg["LANES"], "BEATS": cfg["D"] // cfg["LANES"],
           "SREGS": cfg["SREGS"], "BREGS": cfg["BREGS"]}
    return eval(expr.replace("/", "//"), {}, env)  # noqa: S307  (the spec's own formula)


def test_docs_rtl_md_holds_the_generated_table():
    text = RTL_DOC.read_text()
    assert with_timing_table(text, SPEC) == text, "run: lpu isa doc -o docs/isa --rtl-doc docs/rtl.md"
    section = text.split(TIMING_BEGIN, 1)[1].split(TIMING_END, 1)[0]
    assert section.strip().splitlines() == timing_markdown(SPEC)


def test_every_instruction_is_in_exactly_one_row_with_its_ex_cycles_per_configuration():
    rows = _rows(timing_markdown(SPEC), "instructions")
    assert rows[-1][0] == "a trap (or a fetch fault)"
    tables = {c: timing_table(SPEC, make_config(SPEC, c)) for c in CONFIGS}
    seen = []
    for names, expr, *values in rows[:-1]:
        for n in names.split(", "):
            n = n.strip("`")
            seen.append(n)
            for c, v in zip(CONFIGS, values, strict=True):
                assert int(v) == tables[c].ex_cycles[n] == _eval(expr, make_config(SPEC, c)), (n, c)
    assert sorted(seen) == sorted(SPEC.instructions)
    _, expr, *values = rows[-1]
    assert [int(v) for v in values] == [tables[c].ex_cycles["trap"] for c in CONFIGS]


def test_every_rule_number_is_listed_with_its_value_per_configuration():
    rows = _rows(timing_markdown(SPEC), "rule")
    assert [r[1].strip("`") for r in rows] == list(TIMING_NUMBERS)
    for _, key, expr, *values in rows:
        key = key.strip("`")
        assert expr == SPEC.timing.numbers[key]
        for c, v in zip(CONFIGS, values, strict=True):
            assert int(v) == getattr(timing_table(SPEC, make_config(SPEC, c)), key) == _eval(expr, make_config(SPEC, c))


def test_the_late_instructions_and_the_named_lists_are_documented():
    text = "\n".join(timing_markdown(SPEC))
    late = text.split("Late (scalar result in MW, rule 2c): ", 1)[1].split(".", 1)[0]
    assert set(late.replace("`", "").split(", ")) == {"lw", "blvol", "blcp"} | {
        i.name for i in SPEC.instructions.values() if i.iclass == "nonlinear"}
    assert "extra wait of `lbx`, `sbx` right after `lw`, `sw`" in text


def test_a_changed_timing_rule_changes_the_table():
    timing = dataclasses.replace(SPEC.timing, ex_cycles={**SPEC.timing.ex_cycles, "sbx": "2 * D + 4"},
                                 numbers={**SPEC.timing.numbers, "late_use": "2"})
    spec = dataclasses.replace(SPEC, timing=timing)
    lines = timing_markdown(spec)
    assert "| `sbx` | 2 * D + 4 | 6 | 20 | 132 |" in lines
    assert any(line.startswith("| 2c:") and line.endswith("| `late_use` | 2 | 2 | 2 | 2 |") for line in lines)
    assert with_timing_table(RTL_DOC.read_text(), spec) != RTL_DOC.read_text()


def test_isa_doc_updates_a_stale_table_and_refuses_a_file_without_markers(tmp_path, capsys):
    doc = tmp_path / "rtl.md"
    stale = RTL_DOC.read_text().replace("| `lbx`, `sbx` | 2 * D |", "| `lbx`, `sbx` | 7 |")
    assert stale != RTL_DOC.read_text()
    doc.write_text(stale)
    assert main(["isa", "doc", "-o", str(tmp_path / "isa"), "--rtl-doc", str(doc)]) == 0
    assert doc.read_text() == RTL_DOC.read_text()
    (tmp_path / "plain.md").write_text("# no table here\n")
    capsys.readouterr()
    assert main(["isa", "doc", "-o", str(tmp_path / "isa"), "--rtl-doc", str(tmp_path / "plain.md")]) != 0
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "plain.md" in err and "markers" in err
