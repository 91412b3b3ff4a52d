"""Label Studio exchange: tasks with the rules' evidence as pre-annotations, and completed annotations back.

* :func:`labelstudio_config` — the labelling interface (XML) generated from the codebook: one
  ``<Label>`` per category (its definition as the hint, the kit's category colour), a ``<Text>``
  view of the document and a per-region ``<TextArea>`` for the coder's note.
* :func:`labelstudio_tasks` — Label Studio's JSON task format: one task per document
  (``data.text``, ``data.doc_id``, ``data.title``), the evidence as ``predictions`` (result type
  ``labels``, ``value.start``/``value.end`` character offsets, ``value.text``, ``value.labels``).
* :func:`read_labelstudio` — a Label Studio JSON export (``annotations`` per task) as rows of the
  kit's annotation file (decision ``added``, coder = who completed it, note from the region's text
  area). Cancelled (skipped) annotations are left out. Each span is checked against the task's
  text; offsets counted in UTF-16 code units (older Label Studio front ends, texts with emoji)
  are converted to Python's.

Output is deterministic: the same corpus and evidence give the same bytes.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pandas as pd

from .._version import __version__
from ..corpus.documents import Corpus
from ..errors import KitError
from ..extract.codebook import load_codebook
from ..io import atomic_write, decode_utf8, read_user_file
from ..plots.palette import Palette
from ..tables.annotations import ANNOTATION_FILE_COLUMNS

__all__ = ["labelstudio_config", "labelstudio_tasks", "export_labelstudio", "read_labelstudio"]

FROM_NAME, TO_NAME, NOTE_NAME = "label", "text", "note"


def _region_id(*parts) -> str:
    return hashlib.sha1("\x1f".join(map(str, parts)).encode()).hexdigest()[:10]


def labelstudio_config(codebook=None) -> str:
    """The labelling-interface XML for the codebook's categories (default: the bundled codebook)."""
    codebook = codebook if codebook is not None and not isinstance(codebook, (str, Path)) else load_codebook(codebook)
    palette = Palette(categories=codebook.category_ids)
    labels = "\n".join(
        f"    <Label value={quoteattr(c.id)} background={quoteattr(palette.category_color(c.id))} "
        f"hint={quoteattr(' '.join(c.definition.split()))}/>" for c in codebook.categories)
    return (f"<View>\n  <Header value={quoteattr(f'{codebook.id} {codebook.version}: code each feature')}/>\n"
            f"  <Labels name=\"{FROM_NAME}\" toName=\"{TO_NAME}\">\n{labels}\n  </Labels>\n"
            f"  <Text name=\"{TO_NAME}\" value=\"$text\"/>\n"
            f"  <TextArea name=\"{NOTE_NAME}\" toName=\"{TO_NAME}\" perRegion=\"true\" editable=\"true\" "
            f"placeholder=\"note (optional)\"/>\n</View>\n")


def labelstudio_tasks(corpus: Corpus, evidence: pd.DataFrame | None = None, *, codebook=None) -> list[dict]:
    """One task per document, with the evidence of that document as one prediction."""
    by_doc: dict[str, list] = {}
    if evidence is not None and len(evidence):
        for r in evidence.itertuples(index=False):
            by_doc.setdefault(str(r.doc_id), []).append(r)
    version = "rules"
    if codebook is not None:
        cb = codebook if not isinstance(codebook, (str, Path)) else load_codebook(codebook)
        version = f"{cb.id} {cb.version}"
    tasks = []
    for doc in corpus:
        result = []
        for r in by_doc.get(doc.doc_id, []):
            s, e = int(r.start_char), int(r.end_char)
            result.append({
                "id": _region_id(doc.doc_id, r.category, s, e), "from_name": FROM_NAME, "to_name": TO_NAME,
                "type": "labels", "value": {"start": s, "end": e, "text": doc.text[s:e], "labels": [str(r.category)]},
                "meta": {"text": [f"rule {getattr(r, 'rule_id', '')}; voice {getattr(r, 'voice', '')}"]},
            })
        task = {"data": {"text": doc.text, "doc_id": doc.doc_id, "title": str(doc.metadata.get("title", ""))}}
        if evidence is not None:
            task["predictions"] = [{"model_version": f"discourse-kit {__version__} {version}", "result": result}]
        tasks.append(task)
    return tasks


