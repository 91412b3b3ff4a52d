"""One colour for one thing: the fixed colours of every figure.

A reader who lays two figures side by side sees the same colour for the same
voice, camp or codebook category. :class:`Palette` decides every colour that
carries meaning in :mod:`analysis.plots.figures`:

* **Camps** have fixed hues from the Okabe–Ito colour-blind-safe palette:
  ``russia`` vermillion, ``west`` blue, ``other`` bluish green
  (:data:`CAMP_COLORS`).
* **Quoted voices** (a speaker's quoted words, ``"Sergei Lavrov"`` or
  ``"Sergei Lavrov (quoted)"``) take a shade of their camp's hue
  (:data:`CAMP_SHADES`), so one sees at a glance which camp speaks. The
  shade is the actor's position among the actors of its camp in the
  gazetteer file (most prominent first), modulo the number of shades: fixed
  for a gazetteer, whatever the corpus, the figure or the input order.
  Speakers that the palette's gazetteer does not know are grey (camp
  unknown, :data:`NO_CAMP_SHADES`; shade from a CRC-32 of the name); a
  camp given by the run's ``actors`` table (a ``--actors`` gazetteer) gives
  them their camp's hue instead.
* **The narrator** (the reporter's own words) is black, a quotation whose
  speaker is not resolved (``unknown speaker``, ``(unresolved)``, ``(no source
  named)``) light grey, and all quoted speech pooled together (the keyness
  of quoted speech vs narration) reddish purple.
* **Codebook categories** take Paul Tol's 12-colour qualitative scheme
  (designed to stay distinct for colour-blind readers) by their position in
  the codebook (:data:`CATEGORY_COLORS`): the first nine are his *muted*
  scheme, so a codebook of up to nine categories gets the safest set; the
  bundled codebook has 12, each with its own colour. A 13th category and
  every one after it gets a colour of its own (:func:`extra_category_color`:
  hues a golden angle apart, alternating dark and light), never a repeat of
  an earlier one. A category missing from the codebook gets one of those
  extra colours chosen by a CRC-32 of its id. :func:`analysis.plots.display.show_evidence`
  highlights evidence in the same colours.
* **Documents** carry no colour (colour is kept for voices, camps and
  categories): where bars of several documents stand side by side they are
  told apart by hatching (:data:`DOCUMENT_HATCHES`).

Nothing depends on Python's ``hash()`` (salted per process), on dict or set
order, or on which rows a figure happens to draw, so colours are the same in
every figure of a run, across runs, and when documents are added.
"""
from __future__ import annotations

import zlib
from colorsys import hls_to_rgb
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping

from matplotlib.colors import to_rgb

from ..extract.codebook import load_codebook
from ..nlp.gazetteer import load_gazetteer
from ..paths import PROJECT_DIR

__all__ = [
    "CAMPS",
    "CAMP_COLORS",
    "CAMP_SHADES",
    "NO_CAMP",
    "NO_CAMP_SHADES",
    "NARRATOR",
    "NARRATOR_COLOR",
    "UNRESOLVED",
    "UNRESOLVED_COLOR",
    "QUOTED_COLOR",
    "CATEGORY_COLORS",
    "extra_category_color",
    "DOCUMENT_HATCHES",
    "Palette",
    "default_palette",
    "run_palette",
    "ink_for",
]

#: The camps of the gazetteer, in display order.
CAMPS = ("russia", "west", "other")
#: Pseudo-camps: a named speaker the gazetteer does not know, and no speaker at all.
NO_CAMP = "camp unknown"
UNRESOLVED = "unresolved"
NARRATOR = "narrator"

