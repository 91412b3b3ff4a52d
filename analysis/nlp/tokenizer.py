"""spaCy's tokenizer with a cache that works on long documents (same tokens, faster).

spaCy's :class:`~spacy.tokenizer.Tokenizer` remembers how it split each
whitespace-delimited chunk ("Russia's", "(NATO),") so that a chunk seen before
costs a hash look-up instead of its prefix, suffix and infix regular
expressions. Two of its rules keep that cache nearly empty on real text:

* once a document has hit a *special case* -- a tokenizer exception such as
  "—", "Mr.", "cannot", "don’t", or a lone line break "\\n" -- nothing more of
  that document is stored (a per-call flag, spaCy issue #1250), so in a UN
  speech, whose first em dash or line break comes early, almost every chunk
  goes through the regular expressions: 3-4 µs per word instead of ~0.5;
* the cache holds at most 10,000 chunks, fewer than a news archive's
  vocabulary.

:class:`CachingTokenizer` wraps the pipeline's own tokenizer and, before a
document is tokenized, tokenizes each chunk it has not met before on its own
(one call per new chunk, where no earlier special case blocks the store), so
the whole-document call that follows finds it in the cache. The document is
then tokenized by spaCy's tokenizer exactly as before: a cache entry is what
that tokenizer computes for the chunk in any context (chunks are split
independently; spaCy never stores a chunk that involved a special case), so
the Doc is the same -- tokens, whitespace, offsets, norms
(``tests/nlp/test_tokenizer.py`` compares it with the stock tokenizer on real
and adversarial text). Memory is bounded: when a document would take the memory of
seen chunks past :data:`MAX_CHUNKS`, it and spaCy's cache are emptied first.
"""
from __future__ import annotations

from typing import Any, Iterable, Iterator

from spacy.tokens import Doc

__all__ = ["CachingTokenizer", "MAX_CHUNKS"]

#: Distinct chunks remembered before the memory is emptied (about 100 bytes each, with spaCy's entry).
MAX_CHUNKS = 250_000


class CachingTokenizer:
    """A stock spaCy tokenizer whose chunk cache is filled chunk by chunk (same Docs, see the module doc).

    Everything but calling it (``rules``, ``explain``, ``to_bytes``, ...) is
    the wrapped tokenizer's, which stays available as :attr:`stock`.

    >>> import spacy
    >>> tokenizer = CachingTokenizer(spacy.blank("en").tokenizer)
    >>> [t.text for t in tokenizer("Mr. Lavrov said: “We cannot wait.”")]
    ['Mr.', 'Lavrov', 'said', ':', '“', 'We', 'can', 'not', 'wait', '.', '”']
    """

    def __init__(self, tokenizer: Any, *, max_chunks: int = MAX_CHUNKS) -> None:
        self.stock = tokenizer
        self.max_chunks = max_chunks
        self._seen: set[str] = set()
        # room for every remembered chunk (spaCy stores the whole-document call's chunks under the same keys)
        tokenizer.max_cache_size = max(getattr(tokenizer, "max_cache_size", 0), 2 * max_chunks)

    def __call__(self, text: str) -> Doc:
        seen = self._seen
        new = [chunk for chunk in dict.fromkeys(text.split()) if chunk not in seen]  # in text order
        if new:
            if len(self._seen) + len(new) > self.max_chunks:
                self._seen.clear()
                self.stock._flush_cache()
            tokenize = self.stock
            for chunk in new:
                tokenize(chunk)  # stored in spaCy's cache unless it involves a special case
            self._seen.update(new)
        return self.stock(text)

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        """Tokenize a stream of texts (as :meth:`spacy.tokenizer.Tokenizer.pipe`)."""
        for text in texts:
            yield self(text)

    def __getattr__(self, name: str) -> Any:
        if name == "stock":  # not set yet (unpickling): avoid recursion
            raise AttributeError(name)
        return getattr(self.stock, name)

    def __getstate__(self) -> dict:
        return {"stock": self.stock, "max_chunks": self.max_chunks}  # the memory of chunks stays behind

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["stock"], max_chunks=state["max_chunks"])
