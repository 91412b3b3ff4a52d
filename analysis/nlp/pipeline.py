"""Build the spaCy pipeline and parse a corpus into cached Docs.

Default (``model="rules"``): ``spacy.blank("en")`` + the quote-aware sentence
splitter (:mod:`analysis.nlp.sentences`) + the lookup lemmatizer from
``spacy-lookups-data`` + an EntityRuler of actors (:mod:`analysis.nlp.gazetteer`).
Nothing is downloaded. Any installed spaCy package (e.g. ``en_core_web_sm``)
can be used instead; the actor ruler is added before its NER.

:func:`parse` streams Docs with ``nlp.pipe`` and caches each one on disk as a
DocBin keyed by the text's SHA-256 and a fingerprint of the pipeline (config,
gazetteer, package version, source of the rule modules), so a second run does
not parse again and a changed rule parses anew (file format and fast I/O:
:mod:`analysis.nlp.doccache`).
"""
from __future__ import annotations

import hashlib
import sys
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

from .._version import __version__
from ..corpus.documents import Corpus, Document
from ..errors import KitError, ModelError
from . import (
    components,  # noqa: F401  (registers discourse_lemmatizer, discourse_actor_ruler)
    sentences,  # noqa: F401  (registers the discourse_sentences component)
)
from .docarrays import remember_text
from .doccache import cache_dir, read_doc, write_doc
from .gazetteer import Gazetteer, load_gazetteer, ruler_patterns
from .tokenizer import CachingTokenizer

__all__ = ["make_nlp", "parse", "pipeline_fingerprint", "gazetteer_of", "RULES", "PARSE_MODULES"]

RULES = "rules"
#: Longest document (characters) the rule-based pipeline accepts (trained models keep spaCy's limit).
MAX_RULES_LENGTH = 2**31 - 1
ACTOR_RULER = "actor_ruler"
#: Modules whose code decides a rule-based parse (sentence starts, lemmas, actor spans).
PARSE_MODULES = ("sentences.py", "components.py", "gazetteer.py", "tokenizer.py")
_CODE_DIR = Path(__file__).resolve().parent


def make_nlp(model: str = RULES, *, actors: str | Path | Gazetteer | None = None) -> Language:
    """Build the analysis pipeline.

    Args:
        model: ``"rules"`` (default, no download) or the name of an installed
            spaCy pipeline package such as ``"en_core_web_sm"``.
        actors: a gazetteer file or object (default: the bundled one).

    Raises:
        ModelError: the model is not installed (the message says how to install it).

    Example:
        >>> nlp = make_nlp()
        >>> [s.text for s in nlp('"No," he said. Fine.').sents]
        ['"No," he said.', 'Fine.']
    """
    gazetteer = actors if isinstance(actors, Gazetteer) else load_gazetteer(actors)
    if model == RULES:
        nlp = spacy.blank("en")
        nlp.add_pipe("discourse_sentences")
        nlp.add_pipe("discourse_lemmatizer", name="lemmatizer", config={"mode": "lookup"})
        ruler = nlp.add_pipe(
            "discourse_actor_ruler", name=ACTOR_RULER, config={"overwrite_ents": True, "validate": True}
        )
        try:
            nlp.initialize()
        except (OSError, ValueError) as e:  # lookup tables missing
            raise ModelError(
                f"cannot load the lookup lemmatizer tables ({e}); install them with "
                "`pip install spacy-lookups-data`"
            ) from None
        # spaCy's 1,000,000-character limit protects the memory of trained parsers;
        # the rule-based pipeline is linear in memory, so long documents are fine.
        nlp.max_length = MAX_RULES_LENGTH
    else:
        try:
            nlp = spacy.load(model)
        except OSError:
            raise ModelError(
                f"spaCy model {model!r} is not installed; install it with "
                f"`conda install -c conda-forge spacy-model-{model}` or `python -m spacy download {model}`, "
                "or use the default rule-based pipeline (--model rules)"
            ) from None
        before = "ner" if "ner" in nlp.pipe_names else None
        ruler = nlp.add_pipe(
            "discourse_actor_ruler",
            name=ACTOR_RULER,
            before=before,
            config={"overwrite_ents": True, "validate": True},
        )
    if type(nlp.tokenizer) is Tokenizer:  # same tokens, cached chunk by chunk (see analysis.nlp.tokenizer)
        nlp.tokenizer = CachingTokenizer(nlp.tokenizer)
    others = [name for name in nlp.pipe_names if name != ACTOR_RULER]
    with nlp.select_pipes(disable=others):  # patterns need tokens only
        ruler.add_patterns(ruler_patterns(gazetteer, nlp.tokenizer))
    nlp.meta["discourse_kit"] = {
        "model": model,
        "gazetteer": gazetteer.path,
        "gazetteer_sha256": gazetteer.sha256,
    }
    _GAZETTEERS[id(nlp)] = gazetteer
    return nlp


