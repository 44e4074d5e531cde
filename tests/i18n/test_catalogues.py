"""The zh-CN and English catalogues hold the same keys, with the same placeholders, and every
key is used by the app's source (a stale key fails as surely as a missing one)."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from audit_app.i18n import LANGUAGES, catalogue, t

SOURCE = Path(__file__).resolve().parents[2] / "audit_app"
KEY = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]*[a-z0-9])+$")


def source_strings() -> tuple[set[str], set[str]]:
    """Every string literal in the app's source, and the constant heads of f-strings
    (`f"state.{...}"` -> "state.") that build keys at run time."""
    literals: set[str] = set()
    prefixes: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                head = node.values[0].value
                if isinstance(head, str) and re.fullmatch(r"[a-z0-9_.]+[._]", head):
                    prefixes.add(head)
    return literals, prefixes


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_catalogues_have_exactly_the_same_keys():
    en, zh = (set(catalogue(lang)) for lang in LANGUAGES)
    assert sorted(en - zh) == [], "keys missing in zh-CN"
    assert sorted(zh - en) == [], "keys missing in English"


def test_placeholders_match_between_languages():
    en, zh = catalogue("en"), catalogue("zh-CN")
    assert {k: placeholders(v) for k, v in en.items()} == {k: placeholders(zh[k]) for k in en}


def test_chinese_texts_are_chinese():
    zh = catalogue("zh-CN")
    untranslated = [k for k, v in zh.items() if v == catalogue("en")[k] and re.search(r"[A-Za-z]{4}", v)]
    assert untranslated == []


def test_every_key_is_used_by_the_source():
    literals, prefixes = source_strings()
    unused = [key for key in catalogue("en")
              if key not in literals and not any(key.startswith(p) for p in prefixes)]
    assert unused == []


def test_every_key_the_source_names_exists():
    literals, _ = source_strings()
    known = set(catalogue("en"))
    sections = {key.split(".")[0] for key in known}
    named = {s for s in literals if KEY.match(s) and s.split(".")[0] in sections}
    assert sorted(named - known) == []


def test_keys_built_at_run_time_exist_for_every_value():
    from audit_app.store import VisitState
    for state in VisitState:
        assert t("en", f"state.{state.value}") and t("zh-CN", f"state.{state.value}")
    assert t("en", "state.finalised") == "Waiting to sync"


def test_a_missing_key_fails_loudly():
    with pytest.raises(KeyError):
        t("en", "no.such_key")


def test_every_check_in_status_has_a_text_in_both_languages():
    from typing import get_args

    from audit_app.state.check_in import CheckInStatus
    for status in get_args(CheckInStatus):
        assert t("en", f"integrity.check_in.{status}") and t("zh-CN", f"integrity.check_in.{status}")
