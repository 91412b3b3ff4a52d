"""REFI-QDA project exchange (.qdpx): MAXQDA, NVivo, ATLAS.ti, QDA Miner, QualCoder.

A ``.qdpx`` file is a zip archive holding ``project.qde`` (XML in namespace
``urn:QDA-XML:project:1.0``, schema ``analysis/data/schemas/refi_qda_project.xsd``) and the
sources under ``Sources/``. :func:`write_qdpx` writes

* one ``<User>`` for the rules (``discourse-kit rules``) and one per human coder;
* the ``<CodeBook>``: one ``<Code>`` per category, its label as name, its definition (plus
  examples and counter-examples) as the ``<Description>`` memo, the kit's category colour;
* one ``<TextSource>`` per document, the text in ``Sources/<guid>.txt`` (UTF-8) referenced by
  ``plainTextPath="internal://<guid>.txt"``;
* one ``<PlainTextSelection>`` per coded segment (``startPosition``/``endPosition`` are
  character offsets into the text, as in the kit), with a ``<Coding>`` pointing at its code,
  ``creatingUser`` the rules or the coder, and rule id, voice or note as the ``<Description>`` memo.

GUIDs are UUID-5s of the project name and the item, and the zip entries carry a fixed date, so
the same input writes the same bytes. :func:`read_qdpx` reads the coded segments of any REFI-QDA
project back as annotation-file rows (decision ``added``), so coding done in a QDA tool can be
compared with the rules (``agreement``) or another coder (``reliability``).
"""
from __future__ import annotations

import os
import uuid
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd

from .._version import __version__
from ..corpus.documents import Corpus
from ..errors import KitError
from ..extract.codebook import load_codebook
from ..io import atomic_write
from ..paths import PACKAGE_DIR
from ..plots.palette import Palette
from ..tables.annotations import ANNOTATION_FILE_COLUMNS
from ..tables.reliability import coder_codes

__all__ = ["write_qdpx", "read_qdpx", "qde_xml", "validate_qde", "QDE_NAMESPACE", "PROJECT_XSD"]

QDE_NAMESPACE = "urn:QDA-XML:project:1.0"
#: The REFI-QDA Project.xsd (MIT licence, vendored).
PROJECT_XSD = PACKAGE_DIR / "data" / "schemas" / "refi_qda_project.xsd"
RULES_USER = "discourse-kit rules"
_NS = {"q": QDE_NAMESPACE}
_ZIP_DATE = (2020, 1, 1, 0, 0, 0)


def _guid(project: str, *parts) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "discourse-kit:" + "\x1f".join(map(str, (project, *parts)))))


def _sub(parent, tag: str, **attrs) -> ET.Element:
    return ET.SubElement(parent, f"{{{QDE_NAMESPACE}}}{tag}", {k: str(v) for k, v in attrs.items() if v is not None})


def _code_memo(category) -> str:
    lines = [" ".join(category.definition.split())]
    lines += [f"Example: {x}" for x in category.examples]
    lines += [f"Counter-example: {x}" for x in category.counter_examples]
    return "\n".join(lines)