#: Base colour of each camp (Okabe–Ito vermillion, blue, bluish green).
CAMP_COLORS = {"russia": "#D55E00", "west": "#0072B2", "other": "#009E73"}
#: Shades of each camp's hue for its actors; the first is the camp colour.
#: Consecutive shades alternate dark and light so neighbours differ most.
CAMP_SHADES = {
    "russia": ("#D55E00", "#8C2D04", "#F4A582", "#B2182B", "#E69F00"),
    "west": ("#0072B2", "#08306B", "#56B4E9", "#3E5BA8", "#9ECAE1"),
    "other": ("#009E73", "#00441B", "#7FCDBB", "#4D8B31", "#A1D76A"),
}
#: Greys for named speakers whose camp is unknown (darker than unresolved, lighter than the narrator).
NO_CAMP_SHADES = ("#7F7F7F", "#595959", "#A6A6A6")
NARRATOR_COLOR = "#000000"
UNRESOLVED_COLOR = "#C8C8C8"
#: All quoted speech pooled (several speakers, possibly of several camps): Okabe–Ito reddish purple.
QUOTED_COLOR = "#CC79A7"
#: Paul Tol's 12-colour qualitative scheme, by codebook position: his 9-colour "muted" scheme
#: (rose, indigo, sand, green, cyan, wine, teal, olive, purple), then brown, blue, raspberry.
CATEGORY_COLORS = ("#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99", "#999933",
                   "#AA4499", "#661100", "#6699CC", "#AA4466")


def extra_category_color(i: int) -> str:
    """The colour of category number ``i`` (0-based) beyond :data:`CATEGORY_COLORS`.

    Hues step by the golden angle (so consecutive categories differ most),
    lightness and saturation alternate in a cycle of three, and none of the
    first hundreds repeats an earlier one or a colour of the scheme.

    >>> extra_category_color(12) != extra_category_color(13) and extra_category_color(12) not in CATEGORY_COLORS
    True
    """
    k = max(int(i) - len(CATEGORY_COLORS), 0)
    hue = (0.083 + k * 0.381966) % 1.0
    light, sat = ((0.38, 0.55), (0.62, 0.60), (0.50, 0.35))[k % 3]
    r, g, b = hls_to_rgb(hue, light, sat)
    return "#{:02X}{:02X}{:02X}".format(round(r * 255), round(g * 255), round(b * 255))


#: Hatches that tell documents apart where bars stand side by side (by document rank).
DOCUMENT_HATCHES = ("", "////", "\\\\\\\\", "xxx", "...", "---", "|||", "+++")

_UNRESOLVED_NAMES = {"", "unknown speaker", "(unresolved)", "(no source named)", "nan", "none"}
_NARRATOR_NAMES = {NARRATOR, "narration"}
_QUOTED_NAMES = {"quoted speech", "quoted"}


def _crc(text: str) -> int:
    """A hash that is the same in every process (unlike ``hash()``)."""
    return zlib.crc32(text.encode("utf-8"))


def ink_for(color: str) -> str:
    """Black or white, whichever reads better on ``color`` (text in bubbles, hatching on bars)."""
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(color))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "white" if luminance < 0.3 else "0.15"


