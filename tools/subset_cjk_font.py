"""Cut the app's CJK font: a subset of Noto Sans SC with the licence beside it.

The Flutter web client ships no CJK font and, offline, draws every Chinese glyph as a box
(see FLET_NOTES.md "Chinese text"), so the app carries its own. The full face is 19 MB; this
keeps ASCII, Latin-1, GB2312 (the 7,445 characters of everyday Simplified Chinese), the symbols
the app draws, and every character of the bundled checklists and i18n catalogues, in about 3 MB.

Reproduce (Debian's fonts-noto-cjk installed, fonttools from the dev extra):

    .venv/bin/python tools/subset_cjk_font.py

The output is byte-for-byte stable for the same inputs (no timestamp is rewritten).
Noto Sans CJK has no ✗ (U+2717): the app draws a failed verdict with × (U+00D7) instead.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml
from fontTools import subset
from fontTools.ttLib import TTCollection

ROOT = Path(__file__).resolve().parent.parent
SOURCE_TTC = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SOURCE_COPYRIGHT = Path("/usr/share/doc/fonts-noto-cjk/copyright")
FACE_NAME = "Noto Sans CJK SC"
FONT_DIR = ROOT / "audit_app" / "assets" / "fonts"
OUTPUT_FONT = FONT_DIR / "NotoSansSC-Subset.otf"
OUTPUT_LICENCE = FONT_DIR / "OFL.txt"

# Symbols the app's texts use beyond GB2312 (verdicts, bullets, quotes, dashes).
APP_SYMBOLS = "✓×≤≥•…–—“”‘’·→←"


def gb2312_characters() -> set[str]:
    """Every character GB2312 encodes: two bytes, each 0xA1-0xFE (rows past 0xF7 are empty)."""
    chars: set[str] = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def strings_in(value: object) -> list[str]:
    """Every string anywhere inside a parsed JSON or YAML document."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return []


def catalogue_files(root: Path) -> list[Path]:
    return sorted((root / "audit_app" / "i18n").glob("*.json"))


def checklist_files(root: Path) -> list[Path]:
    """Bundled checklists at the repository root and any copy shipped inside the package."""
    found = set((root / "checklists").glob("*.yaml"))
    found.update((root / "audit_app").rglob("checklists/*.yaml"))
    return sorted(found)


def displayed_texts(root: Path) -> list[str]:
    """Everything the app may draw: catalogue strings and checklist texts."""
    texts: list[str] = []
    for path in catalogue_files(root):
        texts += strings_in(json.loads(path.read_text(encoding="utf-8")))
    for path in checklist_files(root):
        texts += strings_in(yaml.safe_load(path.read_text(encoding="utf-8")))
    return texts


def wanted_characters(root: Path) -> set[str]:
    chars = {chr(c) for c in range(0x20, 0x7F)} | {chr(c) for c in range(0xA0, 0x100)}
    chars |= gb2312_characters() | set(APP_SYMBOLS)
    for text in displayed_texts(root):
        chars |= {ch for ch in text if ch.isprintable()}
    return chars


def simplified_chinese_face(ttc: Path):
    collection = TTCollection(str(ttc), recalcTimestamp=False)
    for font in collection.fonts:
        if font["name"].getDebugName(1) == FACE_NAME:
            return font
    raise SystemExit(f"{FACE_NAME} not found in {ttc}")


def licence_text(font, copyright_file: Path) -> str:
    """The font's own copyright line, then the OFL text from Debian's copyright file."""
    lines = copyright_file.read_text(encoding="utf-8").splitlines()
    # The stand-alone "License: SIL-1.1" paragraph (the one followed by indented text).
    start = next(i for i, line in enumerate(lines[:-1])
                 if line == "License: SIL-1.1" and lines[i + 1].startswith(" "))
    body: list[str] = []
    for line in lines[start + 1:]:
        if line and not line.startswith(" "):
            break
        body.append("" if line.strip() == "." else line[1:])
    header = [
        f"NotoSansSC-Subset.otf is a subset of {FACE_NAME} (Regular) from Debian's fonts-noto-cjk,",
        "cut by tools/subset_cjk_font.py. Nothing else is changed.",
        "",
        f"Copyright {font['name'].getDebugName(0).lstrip('© ')}",
        "",
    ]
    return "\n".join(header + body).rstrip() + "\n"


def build(root: Path = ROOT, source: Path = SOURCE_TTC) -> tuple[Path, int, list[str]]:
    font = simplified_chinese_face(source)
    cmap = font.getBestCmap()
    wanted = wanted_characters(root)
    absent = sorted(ch for ch in wanted if ord(ch) not in cmap and ch != "\u00a0")
    options = subset.Options()
    options.name_IDs = ["*"]          # keep copyright and licence records
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False           # the web canvas does not use CFF hints; saves space
    options.layout_features = ["*"]   # keep vertical forms and localized punctuation
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(ch) for ch in wanted])
    subsetter.subset(font)
    FONT_DIR.mkdir(parents=True, exist_ok=True)
    font.save(str(OUTPUT_FONT))
    OUTPUT_LICENCE.write_text(licence_text(font, SOURCE_COPYRIGHT), encoding="utf-8")
    return OUTPUT_FONT, len(wanted), absent


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    path, count, absent = build()
    print(f"{path.relative_to(ROOT)}: {count} characters, {path.stat().st_size / 1e6:.2f} MB")
    if absent:
        print(f"not in {FACE_NAME} (will draw as boxes): {' '.join(absent)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
