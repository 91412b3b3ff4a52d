"""The notebooks' sentences are written from the tables: real evidence quoted, real numbers read out."""
from __future__ import annotations

import pandas as pd
import pytest
from conftest import SEED_ID

from analysis.app.narrative import quote_hit, rate_reading, ratio_reading, rhetoric_summary
from analysis.app.notebooks import analyse_notebook_corpus
from analysis.plots.aggregate import plural
from analysis.tables.stats import compare_features


@pytest.fixture(scope="module")
def analysis_of_the_seed(corpus):
    return analyse_notebook_corpus(corpus)


def test_the_summary_quotes_each_category_found_with_its_words_voice_and_target(analysis_of_the_seed):
    a = analysis_of_the_seed
    labels = {c.id: c.label for c in a.codebook.categories}
    ev = a.tables["evidence"]
    text = rhetoric_summary(SEED_ID, a.docs[SEED_ID].text, ev, a.tables["attributions"], labels, n_tokens=378)
    seed_ev = ev[ev["doc_id"] == SEED_ID]
    assert text.startswith(f"**{SEED_ID}** (378 word tokens): {plural(len(seed_ev), 'hit')} of")
    for cat in set(seed_ev["category"]):
        assert f"**{labels[cat]}** (`{cat}`, {int((seed_ev['category'] == cat).sum())})" in text
    first = seed_ev.sort_values("start_char").iloc[0]
    assert f"**{first['text']}**" in text  # the coded words in bold, inside their sentence
    assert "aimed at the West" in text and "(Sergei Lavrov" in text
    assert "invokes the authority of **Vladimir Putin**" in text
    assert "Jens Stoltenberg is presented as the mouthpiece of **United States**" in text
    # a document where nothing fires says so, without inventing a feature
    empty = rhetoric_summary("001_control_agency_report", a.docs["001_control_agency_report"].text, ev,
                             a.tables["attributions"], labels)
    n_control = int((ev["doc_id"] == "001_control_agency_report").sum())
    assert ("no rule of the codebook fires" in empty) == (n_control == 0)
    assert n_control == 0 or f"{plural(n_control, 'hit')} of" in empty


def test_quote_hit_cuts_at_sentence_ends_and_escapes_markdown():
    text = "First sentence. They will *surely* deceive us again. Third one."
    start = text.index("deceive")
    assert quote_hit(text, start, start + 7) == "They will \\*surely\\* **deceive** us again."


def test_rate_and_ratio_readings_print_the_tables_numbers(analysis_of_the_seed):
    feats = analysis_of_the_seed.tables["features"]
    whole = feats[feats["voice"] == "all"]
    row = whole[(whole["doc_id"] == SEED_ID) & (whole["count"] > 0)].iloc[0]
    reading = rate_reading(row)
    assert f"{plural(int(row['count']), 'hit')} in {int(row['n_tokens'])} word tokens" in reading
    assert f"{row['ci_high']:.1f}" in reading or f"{row['ci_high']:.0f}" in reading
    zero = whole[(whole["doc_id"] == "001_control_agency_report")].iloc[0]
    assert "No hit is not a rate of zero" in rate_reading(zero)
    ratios = compare_features(feats, SEED_ID, "001_control_agency_report")
    top = ratios.sort_values("rate_ratio", ascending=False).iloc[0]
    text = ratio_reading(top)
    assert f"rate ratio **{top['rate_ratio']:.1f}**" in text and f"p = {top['p_value']:.2f}" in text
    assert "do **not** show" in text and "0.5 was added" in text  # interval includes 1; a zero count corrected
    strong = pd.Series({"category": "x", "a": "A", "b": "B", "count_a": 90, "n_tokens_a": 1000, "count_b": 10,
                        "n_tokens_b": 1000, "rate_ratio": 9.0, "ci_low": 4.7, "ci_high": 17.3, "p_value": 0.0,
                        "corrected": False})
    assert "The interval excludes 1" in ratio_reading(strong)