def qde_xml(corpus: Corpus, evidence: pd.DataFrame | None = None, *, annotations: pd.DataFrame | None = None,
            codebook=None, name: str = "discourse-kit project") -> tuple[bytes, dict[str, str]]:
    """(``project.qde`` bytes, {guid: text} of the sources) for ``corpus`` coded by the rules and/or coders.

    ``evidence`` rows become segments by the rules user; ``annotations`` (an annotation file or
    any span table with ``coder``) become segments by each coder — only what they coded
    (``correct``/``added`` rows).
    """
    codebook = codebook if codebook is not None and not isinstance(codebook, (str, Path)) else load_codebook(codebook)
    palette = Palette(categories=codebook.category_ids)
    ET.register_namespace("", QDE_NAMESPACE)
    root = ET.Element(f"{{{QDE_NAMESPACE}}}Project",
                      {"name": name, "origin": f"discourse-kit {__version__}",
                       "creatingUserGUID": _guid(name, "user", RULES_USER)})
    segments = []
    if evidence is not None:
        for r in evidence.itertuples(index=False):
            memo = f"rule: {getattr(r, 'rule_id', '')}; voice: {getattr(r, 'voice', '')}"
            segments.append((str(r.doc_id), str(r.category), int(r.start_char), int(r.end_char), RULES_USER, memo))
    if annotations is not None and len(annotations):
        coded = coder_codes(annotations, name="annotations")
        for r in coded.itertuples(index=False):
            who = str(getattr(r, "coder", "") or "coder")
            note = str(getattr(r, "note", "") or "")
            segments.append((str(r.doc_id), str(r.category), int(r.start_char), int(r.end_char), who,
                             f"coder: {who}" + (f"; note: {note}" if note else "")))
    users = sorted({s[4] for s in segments} | {RULES_USER})
    users_el = _sub(root, "Users")
    for u in users:
        _sub(users_el, "User", guid=_guid(name, "user", u), name=u)
    codes_el = _sub(_sub(root, "CodeBook"), "Codes")
    known = set(codebook.category_ids)
    extra = sorted({s[1] for s in segments} - known)
    for c in codebook.categories:
        code = _sub(codes_el, "Code", guid=_guid(name, "code", c.id), name=c.id, isCodable="true",
                    color=palette.category_color(c.id))
        _sub(code, "Description").text = f"{c.label}\n{_code_memo(c)}"
    for c in extra:  # categories a coder used that the codebook lacks
        _sub(codes_el, "Code", guid=_guid(name, "code", c), name=c, isCodable="true")
    sources_el = _sub(root, "Sources")
    by_doc: dict[str, list] = {}
    for s in segments:
        by_doc.setdefault(s[0], []).append(s)
    texts = {}
    for doc in corpus:
        g = _guid(name, "source", doc.doc_id)
        texts[g] = doc.text
        src = _sub(sources_el, "TextSource", guid=g, name=doc.doc_id, plainTextPath=f"internal://{g}.txt",
                   creatingUser=_guid(name, "user", RULES_USER))
        title = str(doc.metadata.get("title", "") or "")
        if title:
            _sub(src, "Description").text = title
        for d, cat, s, e, who, memo in sorted(by_doc.get(doc.doc_id, []), key=lambda x: (x[2], x[3], x[1], x[4])):
            if not 0 <= s < e <= len(doc.text):
                raise KitError(f"segment [{s}:{e}] of {cat} lies outside document {d!r} ({len(doc.text)} characters)")
            sel = _sub(src, "PlainTextSelection", guid=_guid(name, "sel", d, cat, s, e, who),
                       name=doc.text[s:e][:60], startPosition=s, endPosition=e, creatingUser=_guid(name, "user", who))
            _sub(sel, "Description").text = memo
            coding = _sub(sel, "Coding", guid=_guid(name, "coding", d, cat, s, e, who),
                          creatingUser=_guid(name, "user", who))
            _sub(coding, "CodeRef", targetGUID=_guid(name, "code", cat))
    missing = sorted(set(by_doc) - {d.doc_id for d in corpus})
    if missing:
        raise KitError(f"{len(missing)} coded document(s) are not in the corpus, e.g. {missing[0]!r}")
    ET.indent(root, space=" ")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n", texts


