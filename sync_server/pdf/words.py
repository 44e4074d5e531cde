"""The PDF reports' own words, in English and Chinese (`words/en.json`, `words/zh-CN.json`).

Kept beside the server rather than in the app's catalogues: the server imports nothing of the
app but the domain, the app's catalogue test requires every key to be used by the app's source,
and the app never draws these strings. tests/server/pdf/test_words.py holds them to the same
rules (same keys, same placeholders, every key used, every character in the bundled font)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Literal

Lang = Literal["en", "zh"]
WORDS_DIR = Path(__file__).resolve().parent / "words"
FILES: dict[Lang, str] = {"en": "en.json", "zh": "zh-CN.json"}


@cache
def catalogue(lang: Lang) -> dict[str, str]:
    return json.loads((WORDS_DIR / FILES[lang]).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


class Words:
    def __init__(self, lang: Lang) -> None:
        self.lang = lang
        self._words = catalogue(lang)

    @property
    def chinese(self) -> bool:
        return self.lang == "zh"

    def __call__(self, key: str, **fields: object) -> str:
        text = self._words[key]
        return text.format(**fields) if fields else text

    def pick(self, en: str, zh: str) -> str:
        """One of a checklist's {en, zh} pair."""
        return zh if self.chinese else en
