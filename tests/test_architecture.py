"""The house rules of ARCHITECTURE.md, checked on the source: imports point one way, no module imports
itself in a circle (not even inside a function or under TYPE_CHECKING), and chains' packages meet only
through each other's `__init__`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from copydesk.paths import PROJECT_ROOT

LAYERS = ("copydesk", "retrieval", "generators", "chains", "bot")
ALLOWED = {
    "copydesk": set(),
    "retrieval": {"copydesk"},
    "generators": {"copydesk"},
    "chains": {"copydesk", "retrieval", "generators"},
    "bot": {"copydesk", "retrieval", "generators", "chains"},
}


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, root: Path, *, names_as_modules: bool = True) -> set[str]:
    """Every module a file imports anywhere (top level, functions, TYPE_CHECKING), relative imports resolved.
    `names_as_modules`: `from pkg import x` may import the module pkg.x too (for cycles); off, only `pkg` counts."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module_name(path, root).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            found.add(base)
            if names_as_modules:
                found.update(f"{base}.{alias.name}" for alias in node.names)  # `from pkg import module`
    return found


def import_graph(root: Path, packages: tuple[str, ...] = LAYERS, *, names_as_modules: bool = True) -> dict[str, set[str]]:
    """Module -> the project modules it imports (an import of `a.b.c` also runs `a` and `a.b`)."""
    files = {module_name(p, root): p for pkg in packages for p in (root / pkg).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        edges = set()
        for target in imported_modules(path, root, names_as_modules=names_as_modules):
            parts = target.split(".")
            for i in range(1, len(parts) + 1):
                candidate = ".".join(parts[:i])
                if candidate in files and candidate != name and not name.startswith(candidate + "."):
                    edges.add(candidate)
        graph[name] = edges
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules (first == last), or None. Iterative DFS, colours white/grey/black."""
    state: dict[str, int] = {}
    for start in sorted(graph):
        if state.get(start):
            continue
        stack = [(start, iter(sorted(graph[start])))]
        path = [start]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
                path.pop()
            elif state.get(child) == 1:
                return path[path.index(child):] + [child]
            elif not state.get(child):
                state[child] = 1
                path.append(child)
                stack.append((child, iter(sorted(graph.get(child, ())))))
    return None


def layer_offences(graph: dict[str, set[str]]) -> list[str]:
    offences = []
    for module, targets in sorted(graph.items()):
        layer = module.split(".")[0]
        for target in sorted(targets):
            other = target.split(".")[0]
            if other != layer and other not in ALLOWED[layer]:
                offences.append(f"{module} imports {target} ({layer} may import only {sorted(ALLOWED[layer])})")
    return offences


def private_reaches(graph: dict[str, set[str]]) -> list[str]:
    """chains.<a>.x importing chains.<b>.y (a != b): packages meet through `chains.<b>` only."""
    offences = []
    for module, targets in sorted(graph.items()):
        parts = module.split(".")
        if parts[0] != "chains":
            continue
        for target in targets:
            tparts = target.split(".")
            if tparts[0] == "chains" and len(tparts) > 2 and (len(parts) < 2 or tparts[1] != parts[1]):
                offences.append(f"{module} imports {target}: import from chains.{tparts[1]} instead")
    return offences


def test_no_import_cycles() -> None:
    cycle = find_cycle(import_graph(PROJECT_ROOT))
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_imports_point_one_way() -> None:
    offences = layer_offences(import_graph(PROJECT_ROOT))
    assert not offences, "\n".join(offences)


def test_chains_packages_meet_through_their_init() -> None:
    offences = private_reaches(import_graph(PROJECT_ROOT, names_as_modules=False))
    assert not offences, "\n".join(offences)


@pytest.mark.parametrize("package", [p for p in (PROJECT_ROOT / "chains").iterdir() if (p / "__init__.py").exists()],
                         ids=lambda p: p.name)
def test_each_chains_package_says_what_it_holds(package: Path) -> None:
    doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8")))
    assert doc and len(doc) > 30, f"chains/{package.name}/__init__.py needs a one- or two-sentence docstring"


def test_no_module_shadows_the_standard_library() -> None:
    import sys

    shadows = [str(p.relative_to(PROJECT_ROOT)) for pkg in LAYERS for p in (PROJECT_ROOT / pkg).rglob("*.py")
               if p.stem in sys.stdlib_module_names and p.stem != "__init__"]
    assert not shadows, f"modules named like the standard library: {shadows}"


# --- the checks themselves must be able to fail -------------------------------------------------------

def _plant(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_a_planted_cycle_is_found_even_inside_a_function_or_type_checking(tmp_path: Path) -> None:
    _plant(tmp_path, {
        "chains/__init__.py": "", "chains/a.py": "from chains.b import thing\n",
        "chains/b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from chains.c import x\n",
        "chains/c.py": "def f():\n    from chains import a\n",
    })
    cycle = find_cycle(import_graph(tmp_path, ("chains",)))
    assert cycle is not None and set(cycle) == {"chains.a", "chains.b", "chains.c"}


def test_a_planted_upward_import_is_reported(tmp_path: Path) -> None:
    _plant(tmp_path, {
        "retrieval/__init__.py": "", "retrieval/x.py": "def f():\n    from chains.drafting import CopyChain\n",
        "chains/__init__.py": "", "chains/drafting/__init__.py": "",
    })
    offences = layer_offences(import_graph(tmp_path, ("retrieval", "chains")))
    assert [o.split(" (")[0] for o in offences] == ["retrieval.x imports chains", "retrieval.x imports chains.drafting"]


def test_a_planted_reach_into_a_sibling_package_is_reported(tmp_path: Path) -> None:
    _plant(tmp_path, {
        "chains/__init__.py": "", "chains/grounding/__init__.py": "", "chains/grounding/claims.py": "",
        "chains/drafting/__init__.py": "", "chains/drafting/steps.py": "from chains.grounding.claims import x\n",
    })
    assert private_reaches(import_graph(tmp_path, ("chains",), names_as_modules=False)) == [
        "chains.drafting.steps imports chains.grounding.claims: import from chains.grounding instead"]


# --- prompts are files in prompts/ ---------------------------------------------------------------------

PROMPT_MARKERS = ("you are a", "you are an", "rewrite the", "write a ", "write one ", "respond with", "do not invent")


def prompt_like_strings(path: Path) -> list[str]:
    """String literals in code that read like instructions to a model (they belong in prompts/*.txt)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) >= 60:
            text = node.value.lower()
            if any(marker in text for marker in PROMPT_MARKERS) and not text.lstrip().startswith(('"""', "usage")):
                found.append(node.value[:80])
    return found


def _docstrings(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = [tree, *(n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)))]
    return {doc[:80] for doc in (ast.get_docstring(n, clean=False) for n in nodes) if doc}


def test_no_prompt_text_in_code() -> None:
    prompts = sorted((PROJECT_ROOT / "prompts").glob("*.txt"))
    assert len(prompts) >= 5, "prompt templates live in prompts/*.txt"
    offenders = []
    for pkg in ("chains", "generators", "bot"):
        for path in sorted((PROJECT_ROOT / pkg).rglob("*.py")):
            docs = _docstrings(path)
            offenders += [f"{path.relative_to(PROJECT_ROOT)}: {s!r}" for s in prompt_like_strings(path) if s not in docs]
    assert not offenders, "prompt text in code (move it to prompts/):\n" + "\n".join(offenders)


def test_a_planted_prompt_in_code_is_found(tmp_path: Path) -> None:
    planted = tmp_path / "steps.py"
    planted.write_text('SYSTEM = "You are a helpful copywriter. Write a product title from the facts below."\n')
    assert prompt_like_strings(planted) == ["You are a helpful copywriter. Write a product title from the facts below."]
