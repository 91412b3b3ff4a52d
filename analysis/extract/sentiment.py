"""Sentence sentiment with TextBlob's lexicon, by voice and by camp.

Sentences come from spaCy (the kit's splitter); each sentence's text is scored
with TextBlob's default analyzer (``PatternAnalyzer``, the pattern.en
adjective lexicon that ships with TextBlob; called through the lexicon
function it wraps), so ``polarity`` and ``subjectivity`` are exactly
``TextBlob(sentence_text).sentiment``. The lexicon is loaded once per
process (about a second). TextBlob's
own sentence splitting, tagging and noun phrases are never used (they need
NLTK downloads).

Each record also says whose words the sentence is (``voice``: the majority
voice of its word tokens, :meth:`analysis.voices.VoiceMap.sentence_voice`) and
which camps its actors belong to (``camps``: the sorted, ``;``-joined camps
of the ``ACTOR`` mentions in the sentence, e.g. ``"russia;west"``; ``""`` when
none). Sentences without any word token (blank lines, stray punctuation) get
no record. Lexicon sentiment is a blunt instrument for diplomatic prose: read
the README's limits before interpreting it.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable

import numpy as np
import pandas as pd
from spacy.tokens import Doc

from ..nlp.docarrays import doc_ents, doc_text, sentence_spans, token_index, word_mask
from ..nlp.docarrays import doc_id_of

__all__ = [
    "SENTIMENT_COLUMNS",
    "SUMMARY_COLUMNS",
    "score_text",
    "doc_sentiment",
    "sentiment_frame",
    "summarize_sentiment",
    "sentiment",
]

#: Columns of :func:`sentiment_frame` (one row per sentence).
SENTIMENT_COLUMNS = [
    "doc_id", "sentence_id", "start_char", "end_char", "voice", "polarity", "subjectivity", "camps",
]
#: Columns of :func:`summarize_sentiment` (tidy long).
SUMMARY_COLUMNS = ["doc_id", "by", "group", "n_sentences", "mean_polarity", "mean_subjectivity"]
#: ``group`` value for sentences that mention no actor of a known camp.
NO_CAMP = "none"


@lru_cache(maxsize=1)
def _lexicon():
    # The function TextBlob's default PatternAnalyzer.analyze() calls; calling it
    # directly skips the namedtuple class that analyze() builds on every call
    # (a third of the time), with identical values.
    from textblob.en import sentiment as pattern_sentiment

    return pattern_sentiment


@lru_cache(maxsize=16384)
def score_text(text: str) -> tuple[float, float]:
    """``(polarity, subjectivity)`` of a text: exactly ``TextBlob(text).sentiment``.

    A sentence repeated across documents (wire copy, boilerplate) is scored
    once: the last 16,384 distinct texts are remembered.

    Example:
        >>> score_text("This is a great and honest proposal.")  # doctest: +SKIP
        (0.7, 0.8)
    """
    polarity, subjectivity = _lexicon()(text)
    return float(polarity), float(subjectivity)


def doc_sentiment(doc: Doc, *, voice_map=None, gazetteer=None) -> list[dict]:
    """One record per sentence: doc_id, sentence_id, start_char, end_char, voice, polarity, subjectivity, camps.

    Args:
        doc: a parsed Doc (sentences and ``ACTOR`` entities set by the pipeline).
        voice_map: a :class:`analysis.voices.VoiceMap`; without one every
            sentence is ``narrator``.
        gazetteer: gives each actor's camp (default: the bundled gazetteer).
    """
    if gazetteer is None:
        from ..nlp.gazetteer import load_gazetteer

        gazetteer = load_gazetteer()
    doc_id = doc_id_of(doc)
    camps_by_sentence: dict[int, set[str]] = {}
    sents = sentence_spans(doc)  # (start, end, start_char, end_char), as doc.sents
    _, sent_of, _ = token_index(doc)
    for ent in doc_ents(doc):
        if ent.label_ != "ACTOR":
            continue
        camp = gazetteer.camp(ent.ent_id_)
        if camp:
            camps_by_sentence.setdefault(int(sent_of[ent.start]), set()).add(camp)
    out = []
    if sents:  # word tokens before each token index, to skip sentences without words
        words_before = np.concatenate(([0], np.cumsum(word_mask(doc))))
        text = doc_text(doc)
    for i, (start, end, start_char, end_char) in enumerate(sents):
        if words_before[end] == words_before[start]:
            continue
        polarity, subjectivity = score_text(text[start_char:end_char])  # == Span.text
        out.append(
            {
                "doc_id": doc_id,
                "sentence_id": i,
                "start_char": start_char,
                "end_char": end_char,
                "voice": voice_map.sentence_voice(i) if voice_map is not None else "narrator",
                "polarity": polarity,
                "subjectivity": subjectivity,
                "camps": ";".join(sorted(camps_by_sentence.get(i, ()))),
            }
        )
    return out


def sentiment_frame(records: Iterable[dict]) -> pd.DataFrame:
    """The per-sentence table (:data:`SENTIMENT_COLUMNS`) from records, in input order."""
    frame = pd.DataFrame(list(records), columns=SENTIMENT_COLUMNS)
    return frame.astype(
        {"doc_id": "object", "sentence_id": "int64", "start_char": "int64", "end_char": "int64",
         "voice": "object", "polarity": "float64", "subjectivity": "float64", "camps": "object"}
    )


def summarize_sentiment(frame: pd.DataFrame) -> pd.DataFrame:
    """Mean polarity and subjectivity per document, by ``document``, ``voice`` and ``camp``.

    Tidy long table (:data:`SUMMARY_COLUMNS`): for each document, one row with
    ``by="document", group="all"``; one per voice; one per camp mentioned
    (a sentence mentioning Russia and the West counts for both camps) and
    ``group="none"`` for sentences that mention no actor. Documents keep
    their order of first appearance; groups are sorted.
    """
    from pandas.core.nanops import nanmean  # what Series.mean() computes: identical values

    rows = []
    if frame.empty:
        return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    # Row indices per document (first-appearance order) and per group, then one
    # mean per group on numpy arrays: the same rows and the same arithmetic as
    # `part[mask]["polarity"].mean()`, without building a sub-DataFrame per group.
    doc_ids = frame["doc_id"].to_numpy(dtype=object)
    voices = frame["voice"].to_numpy(dtype=object)
    camps = frame["camps"].fillna("").to_numpy(dtype=object)
    polarity = frame["polarity"].to_numpy(dtype="float64")
    subjectivity = frame["subjectivity"].to_numpy(dtype="float64")
    by_doc: dict = {}
    for i, doc_id in enumerate(doc_ids):
        if not pd.isna(doc_id):  # groupby drops missing keys
            by_doc.setdefault(doc_id, []).append(i)

    def add(doc_id, by, group, idx):
        idx = np.asarray(idx, dtype=np.intp)
        rows.append({
            "doc_id": doc_id, "by": by, "group": group, "n_sentences": len(idx),
            "mean_polarity": float(nanmean(polarity[idx])),
            "mean_subjectivity": float(nanmean(subjectivity[idx])),
        })

    for doc_id, idx in by_doc.items():
        add(doc_id, "document", "all", idx)
        by_voice: dict = {}
        for i in idx:
            by_voice.setdefault(voices[i], []).append(i)
        for voice in sorted(by_voice):
            add(doc_id, "voice", voice, by_voice[voice])
        by_camp: dict = {}
        none = []
        for i in idx:
            names = camps[i].split(";")
            for c in dict.fromkeys(names):
                if c:
                    by_camp.setdefault(c, []).append(i)
            if camps[i] == "":
                none.append(i)
        for camp in sorted(by_camp):
            add(doc_id, "camp", camp, by_camp[camp])
        if none:
            add(doc_id, "camp", NO_CAMP, none)
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def sentiment(docs, *, nlp=None, gazetteer=None) -> pd.DataFrame:
    """Sentence sentiment of a corpus: parsed Docs or a :class:`analysis.corpus.Corpus`.

    A Corpus (or Documents) is parsed with ``nlp`` (default :func:`make_nlp`);
    voices come from the attribution rules. Returns :func:`sentiment_frame`;
    pass it to :func:`summarize_sentiment` for the aggregates.

    Example:
        >>> from analysis import load_corpus
        >>> frame = sentiment(load_corpus())  # doctest: +SKIP
    """
    from .attribution import doc_attributions
    from ..corpus.documents import Corpus, Document
    from ..nlp.pipeline import gazetteer_of, make_nlp, parse
    from .voices import voice_map

    if isinstance(docs, (Doc, Document)):
        docs = [docs]
    if isinstance(docs, Corpus) or not isinstance(docs, Iterable):
        docs = list(docs)
    items = list(docs)
    metadata: dict[str, dict] = {}
    if any(isinstance(d, Document) for d in items):
        documents = [d for d in items if isinstance(d, Document)]
        metadata = {d.doc_id: d.metadata for d in documents}
        nlp = nlp or make_nlp(actors=gazetteer)
        parsed = {d.user_data["doc_id"]: d for d in parse(Corpus(documents), nlp)}
        items = [parsed[d.doc_id] if isinstance(d, Document) else d for d in items]
    gazetteer = gazetteer or (gazetteer_of(nlp) if nlp is not None else None)
    if gazetteer is None:
        from ..nlp.gazetteer import load_gazetteer

        gazetteer = load_gazetteer()
    records: list[dict] = []
    for doc in items:
        attributions = doc_attributions(doc, gazetteer=gazetteer, metadata=metadata.get(doc_id_of(doc)))
        records.extend(doc_sentiment(doc, voice_map=voice_map(doc, attributions), gazetteer=gazetteer))
    return sentiment_frame(records)