class Palette:
    """Colours of voices, camps and categories, decided once for a codebook and a gazetteer.

    Args:
        categories: category ids in codebook order (their colours follow this order).
        actors: ``(name, camp)`` pairs in gazetteer order; an actor's shade is
            its position among the actors of its camp, modulo the number of shades.
        extra_camps: camps of further names (e.g. from the run's ``actors``
            table when a custom gazetteer was used); their shade comes from a
            CRC-32 of the name. Names already in ``actors`` keep their colour.

    Example:
        >>> p = Palette(["a", "b"], [("Sergei Lavrov", "russia"), ("Jens Stoltenberg", "west")])
        >>> p.voice_color("Sergei Lavrov (quoted)") == p.camp_color("russia")
        True
        >>> p.voice_color("narrator")
        '#000000'
    """

    def __init__(self, categories: Iterable[str] = (), actors: Iterable[tuple[str, str]] = (),
                 extra_camps: Mapping[str, str] | None = None):
        self.categories: list[str] = list(dict.fromkeys(str(c) for c in categories))
        self._category_index = {c: i for i, c in enumerate(self.categories)}
        self._camp: dict[str, str] = {}
        self._shade: dict[str, int] = {}
        seen: dict[str, int] = {}
        for name, camp in actors:
            name, camp = str(name), str(camp)
            if name in self._camp or camp not in CAMPS:
                continue
            self._camp[name] = camp
            self._shade[name] = seen.get(camp, 0)
            seen[camp] = seen.get(camp, 0) + 1
        for name, camp in sorted((extra_camps or {}).items()):
            if name not in self._camp and camp in CAMPS:
                self._camp[name] = camp
                self._shade[name] = _crc(name)

    def __repr__(self) -> str:
        return f"Palette({len(self.categories)} categories, {len(self._camp)} actors)"

    # ----------------------------------------------------------------- voices and camps

    @staticmethod
    def voice_name(voice: str) -> str:
        """The speaker behind a voice label: ``"doc::Sergei Lavrov (quoted)"`` -> ``"Sergei Lavrov"``."""
        name = " ".join(str(voice).split())
        if "::" in name:
            name = name.rsplit("::", 1)[1].strip()
        if name.endswith(" (quoted)"):
            name = name[: -len(" (quoted)")].strip()
        return name

    def camp_of(self, voice: str) -> str:
        """What a voice's colour stands for: ``narrator``, a camp, :data:`NO_CAMP` or :data:`UNRESOLVED`."""
        name = self.voice_name(voice)
        low = name.lower()
        if low in _NARRATOR_NAMES:
            return NARRATOR
        if low in _UNRESOLVED_NAMES or low.endswith("(unresolved)"):
            return UNRESOLVED
        return self._camp.get(name, NO_CAMP)

    def camp_color(self, camp: str) -> str:
        """The colour of a camp (or of ``narrator``, :data:`NO_CAMP`, :data:`UNRESOLVED`)."""
        if camp in CAMP_COLORS:
            return CAMP_COLORS[camp]
        if camp == NARRATOR:
            return NARRATOR_COLOR
        if camp == NO_CAMP:
            return NO_CAMP_SHADES[0]
        return UNRESOLVED_COLOR

    def voice_color(self, voice: str) -> str:
        """The colour of a voice or speaker: the narrator, a shade of the speaker's camp, or grey."""
        camp = self.camp_of(voice)
        if camp in CAMP_SHADES:
            shades = CAMP_SHADES[camp]
            return shades[self._shade[self.voice_name(voice)] % len(shades)]
        if camp == NO_CAMP:
            return NO_CAMP_SHADES[_crc(self.voice_name(voice)) % len(NO_CAMP_SHADES)]
        return self.camp_color(camp)

    def voice_order(self, voices: Iterable[str]) -> list[str]:
        """Voices for a legend: narrator, then camp by camp (russia, west, other, unknown), unresolved last."""
        rank = {NARRATOR: 0, **{c: i + 1 for i, c in enumerate(CAMPS)}, NO_CAMP: 4, UNRESOLVED: 5}
        return sorted(dict.fromkeys(str(v) for v in voices), key=lambda v: (rank[self.camp_of(v)], v))

    def voice_label(self, voice: str) -> str:
        """A legend label that names the camp: ``"Sergei Lavrov (russia)"``; ``narrator`` as is."""
        camp = self.camp_of(voice)
        if camp in (NARRATOR, UNRESOLVED):
            return str(voice)
        return f"{voice} ({camp})"

    def color_of(self, label: str) -> str | None:
        """The colour of any label that names a voice, a camp or pooled quoted speech; None otherwise.

        Used for the two sides of a keyness figure: ``narration``/``narrator``,
        ``quoted speech``, ``russia``/``west``/``other`` and known speakers have
        a colour; a document id or free text has none.
        """
        low = self.voice_name(label).lower()
        if low in CAMP_COLORS:
            return CAMP_COLORS[low]
        if low in _QUOTED_NAMES:
            return QUOTED_COLOR
        camp = self.camp_of(label)
        return None if camp == NO_CAMP else self.voice_color(label)

    # ----------------------------------------------------------------- categories

    def category_color(self, category: str) -> str:
        """The colour of a codebook category (by codebook position; unknown ids by CRC-32)."""
        category = str(category)
        i = self._category_index.get(category)
        if i is None:  # not in the codebook: an extra colour far from the codebook's own
            i = len(CATEGORY_COLORS) + max(len(self.categories), 60) + _crc(category) % 997
        return CATEGORY_COLORS[i] if i < len(CATEGORY_COLORS) else extra_category_color(i)

    def category_order(self, categories: Iterable[str]) -> list[str]:
        """Categories in codebook order; ids the codebook lacks follow in order of first appearance."""
        present = list(dict.fromkeys(str(c) for c in categories))
        known = [c for c in self.categories if c in set(present)]
        return known + [c for c in present if c not in self._category_index]

    # ----------------------------------------------------------------- documents

    @staticmethod
    def document_hatches(doc_ids: Iterable[str]) -> dict[str, str]:
        """A hatch per document, by rank of the sorted ids (the same whatever the row order)."""
        docs = sorted(dict.fromkeys(str(d) for d in doc_ids))
        return {d: DOCUMENT_HATCHES[i % len(DOCUMENT_HATCHES)] for i, d in enumerate(docs)}


