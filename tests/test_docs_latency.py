"""docs/rtl.md's latency table is generated from isa.toml [latency] (issue 13, section 4)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from isa_spec import load_spec, make_config
from isa_spec.docgen import LATENCY_BEGIN, LATENCY_END, latency_markdown, with_latency_table
from isa_spec.latency import latency_table
from lpu.cli import main

SPEC = load_spec()
RTL_DOC = Path(__file__).resolve().parent.parent / "docs" / "rtl.md"


def test_docs_rtl_md_holds_the_generated_table():
    text = RTL_DOC.read_text()
    assert with_latency_table(text, SPEC) == text, "run: lpu isa doc -o docs/isa --rtl-doc docs/rtl.md"
    section = text.split(LATENCY_BEGIN, 1)[1].split(LATENCY_END, 1)[0]
    assert section.strip().splitlines() == latency_markdown(SPEC)


def test_every_instruction_is_in_exactly_one_row_with_its_cycles():
    rows = latency_markdown(SPEC)[2:-2]   # the trap and counter-read rows last
    cfg = make_config(SPEC, "default")
    cycles = latency_table(SPEC, cfg)
    env = {"D": cfg["D"], "LANES": cfg["LANES"]}
    seen = []
    for row in rows:
        names, expr = row.strip("| ").split(" | ")
        for n in names.split(", "):
            seen.append(n.strip("`"))
            assert eval(expr.replace("/", "//"), {}, env) == cycles[n.strip("`")], row  # noqa: S307
    assert sorted(seen) == sorted(SPEC.instructions)


def test_a_changed_latency_changes_the_table():
    spec = dataclasses.replace(SPEC, latency={**SPEC.latency, "sbx": "2 * D + 4"})
    assert "| `sbx` | 2 * D + 4 |" in latency_markdown(spec)
    assert with_latency_table(RTL_DOC.read_text(), spec) != RTL_DOC.read_text()


def test_isa_doc_updates_a_stale_table_and_refuses_a_file_without_markers(tmp_path, capsys):
    doc = tmp_path / "rtl.md"
    stale = RTL_DOC.read_text().replace("| `sbx` | 2 * D + 3 |", "| `sbx` | 7 |")
    doc.write_text(stale)
    assert main(["isa", "doc", "-o", str(tmp_path / "isa"), "--rtl-doc", str(doc)]) == 0
    assert doc.read_text() == RTL_DOC.read_text()
    (tmp_path / "plain.md").write_text("# no table here\n")
    capsys.readouterr()
    assert main(["isa", "doc", "-o", str(tmp_path / "isa"), "--rtl-doc", str(tmp_path / "plain.md")]) != 0
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "plain.md" in err and "markers" in err
