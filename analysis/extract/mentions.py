"""Actor mentions: who is named, who speaks, who is targeted.

:func:`doc_mentions` gives one record per actor occurrence in a document with
a ``role``:

* ``mentioned`` — a gazetteer alias (``ACTOR`` entity) or a title (``TITLE``
  entity, e.g. "the Minister") resolved to a named actor (the most recent
  named holder of that title, or the principal of an ``authority`` cue such
  as "as the President said"; see :mod:`analysis.extract.attribution`). Unresolved
  titles and pronouns are not counted.
* ``speaker`` — the resolved speaker of an attribution record (one per
  attribution; offsets are those of the speaker's words, ``None`` for a
  credit line without offsets). A speaker named in the text is therefore
  counted both as ``mentioned`` and as ``speaker``.
* ``target`` — an actor named in the ``target`` column of a codebook evidence
  record (several actors separated by ``;``); offsets are the evidence's.

Each record carries the ``voice`` of its offsets (``narrator`` or the quoted
speaker). :func:`analysis.tables.frames.actor_frame` counts them;
:func:`analysis.app.shortcuts.actor_table` does both for a corpus. Titles are
resolved by the Doc's one :class:`~analysis.extract.attribution.Resolver`.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np
from spacy.tokens import Doc

from ..nlp.docarrays import doc_ents, doc_id_of, token_index, token_lower
from ..nlp.gazetteer import ACTOR_LABEL, TITLE_LABEL, Gazetteer
from .attribution.context import in_other_name
from .attribution.speakers import Resolver
from .records import NARRATOR, present
from .voices import VoiceMap

__all__ = ["doc_mentions"]


_APPOSITION_GAP = frozenset({",", "the", "its", "his", "her", "their", "our", "a"})


def _named_next_to_titles(doc: Doc, ents) -> dict[int, set[str]]:
    """Actors named right next to each TITLE entity (token start -> names): apposition, not a second mention."""
    actors = [e for e in ents if e.label_ == ACTOR_LABEL]
    by_start = {e.start: e for e in actors}
    by_end = {e.end: e for e in actors}
    out: dict[int, set[str]] = {}
    for ent in ents:
        if ent.label_ != TITLE_LABEL:
            continue
        names = set()
        j = ent.end  # "President Putin", "the Minister, Sergei Lavrov"
        while j < len(doc) and j - ent.end < 2 and doc[j].lower_ == ",":
            j += 1
        if j in by_start:
            names.add(by_start[j].ent_id_ or by_start[j].text)
        k = ent.start  # "Lavrov, the Foreign Minister"
        while k > 0 and ent.start - k < 3 and doc[k - 1].lower_ in _APPOSITION_GAP:
            k -= 1
        if k in by_end and k < ent.start and doc[k].lower_ == ",":
            names.add(by_end[k].ent_id_ or by_end[k].text)
        if names:
            out[ent.start] = names
    return out


def doc_mentions(
    doc: Doc,
    gazetteer: Gazetteer,
    *,
    voice_map: VoiceMap | None = None,
    evidence: Iterable[dict] | None = None,
    attributions: Iterable[dict] | None = None,
    speaker: str = "",
    resolver: Resolver | None = None,
) -> list[dict]:
    """Actor mention records of one Doc, in text order per role.

    Keys: :data:`~analysis.extract.records.MENTION_COLUMNS`.

    Args:
        doc: the parsed Doc.
        gazetteer: actors and their camps.
        voice_map: gives each mention's voice (default: ``narrator``).
        evidence: evidence records, whose targets become ``target`` mentions.
        attributions: attribution records, whose speakers become ``speaker``
            mentions (and whose ``authority`` cues resolve the titles in them).
        speaker: the document's metadata speaker: it resolves titles that
            name nobody else, and transcript labels ("THE PRESIDENT:"), as
            attribution does.
        resolver: the Doc's :class:`~analysis.extract.attribution.Resolver`
            (from ``analyze_doc``), whose resolved titles are used; built
            from ``gazetteer`` and ``speaker`` when not given.
    """
    doc_id = doc_id_of(doc)
    n_tokens = len(doc)
    idx, sent_of_token, _ = token_index(doc)

    def sentence_of_char(pos) -> object:
        if not present(pos) or n_tokens == 0:
            return None
        k = int(np.searchsorted(idx, int(pos), side="right")) - 1
        return int(sent_of_token[max(k, 0)])

    def voice_of(start, end) -> str:
        if voice_map is None or not present(start):
            return NARRATOR
        return voice_map.voice_at(int(start), int(end))

    out: list[dict] = []
    attributions = list(attributions or ())
    if resolver is None or resolver.doc is not doc or resolver.gazetteer is not gazetteer:
        resolver = Resolver(doc, gazetteer, speaker=speaker)
    resolved = resolver.titles()
    lower_ids = token_lower(doc).tolist()
    ents = [e for e in doc_ents(doc) if not in_other_name(doc, e, lower_ids)]  # not "Washington" in "… Post"
    # a title inside an authority cue ("as the President said") is that authority
    cues = [(int(r["cue_start"]), int(r["cue_end"]), r["principal"]) for r in attributions
            if r.get("kind") == "authority" and r.get("principal") and present(r.get("cue_start"))]
    for ent in ents:
        if ent.label_ == TITLE_LABEL and ent.start not in resolved:
            for s, e, principal in cues:
                if s <= ent.start_char and ent.end_char <= e:
                    resolved[ent.start] = principal
    named = _named_next_to_titles(doc, ents)
    for ent in ents:
        if ent.label_ == ACTOR_LABEL:
            actor = ent.ent_id_ or ent.text
        elif ent.label_ == TITLE_LABEL:
            actor = resolved.get(ent.start, "")
            if not actor or ent.start in named:
                continue  # "President Putin", "Lavrov, the Foreign Minister,": one mention, the name's
        else:
            continue
        out.append(
            {
                "doc_id": doc_id,
                "actor": actor,
                "camp": gazetteer.camp(actor),
                "role": "mentioned",
                "sentence_id": int(sent_of_token[ent.start]),
                "start_char": ent.start_char,
                "end_char": ent.end_char,
                "voice": voice_of(ent.start_char, ent.end_char),
            }
        )
    for rec in attributions:
        speaker = rec.get("speaker") or ""
        if not speaker:
            continue
        s, e = rec.get("speaker_start"), rec.get("speaker_end")
        has = present(s) and present(e)
        out.append(
            {
                "doc_id": doc_id,
                "actor": speaker,
                "camp": gazetteer.camp(speaker),
                "role": "speaker",
                "sentence_id": rec.get("sentence_id") if present(rec.get("sentence_id")) else sentence_of_char(s),
                "start_char": int(s) if has else None,
                "end_char": int(e) if has else None,
                "voice": voice_of(s, e) if has else NARRATOR,
            }
        )
    for rec in evidence or ():
        target = rec.get("target") or ""
        if not isinstance(target, str) or not target:
            continue
        for actor in dict.fromkeys(t.strip() for t in target.split(";")):
            if not actor:
                continue
            s, e = rec.get("start_char"), rec.get("end_char")
            out.append(
                {
                    "doc_id": doc_id,
                    "actor": actor,
                    "camp": gazetteer.camp(actor),
                    "role": "target",
                    "sentence_id": rec.get("sentence_id", sentence_of_char(s)),
                    "start_char": s,
                    "end_char": e,
                    "voice": rec.get("voice") or voice_of(s, e),
                }
            )
    return out
