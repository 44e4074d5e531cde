"""The PDF's own catalogue follows the app's catalogue rules: the same keys and placeholders in
both languages, Chinese in Chinese, every key used by sync_server/pdf, every character in the
bundled font (the subset is the PDF's primary face)."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

from fontTools.ttLib import TTFont

from sync_server.pdf.fonts import SUBSET
from sync_server.pdf.words import catalogue

SOURCE = Path(__file__).resolve().parents[3] / "sync_server" / "pdf"


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    en, zh = catalogue("en"), catalogue("zh")
    assert list(en) == list(zh)
    assert {k: placeholders(v) for k, v in en.items()} == {k: placeholders(zh[k]) for k in en}
    assert all(key.startswith("pdf.") for key in en)


def test_chinese_texts_are_chinese_with_full_width_punctuation() -> None:
    en, zh = catalogue("en"), catalogue("zh")
    untranslated = [k for k, v in zh.items() if v == en[k] and re.search(r"[A-Za-z]{4}", v)]
    assert untranslated == []
    half_width = [k for k, v in zh.items() if re.search(r"[\u4e00-\u9fff][,;:!?]|[,;:!?][\u4e00-\u9fff]", v)]
    assert half_width == []


def test_every_key_is_used_by_the_pdf_source() -> None:
    literals: set[str] = set()
    prefixes: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                prefixes.add(str(node.values[0].value))
    unused = [k for k in catalogue("en") if k not in literals and not any(
        p.startswith("pdf.") and k.startswith(p) for p in prefixes)]
    assert unused == []


def test_every_character_is_in_the_bundled_font() -> None:
    with TTFont(SUBSET) as font:
        cmap = font.getBestCmap()
    absent = {ch for lang in ("en", "zh") for text in catalogue(lang).values()  # type: ignore[arg-type]
              for ch in text if not ch.isspace() and ord(ch) not in cmap}
    assert absent == set()
