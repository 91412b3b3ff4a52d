"""Docs are freed once analysed: no per-Doc cache may keep its Doc alive (bounded memory, issue 6)."""
from __future__ import annotations

import gc
import weakref

from analysis import Corpus, Document, make_nlp, parse
from analysis.extract.analyze import analyze_doc


def test_analysed_docs_are_freed():
    nlp = make_nlp()
    texts = [
        '“We do not put forward any ultimatums,” Lavrov said. The West will definitely deceive.',
        "NATO spoke through Stoltenberg's mouth, at the suggestion of the US. Russian \npropaganda denied it.",
        "The Minister said talks with the United States would begin in January.",
    ]
    docs = list(parse(Corpus([Document(f"d{i}", t, {}, "") for i, t in enumerate(texts)]), nlp, cache=False))
    refs = [weakref.ref(d) for d in docs]
    for doc in docs:
        analyze_doc(doc, with_sentiment=True, terms_by="lemma")
    del doc, docs
    gc.collect()
    assert [r() for r in refs] == [None, None, None]