def write_qdpx(corpus: Corpus, path: str | os.PathLike, evidence: pd.DataFrame | None = None, *,
               annotations: pd.DataFrame | None = None, codebook=None, name: str | None = None) -> Path:
    """Write a REFI-QDA project (``.qdpx``) of ``corpus`` with the rules' and coders' segments."""
    path = Path(path)
    if path.suffix.lower() != ".qdpx":
        raise KitError("a REFI-QDA project file must end in .qdpx", path=path)
    xml, texts = qde_xml(corpus, evidence, annotations=annotations, codebook=codebook, name=name or path.stem)

    def write(tmp: Path) -> None:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as z:
            for entry, data in [("project.qde", xml)] + [(f"Sources/{g}.txt", t.encode("utf-8"))
                                                         for g, t in texts.items()]:
                info = zipfile.ZipInfo(entry, date_time=_ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                z.writestr(info, data)

    return atomic_write(path, write)


def validate_qde(xml: bytes) -> list[str]:
    """Problems of a ``project.qde`` against the REFI-QDA Project.xsd (empty list: valid). Needs lxml."""
    from lxml import etree  # lxml: only for validation

    schema = etree.XMLSchema(etree.parse(str(PROJECT_XSD)))
    doc = etree.fromstring(xml)
    if schema.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def _source_text(z: zipfile.ZipFile, src: ET.Element, path: Path) -> str:
    inline = src.find("q:PlainTextContent", _NS)
    if inline is not None and inline.text is not None:
        return inline.text
    ref = src.get("plainTextPath") or ""
    if not ref.startswith("internal://"):
        raise KitError(f"source {src.get('name')!r} has no internal plain text ({ref or 'no plainTextPath'}); "
                       "export the project with its sources", path=path)
    base = ref[len("internal://"):].lower()
    for entry in z.namelist():
        if entry.lower().rsplit("/", 1)[-1] == base:
            return z.read(entry).decode("utf-8-sig")
    raise KitError(f"source file {ref} is missing from the archive", path=path)


def read_qdpx(path: str | os.PathLike) -> tuple[pd.DataFrame, dict[str, str]]:
    """(coded segments as annotation-file rows, {doc_id: text}) of a REFI-QDA project.

    ``doc_id`` is the source's name; ``category`` the code's name; ``coder`` the name of the
    user who created the coding (or its GUID); ``note`` the selection's description.
    """
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as z:
            names = {n.lower(): n for n in z.namelist()}
            if "project.qde" not in names:
                raise KitError("no project.qde in the archive (is this a .qdpx file?)", path=path)
            root = ET.fromstring(z.read(names["project.qde"]))
            if root.tag != f"{{{QDE_NAMESPACE}}}Project":
                raise KitError(f"project.qde is not a REFI-QDA project (root {root.tag})", path=path)
            users = {u.get("guid"): u.get("name") or u.get("guid") for u in root.iter(f"{{{QDE_NAMESPACE}}}User")}
            codes = {c.get("guid"): c.get("name") for c in root.iter(f"{{{QDE_NAMESPACE}}}Code")}
            rows, texts = [], {}
            for src in root.iter(f"{{{QDE_NAMESPACE}}}TextSource"):
                doc_id = src.get("name") or src.get("guid")
                text = _source_text(z, src, path)
                texts[doc_id] = text
                for sel in src.findall("q:PlainTextSelection", _NS):
                    s, e = int(sel.get("startPosition")), int(sel.get("endPosition"))
                    if not 0 <= s < e <= len(text):
                        raise KitError(f"selection [{s}:{e}] lies outside source {doc_id!r}", path=path)
                    memo = sel.find("q:Description", _NS)
                    for coding in sel.findall("q:Coding", _NS):
                        ref = coding.find("q:CodeRef", _NS)
                        code = codes.get(ref.get("targetGUID")) if ref is not None else None
                        if code is None:
                            raise KitError(f"a coding in {doc_id!r} refers to an unknown code", path=path)
                        who = coding.get("creatingUser") or sel.get("creatingUser") or ""
                        rows.append({"doc_id": doc_id, "category": code, "start_char": s, "end_char": e,
                                     "text": text[s:e], "coder": users.get(who, who), "decision": "added",
                                     "note": (memo.text or "") if memo is not None else "",
                                     "timestamp": coding.get("creationDateTime") or ""})
    except zipfile.BadZipFile:
        raise KitError("not a zip archive (a .qdpx file is one)", path=path) from None
    except ET.ParseError as e:
        raise KitError(f"project.qde is not well-formed XML: {e}", path=path) from None
    except FileNotFoundError:
        raise KitError("file not found", path=path) from None
    frame = pd.DataFrame(rows, columns=ANNOTATION_FILE_COLUMNS)
    for col in ("start_char", "end_char"):
        frame[col] = frame[col].astype("int64")
    return frame, texts
