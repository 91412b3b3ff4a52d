"""Find every attribution of a Doc: the rules in turn, then the speakers resolved."""
from __future__ import annotations

from spacy.tokens import Doc

from ...nlp.docarrays import doc_id_of, doc_text
from ...nlp.gazetteer import Gazetteer, load_gazetteer
from .credits import find_credits
from .cuephrases import find_cue_phrases
from .direct import find_labels, find_quotations
from .indirect import find_indirect
from .lexicon import Lexicon, load_lexicon
from .model import Attribution
from .nouns import find_noun_cues
from .resolve import resolve_speakers
from .scan import Scan
from .speakers import Resolver, Speakers

__all__ = ["find_attributions", "doc_attributions"]


def _resolver(doc: Doc, gazetteer: Gazetteer | None, metadata: dict | None, lexicon: Lexicon | None,
              resolver: Resolver | None) -> Resolver:
    """The given resolver when it was built for this Doc, gazetteer and lexicon; else a new one."""
    gazetteer = gazetteer or (resolver.gazetteer if resolver is not None else load_gazetteer())
    lexicon = lexicon or (resolver.context.lexicon if resolver is not None else load_lexicon())
    if (resolver is not None and resolver.doc is doc and resolver.gazetteer is gazetteer
            and resolver.context.lexicon is lexicon):
        return resolver
    speaker = metadata.get("speaker") if isinstance(metadata, dict) else ""
    return Resolver(doc, gazetteer, speaker=speaker if isinstance(speaker, str) else "", lexicon=lexicon)


def find_attributions(
    doc: Doc,
    *,
    gazetteer: Gazetteer | None = None,
    metadata: dict | None = None,
    warnings: list[str] | None = None,
    lexicon: Lexicon | None = None,
    resolver: Resolver | None = None,
) -> list[Attribution]:
    """Every attribution in ``doc`` as :class:`~.model.Attribution` objects (sentence order).

    The objects also carry the antecedent offsets of a resolved pronoun or
    title (used by the GUM benchmark). Arguments as :func:`doc_attributions`.
    """
    resolver = _resolver(doc, gazetteer, metadata, lexicon, resolver)
    scan = Scan(resolver.context, metadata, warnings)
    if resolver.context.n:
        find_quotations(scan)
        find_cue_phrases(scan)
        find_labels(scan)
        find_indirect(scan)
        find_noun_cues(scan)
        find_credits(scan)
    return resolve_speakers(scan, Speakers(resolver, scan.in_quote, own_speaker=scan.narrator_speaker))


def doc_attributions(
    doc: Doc,
    *,
    gazetteer: Gazetteer | None = None,
    metadata: dict | None = None,
    warnings: list[str] | None = None,
    lexicon: Lexicon | None = None,
    resolver: Resolver | None = None,
) -> list[dict]:
    """Attribution records of one Doc (keys :data:`~analysis.extract.records.ATTRIBUTION_COLUMNS`), in sentence order.

    Args:
        doc: a Doc from :func:`analysis.make_nlp` (needs its ACTOR/TITLE entities).
        gazetteer: resolves speakers (default: the resolver's, else the bundled one).
        metadata: the document's metadata; ``speaker`` resolves titles that
            name nobody else, ``source_credit`` yields a ``source_credit``
            record without offsets.
        warnings: a list that receives one line per odd quotation mark.
        lexicon: the reporting-cue lexicon (default: ``reporting_verbs.yaml``).
        resolver: the Doc's :class:`~.speakers.Resolver` (``analyze_doc``
            builds one and shares it with the other extractors); built here
            when not given.

    Example:
        >>> from analysis import make_nlp
        >>> doc = make_nlp()('"We are ready," Lavrov said.')
        >>> [(r["kind"], r["speaker"], r["content"]) for r in doc_attributions(doc)]
        [('direct', 'Sergei Lavrov', 'We are ready,')]
    """
    found = find_attributions(doc, gazetteer=gazetteer, metadata=metadata, warnings=warnings, lexicon=lexicon,
                              resolver=resolver)
    doc_id, text = doc_id_of(doc), doc_text(doc)
    return [a.record(doc_id, text) for a in found]
