"""Property-based tests (hypothesis): hostile Unicode never makes the public functions raise,
empty text gives empty tables, and every offset points at the words it reports.

Budgets are small (max_examples 30-50, no deadline) so the suite stays fast; the
generated texts mix the kit's own vocabulary (so rules fire and offsets are
checked on real hits) with control characters, RTL and bidi marks, emoji and
ZWJ sequences, zero-width characters, odd line ends and quote marks of every
style, balanced or not.
"""
from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from analysis import Corpus, Document, KitError, load_corpus, parse
from analysis.corpus.cleaning import clean_text
from analysis.errors import CorpusError
from analysis.io import write_csv

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

WORDS = [
    "Lavrov", "Sergei Lavrov", "said", "says", "told", "added", "stressed", "the", "West", "will", "again",
    "definitely", "deceive", "lie", "NATO", "ultimatum", "ultimatums", "no", "we", "do", "not", "put", "forward",
    "any", "Minister", "the Minister", "He", "She", "that", "according to", "reportedly", "it was reported that",
    "Source: Interfax", "of course", "in fact", "so-called", "regime", "since 2014", "only if", "as the President said",
    "through Stoltenberg's mouth", "at the suggestion of the US", "it is clear that", "U.S.", "Washington", "Kyiv",
    "Moscow", "endless discussions", "chatter", "immediately", "the bloc", "Blinken", "Stoltenberg",
]
QUOTES = list("\"'“”‘’«»„‚‹›「」『』‟❝❞") + ["''", '""', "``"]
PUNCT = list(".,;:!?…—–-()[]{}*•/\\") + ["...", "?!", "--"]
SPACES = [" ", "  ", "\n", "\n\n", "\r\n", "\r", "\t", "\u00a0", "\u2028", "\u2029", "\x0b", "\x0c", "\x85", "\u3000"]
WEIRD = [
    "\u200d", "\u200b", "\u200c", "\u200e", "\u200f", "\u202a", "\u202e", "\u202c", "\u2066", "\u2069", "\ufeff",
    "\x00", "\x01", "\x07", "\x1b[31m", "\x7f", "\ufffd", "\U0010ffff", "\U000e0001",
    "👩\u200d👩\u200d👧", "🇷🇺", "🇺🇸", "🙂", "👍🏽", "e\u0301", "ﬁ", "Ⅻ", "①",
    "مرحبا", "שלום", "東京", "Привет", "ΑΒΓ", "\u0301\u0301\u0301",
]
piece = st.one_of(
    st.sampled_from(WORDS), st.sampled_from(QUOTES), st.sampled_from(PUNCT),
    st.sampled_from(SPACES), st.sampled_from(WEIRD), st.text(max_size=4),
)
SPEAKERS = ["Lavrov", "Sergei Lavrov", "the Minister", "He", "she", "Blinken", "NATO", "the spokeswoman", "Moscow", ""]
CUES = ["said", "added", "stressed", "told reporters", "warned", "noted", "recalled", "asked", ""]
_words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join)
_noise = st.lists(st.one_of(st.sampled_from(WEIRD), st.sampled_from(SPACES), st.sampled_from(QUOTES)), max_size=2).map("".join)
#: a quotation with a speaker and a cue, in either order, its marks possibly unbalanced
_quotation = st.builds(
    lambda o, w, p, c, sp, cue, e, n, first: (f"{o}{w}{p}{c} {sp} {cue}{e}{n}" if first else f"{sp} {cue}: {o}{w}{e}{c}{n}"),
    st.sampled_from(QUOTES + [""]), _words, st.sampled_from([",", ".", "!", "?", ""]), st.sampled_from(QUOTES + [""]),
    st.sampled_from(SPEAKERS), st.sampled_from(CUES), st.sampled_from([".", "!", "", ":"]), _noise, st.booleans(),
)
#: reported speech: "X said that ..."
_reported = st.builds(
    lambda sp, cue, w, e, n: f"{sp} {cue} that {w}{e}{n}",
    st.sampled_from(SPEAKERS), st.sampled_from(CUES), _words, st.sampled_from([".", "", "?"]), _noise,
)
_sentence_soup = st.lists(st.one_of(_quotation, _reported, piece), max_size=12).map(
    lambda parts: "".join(p + (" " if i % 3 else "\n\n") for i, p in enumerate(parts))
)
#: hostile documents: random pieces (up to 80), or sentence-like soup that makes the rules fire;
#: st.text never yields surrogates
hostile = st.one_of(st.lists(piece, max_size=80).map("".join), _sentence_soup)
#: the same with lone surrogates sprinkled in (as a JSON "\ud800" escape would give)
with_surrogates = st.lists(st.one_of(piece, st.sampled_from(["\ud800", "\udfff", "\udc80"])), max_size=40).map("".join)