def _gazetteer_actors(gazetteer) -> list[tuple[str, str]]:
    return [(a.name, a.camp) for a in gazetteer]


@lru_cache(maxsize=8)
def _default(codebook_path: str) -> Palette:
    try:
        categories = load_codebook(codebook_path or None).category_ids
    except Exception:  # an unreadable codebook file: bundled order, unknown ids by CRC-32
        categories = load_codebook().category_ids
    return Palette(categories, _gazetteer_actors(load_gazetteer()))


def _codebook_path(info: Mapping | None) -> str:
    """The codebook file named in a ``run.json`` dict, when it can be found."""
    path = str(((info or {}).get("codebook") or {}).get("path") or "")
    if not path:
        return ""
    for candidate in (Path(path), PROJECT_DIR / path):
        if candidate.is_file():
            return str(candidate.resolve())
    return ""


def default_palette(info: Mapping | None = None, *, codebook=None, gazetteer=None) -> Palette:
    """The palette of a figure drawn without an explicit one.

    Args:
        info: a ``run.json`` dict; its ``codebook.path`` (when the file exists)
            gives the category order, else the bundled codebook does.
        codebook: a :class:`analysis.extract.codebook.Codebook` (or its path) instead.
        gazetteer: an :class:`analysis.nlp.gazetteer.Gazetteer` (default: the bundled one).
    """
    if codebook is None and gazetteer is None:
        return _default(_codebook_path(info))
    if codebook is None:
        categories = _default(_codebook_path(info)).categories
    else:
        categories = (codebook if hasattr(codebook, "category_ids") else load_codebook(codebook)).category_ids
    return Palette(categories, _gazetteer_actors(gazetteer if gazetteer is not None else load_gazetteer()))


def run_palette(tables: Mapping, info: Mapping | None = None) -> Palette:
    """The one palette for every figure of a run.

    Categories follow the ``features`` table (every codebook category, in
    codebook order), actors the bundled gazetteer; camps of further actors
    (a ``--actors`` gazetteer) come from the ``actors`` table.
    """
    base = default_palette(info)
    features = tables.get("features")
    categories = base.categories
    if features is not None and len(features) and "category" in features:
        categories = list(dict.fromkeys(str(c) for c in features["category"]))
    extra: dict[str, str] = {}
    actors = tables.get("actors")
    if actors is not None and len(actors) and {"actor", "camp"} <= set(actors.columns):
        for name, camp in zip(actors["actor"], actors["camp"]):
            if isinstance(name, str) and isinstance(camp, str) and camp in CAMPS:
                extra.setdefault(name, camp)
    return Palette(categories, _gazetteer_actors(load_gazetteer()), extra)
