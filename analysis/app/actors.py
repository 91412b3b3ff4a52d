"""Extend the gazetteer from a corpus: ``discourse-kit actors suggest CORPUS``.

Speakers that a corpus quotes but the gazetteer does not know are ``unknown
speaker`` in the voice tables and have no camp. :func:`suggest_actors` lists
the capitalised names that speak in the corpus's attributions (records whose
``speaker`` did not resolve), with how often and in how many documents;
:func:`suggestions_yaml` prints them as gazetteer entries (``actors.yaml``
schema) to check and paste into a user gazetteer (``run --actors FILE``).

How names are counted: the ``speaker_text`` of every attribution whose
``speaker`` is empty, with forms of address ("Mr.", "Sen.", "President") and a
possessive dropped, when every word is capitalised (a name, not "officials" or
"the company"). A one-word name that is the last word of a longer suggested
name ("Trump" and "Donald Trump") is counted as that name's alias. The gender
is suggested only from forms of address (Mr. / Mrs., Ms.); type and camp are
for the user to decide (``type: organisation`` is suggested for acronyms such
as IMF, ``person`` otherwise).
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any

import pandas as pd

from ..nlp.gazetteer import Gazetteer
from .shortcuts import analysed

__all__ = ["SUGGEST_COLUMNS", "suggest_actors", "suggestions_yaml"]

#: Columns of :func:`suggest_actors`.
SUGGEST_COLUMNS = ["name", "count", "documents", "aliases", "type", "gender"]

_MALE = {"mr.", "mr", "sir"}
_FEMALE = {"mrs.", "mrs", "ms.", "ms", "miss", "madam"}
_ADDRESS = _MALE | _FEMALE | {
    "dr.", "dr", "prof.", "professor", "president", "senator", "sen.", "rep.", "gov.", "governor", "gen.",
    "general", "minister", "ambassador", "secretary", "mayor", "judge", "justice", "chancellor", "premier",
    "prime", "lt.", "col.", "capt.", "adm.", "lord", "lady", "king", "queen", "prince", "the",
}
_NAME_WORD = re.compile(r"^[A-Z][\w'’.\-]*$")
_PARTICLES = {"de", "von", "van", "der", "den", "al", "bin", "ibn", "da", "di", "la", "le", "du"}
#: Role nouns before a name ("House Speaker Paul Ryan", "Spokeswoman Haley Morris").
_ROLES = {"speaker", "spokesman", "spokeswoman", "spokesperson", "chairman", "chairwoman", "chair", "director",
          "leader", "candidate", "nominee", "strategist", "adviser", "advisor", "aide", "commissioner", "chief",
          "deputy", "sec.", "attorney", "analyst", "economist", "professor", "officer", "ceo", "founder"}
#: Capitalised words that are not names (sentence-initial pronouns and determiners).
_NOT_NAMES = {"he", "she", "it", "they", "we", "i", "you", "who", "this", "that", "these", "those", "his", "her",
              "their", "its", "our", "my", "a", "an", "one", "some", "many", "both", "each", "officials", "sources"}


def _name_of(speaker_text: str) -> tuple[str, str] | None:
    """(name, gender hint) of a speaker phrase that is a capitalised name, else None."""
    words = speaker_text.replace("’s", "").replace("'s", "").split()
    gender = ""
    # "Vermont Sen. Bernie Sanders", "House Speaker Paul Ryan", "Mrs. Clinton": the words after the last title
    cut = max((i for i, w in enumerate(words[:-1]) if w.lower() in _ADDRESS or w.lower() in _ROLES), default=-1)
    if cut >= 0:
        low = words[cut].lower()
        gender = "male" if low in _MALE else "female" if low in _FEMALE else ""
        words = words[cut + 1:]
    if not words or not all(_NAME_WORD.match(w) or w in _PARTICLES for w in words):
        return None
    if not _NAME_WORD.match(words[0]) or any(w.lower() in _NOT_NAMES for w in words):
        return None
    name = " ".join(words).strip(".,;:")
    return (name, gender) if len(name) > 1 else None


def suggest_actors(docs: Any, *, nlp=None, gazetteer: Gazetteer | None = None, min_count: int = 2) -> pd.DataFrame:
    """Capitalised speaker names of a corpus's attributions that the gazetteer does not resolve.

    Args:
        docs: a Corpus, Documents or parsed Docs (see :func:`analysis.app.shortcuts.documents`).
        nlp: the pipeline (default: the rule-based one with ``gazetteer``).
        gazetteer: the gazetteer to extend (default: the pipeline's, else the bundled one).
        min_count: the fewest attributions a name needs to be listed.

    Returns:
        One row per name (columns :data:`SUGGEST_COLUMNS`), most frequent first
        (ties by name): ``count`` attributions in ``documents`` documents,
        ``aliases`` the spellings seen (``;``-separated), a suggested ``type``
        and a ``gender`` from forms of address (or ``""``).
    """
    counts: Counter = Counter()
    doc_sets: dict[str, set] = defaultdict(set)
    genders: dict[str, Counter] = defaultdict(Counter)
    for _doc, _meta, result in analysed(docs, only=("attributions",), nlp=nlp, gazetteer=gazetteer, cache=False):
        for r in result.attributions:
            if r.get("speaker") or not r.get("speaker_text") or r.get("kind") == "source_credit":
                continue
            found = _name_of(str(r["speaker_text"]))
            if found is None:
                continue
            name, gender = found
            counts[name] += 1
            doc_sets[name].add(r.get("doc_id") or "")
            if gender:
                genders[name][gender] += 1
    # "Trump" counts for "Donald Trump" when exactly one longer name ends with it
    longer: dict[str, list[str]] = defaultdict(list)
    for name in counts:
        if " " in name:
            longer[name.split()[-1]].append(name)
    merged: Counter = Counter()
    aliases: dict[str, set] = defaultdict(set)
    for name, n in counts.items():
        target = longer[name][0] if " " not in name and len(longer.get(name, [])) == 1 else name
        merged[target] += n
        aliases[target].add(name)
        if target != name:
            doc_sets[target] |= doc_sets[name]
            genders[target].update(genders[name])
    rows = []
    for name, n in sorted(merged.items(), key=lambda kv: (-kv[1], kv[0])):
        if n < min_count:
            continue
        g = genders[name].most_common(1)[0][0] if genders[name] else ""
        kind = "organisation" if name.isupper() and name.isalpha() else "person"  # NATO, IMF vs names
        rows.append({"name": name, "count": n, "documents": len(doc_sets[name]),
                     "aliases": ";".join(sorted(aliases[name], key=lambda a: (-len(a), a))), "type": kind,
                     "gender": g})
    return pd.DataFrame(rows, columns=SUGGEST_COLUMNS)


def _yaml_str(value: str) -> str:
    return value if re.fullmatch(r"[A-Za-z][\w .'’\-]*", value) and not value.endswith(":") else repr(value)


def suggestions_yaml(table: pd.DataFrame, *, source: str = "") -> str:
    """Gazetteer entries (``actors.yaml`` schema) for the rows of :func:`suggest_actors`, to check and paste."""
    lines = [
        f"# Suggested by `discourse-kit actors suggest{(' ' + source) if source else ''}`: speakers the gazetteer",
        "# does not know. Check every entry (type, camp, gender, aliases) before use; delete what is not an actor.",
        "id: user_actors",
        'version: "1.0"',
        "actors:",
    ]
    if table.empty:
        lines[-1] = "actors: []"
    for row in table.itertuples():
        aliases = ", ".join(_yaml_str(a) for a in row.aliases.split(";"))
        lines += [
            f"  - name: {_yaml_str(row.name)}  # {row.count} attribution(s) in {row.documents} document(s)",
            f"    type: {row.type}  # person | state | organisation | bloc | media",
            "    camp: other  # russia | west | other: decide",
        ]
        if row.gender:
            lines.append(f"    gender: {row.gender}")
        lines += [f"    aliases: [{aliases}]", "    titles: []"]
    return "\n".join(lines) + "\n"
