"""The app's words in English and Chinese (zh-CN): flat keys like `home.new_visit`.

    t("zh-CN", "runner.progress", answered=3, required=12)

Every user-facing string of the app comes from `en.json` / `zh-CN.json`; a test fails when a key
is missing in either catalogue or no longer used by the source."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LANGUAGES = ("en", "zh-CN")
DEFAULT_LANGUAGE = "en"
CATALOGUE_DIR = Path(__file__).resolve().parent


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The catalogue of `lang` (read once: it never changes while the app runs)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; known: {', '.join(LANGUAGES)}")
    return json.loads((CATALOGUE_DIR / f"{lang}.json").read_text(encoding="utf-8"))


def t(lang: str, key: str, **fmt: object) -> str:
    """The text of `key` in `lang`, with `{name}` fields filled from `fmt`."""
    text = catalogue(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)[key]
    return text.format(**fmt) if fmt else text


def is_chinese(lang: str) -> bool:
    return lang.startswith("zh")
