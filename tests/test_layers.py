"""The package's shape is its architecture: layers, one-way imports, no circles, small modules.

Every module of ``analysis/`` is parsed with :mod:`ast` (nothing is imported)
and its imports of the kit become edges of an import graph. The rules
(``docs/ARCHITECTURE.md``):

* **Layers**, lowest first: base (``_version``, ``errors``, ``paths``, ``io``)
  -> ``corpus`` -> ``nlp`` -> ``extract`` -> ``tables`` -> ``plots`` -> ``app``.
  A module imports only from its own layer or lower ones. The facade
  (``analysis/__init__``, ``__main__`` and the README's import paths
  ``analysis.stats``, ``analysis.run``, ``analysis.sentiment``) may import
  any layer, and no module of the kit imports it.
* **No circles**: the graph has no strongly connected component of more than
  one module. Importing ``a.b.c`` runs ``a/b/__init__`` first, so that edge
  counts too.
* **Imports at the top**: no module imports the kit inside a function, and
  nothing looks modules up by name (``importlib.import_module``,
  ``__import__``) but the modules of :data:`LAZY_KIT` (the facade's PEP 562
  loader). Inside functions, only the heavy or optional third-party packages
  of :data:`LAZY_ALLOWED` may be imported.
* **Extractors are pure**: nothing in ``analysis/extract`` imports pandas, the
  pipeline (``analysis.nlp.pipeline``: building or parsing), the Doc cache or
  file writing.
* No private name (``_x``) is imported from another module.
* No module over :data:`MAX_MODULE_LINES` lines, no class over :data:`MAX_CLASS_LINES`.

Run ``python tests/test_layers.py`` to print the graph's figures (modules,
edges, circles, upward edges, sizes).
"""
from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "analysis"
#: The layers, lowest first; "facade" is the public API on top of everything.
LAYERS = ("base", "corpus", "nlp", "extract", "tables", "plots", "app", "facade")
#: Top-level modules of ``analysis/`` and their layer (sub-packages are their own layer).
TOP_LEVEL = {
    "analysis._version": "base",
    "analysis.errors": "base",
    "analysis.paths": "base",
    "analysis.io": "base",
    "analysis.safefiles": "base",
    "analysis": "facade",
    "analysis.__main__": "facade",
    "analysis.stats": "facade",
    "analysis.run": "facade",
    "analysis.sentiment": "facade",
}
#: Third-party packages a function may import (heavy to import, or needed only on one path), and why.
LAZY_ALLOWED = {
    "IPython": "inline display only when running in a notebook (IPython comes with Jupyter)",
    "tqdm": "progress bars only on a terminal",
    "multiprocessing": "worker processes only with n_process > 1",
    "nbformat": "notebook execution only (optional 'notebooks' extra)",
    "nbclient": "notebook execution only (optional 'notebooks' extra)",
    "jupyter_client": "notebook execution only (optional 'notebooks' extra)",
    "trafilatura": "fetching only; 0.1 s to import",
    "textblob": "sentiment only; the lexicon takes ~1 s to load",
    "scipy": "statistics only; scipy.stats takes ~0.7 s to import",
    "openpyxl": "Excel export only (`discourse-kit export --xlsx`); ~0.2 s to import",
    "distributed": "the Dask engine only (optional 'dask' extra)",
    "pyarrow": "Parquet output only (optional 'parquet' extra)",
    "ipywidgets": "the review widget only (optional 'notebooks' extra)",
    "lxml": "REFI-QDA schema validation only",
}
#: Kit modules that may look kit modules up by name (``importlib.import_module``), and why.
LAZY_KIT = {
    "analysis": "the facade loads the app and plots layers on first use of one of their names (PEP 562 "
                "__getattr__ over its _LAZY table; the same imports stand under TYPE_CHECKING): they import "
                "matplotlib, ~0.5 s that `import analysis` need not spend",
}
#: What an extractor never imports (pure: Doc in, records out): tables, building or parsing a pipeline, ...
EXTRACT_FORBIDDEN = ("pandas", "analysis.nlp.pipeline", "analysis.nlp.doccache")
#: ... or writing files (reading its own data files -- codebook, lexicon -- is fine).
EXTRACT_FORBIDDEN_NAMES = {"analysis.io": {"write_csv", "write_json", "atomic_write", "transaction"}}
MAX_MODULE_LINES = 600
MAX_CLASS_LINES = 300