def present(value) -> bool:
    """An offset that is set (not None, <NA>, NaN or -1)."""
    if value is None or value is pd.NA:
        return False
    try:
        if pd.isna(value):
            return False
    except (TypeError, ValueError):
        pass
    return int(value) >= 0


def check_span(text: str, record: dict, start_key: str, end_key: str, text_key: str | None) -> None:
    start, end = record.get(start_key), record.get(end_key)
    if not present(start):
        assert not present(end), f"{end_key} set without {start_key}: {record}"
        return
    start, end = int(start), int(end)
    assert 0 <= start <= end <= len(text), f"{start_key}/{end_key} outside the document: {record}"
    if text_key is not None:
        assert record[text_key] == text[start:end], f"{text_key} != document_text[{start}:{end}]: {record}"


def parse_one(text: str, nlp, doc_id: str = "p"):
    return next(parse(Corpus([Document(doc_id, text)]), nlp, cache=False))


# --------------------------------------------------------------------------- loader


@SETTINGS
@given(text=hostile, bom=st.booleans(), crlf=st.booleans())
def test_load_corpus_on_generated_files(text, bom, crlf):
    raw = text.replace("\n", "\r\n") if crlf else text
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "doc.txt").write_bytes((b"\xef\xbb\xbf" if bom else b"") + raw.encode("utf-8"))
        if not bom and raw.startswith("\ufeff"):
            raw = raw[1:]  # U+FEFF first in a UTF-8 file *is* a byte-order mark, and is dropped
        try:
            corpus = load_corpus(tmp)
        except CorpusError as e:
            message = str(e)
            assert "\n" not in message and "doc.txt" in message
            assert (
                not raw.strip()
                or "\x00" in raw  # NUL bytes: treated as a binary file
                or "empty after removing boilerplate" in message
                or "front matter" in message
            ), message
            return
    doc = corpus["doc"]
    if raw.split("\n", 1)[0].rstrip("\r") == "---":  # front matter: the text comes from the body
        assert doc.text in raw
    else:  # cleaning only cuts a tail: offsets are offsets into the file
        assert doc.text == clean_text(raw).text and raw.startswith(doc.text)


@SETTINGS
@given(data=st.binary(max_size=400))
def test_arbitrary_bytes_load_or_fail_with_one_line(data):
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "blob.txt").write_bytes(data)
        try:
            corpus = load_corpus(tmp)
        except KitError as e:
            assert "\n" not in str(e) and "blob.txt" in str(e)
            return
        assert len(corpus) == 1 and corpus["blob"].text.strip()


@SETTINGS
@given(texts=st.lists(hostile.filter(lambda t: t.strip()), min_size=1, max_size=4), fmt=st.sampled_from(["csv", "jsonl"]))
def test_tables_round_trip_every_text(texts, fmt):
    frame = pd.DataFrame({"doc_id": [f"r{i}" for i in range(len(texts))], "text": texts})
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"table.{fmt}"
        if fmt == "csv":
            write_csv(frame, path)  # the kit's writer: a bare \r is quoted, so it survives
        else:
            path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in frame.to_dict("records")), encoding="utf-8")
        try:
            corpus = load_corpus(path)
        except CorpusError as e:
            assert "\n" not in str(e)
            assert "empty after removing boilerplate" in str(e) or "\x00" in "".join(texts)
            return
    for i, text in enumerate(texts):
        assert text.startswith(corpus[f"r{i}"].text)


