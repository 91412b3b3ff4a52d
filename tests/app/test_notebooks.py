"""The notebooks: Jupytext sources paired with output-free .ipynb, executed top to bottom."""
from __future__ import annotations

import json
import os
import re

import jupytext
import nbformat
import pytest
from conftest import ROOT, SEED_ID

from analysis.app.notebooks import (
    FIGURES_ENV,
    RESULTS_ENV,
    execute_notebooks,
    fetched_status,
    load_notebook_corpus,
    notebook_paths,
)
from analysis.errors import KitError

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXPECTED = ["01_corpus", "02_rhetorical_features", "03_attribution_and_voice", "04_comparison", "05_validation",
            "06_groups_time_words"]


def _cells(nb) -> list[tuple]:
    return [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in nb.cells]


def test_the_notebooks_exist_with_their_sources():
    assert [p.stem for p in NOTEBOOKS] == EXPECTED
    assert sorted(p.stem for p in (ROOT / "notebooks").glob("*.py")) == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_notebook_matches_its_jupytext_source(path):
    """notebooks/NN_name.py (percent format) is the source; the .ipynb must hold exactly its cells."""
    source = path.with_suffix(".py")
    committed = nbformat.read(path, as_version=4)
    assert _cells(committed) == _cells(jupytext.read(source)), (
        f"{path.name} differs from {source.name}: run `.venv/bin/jupytext --sync notebooks/*.py`")
    assert committed.metadata["jupytext"]["formats"] == "ipynb,py:percent"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_without_outputs_and_starts_with_parameters(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    params = code[0]
    assert "parameters" in params.metadata.get("tags", [])
    for name in ("CORPUS = None", "CODEBOOK = None", 'MODEL = "rules"'):
        assert name in params.source


def test_notebook_paths_follow_the_notebook_folder_and_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv(RESULTS_ENV, raising=False)
    monkeypatch.delenv(FIGURES_ENV, raising=False)
    p = notebook_paths(ROOT / "notebooks")
    assert p.project == ROOT and p.results == ROOT / "results" and p.figures == ROOT / "figures"
    assert p.corpus == ROOT / "corpus" and p.manifest.exists()
    monkeypatch.setenv(RESULTS_ENV, str(tmp_path / "r"))
    monkeypatch.setenv(FIGURES_ENV, str(tmp_path / "f"))
    p = notebook_paths(ROOT / "notebooks")
    assert (p.results, p.figures) == (tmp_path / "r", tmp_path / "f")
    assert p.resolve("corpus") == ROOT / "corpus" and p.resolve(tmp_path) == tmp_path


def _fake_project(tmp_path):
    """A project folder with the bundled corpus copied and a notebooks/ folder."""
    import shutil

    shutil.copytree(ROOT / "corpus", tmp_path / "corpus", ignore=shutil.ignore_patterns("fetched"))
    (tmp_path / "notebooks").mkdir()
    return notebook_paths(tmp_path / "notebooks")


def test_the_corpus_parameter_replaces_or_extends_the_bundled_corpus(tmp_path):
    p = _fake_project(tmp_path)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "statement.txt").write_text("NATO will never deceive anyone, the Secretary said.\n", encoding="utf-8")
    bundled = load_notebook_corpus(None, p)
    assert bundled.ids == [SEED_ID, "001_control_agency_report"]
    assert "No fetched documents" in fetched_status(p)
    assert load_notebook_corpus(str(mine), p).ids == ["statement"]
    assert load_notebook_corpus("mine", p).ids == ["statement"]  # relative to the project folder
    assert load_notebook_corpus([None, mine], p).ids == [SEED_ID, "001_control_agency_report", "statement"]
    # fetched documents join the bundled corpus when they exist, and the notebooks say so
    (p.fetched).mkdir()
    (p.fetched / "2022-01-07_x.md").write_text("---\ntitle: X\nurl: https://example.org\n---\nTalks went well.\n",
                                               encoding="utf-8")
    assert load_notebook_corpus(None, p).ids[-1] == "2022-01-07_x"
    assert "1 fetched document(s)" in fetched_status(p)
    with pytest.raises(KitError, match="path not found"):
        load_notebook_corpus("nowhere", p)
    with pytest.raises(KitError, match="empty list"):
        load_notebook_corpus([], p)


