"""The trend figure: one line per group with interval bands, one panel per category, byte-identical files."""
from __future__ import annotations

import pandas as pd
import pytest
from matplotlib.colors import to_hex

from analysis.errors import KitError
from analysis.plots.palette import CAMP_COLORS
from analysis.plots.save import save_figure
from analysis.plots.trends import plot_trend
from analysis.tables.groups import features_over_time


def _tables():
    """Three camps over three years; category x has hits, y has one."""
    docs, features = [], []
    for i, (camp, year, hits) in enumerate([("russia", 2019, 4), ("russia", 2020, 6), ("west", 2019, 1),
                                            ("west", 2021, 2), ("other", 2020, 0), ("west", None, 3)]):
        doc_id = f"d{i}"
        docs.append({"doc_id": doc_id, "camp": camp, "date_iso": f"{year}-06-01" if year else ""})
        features += [{"doc_id": doc_id, "voice": "all", "category": "x", "count": hits, "n_tokens": 1000},
                     {"doc_id": doc_id, "voice": "all", "category": "y", "count": int(i == 0), "n_tokens": 1000}]
    return pd.DataFrame(features), pd.DataFrame(docs)


def test_one_line_and_band_per_group_in_camp_colours():
    features, documents = _tables()
    trend = features_over_time(features, documents, by="camp")
    fig = plot_trend(trend, categories=["x"])
    ax = fig.axes[0]
    lines = [line for line in ax.get_lines() if len(line.get_xdata())]
    assert len(lines) == 3                                    # russia, west, other
    colours = [to_hex(line.get_color()).upper() for line in lines]
    assert colours == [CAMP_COLORS["russia"], CAMP_COLORS["west"], CAMP_COLORS["other"]]
    assert len(ax.collections) == 3                           # one band per group
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2019", "2020", "2021"]  # (missing) not drawn
    texts = " ".join(t.get_text() for t in fig.texts) + " " + " ".join(ax.get_xlabel() for ax in fig.axes)
    assert "exact 95% Poisson intervals" in texts and "1 undated documents left out" in texts
    assert fig.axes[0].get_title(loc="left") == "x"
    # russia 2020: 6 hits in 1,000 words = 6 per 1,000
    russia = lines[0]
    assert list(russia.get_ydata())[1] == pytest.approx(6.0)


def test_default_panels_are_the_categories_with_most_hits_and_files_are_identical(tmp_path):
    features, documents = _tables()
    trend = features_over_time(features, documents, by="camp")
    fig = plot_trend(trend, max_panels=1)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title(loc="left") for ax in visible] == ["x"]      # x has 16 hits, y 1
    assert "1 of 2 categories shown (most hits)" in " ".join(t.get_text() for t in fig.texts) + " " + " ".join(ax.get_xlabel() for ax in fig.axes)
    total = features_over_time(features, documents, by="camp", total=True)
    assert plot_trend(total).axes[0].get_title(loc="left") == "all categories together"
    first = save_figure(plot_trend(trend), tmp_path / "a", "trend")
    second = save_figure(plot_trend(trend), tmp_path / "b", "trend")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_many_groups_get_interval_lines_instead_of_bands():
    features, documents = _tables()
    documents["doc_group"] = documents["doc_id"]
    trend = features_over_time(features, documents, by="doc_group")
    fig = plot_trend(trend, categories=["x"])
    assert "vertical lines: exact 95% Poisson intervals" in " ".join(t.get_text() for t in fig.texts) + " " + " ".join(ax.get_xlabel() for ax in fig.axes)


def test_bad_input_is_one_line():
    with pytest.raises(KitError, match="features_over_time table"):
        plot_trend(pd.DataFrame({"a": [1]}))
    features, documents = _tables()
    with pytest.raises(KitError, match="no category 'z'"):
        plot_trend(features_over_time(features, documents), categories=["z"])
