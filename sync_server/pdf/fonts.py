"""Fonts for the PDF reports, and no character ever silently dropped.

The primary face is the app's own subset of Noto Sans CJK SC (audit_app/assets/fonts, ~3 MB:
ASCII, Latin-1, GB2312, the app's symbols). Debian's full Noto Sans CJK collection, when it is
installed, is the fallback for characters outside the subset (𠮷, rare surnames, Traditional
forms): it is the same typeface, so mixed text looks uniform. It is added to a document only
when the document needs it, because parsing and subsetting the 19 MB face costs about 0.4 s
more per PDF (measured here with fpdf2 2.8.9; docs/pdf.md). A character neither face has
is logged and drawn as "[U+XXXXX]" so a reader sees that something is there."""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont
from fpdf import FPDF

log = logging.getLogger(__name__)

# The app's bundled subset, read as a package file (the server imports nothing of the app's
# code but the domain; this is data).
SUBSET = Path(str(resources.files("audit_app") / "assets" / "fonts" / "NotoSansSC-Subset.otf"))
FULL_FACE_NAME = "Noto Sans CJK SC"
PRIMARY, FALLBACK = "noto-sc", "noto-cjk-full"


@dataclass(frozen=True)
class FontFiles:
    subset: Path
    full: Path | None       # None: not installed
    full_index: int = 0     # the Simplified Chinese face inside the collection


@cache
def font_files(full: Path) -> FontFiles:
    """The subset, and `full` if it is a readable collection holding Noto Sans CJK SC."""
    if not full.is_file():
        log.info("PDF fonts: %s is not installed; characters outside the subset are replaced", full)
        return FontFiles(SUBSET, None)
    collection = TTCollection(str(full), lazy=True)
    try:
        for index, face in enumerate(collection.fonts):
            if face["name"].getDebugName(1) == FULL_FACE_NAME:
                return FontFiles(SUBSET, full, index)
    finally:
        collection.close()
    log.warning("PDF fonts: %s holds no %s face; using the subset only", full, FULL_FACE_NAME)
    return FontFiles(SUBSET, None)


@cache
def _coverage(path: Path, index: int) -> frozenset[int]:
    """Code points a face draws (read once per process; the cmap is small)."""
    if path.suffix.lower() == ".ttc":
        collection = TTCollection(str(path), lazy=True)
        try:
            return frozenset(collection.fonts[index].getBestCmap())
        finally:
            collection.close()
    with TTFont(str(path), lazy=True) as face:
        return frozenset(face.getBestCmap())


def replacement(char: str) -> str:
    return f"[U+{ord(char):04X}]"


def _invisible(char: str) -> bool:
    """Whitespace and controls draw nothing in any font (line breaks are layout)."""
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf")


def _keep_bounds(pdf: FPDF, family: str) -> None:
    """Embed the face's subset without recomputing its bounding boxes.

    fpdf2 saves the subset with fontTools' default `recalcBBoxes=True`, which draws every kept
    glyph three times (CFF FontBBox, hhea and vhea extents); without it a warm visit PDF takes
    a quarter to a third less time (docs/pdf.md). The face's own boxes enclose every glyph of the
    subset, so they stay true; fontTools' own subsetter keeps them too (`recalc_bounds=False`)."""
    pdf.fonts[family].ttfont.recalcBBoxes = False


class Glyphs:
    """Registers the faces on one document and turns text into text it can draw.

    Every string a document draws goes through `text()`: characters the subset has pass, those
    only the full face has pass and switch the full face on as a fallback, the rest are logged
    and replaced. Bold is the same face (the subset has one weight; headings use size and colour)."""

    def __init__(self, pdf: FPDF, files: FontFiles) -> None:
        self.pdf = pdf
        self.files = files
        self.subset_chars = _coverage(files.subset, 0)
        self._full_chars: frozenset[int] | None = None
        self.replaced: dict[str, int] = {}
        self.fallback_used = False
        pdf.add_font(PRIMARY, "", files.subset)
        _keep_bounds(pdf, PRIMARY)
        pdf.set_font(PRIMARY, size=10)

    @property
    def full_chars(self) -> frozenset[int]:
        """The full face's code points, read on the first character outside the subset: reading
        the 19 MB collection's cmap costs about 0.3 s, once per process, that most documents
        never need."""
        if self._full_chars is None:
            self._full_chars = (_coverage(self.files.full, self.files.full_index)
                                if self.files.full is not None else frozenset())
        return self._full_chars

    def _use_fallback(self) -> None:
        assert self.files.full is not None
        self.pdf.add_font(FALLBACK, "", self.files.full, collection_font_number=self.files.full_index)
        _keep_bounds(self.pdf, FALLBACK)
        self.pdf.set_fallback_fonts([FALLBACK], exact_match=False)
        self.fallback_used = True

    def text(self, value: str) -> str:
        out: list[str] = []
        for char in value:
            code = ord(char)
            if code in self.subset_chars or _invisible(char):
                out.append(char)
            elif code in self.full_chars:
                if not self.fallback_used:
                    self._use_fallback()
                out.append(char)
            else:
                if char not in self.replaced:
                    log.warning("PDF: no font draws %s (%s); drawn as %s", replacement(char),
                                unicodedata.name(char, "unnamed"), replacement(char))
                self.replaced[char] = self.replaced.get(char, 0) + 1
                out.append(replacement(char))
        return "".join(out)
