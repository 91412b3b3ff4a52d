"""The public API: explicit ``__all__`` everywhere, and a docstring on every public name."""
from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import analysis

#: every module and sub-package of the kit (dotted names without the leading ``analysis.``)
MODULES = sorted(
    name.removeprefix("analysis.") for _, name, _ in pkgutil.walk_packages(analysis.__path__, "analysis.")
    if not name.endswith("__main__") and not name.rsplit(".", 1)[-1].startswith("_")
)


def _missing_docstring(obj) -> bool:
    doc = inspect.getdoc(obj) if not inspect.isclass(obj) else obj.__dict__.get("__doc__")
    if not doc or not doc.strip():
        return True
    # dataclasses without a docstring get an auto-generated "Name(field: type, ...)"
    return inspect.isclass(obj) and doc.startswith(f"{obj.__name__}(")


def _documentable(obj) -> bool:
    return inspect.isfunction(obj) or inspect.isclass(obj) or inspect.ismethod(obj)


def _public_methods(cls) -> list[str]:
    names = []
    for name, member in vars(cls).items():
        if name.startswith("_"):
            continue
        func = member.fget if isinstance(member, property) else getattr(member, "__func__", member)
        if inspect.isfunction(func) and _missing_docstring(func):
            names.append(f"{cls.__name__}.{name}")
    return names


def test_package_all_names_exist_and_are_documented():
    assert analysis.__doc__
    missing = [n for n in analysis.__all__ if not hasattr(analysis, n)]
    assert not missing, f"analysis.__all__ names that do not exist: {missing}"
    undocumented = [n for n in analysis.__all__ if _documentable(getattr(analysis, n)) and _missing_docstring(getattr(analysis, n))]
    assert not undocumented, f"public names without a docstring: {undocumented}"


def test_package_exports_the_foundation():
    assert {"load_corpus", "Corpus", "Document", "make_nlp", "parse", "KitError", "__version__"} <= set(analysis.__all__)


def test_modules_were_found():
    assert {"corpus", "corpus.cleaning", "app.cli", "errors", "io", "nlp.pipeline", "nlp.sentences"} <= set(MODULES)


@pytest.mark.parametrize("module_name", MODULES)
def test_module_has_docstring_and_explicit_all(module_name):
    module = importlib.import_module(f"analysis.{module_name}")
    assert module.__doc__ and module.__doc__.strip(), f"analysis.{module_name} has no module docstring"
    assert hasattr(module, "__all__"), f"analysis.{module_name} has no __all__"
    missing = [n for n in module.__all__ if not hasattr(module, n)]
    assert not missing, f"analysis.{module_name}.__all__ names that do not exist: {missing}"
    assert len(set(module.__all__)) == len(module.__all__), f"analysis.{module_name}.__all__ has duplicates"


@pytest.mark.parametrize("module_name", MODULES)
def test_every_public_function_class_and_method_is_documented(module_name):
    module = importlib.import_module(f"analysis.{module_name}")
    undocumented = []
    for name in getattr(module, "__all__", []):
        obj = getattr(module, name, None)
        if not _documentable(obj):
            continue  # constants
        if _missing_docstring(obj):
            undocumented.append(name)
        if inspect.isclass(obj) and obj.__module__.startswith("analysis"):
            undocumented += _public_methods(obj)
    assert not undocumented, f"analysis.{module_name}: public names without a docstring: {undocumented}"


def test_import_analysis_leaves_the_plots_and_app_layers_for_first_use():
    """`import analysis` does not import matplotlib (plots) or the app layer; their names load when used."""
    code = ("import sys, analysis\n"
            "before = sorted(m for m in ('matplotlib', 'analysis.plots', 'analysis.app') if m in sys.modules)\n"
            "figure = analysis.plot_trend.__module__, analysis.plots.plot_heatmap.__module__\n"
            "print(before, figure, 'matplotlib' in sys.modules, 'show_evidence' in dir(analysis))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[]", "('analysis.plots.trends',", "'analysis.plots.figures')", "True", "True"]


def test_the_lazy_names_are_the_ones_imported_for_type_checkers():
    """The facade's `_LAZY` table and its `if TYPE_CHECKING:` imports name the same objects."""
    tree = ast.parse(Path(analysis.__file__).read_text(encoding="utf-8"))
    block = next(n for n in tree.body if isinstance(n, ast.If) and getattr(n.test, "id", "") == "TYPE_CHECKING")
    imported = {a.name: "." + node.module for node in block.body for a in node.names}
    assert imported == analysis._LAZY  # noqa: SLF001
    with pytest.raises(AttributeError, match="has no attribute 'plot_nothing'"):
        analysis.plot_nothing  # noqa: B018
