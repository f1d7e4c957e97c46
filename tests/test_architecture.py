"""The layout is the pipeline: each package of ``src/koko`` is one stage, and no module imports a later one.

A newcomer should find where a change belongs from the folder names alone (docs/architecture.md draws the
same order); these tests keep the folders honest.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "koko"
# The stages in pipeline order; a module may import its own stage and earlier ones. web and site both
# publish the pages (a server, a folder of files) and never import each other.
STAGES: dict[str, int] = {
    "": 0,  # koko itself: configuration and the error types every stage shares
    "resources": 0,  # package data: the ontology, shapes, queries and source data
    "source": 1,
    "graph": 2,
    "sparql": 3,
    "checks": 4,
    "release": 5,
    "pages": 6,
    "store": 7,
    "web": 8,
    "site": 8,
    "cli": 9,
}
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def stage_of(module: str) -> str:
    """``koko.graph.model`` → ``graph``; ``koko.config`` → ``""``."""
    parts = module.split(".")
    if module == "koko.__main__":  # ``python -m koko`` is the command line
        return "cli"
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in STAGES) else ""


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """Every ``koko…`` module the file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}: relative import; the stages import each other by absolute name"
            if node.module and node.module.split(".")[0] == "koko":
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "koko"}
    return found


def test_every_package_is_a_known_stage_with_a_docstring_saying_what_it_owns() -> None:
    packages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert packages == set(STAGES) - {""}
    for name in packages:
        docstring = ast.get_docstring(ast.parse((PACKAGE / name / "__init__.py").read_text(encoding="utf-8")))
        assert docstring, f"koko.{name} needs a docstring saying what the stage owns"
        assert len(docstring) > 80, f"koko.{name}: say what the stage owns, not just its name"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_no_module_imports_a_later_stage(path: Path) -> None:
    here = stage_of(module_name(path))
    later = sorted(m for m in imported(path) if STAGES[stage_of(m)] > STAGES[here] or {here, stage_of(m)} == {"web", "site"})
    assert not later, f"{module_name(path)} (stage {here or 'koko'}) imports a later stage: {later}"


def test_the_architecture_doc_names_every_package_and_module() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = {module_name(p).removeprefix("koko.") for p in MODULES if p.name != "__main__.py"} - {"koko"}
    missing = sorted(name for name in named if f"`{name}`" not in text and f"`koko.{name}`" not in text)
    assert not missing, f"docs/architecture.md does not mention {missing}"
    diagram = re.search(r"```mermaid\n(.*?)```", text, re.S)
    assert diagram, "docs/architecture.md needs its Mermaid picture"
    for stage in set(STAGES) - {""}:
        assert re.search(rf"\b{stage}\b", diagram[1]), f"the picture lacks {stage}"
