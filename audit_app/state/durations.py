"""How a timed item is answered and how a duration is shown (pure: no flet, no I/O).

Values are stored in seconds. An item in seconds is timed live with the stopwatch; an item in
minutes or longer is typed in its unit (minutes, h:mm, days), and a minute item watched live (a
mystery shopper's wait) offers the stopwatch as well. A section that samples records (a daily
inspection reading today's log) is always typed: nobody watches those live."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

from audit_app.domain import Checklist, Item, Section
from audit_app.i18n import t

from .errors import refuse

# Seconds per unit of a timed item's value.
UNIT_SECONDS = {"s": 1.0, "min": 60.0, "h": 3600.0, "days": 86400.0, "working_days": 86400.0}
# Where a duration too small for its unit is shown instead (2.2 s is never "0 min").
SMALLER_UNIT = {"min": "s", "h": "min", "days": "h", "working_days": "h"}
_RECORDS = re.compile(r"\brecords?\b", re.IGNORECASE)


class AnswerInput(StrEnum):
    STOPWATCH = "stopwatch"                 # seconds: timed live only
    TYPED = "typed"                         # hours, days, or read from records
    TYPED_OR_STOPWATCH = "typed_or_stopwatch"   # minutes watched live: type it or time it


def reads_records(section: Section) -> bool:
    """The section samples records ("sample one job from today's records", "抽查当日记录")."""
    return bool(_RECORDS.search(section.title.en)) or "记录" in section.title.zh


def answer_input(checklist: Checklist, item: Item) -> AnswerInput:
    unit = item.unit or "s"
    section = next(s for s in checklist.sections if any(i.key == item.key for i in s.items))
    if unit == "s" and not reads_records(section):
        return AnswerInput.STOPWATCH
    if unit == "min" and checklist.mode == "mystery_shop" and not reads_records(section):
        return AnswerInput.TYPED_OR_STOPWATCH
    return AnswerInput.TYPED


def format_number(value: float) -> str:
    """At most one decimal, no trailing zero: 2.4, 3, 0.5."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def format_duration(seconds: float, unit: str | None, lang: str) -> str:
    """A duration in the item's unit, never rounded to a number that hides it: 2.2 s in a
    minute item is "2.2 s", 30 min 12 s is "30 min 12 s", 1 h 30 min is "1 h 30 min"."""
    unit = unit if unit in UNIT_SECONDS else "s"
    size = UNIT_SECONDS[unit]
    if unit != "s" and seconds < size and seconds > 0:
        return format_duration(seconds, SMALLER_UNIT[unit], lang)
    if unit in ("min", "h"):
        whole, rest = divmod(round(seconds), int(size))
        smaller = SMALLER_UNIT[unit]
        text = f"{whole} {t(lang, f'unit.{unit}')}"
        if rest:
            text += " " + format_duration(rest, smaller, lang)
        return text
    return f"{format_number(seconds / size)} {t(lang, f'unit.{unit}')}"


def typed_text(seconds: float, unit: str | None) -> str:
    """A saved value as the typing field shows it: minutes as a number, hours as h:mm."""
    if unit == "h":
        minutes = round(seconds / 60)
        return f"{minutes // 60}:{minutes % 60:02d}"
    return format_number(seconds / UNIT_SECONDS.get(unit or "s", 1.0))


def parse_duration(typed: str, unit: str | None) -> float:
    """Seconds from what was typed in `unit`: "12", "12.5", "12,5"; "1:30" is h:mm in an hour
    item and m:ss in a minute item. Full-width digits and punctuation are accepted."""
    text = unicodedata.normalize("NFKC", typed).strip().replace(",", ".").replace("。", ".")
    unit = unit if unit in UNIT_SECONDS else "s"
    size = UNIT_SECONDS[unit]
    clock = re.fullmatch(r"(\d+):(\d{1,2})", text)
    if clock and unit in ("h", "min"):
        whole, part = int(clock[1]), int(clock[2])
        if part >= 60:
            raise refuse("duration_bad_clock", "flow.error_bad_clock")
        return round(whole * size + part * size / 60, 1)
    try:
        amount = float(text)
    except ValueError:
        raise refuse("duration_not_number", "error.duration_not_number") from None
    if text.lower() in ("nan", "inf", "infinity", "-inf") or amount != amount:
        raise refuse("duration_not_number", "error.duration_not_number")
    if amount < 0:
        raise refuse("duration_negative", "error.duration_negative")
    return round(amount * size, 1)
