"""`lpu isa check` and `lpu isa doc`: the spec's completeness and its reference pages."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from .registry import Subparsers, add_command, add_group

if TYPE_CHECKING:
    from isa_spec import Spec


def _load(spec_dir: Path | None) -> Spec:
    """The installed spec, or a copy under spec_dir (isa.toml + instructions/)."""
    from isa_spec.loader import load_spec, load_spec_from

    if spec_dir is None:
        return load_spec()
    return load_spec_from(spec_dir / "isa.toml", spec_dir / "instructions")


def cmd_check(args: argparse.Namespace) -> int:
    from golden_model.ops import SEMANTICS

    from .isacheck import check, format_table, rtl_implemented, rtl_unit_problems

    spec = _load(args.spec_dir)
    rtl = rtl_implemented()
    report = check(spec, SEMANTICS, rtl, rtl_unit_problems())
    for line in format_table(report):
        print(line)
    print()
    if not report.rtl_checked:
        print("RTL coverage is not checked yet: rtl_gen does not declare IMPLEMENTED.")
    n, c = len(spec.instructions), len(spec.classes)
    if report.ok:
        print(f"isa check: OK: {n} instructions in {c} classes")
        return 0
    print(f"isa check: FAILED: {len(report.problems)} missing:")
    for p in report.problems:
        print(f"  - {p}")
    return 1


def cmd_doc(args: argparse.Namespace) -> int:
    from isa_spec.docgen import write_docs

    from .errors import UserError

    spec = _load(args.spec_dir)
    try:
        written = write_docs(spec, args.output)
    except OSError as exc:
        raise UserError(f"{args.output}: cannot write: {exc.strerror or exc}") from None
    print(f"wrote {len(written)} pages to {args.output}/ ({', '.join(p.name for p in written)})")
    if args.rtl_doc is not None:  # the timing table of docs/rtl.md, between its markers
        from isa_spec.docgen import with_timing_table

        from .errors import read_text
        try:
            args.rtl_doc.write_text(with_timing_table(read_text(args.rtl_doc), spec), encoding="utf-8")
        except ValueError as exc:
            raise UserError(f"{args.rtl_doc}: {exc}") from None
        except OSError as exc:
            raise UserError(f"{args.rtl_doc}: cannot write: {exc.strerror or exc}") from None
        print(f"updated the timing table in {args.rtl_doc}")
    return 0


def _spec_dir_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--spec-dir", type=Path, metavar="DIR",
                   help="read the spec from DIR/isa.toml and DIR/instructions/ instead of isa_spec/")


def register(sub: Subparsers) -> None:
    isa = add_group(sub, "isa", "the ISA spec: completeness check and documentation")
    p = add_command(isa, "check", cmd_check,
                    "check that every instruction has semantics, examples and (later) an RTL case")
    _spec_dir_option(p)
    p = add_command(isa, "doc", cmd_doc, "write Markdown reference pages generated from the spec")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="DIR", help="output directory")
    p.add_argument("--rtl-doc", type=Path, metavar="FILE",
                   help="also regenerate the timing table in FILE (docs/rtl.md) between its markers")
    _spec_dir_option(p)
