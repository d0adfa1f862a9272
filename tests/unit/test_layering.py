"""The house's floors: machine -> probes -> facts -> target -> rules -> report / build plan.

A rule never reads a machine (no machine/ or probes/ import), a probe never decides (no rules/
import), facts and the target depend on neither, and nothing below the CLI imports the CLI.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[2] / "src" / "builddoctor"

#: (modules matching this prefix, may not import modules matching any of these prefixes)
FORBIDDEN = [
    ("rules", ("machine", "probes", "builder", "cli", "check", "report", "devshell")),
    ("probes", ("rules", "builder", "cli", "check", "report", "target")),
    ("facts", ("machine", "probes", "rules", "builder", "cli", "check", "target")),
    ("target", ("machine", "probes", "rules", "builder", "cli", "check")),
    ("tags", ("machine", "probes", "rules", "builder", "cli", "check")),
    ("knowledge", ("machine", "probes", "rules", "builder", "cli", "check")),
    ("machine", ("probes", "rules", "builder", "cli", "check", "target")),
    ("report", ("machine", "probes", "builder", "cli")),
]

#: pure text helpers that live beside the machine seam but read no machine
ALLOWED = {"machine.redact"}


def _module(path: Path) -> str:
    rel = path.relative_to(PKG).with_suffix("")
    parts = [p for p in rel.parts if p != "__init__"]
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """builddoctor-relative names of every module `path` imports, at any depth (lazy imports count)."""
    module = _module(path)
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                name = ".".join([*base, *(node.module.split(".") if node.module else [])])
                found.add(name)
                if not node.module:
                    found.update(".".join([*base, a.name]) for a in node.names)
            elif node.module and node.module.startswith("builddoctor."):
                found.add(node.module.removeprefix("builddoctor."))
        elif isinstance(node, ast.Import):
            found.update(a.name.removeprefix("builddoctor.") for a in node.names if a.name.startswith("builddoctor."))
    return found


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


@pytest.mark.parametrize(("layer", "forbidden"), FORBIDDEN, ids=[f[0] for f in FORBIDDEN])
def test_layer_imports_nothing_above_it(layer: str, forbidden: tuple[str, ...]) -> None:
    offenders = []
    for path in sorted(PKG.rglob("*.py")):
        module = _module(path)
        if not _under(module, layer):
            continue
        for name in _imports(path):
            if name not in ALLOWED and any(_under(name, f) for f in forbidden):
                offenders.append(f"{module} imports {name}")
    assert not offenders, offenders


def test_the_checker_sees_a_planted_violation(tmp_path: Path) -> None:
    """The test above can fail: a rule that imports a probe is caught by the same reader."""
    planted = PKG / "rules" / "_planted_for_test.py"
    planted.write_text("from ..probes.rust import probe_rust\n", encoding="utf-8")
    try:
        assert "probes.rust" in _imports(planted)
        with pytest.raises(AssertionError):
            test_layer_imports_nothing_above_it("rules", FORBIDDEN[0][1])
    finally:
        planted.unlink()