@dataclass
class Module:
    """One module of the package as the layer rules see it."""

    name: str
    path: Path
    is_package: bool
    tree: ast.Module
    #: kit modules imported at module level: (target module, line, imported names)
    imports: list[tuple[str, int, tuple[str, ...]]] = field(default_factory=list)
    #: kit imports inside a function or class: (target, line)
    local_imports: list[tuple[str, int]] = field(default_factory=list)
    #: third-party imports inside a function: (top-level package, line)
    local_external: list[tuple[str, int]] = field(default_factory=list)
    #: every third-party package imported anywhere: (dotted name, line)
    external: list[tuple[str, int]] = field(default_factory=list)
    #: importlib.import_module / __import__ calls: line
    dynamic: list[int] = field(default_factory=list)

    @property
    def layer(self) -> str:
        if self.name in TOP_LEVEL:
            return TOP_LEVEL[self.name]
        return self.name.split(".")[1]

    @property
    def n_lines(self) -> int:
        return len(self.path.read_text(encoding="utf-8").splitlines())


def _module_name(path: Path, root: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def _resolve(module: Module, node: ast.ImportFrom) -> str:
    """The absolute dotted name a ``from ... import`` refers to."""
    if not node.level:
        return node.module or ""
    base = module.name.split(".") if module.is_package else module.name.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def load_modules(root: Path = PACKAGE) -> dict[str, Module]:
    """Every module of the package, its imports sorted into kit / local / external."""
    modules: dict[str, Module] = {}
    for path in sorted(root.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        name, is_package = _module_name(path, root)
        modules[name] = Module(name, path, is_package, ast.parse(path.read_text(encoding="utf-8"), str(path)))
    for module in modules.values():
        top_level = {id(n) for n in module.tree.body}
        # imports inside `try:` / `if` at module level count as module level
        for node in module.tree.body:
            if isinstance(node, (ast.Try, ast.If)):
                top_level |= {id(n) for n in ast.walk(node)}
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in ("import_module", "__import__"):
                    module.dynamic.append(node.lineno)
                continue
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            at_top = id(node) in top_level
            if isinstance(node, ast.Import):
                targets = [(a.name, ()) for a in node.names]
            else:
                base = _resolve(module, node)
                names = tuple(a.name for a in node.names)
                # `from . import x` imports the module x when there is one
                subs = [f"{base}.{n}" for n in names if f"{base}.{n}" in modules]
                targets = [(s, ()) for s in subs] + ([(base, names)] if len(subs) < len(names) else [])
            for target, names in targets:
                if target == "analysis" or target.startswith("analysis."):
                    while target not in modules and "." in target:
                        target = target.rsplit(".", 1)[0]
                    if at_top:
                        module.imports.append((target, node.lineno, names))
                    else:
                        module.local_imports.append((target, node.lineno))
                else:
                    module.external.append((target, node.lineno))
                    if not at_top:
                        module.local_external.append((target.split(".")[0], node.lineno))
    return modules


def edges(modules: dict[str, Module]) -> set[tuple[str, str]]:
    """Import edges, including the package ``__init__`` files that importing a module runs first."""
    out: set[tuple[str, str]] = set()
    for module in modules.values():
        own = {module.name.rsplit(".", i)[0] for i in range(module.name.count(".") + 1)}
        for target, _, _ in module.imports:
            parts = target.split(".")
            for i in range(1, len(parts) + 1):
                ancestor = ".".join(parts[:i])
                if ancestor in modules and ancestor != module.name and (ancestor == target or ancestor not in own):
                    out.add((module.name, ancestor))
    return out


def strongly_connected(nodes, graph_edges: set[tuple[str, str]]) -> list[list[str]]:
    """Tarjan's strongly connected components (iterative), each sorted."""
    successors: dict[str, list[str]] = {n: [] for n in nodes}
    for a, b in sorted(graph_edges):
        successors[a].append(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in sorted(successors):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            if i < len(successors[node]):
                work.append((node, i + 1))
                nxt = successors[node][i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.append(w)
                    if w == node:
                        break
                components.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return components


def upward(modules: dict[str, Module], graph_edges: set[tuple[str, str]]) -> list[str]:
    """Edges that point to a higher layer (or to the facade), one line each."""
    out = []
    for a, b in sorted(graph_edges):
        la, lb = modules[a].layer, modules[b].layer
        if lb == "facade" and la != "facade" or LAYERS.index(lb) > LAYERS.index(la):
            out.append(f"{a} ({la}) imports {b} ({lb})")
    return out


def class_sizes(modules: dict[str, Module]) -> list[tuple[int, str]]:
    """Lines of every class, largest first."""
    sizes = [(node.end_lineno - node.lineno + 1, f"{m.name}.{node.name}")
             for m in modules.values() for node in ast.walk(m.tree) if isinstance(node, ast.ClassDef)]
    return sorted(sizes, reverse=True)


# --------------------------------------------------------------------------- the rules


@pytest.fixture(scope="module")
def modules() -> dict[str, Module]:
    return load_modules()


def test_every_module_belongs_to_a_layer(modules):
    unknown = [m.name for m in modules.values() if m.layer not in LAYERS]
    assert not unknown, f"modules outside the layers {LAYERS}: {unknown} (see docs/ARCHITECTURE.md)"


def test_no_upward_import(modules):
    bad = upward(modules, edges(modules))
    assert not bad, "a module may import only its own layer or lower ones:\n  " + "\n  ".join(bad)


def test_no_import_circle(modules):
    circles = [c for c in strongly_connected(modules, edges(modules)) if len(c) > 1]
    assert not circles, "import circles: " + "; ".join(" <-> ".join(c) for c in circles)


def test_the_kit_is_imported_at_module_top_and_never_by_name(modules):
    local = [f"{m.name}:{line} imports {t} inside a function" for m in modules.values() for t, line in m.local_imports]
    dynamic = [f"{m.name}:{line} looks a module up by name" for m in modules.values() for line in m.dynamic
               if m.name not in LAZY_KIT]
    assert not local + dynamic, "\n".join(local + dynamic)


def test_only_heavy_or_optional_packages_are_imported_inside_functions(modules):
    bad = [f"{m.name}:{line} imports {pkg} inside a function" for m in modules.values()
           for pkg, line in m.local_external if pkg not in LAZY_ALLOWED]
    assert not bad, "import it at the top of the module (or add it to LAZY_ALLOWED with a reason):\n" + "\n".join(bad)


def test_extractors_are_pure(modules):
    bad = []
    for m in modules.values():
        if m.layer != "extract":
            continue
        for target, line in m.external + [(t, line) for t, line, _ in m.imports]:
            if any(target == f or target.startswith(f + ".") for f in EXTRACT_FORBIDDEN):
                bad.append(f"{m.name}:{line} imports {target}")
        for target, line, names in m.imports:
            for name in set(names) & EXTRACT_FORBIDDEN_NAMES.get(target, set()):
                bad.append(f"{m.name}:{line} imports {name} from {target}")
    assert not bad, "extractors take a Doc and return records (no pandas, no pipeline, no files):\n" + "\n".join(bad)


def test_no_private_name_is_imported_from_another_module(modules):
    bad = [f"{m.name}:{line} imports {n} from {t}" for m in modules.values() for t, line, names in m.imports
           for n in names if n.startswith("_") and not n.startswith("__")]
    assert not bad, "\n".join(bad)


def test_modules_and_classes_stay_small(modules):
    long_modules = [f"{m.name}: {m.n_lines} lines" for m in modules.values() if m.n_lines > MAX_MODULE_LINES]
    long_classes = [f"{name}: {n} lines" for n, name in class_sizes(modules) if n > MAX_CLASS_LINES]
    assert not long_modules + long_classes, "split by job:\n" + "\n".join(long_modules + long_classes)


def test_the_checks_catch_a_circle_and_an_upward_import():
    graph = {("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")}
    assert [c for c in strongly_connected("abcd", graph) if len(c) > 1] == [["a", "b", "c"]]
    fake = {name: Module(name, Path(name), False, ast.parse("")) for name in
            ("analysis.nlp.x", "analysis.tables.y", "analysis.stats")}
    assert upward(fake, {("analysis.nlp.x", "analysis.tables.y"), ("analysis.tables.y", "analysis.stats")}) == [
        "analysis.nlp.x (nlp) imports analysis.tables.y (tables)",
        "analysis.tables.y (tables) imports analysis.stats (facade)",
    ]


# --------------------------------------------------------------------------- figures


def report(root: Path = PACKAGE) -> str:
    """The import graph's figures, as printed by ``python tests/test_layers.py``."""
    mods = load_modules(root)
    graph = edges(mods)
    components = [c for c in strongly_connected(mods, graph) if len(c) > 1]
    sizes = sorted(((m.n_lines, m.name) for m in mods.values()), reverse=True)
    lines = [
        f"modules: {len(mods)} ({sum(m.is_package for m in mods.values())} package __init__ files)",
        f"import edges between kit modules: {len(graph)}",
        f"circles (strongly connected components > 1): {len(components)}; largest: "
        f"{max((len(c) for c in components), default=0)}",
        f"upward edges: {len(upward(mods, graph))}",
        f"kit imports inside functions: {sum(len(m.local_imports) for m in mods.values())}; "
        f"lookups by name: {sum(len(m.dynamic) for m in mods.values())}",
        "largest modules: " + ", ".join(f"{name} {n}" for n, name in sizes[:5]),
        "largest classes: " + ", ".join(f"{name} {n}" for n, name in class_sizes(mods)[:5]),
        "modules per layer: " + ", ".join(
            f"{layer} {sum(m.layer == layer for m in mods.values())}" for layer in LAYERS),
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(Path(sys.argv[1]) if len(sys.argv) > 1 else PACKAGE))
