"""The import contract of LPU_BRIEF section 8, checked on the source so that the layering
stops holding by habit alone: every import (top level, inside functions, relative, and
`importlib.import_module("...")` with a literal name) of every module of every package."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("isa_spec", "golden_model", "rtl_gen", "verif", "regress", "compiler", "demo", "lpu")

# package -> the other packages it may import (section 8; `lpu` is the CLI)
ALLOWED: dict[str, set[str]] = {
    "isa_spec": set(),
    "golden_model": {"isa_spec"},
    "rtl_gen": {"isa_spec"},
    "verif": {"golden_model", "isa_spec", "rtl_gen"},
    "regress": {"verif", "isa_spec", "golden_model", "compiler"},
    "compiler": {"isa_spec", "golden_model"},
    "demo": {"compiler", "golden_model", "isa_spec", "verif"},
    "lpu": set(PACKAGES) - {"lpu"},
}
# compiler may use only the float reference of the golden model (not the ISS)
ALLOWED_MODULES = {("compiler", "golden_model"): ("golden_model.reference",)}
NEVER_IMPORTED = ("lpu", "demo")
IMPORTED_ONLY_BY = {"demo": "lpu"}   # section 8: nothing imports demo/ but the CLI


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the file, wherever it is."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    pkg = module_name(path).split(".")
    if path.name != "__init__.py":
        pkg = pkg[:-1]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg[:len(pkg) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
                # `from . import x` may name a submodule
                out += [(node.lineno, f"{mod}.{a.name}" if not node.module else mod) for a in node.names]
            else:
                out.append((node.lineno, node.module or ""))
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
            if name in ("import_module", "__import__"):
                out.append((node.lineno, node.args[0].value))
    return out


def sources() -> list[Path]:
    return sorted(p for pkg in PACKAGES if (ROOT / pkg).is_dir() for p in (ROOT / pkg).rglob("*.py"))


def violations(files: list[Path]) -> list[str]:
    bad = []
    for path in files:
        own = module_name(path).split(".")[0]
        for line, mod in imports(path):
            top = mod.split(".")[0]
            if top not in PACKAGES or top == own:
                continue
            where = f"{path.relative_to(ROOT)}:{line} imports {mod}"
            if top in NEVER_IMPORTED and IMPORTED_ONLY_BY.get(top) != own:
                bad.append(f"{where}: nothing imports {top}")
            elif top not in ALLOWED[own]:
                bad.append(f"{where}: {own} may import only {', '.join(sorted(ALLOWED[own])) or 'nothing'}")
            elif (own, top) in ALLOWED_MODULES and not mod.startswith(ALLOWED_MODULES[own, top]):
                bad.append(f"{where}: {own} may import only {', '.join(ALLOWED_MODULES[own, top])}")
    return bad


def test_the_packages_keep_the_layering_of_section_8():
    files = sources()
    assert {module_name(p).split(".")[0] for p in files} >= {"isa_spec", "golden_model", "rtl_gen", "verif",
                                                              "regress", "lpu"}
    assert violations(files) == []


def test_every_package_module_is_seen():
    """A module the parser cannot read would hide its imports."""
    for path in sources():
        assert isinstance(imports(path), list)


@pytest.mark.parametrize(("own", "code", "found"), [
    ("golden_model", "from rtl_gen.alu import alu\n", "golden_model may import only isa_spec"),
    ("rtl_gen", "def f():\n    import golden_model.iss\n", "rtl_gen may import only isa_spec"),
    ("isa_spec", "import importlib\nimportlib.import_module('verif.build')\n", "isa_spec may import only nothing"),
    ("verif", "from regress import results\n", "verif may import only"),
    ("regress", "from lpu.cli import main\n", "nothing imports lpu"),
    ("regress", "from demo.report import run_demo\n", "nothing imports demo"),
    ("regress", "from rtl_gen.top import TOP_NAME\n", "regress may import only"),
    ("compiler", "from golden_model.iss import Iss\n", "compiler may import only golden_model.reference"),
])
def test_a_forbidden_import_is_found(tmp_path, monkeypatch, own, code, found):
    """Each rule fails on a file that breaks it (lazy, relative and importlib forms too)."""
    root = tmp_path / "repo"
    (root / own / "sub").mkdir(parents=True)
    path = root / own / "sub" / "mod.py"
    path.write_text(code)
    monkeypatch.setattr(sys.modules[__name__], "ROOT", root)
    [problem] = violations([path])
    assert found in problem and f"{own}/sub/mod.py" in problem


def test_allowed_imports_pass(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    (root / "verif").mkdir(parents=True)
    path = root / "verif" / "mod.py"
    path.write_text("from . import build\nfrom .retire import x\nimport isa_spec\nfrom rtl_gen import top\n"
                    "from golden_model.iss import Iss\nimport numpy\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", root)
    assert violations([path]) == []
    assert [m for _, m in imports(path)][:2] == ["verif.build", "verif.retire"]
