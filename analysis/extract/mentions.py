"""Actor mentions: who is named, who speaks, who is targeted.

:func:`doc_mentions` gives one record per actor occurrence in a document with
a ``role``:

* ``mentioned`` — a gazetteer alias (``ACTOR`` entity) or a title (``TITLE``
  entity, e.g. "the Minister") resolved to a named actor (the most recent
  named holder of that title, or the principal of an ``authority`` cue such
  as "as the President said"; see :mod:`analysis.attribution`). Unresolved
  titles and pronouns are not counted.
* ``speaker`` — the resolved speaker of an attribution record (one per
  attribution; offsets are those of the speaker's words, ``<NA>`` for a
  credit line without offsets). A speaker named in the text is therefore
  counted both as ``mentioned`` and as ``speaker``.
* ``target`` — an actor named in the ``target`` column of a codebook evidence
  record (several actors separated by ``;``); offsets are the evidence's.

Each record carries the ``voice`` of its offsets (``narrator`` or the quoted
speaker). :func:`actor_frame` counts them; :func:`actor_table` does both for
a corpus.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd
from spacy.tokens import Doc

from ..nlp.gazetteer import ACTOR_LABEL, TITLE_LABEL, Gazetteer
from ..nlp.docarrays import doc_id_of

__all__ = ["MENTION_COLUMNS", "ACTOR_COLUMNS", "ROLES", "doc_mentions", "actor_frame", "actor_table"]

#: Keys of a mention record (and columns of its frame).
MENTION_COLUMNS = ["doc_id", "actor", "camp", "role", "sentence_id", "start_char", "end_char", "voice"]
#: Columns of :func:`actor_frame`.
ACTOR_COLUMNS = ["doc_id", "actor", "camp", "role", "count"]
ROLES = ("speaker", "mentioned", "target")


def _present(value) -> bool:
    return not (value is None or value is pd.NA or value != value or value == "")


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
    voice_map=None,
    evidence: Iterable[dict] | None = None,
    attributions: Iterable[dict] | None = None,
    speaker: str = "",
) -> list[dict]:
    """Actor mention records of one Doc (keys: :data:`MENTION_COLUMNS`), in text order per role.

    ``speaker`` (the document's metadata speaker) resolves titles that name
    nobody else, and transcript labels ("THE PRESIDENT:"), as attribution does.
    """
    from .attribution import resolve_titles
    from ..nlp.docarrays import doc_ents, token_index

    doc_id = doc_id_of(doc)
    n_tokens = len(doc)
    idx, sent_of_token, _ = token_index(doc)

    def sentence_of_char(pos) -> object:
        if not _present(pos) or n_tokens == 0:
            return pd.NA
        k = int(np.searchsorted(idx, int(pos), side="right")) - 1
        return int(sent_of_token[max(k, 0)])

    def voice_of(start, end) -> str:
        if voice_map is None or not _present(start):
            return "narrator"
        return voice_map.voice_at(int(start), int(end))

    out: list[dict] = []
    attributions = list(attributions or ())
    resolved = resolve_titles(doc, gazetteer, speaker=speaker)
    ents = doc_ents(doc)
    # a title inside an authority cue ("as the President said") is that authority
    cues = [(int(r["cue_start"]), int(r["cue_end"]), r["principal"]) for r in attributions
            if r.get("kind") == "authority" and r.get("principal") and _present(r.get("cue_start"))]
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
        has = _present(s) and _present(e)
        out.append(
            {
                "doc_id": doc_id,
                "actor": speaker,
                "camp": gazetteer.camp(speaker),
                "role": "speaker",
                "sentence_id": rec.get("sentence_id") if _present(rec.get("sentence_id")) else sentence_of_char(s),
                "start_char": int(s) if has else pd.NA,
                "end_char": int(e) if has else pd.NA,
                "voice": voice_of(s, e) if has else "narrator",
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


def actor_frame(mention_records: Iterable[dict]) -> pd.DataFrame:
    """Count mention records: one row per doc_id, actor, camp and role (:data:`ACTOR_COLUMNS`).

    Rows are sorted by doc_id (in first-seen order), role, descending count,
    then actor, so the table is deterministic.
    """
    rows = list(mention_records)
    if not rows:
        return pd.DataFrame(
            {"doc_id": pd.Series(dtype=str), "actor": pd.Series(dtype=str), "camp": pd.Series(dtype=str),
             "role": pd.Series(dtype=str), "count": pd.Series(dtype="int64")}
        )
    frame = pd.DataFrame(rows, columns=MENTION_COLUMNS)
    frame["camp"] = frame["camp"].fillna("")
    doc_order = {d: i for i, d in enumerate(dict.fromkeys(frame["doc_id"]))}
    role_order = {r: i for i, r in enumerate(ROLES)}
    counts = frame.groupby(["doc_id", "actor", "camp", "role"], sort=False).size().reset_index(name="count")
    counts["_d"] = counts["doc_id"].map(doc_order)
    counts["_r"] = counts["role"].map(role_order).fillna(len(ROLES))
    counts = counts.sort_values(["_d", "_r", "count", "actor"], ascending=[True, True, False, True], kind="mergesort")
    counts = counts.drop(columns=["_d", "_r"]).reset_index(drop=True)
    counts["count"] = counts["count"].astype("int64")
    return counts[ACTOR_COLUMNS]


def actor_table(docs, *, codebook=None, gazetteer: Gazetteer | None = None, nlp=None) -> pd.DataFrame:
    """Actor counts by document and role for parsed Docs or a Corpus (see :func:`actor_frame`).

    Targets come from the codebook's evidence (default codebook when the
    rhetoric module is available; pass ``codebook=False`` to skip targets).
    """
    from .attribution import doc_attributions
    from ..corpus.documents import Corpus
    from ..nlp.pipeline import gazetteer_of, make_nlp, parse
    from .voices import voice_map

    metas: dict[str, dict] = {}
    if isinstance(docs, Corpus):
        nlp = nlp or make_nlp(actors=gazetteer)
        metas = {d.doc_id: d.metadata for d in docs}
        docs = parse(docs, nlp)
    gazetteer = gazetteer or (gazetteer_of(nlp) if nlp is not None else None)
    if gazetteer is None:
        from ..nlp.gazetteer import load_gazetteer

        gazetteer = load_gazetteer()
    doc_evidence = None
    if codebook is not False:
        try:
            from .codebook import load_codebook
            from .rhetoric import doc_evidence

            codebook = codebook or load_codebook()
        except ImportError:  # the codebook module is optional here
            doc_evidence = None
    records: list[dict] = []
    for doc in docs:
        attributions = doc_attributions(doc, gazetteer=gazetteer, metadata=metas.get(doc_id_of(doc)))
        vmap = voice_map(doc, attributions)
        evidence = doc_evidence(doc, codebook, voice_map=vmap, gazetteer=gazetteer) if doc_evidence else None
        records.extend(doc_mentions(doc, gazetteer, voice_map=vmap, evidence=evidence, attributions=attributions))
    return actor_frame(records)