def test_execute_notebooks_reports_a_failing_cell_in_one_line(tmp_path):
    folder = tmp_path / "nbs"
    folder.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("x / 0")]
    nbformat.write(nb, str(folder / "bad.ipynb"))
    with pytest.raises(KitError) as e:
        list(execute_notebooks(folder, output_dir=tmp_path / "out"))
    msg = str(e.value)
    assert "bad.ipynb" in msg and "cell 2 failed: ZeroDivisionError" in msg and "\n" not in msg
    assert (tmp_path / "out" / "bad.ipynb").exists()  # the partly executed copy, for inspection
    assert not nbformat.read(folder / "bad.ipynb", as_version=4).cells[0].outputs  # original untouched
    with pytest.raises(KitError, match="not found"):
        list(execute_notebooks(tmp_path / "missing"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(KitError, match="no notebooks"):
        list(execute_notebooks(tmp_path / "empty"))


def test_one_parameter_points_the_notebooks_at_a_users_own_folder(tmp_path, monkeypatch):
    """Notebooks 02 and 04 on a folder of the user's texts (no seed, no control), via CORPUS only."""
    texts = tmp_path / "my_statements"
    texts.mkdir()
    (texts / "moscow.txt").write_text(
        "Moscow accuses the West.\n\n“As usual, Washington will again deceive us and drag out the talks,” "
        "Zakharova said. It is clear that NATO broke its promises.\n", encoding="utf-8")
    (texts / "brussels.txt").write_text(
        "NATO replies.\n\nStoltenberg said that the Alliance was ready for dialogue with Russia on arms control "
        "and transparency. Allies will meet again next week.\n", encoding="utf-8")
    folder = tmp_path / "project" / "notebooks"
    folder.mkdir(parents=True)
    for name in ("02_rhetorical_features", "04_comparison"):
        nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
        params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
        params.source = params.source.replace("CORPUS = None", f"CORPUS = {str(texts)!r}", 1)
        nbformat.write(nb, str(folder / f"{name}.ipynb"))
    monkeypatch.setenv(RESULTS_ENV, str(tmp_path / "results"))
    monkeypatch.setenv(FIGURES_ENV, str(tmp_path / "figures"))
    stale = tmp_path / "results" / "my_statements" / "nb02_old_category.csv"  # left by an earlier run
    stale.parent.mkdir(parents=True)
    stale.write_text("category\nremoved_category\n", encoding="utf-8")
    runs = list(execute_notebooks(folder, output_dir=tmp_path / "build", timeout=300))
    assert len(runs) == 2
    # a user's corpus writes to a folder of its own, never over the bundled results, and stale files go
    assert not list((tmp_path / "results").glob("nb0*")) and not list((tmp_path / "figures").glob("nb0*"))
    assert not stale.exists()
    assert (tmp_path / "figures" / "my_statements" / "nb04_category_rates.png").exists()
    evidence = __import__("pandas").read_csv(tmp_path / "results" / "my_statements" / "nb02_evidence.csv")
    assert set(evidence["doc_id"]) <= {"moscow", "brussels"} and "moscow" in set(evidence["doc_id"])
    assert {"deception_accusation", "certainty_marker"} <= set(evidence["category"])
    out = _outputs(tmp_path / "build" / "04_comparison.ipynb")
    assert "CORPUS is set" in out and "Maria Zakharova" in out
    nb02 = _outputs(tmp_path / "build" / "02_rhetorical_features.ipynb")
    assert re.search(r"## (moscow|brussels), highlighted", nb02)  # headings name the user's documents


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """Execute every notebook once, writing results and figures to a temporary folder."""
    out = tmp_path_factory.mktemp("notebooks")
    saved = {k: os.environ.get(k) for k in (RESULTS_ENV, FIGURES_ENV)}
    os.environ[RESULTS_ENV] = str(out / "results")
    os.environ[FIGURES_ENV] = str(out / "figures")
    before = {p: p.stat().st_mtime_ns for d in ("results", "figures") for p in (ROOT / d).glob("nb0*")}
    try:
        runs = list(execute_notebooks(ROOT / "notebooks", output_dir=out / "build", timeout=300))
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    after = {p: p.stat().st_mtime_ns for d in ("results", "figures") for p in (ROOT / d).glob("nb0*")}
    assert after == before, "the test run wrote into the project's results/ or figures/"
    return out, runs


def _outputs(path) -> str:
    nb = nbformat.read(path, as_version=4)
    texts = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            texts.append(o.get("text", "") + json.dumps(o.get("data", {})))
    return "\n".join(texts)


def test_every_notebook_runs_top_to_bottom_in_seconds(executed):
    out, runs = executed
    assert [p.stem for p, _ in runs] == EXPECTED
    for path, seconds in runs:
        assert seconds < 120, f"{path.name} took {seconds:.0f} s"
        assert (out / "build" / path.name).exists()


def test_notebooks_write_their_tables_and_figures(executed):
    out, _ = executed
    results = {p.name for p in (out / "results").iterdir()}
    figures = {p.name for p in (out / "figures").iterdir()}
    for name in ("nb01_documents.csv", "nb02_evidence.csv", "nb02_features.csv", "nb03_attributions.csv",
                 "nb04_rate_ratios.csv", "nb04_keyness_voice.csv", "nb05_codebook_check.csv", "nb05_agreement.csv"):
        assert name in results
    assert {"nb06_group_rates.csv", "nb06_group_contrasts.csv", "nb06_trend.csv", "nb06_kwic.csv"} <= results
    for name in ("nb03_attributions", "nb04_category_rates", "nb04_dispersion", "nb04_sentiment_arc", "nb06_trend"):
        assert {f"{name}.png", f"{name}.svg"} <= figures


def test_notebook_outputs_say_what_they_show(executed):
    out, _ = executed
    build = out / "build"
    assert "No fetched documents" in _outputs(build / "01_corpus.ipynb")
    assert "Constructed control text" in _outputs(build / "01_corpus.ipynb")
    nb02 = _outputs(build / "02_rhetorical_features.ipynb")
    assert "through Stoltenberg" in nb02
    # the method text is written from this run's evidence: each feature named with its words
    markdown = "\n".join(o["data"]["text/markdown"] for c in nbformat.read(build / "02_rhetorical_features.ipynb", 4).cells
                         for o in c.get("outputs", []) if "text/markdown" in o.get("data", {}))
    for label, word in (("Deception accusation", "deceive"), ("Ultimatum or coercion denial", "ultimatum"),
                        ("Proxy attribution", "Stoltenberg"), ("Authority invocation", "President")):
        assert re.search(rf"\*\*{label}\*\*.*\*\*[^*]*{word}[^*]*\*\*", markdown), label  # coded words in bold
    assert "invokes the authority of **Vladimir Putin**" in nb02
    assert "95% interval" in nb02
    assert "rate ratio **" in _outputs(build / "04_comparison.ipynb")
    assert "Jens Stoltenberg" in _outputs(build / "03_attribution_and_voice.ipynb")
    assert "No fetched Russian and Western statements" in _outputs(build / "04_comparison.ipynb")
    validation = _outputs(build / "05_validation.ipynb")
    assert "checks passed" in validation and "hand-annotated documents" in validation
    assert ("GUM" in validation or "quote_f1" in validation or "Skipped" in validation)
    # human coding (issue 15): the review widget, reliability and both exchange formats
    assert "hits already reviewed by" in validation and "n_pairable" in validation
    assert {"coded_corpus.qdpx", "labelstudio"} <= {p.name for p in (out / "results").iterdir()}
    groups = _outputs(build / "06_groups_time_words.ipynb")
    if (ROOT.parent / "shared" / "corpora" / "ungdc" / "texts").is_dir():  # the UN comparison ran
        assert "49 speeches of 7 countries" in groups and "occurrence(s) of 'double standard'" in groups
        assert "rate ratios; p-values and intervals corrected with holm" in groups  # the CLI call
    else:
        assert "are not on this machine, so the bundled corpus is used" in groups
    # the trend figures and the keyness figure are shown as images, not as "<Figure size ...>"
    nb06 = nbformat.read(build / "06_groups_time_words.ipynb", as_version=4)
    images = [o for c in nb06.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) == 3 and "<Figure size" not in groups


def test_notebook_06_falls_back_to_the_bundled_corpus_with_a_note(tmp_path, monkeypatch):
    """Without ../shared/corpora/ungdc beside the project, notebook 06 says so and runs on the bundled corpus."""
    p = _fake_project(tmp_path / "project")
    assert not (p.project.parent / "shared").exists()
    nb = nbformat.read(ROOT / "notebooks" / "06_groups_time_words.ipynb", as_version=4)
    nbformat.write(nb, str(p.project / "notebooks" / "06_groups_time_words.ipynb"))
    monkeypatch.setenv(RESULTS_ENV, str(tmp_path / "results"))
    monkeypatch.setenv(FIGURES_ENV, str(tmp_path / "figures"))
    runs = list(execute_notebooks(p.project / "notebooks", output_dir=tmp_path / "build", timeout=300))
    assert len(runs) == 1
    out = _outputs(tmp_path / "build" / "06_groups_time_words.ipynb")
    assert "are not on this machine, so the bundled corpus is used" in out
    assert "only one group (russia): no contrast to compute" in out  # the CLI on one camp says so
    assert (tmp_path / "figures" / "nb06_trend.png").exists()


def _figure_cells(path) -> list[tuple[int, object]]:
    """Code cells of an executed notebook that draw a figure (call a ``plot_*`` function)."""
    nb = nbformat.read(path, as_version=4)
    return [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code" and re.search(r"\bplot_\w+\(", c.source)]


def test_every_figure_cell_shows_its_figure_inline(executed):
    """A figure cell's output is an image, not the text ``<Figure size 1680x1005 with 2 Axes>``."""
    out, _ = executed
    seen = 0
    for path in sorted((out / "build").glob("*.ipynb")):
        for i, cell in _figure_cells(path):
            outputs = [o for o in cell.outputs if o.get("output_type") in ("execute_result", "display_data")]
            plain = [o.get("data", {}).get("text/plain", "") for o in outputs]
            assert not any(str(t).startswith("<Figure size") for t in plain), (
                f"{path.name} cell {i + 1} shows a figure as text: {plain}")
            skipped = any("skipped" in o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")
            if skipped:
                continue
            pngs = [o["data"]["image/png"] for o in outputs if "image/png" in o.get("data", {})]
            assert pngs, f"{path.name} cell {i + 1} drew a figure but shows no image/png output"
            import base64

            assert all(base64.b64decode(p)[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
            seen += 1
    assert seen >= 6, f"only {seen} figure cells with an image in the executed notebooks"


def test_a_kit_figure_shows_as_an_image_in_a_fresh_kernel(tmp_path):
    """Without pyplot, IPython shows a plain Figure as text; a kit figure carries its own PNG."""
    folder = tmp_path / "nbs"
    folder.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("from matplotlib.figure import Figure\nFigure()"),
        nbformat.v4.new_code_cell("import pandas as pd\nfrom analysis.plots import plot_keyness\n"
                                  "plot_keyness(pd.DataFrame(columns=['target', 'reference', 'term', 'direction', "
                                  "'g2', 'p_value', 'freq_target', 'freq_reference']))"),
    ]
    nbformat.write(nb, str(folder / "k.ipynb"))
    list(execute_notebooks(folder, output_dir=tmp_path / "out"))
    plain, kit = nbformat.read(tmp_path / "out" / "k.ipynb", as_version=4).cells
    assert "image/png" not in plain.outputs[0]["data"]  # the root cause, still true of matplotlib itself
    assert "image/png" in kit.outputs[0]["data"] and kit.outputs[0]["metadata"]["image/png"]["width"] == 700