_GAZETTEERS: dict[int, Gazetteer] = {}


def gazetteer_of(nlp: Language) -> Gazetteer:
    """The gazetteer a pipeline was built with (the bundled one for foreign pipelines)."""
    return _GAZETTEERS.get(id(nlp)) or load_gazetteer()


@lru_cache(maxsize=1)
def _parse_code_sha256() -> str:
    """SHA-256 of the source of :data:`PARSE_MODULES`, so that editing a rule invalidates cached parses."""
    h = hashlib.sha256()
    for name in PARSE_MODULES:
        try:
            h.update(name.encode() + b"\0" + (_CODE_DIR / name).read_bytes() + b"\0")
        except OSError:  # not installed as files: the package version still counts
            h.update(name.encode() + b"\0?\0")
    return h.hexdigest()


def pipeline_fingerprint(nlp: Language) -> str:
    """A hash identifying everything that changes a parse: config, patterns, versions, rule code."""
    h = hashlib.sha256()
    h.update(nlp.config.to_str().encode())
    h.update(_parse_code_sha256().encode())
    h.update(repr(sorted(nlp.meta.get("discourse_kit", {}).items())).encode())
    h.update(f"{nlp.meta.get('name')}-{nlp.meta.get('version')}-{spacy.__version__}-{__version__}".encode())
    return h.hexdigest()


def parse(
    corpus: Corpus | Iterable[Document],
    nlp: Language | None = None,
    *,
    n_process: int = 1,
    batch_size: int = 64,
    cache: str | Path | bool | None = None,
    progress: bool | None = None,
) -> Iterator[Doc]:
    """Parse documents into spaCy Docs, in corpus order, using the on-disk cache.

    Each Doc carries its id in ``doc.user_data["doc_id"]`` (see
    :func:`analysis.nlp.docarrays.doc_id_of`).

    Args:
        corpus: documents to parse.
        nlp: the pipeline (default: :func:`make_nlp`).
        n_process: worker processes for ``nlp.pipe``.
        batch_size: documents per batch.
        cache: a folder, ``False`` to disable, or ``None`` for ``.cache/``
            (or ``$DISCOURSE_KIT_CACHE``).
        progress: show a progress bar (default: when stderr is a terminal and
            there are more than 20 documents).
    """
    nlp = nlp or make_nlp()
    docs = list(corpus)
    folder = cache_dir(cache)
    fingerprint = pipeline_fingerprint(nlp)[:16] if folder else ""
    if progress is None:
        progress = len(docs) > 20 and sys.stderr.isatty()
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(docs), desc="parsing", unit="doc")

    def paths() -> Iterator[tuple[Document, Path | None]]:
        for d in docs:
            yield d, (folder / fingerprint / d.sha256[:2] / f"{d.sha256}.spacy") if folder else None

    pending: list[tuple[Document, Path | None]] = []

    def flush() -> Iterator[Doc]:
        for d, _ in pending:
            if len(d.text) > nlp.max_length:  # spaCy would raise E088 with a traceback
                raise KitError(
                    f"document {d.doc_id!r} has {len(d.text):,} characters, more than this pipeline accepts "
                    f"({nlp.max_length:,}); split the text or use the rule-based pipeline (--model rules)",
                    path=d.source or None,
                )
        texts = ((d.text, (d, p)) for d, p in pending)
        for doc, (d, p) in nlp.pipe(texts, as_tuples=True, n_process=n_process, batch_size=batch_size):
            doc.user_data["doc_id"] = d.doc_id
            remember_text(doc, d.text)
            if p is not None:
                write_doc(p, doc)
            if bar:
                bar.update(1)
            yield doc
        pending.clear()

    # Keep corpus order: parse runs of uncached documents between cached ones.
    for d, p in paths():
        cached = read_doc(p, nlp.vocab) if p is not None else None
        if cached is not None and cached.text != d.text:  # a cache file moved onto another key: not this text
            cached = None
        if cached is None:
            pending.append((d, p))
            continue
        if pending:
            yield from flush()
        cached.user_data["doc_id"] = d.doc_id
        remember_text(cached, d.text)
        if bar:
            bar.update(1)
        yield cached
    if pending:
        yield from flush()
    if bar:
        bar.close()
