"""The bundled CJK font draws every character the app can show (else Chinese renders as boxes)."""

import json
from pathlib import Path

import pytest
import yaml
from fontTools.ttLib import TTFont

from tools.subset_cjk_font import catalogue_files, checklist_files, gb2312_characters, strings_in

ROOT = Path(__file__).resolve().parents[2]
FONT = ROOT / "audit_app" / "assets" / "fonts" / "NotoSansSC-Subset.otf"
LICENCE = ROOT / "audit_app" / "assets" / "fonts" / "OFL.txt"
HOW_TO_FIX = ("add the character to the font: `.venv/bin/python tools/subset_cjk_font.py` "
              "(Noto Sans SC has no ✗: use ×)")


@pytest.fixture(scope="module")
def cmap() -> dict[int, str]:
    with TTFont(FONT) as font:
        return font.getBestCmap()


def bilingual_texts(value: object) -> list[str]:
    """The en and zh strings of every {en, zh} pair in a checklist document."""
    found: list[str] = []
    if isinstance(value, dict):
        found += [v for k, v in value.items() if k in ("en", "zh") and isinstance(v, str)]
        for v in value.values():
            found += bilingual_texts(v)
    elif isinstance(value, list):
        for v in value:
            found += bilingual_texts(v)
    return found


def missing(texts: list[str], cmap: dict[int, str]) -> dict[str, str]:
    """Each drawable character the font lacks, with one text that uses it."""
    absent: dict[str, str] = {}
    for text in texts:
        for ch in text:
            if ch.isprintable() and ch != " " and ord(ch) not in cmap:
                absent.setdefault(ch, text)
    return absent


def test_the_font_is_the_simplified_chinese_face_of_noto_sans_cjk():
    with TTFont(FONT) as font:
        assert font["name"].getDebugName(1) == "Noto Sans CJK SC"
    assert 1_000_000 < FONT.stat().st_size < 4_000_000, "the subset should stay about 3 MB"


def test_every_catalogue_string_is_in_the_font(cmap):
    for path in catalogue_files(ROOT):
        texts = strings_in(json.loads(path.read_text(encoding="utf-8")))
        assert missing(texts, cmap) == {}, f"{path.name}: {HOW_TO_FIX}"


def test_every_checklist_text_in_both_languages_is_in_the_font(cmap):
    paths = checklist_files(ROOT)
    assert paths, "no bundled checklists found"
    for path in paths:
        texts = bilingual_texts(yaml.safe_load(path.read_text(encoding="utf-8")))
        assert any(any("\u4e00" <= ch <= "\u9fff" for ch in t) for t in texts), f"{path.name} has no Chinese"
        assert missing(texts, cmap) == {}, f"{path.name}: {HOW_TO_FIX}"


def test_all_of_gb2312_and_the_apps_symbols_are_in_the_font(cmap):
    gb2312 = gb2312_characters()
    assert len(gb2312) > 7000
    symbols = "✓×≤≥•…–—“”‘’·"
    ascii_text = "".join(chr(c) for c in range(0x21, 0x7F))
    assert missing(["".join(gb2312), symbols, ascii_text], cmap) == {}


def test_a_character_outside_the_subset_is_reported_missing(cmap):
    # Guards the check itself: a rare traditional character and ✗ are not in the subset.
    assert set(missing(["齣 ✗ 好"], cmap)) == {"齣", "✗"}


def test_the_open_font_licence_ships_beside_the_font():
    text = LICENCE.read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in text
    assert "Noto Sans CJK SC" in text and "Adobe" in text
    assert "DISCLAIMER" in text and "TERMINATION" in text


def drawn_literals() -> dict[str, str]:
    """Every string literal of the app's Python source that can reach the screen (docstrings
    are left out: they are never drawn), with the file it is in."""
    import ast

    found: dict[str, str] = {}
    for path in sorted((ROOT / "audit_app").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.value) for node in ast.walk(tree)
                      if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                found.setdefault(node.value, str(path.relative_to(ROOT)))
    return found


def test_every_symbol_the_source_draws_is_in_the_font(cmap):
    # Verdict marks, arrows and separators live in the views' and view-models' code, not in
    # the catalogues: a "✗" there was drawn as a box (issue 12 point 4).
    literals = drawn_literals()
    absent = missing(list(literals), cmap)
    assert {ch: literals[text] for ch, text in absent.items()} == {}, HOW_TO_FIX


def test_the_source_scan_sees_the_verdict_marks():
    # Guards the scan: the timed verdict's marks are found among the source's literals.
    literals = drawn_literals()
    assert "✓" in "".join(literals) and "×" in "".join(literals)
