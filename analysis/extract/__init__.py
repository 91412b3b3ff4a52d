"""Layer 3, extract: one parsed Doc in, plain records (lists of dicts) out.

* :mod:`~analysis.extract.analyze` -- :func:`analyze_doc`, every extractor on one Doc, in order;
* :mod:`~analysis.extract.attribution` -- reported speech, and the one resolver of titles and pronouns;
* :mod:`~analysis.extract.voices` -- whose words each character is (:class:`VoiceMap`);
* :mod:`~analysis.extract.codebook` -- the codebook: loaded, validated, compiled;
* :mod:`~analysis.extract.rhetoric` -- codebook evidence (:func:`doc_evidence`);
* :mod:`~analysis.extract.mentions` -- actor mentions, speakers and targets;
* :mod:`~analysis.extract.sentiment` -- TextBlob sentiment per sentence;
* :mod:`~analysis.extract.terms` -- term counts (for keyness);
* :mod:`~analysis.extract.concordance` -- keyword-in-context rows;
* :mod:`~analysis.extract.records` -- the keys of every record, shared with the tables.

Extractors are pure: they take a Doc (plus gazetteer, codebook, voice map,
the Doc's resolver) and return records, in document order, leaving the Doc
untouched. They never build a pipeline, parse a corpus or import pandas; the
corpus-level conveniences are :mod:`analysis.app.shortcuts`, the tables
:mod:`analysis.tables`.
"""
from __future__ import annotations

from .analyze import DocResult, analyze_doc, count_tokens, doc_sentences
from .attribution import Resolver, doc_attributions, find_attributions
from .codebook import Codebook, load_codebook
from .mentions import doc_mentions
from .rhetoric import doc_evidence
from .sentiment import doc_sentiment
from .voices import VoiceMap, doc_voices, voice_map

__all__ = [
    "DocResult",
    "analyze_doc",
    "count_tokens",
    "doc_sentences",
    "Resolver",
    "doc_attributions",
    "find_attributions",
    "Codebook",
    "load_codebook",
    "doc_evidence",
    "doc_mentions",
    "doc_sentiment",
    "VoiceMap",
    "voice_map",
    "doc_voices",
]