@SETTINGS
@given(text=with_surrogates)
def test_lone_surrogates_from_json_escapes_never_break_loading_or_parsing(text, nlp):
    assume(text.strip())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.jsonl"
        path.write_text(json.dumps({"doc_id": "s", "text": text}) + "\n", encoding="utf-8")  # ASCII \\udXXX escapes
        try:
            corpus = load_corpus(path)
        except CorpusError as e:
            assert "empty after removing boilerplate" in str(e)
            return
    doc_text = corpus["s"].text
    doc_text.encode("utf-8")  # no surrogate is left
    assert len(doc_text) <= len(text)
    doc = parse_one(doc_text, nlp)
    assert doc.text == doc_text


# --------------------------------------------------------------------------- make_nlp / parse


@SETTINGS
@given(text=hostile)
@example(text="")
@example(text="\u2028\u2029\x85")
def test_parse_never_raises_and_keeps_the_text(text, nlp):
    doc = parse_one(text, nlp)
    assert doc.text == text and doc.user_data["doc_id"] == "p"
    sents = list(doc.sents)
    if len(doc):
        assert sents[0].start == 0 and sents[-1].end == len(doc)
        assert all(a.end == b.start for a, b in zip(sents, sents[1:]))
    for ent in doc.ents:
        assert text[ent.start_char : ent.end_char] == ent.text


@SETTINGS
@given(text=with_surrogates)
def test_documents_with_lone_surrogates_parse(text, nlp):
    document = Document("s", text)
    doc = next(parse(Corpus([document]), nlp, cache=False))
    assert doc.text == document.text and len(doc.text) == len(text)


# --------------------------------------------------------------------------- extractors


def _check_attributions(records: list[dict], text: str, n_sents: int) -> None:
    for r in records:
        check_span(text, r, "speaker_start", "speaker_end", "speaker_text")
        check_span(text, r, "cue_start", "cue_end", "cue")
        check_span(text, r, "content_start", "content_end", "content")
        if present(r.get("sentence_id")):
            assert 0 <= int(r["sentence_id"]) < n_sents


def _check_evidence(records, text: str, n_sents: int) -> None:
    for r in records:
        check_span(text, r, "start_char", "end_char", "text")
        assert present(r["start_char"]) and r["text"]
        assert 0 <= int(r["sentence_id"]) < n_sents


@SETTINGS
@given(text=hostile)
@example(text="")
@example(text='“Unclosed « nested ‘quotes » ” said Lavrov. "')
def test_attributions_never_raise_and_offsets_match(text, nlp):
    from analysis.app.shortcuts import attributions
    from analysis.extract.attribution import doc_attributions
    from analysis.extract.voices import voice_map

    doc = parse_one(text, nlp)
    warnings: list[str] = []
    records = doc_attributions(doc, warnings=warnings)
    _check_attributions(records, text, len(list(doc.sents)))
    assert all(isinstance(w, str) and "\n" not in w for w in warnings)
    vmap = voice_map(doc, records)
    assert sum(vmap.token_counts().values()) <= len(doc)
    frame = attributions([doc])
    assert len(frame) == len(records)
    if not text.strip():
        assert frame.empty


@SETTINGS
@given(text=hostile)
@example(text="")
def test_code_corpus_never_raises_and_evidence_offsets_match(text, nlp):
    from analysis.app.shortcuts import code_corpus

    doc = parse_one(text, nlp)
    evidence = code_corpus([doc])
    _check_evidence(evidence.to_dict("records"), text, len(list(doc.sents)))
    if not text.strip():
        assert evidence.empty and "start_char" in evidence.columns


@SETTINGS
@given(text=hostile)
@example(text="")
def test_sentiment_never_raises(text, nlp):
    from analysis.app.shortcuts import sentiment

    doc = parse_one(text, nlp)
    frame = sentiment([doc])
    n_sents = len(list(doc.sents))
    assert len(frame) <= n_sents
    assert frame["polarity"].between(-1, 1).all() and frame["subjectivity"].between(0, 1).all()
    assert frame["sentence_id"].between(0, max(n_sents - 1, 0)).all()
    if not text.strip():
        assert frame.empty