def export_labelstudio(corpus: Corpus, evidence: pd.DataFrame | None, out: str | os.PathLike, *,
                       codebook=None) -> list[Path]:
    """Write ``tasks.json`` and ``labeling_config.xml`` into the folder ``out``; returns the paths."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tasks = json.dumps(labelstudio_tasks(corpus, evidence, codebook=codebook), ensure_ascii=False, indent=1)
    config = labelstudio_config(codebook)
    paths = [out / "tasks.json", out / "labeling_config.xml"]
    atomic_write(paths[0], lambda p: p.write_text(tasks + "\n", encoding="utf-8"))
    atomic_write(paths[1], lambda p: p.write_text(config, encoding="utf-8"))
    return paths


def _utf16_to_python(text: str, offset: int) -> int:
    """Python index of a UTF-16 code-unit offset into ``text``."""
    units = 0
    for i, ch in enumerate(text):
        if units >= offset:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


def _span(text: str, value: dict, where: str, path) -> tuple[int, int]:
    try:
        s, e = int(value["start"]), int(value["end"])
    except (KeyError, TypeError, ValueError):
        raise KitError("a labels result lacks whole-number value.start/value.end", path=path, where=where) from None
    want = value.get("text")
    if want is None or text[s:e] == want:
        ok = 0 <= s < e <= len(text)
    else:
        s, e = _utf16_to_python(text, s), _utf16_to_python(text, e)
        ok = text[s:e] == want
    if not ok:
        raise KitError(f"span [{value.get('start')}:{value.get('end')}] does not match the task's text "
                       f"({str(want)[:40]!r})", path=path, where=where)
    return s, e


def _coder(annotation: dict) -> str:
    who = annotation.get("completed_by")
    if isinstance(who, dict):
        who = who.get("email") or who.get("username") or who.get("id")
    return f"labelstudio:{who}" if who not in (None, "") else "labelstudio"


def read_labelstudio(source, *, coder: str | None = None) -> pd.DataFrame:
    """Completed annotations of a Label Studio JSON export as annotation-file rows.

    Args:
        source: the export file's path, or the parsed list of tasks.
        coder: name every row with this coder (default: ``labelstudio:<completed_by>``).

    Returns:
        :data:`~analysis.tables.annotations.ANNOTATION_FILE_COLUMNS`, decision ``added``, the
        annotation's ``updated_at``/``created_at`` as timestamp, in task and region order.
    """
    path = None
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        try:
            tasks = json.loads(decode_utf8(read_user_file(path, what="Label Studio export"), path,
                                           what="Label Studio export"))
        except json.JSONDecodeError as e:
            raise KitError(f"not JSON: {e.msg} (line {e.lineno})", path=path) from None
    else:
        tasks = source
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list):
        raise KitError("a Label Studio export is a JSON list of tasks", path=path)
    rows = []
    for n, task in enumerate(tasks, 1):
        data = task.get("data") if isinstance(task, dict) else None
        if not isinstance(data, dict) or "text" not in data:
            raise KitError("task has no data.text (export with the JSON format, not JSON-MIN or CSV)", path=path,
                           where=f"task {n}")
        text, doc_id = str(data["text"]), str(data.get("doc_id") or task.get("id") or n)
        for annotation in task.get("annotations") or []:
            if annotation.get("was_cancelled"):
                continue
            who = coder or _coder(annotation)
            stamp = str(annotation.get("updated_at") or annotation.get("created_at") or "")
            results = annotation.get("result") or []
            notes = {r.get("id"): " ".join(r.get("value", {}).get("text", []) or [])
                     for r in results if r.get("type") == "textarea"}
            for r in results:
                if r.get("type") != "labels":
                    continue
                where = f"task {n} ({doc_id}), region {r.get('id')}"
                s, e = _span(text, r.get("value") or {}, where, path)
                for label in r["value"].get("labels") or []:
                    rows.append({"doc_id": doc_id, "category": str(label), "start_char": s, "end_char": e,
                                 "text": text[s:e], "coder": who, "decision": "added",
                                 "note": notes.get(r.get("id"), ""), "timestamp": stamp})
    frame = pd.DataFrame(rows, columns=ANNOTATION_FILE_COLUMNS)
    for col in ("start_char", "end_char"):
        frame[col] = frame[col].astype("int64")
    return frame