def _all_tables(doc, document_text: str, nlp):
    from analysis.app.run import build_tables
    from analysis.extract.analyze import analyze_doc

    result = analyze_doc(doc)
    tables = build_tables([result], Corpus([Document(doc.user_data["doc_id"], document_text)]))
    return result, tables


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=hostile)
@example(text="")
def test_every_table_from_hostile_text(text, nlp):
    doc = parse_one(text, nlp)
    result, tables = _all_tables(doc, text, nlp)
    n_sents = len(list(doc.sents))
    _check_evidence(tables["evidence"].to_dict("records"), text, n_sents)
    _check_attributions(tables["attributions"].to_dict("records"), text, n_sents)
    for s in result.sentences:
        check_span(text, s, "start_char", "end_char", None)
    features = tables["features"]
    assert (features["count"] >= 0).all()
    assert (features.loc[features["count"] == 0, "rate_per_1000"].fillna(0) == 0).all()
    if not text.strip():
        for name in ("evidence", "attributions", "actors", "cooccurrence", "sentiment"):
            assert tables[name].empty, name
        assert (features["count"] == 0).all()


def test_empty_document_gives_empty_tables_with_their_columns(nlp):
    doc = parse_one("", nlp)
    result, tables = _all_tables(doc, "", nlp)
    assert result.n_tokens == 0 and result.n_sentences == 0
    for name in ("evidence", "attributions", "actors", "sentiment"):
        assert tables[name].empty and len(tables[name].columns) > 0, name


def _megabyte_text(seed: int = 0, size: int = 1_000_000) -> str:
    """About 1 MB of news prose (the bundled texts' paragraphs, shuffled) with hostile
    pieces (stray quote marks of every style, control and bidi characters, emoji,
    odd line ends) inserted at random places: realistic density of speech, hostile detail."""
    rng = random.Random(seed)
    paragraphs = [p for d in load_corpus() for p in d.text.split("\n\n") if p.strip()]
    hostile_pieces = QUOTES + WEIRD + SPACES + PUNCT
    parts, n = [], 0
    while n < size:
        para = rng.choice(paragraphs)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(para) + 1)
            para = para[:at] + rng.choice(hostile_pieces) + para[at:]
        parts.append(para + rng.choice(["\n\n", "\n", " ", "\r\n\r\n"]))
        n += len(parts[-1])
    return "".join(parts)[:size]


def test_one_megabyte_hostile_document(nlp):
    text = _megabyte_text()
    assert len(text) == 1_000_000
    doc = parse_one(text, nlp)
    assert doc.text == text
    result, tables = _all_tables(doc, text, nlp)
    n_sents = len(list(doc.sents))
    _check_evidence(tables["evidence"].to_dict("records"), text, n_sents)
    _check_attributions(tables["attributions"].to_dict("records"), text, n_sents)
    assert len(tables["evidence"]) > 0  # the vocabulary makes rules fire: offsets were really checked


def test_one_megabyte_file_loads_unchanged(tmp_path):
    text = _megabyte_text(seed=1).replace("\x00", " ")
    (tmp_path / "big.txt").write_text(text, encoding="utf-8")
    assert load_corpus(tmp_path)["big"].text == clean_text(text).text


# --------------------------------------------------------------------------- merge policy (linear-time version)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 40), st.integers(0, 6), st.integers(0, 3)), max_size=40))
def test_merge_hits_equals_the_quadratic_reference(raw_hits):
    """merge_hits keeps exactly what "compare with every kept hit" keeps (longest wins, then earliest, then rule order)."""
    from types import SimpleNamespace

    from analysis.extract.rhetoric import merge_hits

    rules = [SimpleNamespace(category=f"c{c}", order=o, id=f"r{c}{o}") for c in range(3) for o in range(4)]
    hits = [(rules[c * 4 + o], s, s + n, s, s + n) for c, s, n, o in raw_hits]

    def reference(hits):
        by_cat: dict = {}
        for h in hits:
            by_cat.setdefault(h[0].category, []).append(h)
        kept = []
        for cat_hits in by_cat.values():
            chosen = []
            for h in sorted(cat_hits, key=lambda h: (-(h[4] - h[3]), h[3], h[0].order)):
                if all(h[4] <= c[3] or h[3] >= c[4] for c in chosen):
                    chosen.append(h)
            kept.extend(chosen)
        return sorted(kept, key=lambda h: (h[3], h[4], h[0].order))

    assert merge_hits(list(hits)) == reference(list(hits))
