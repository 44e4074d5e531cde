"""Numbers and recorded values as the report screens and the server's PDF reports write them,
the same in both languages (one definition: the app's view-models and the server import these)."""

from __future__ import annotations

from .checklist import Item, Kind
from .visit import Observation, Value


def percent(value: float | None) -> str:
    """0.875 → "87.5%"; no rate (nothing applicable) → "–"."""
    return "–" if value is None else f"{value * 100:.1f}%"


def percent_range(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return "–"
    return f"{low * 100:.1f}–{high * 100:.1f}%"


def weight(value: float) -> str:
    """Summed weights: whole numbers without a decimal point, others with one or two places."""
    if value == int(value):
        return str(int(value))
    return f"{value:.2f}".rstrip("0")


_UNIT_SECONDS = {"s": 1.0, "min": 60.0, "h": 3600.0, "days": 86400.0, "working_days": 86400.0}
_UNIT_SYMBOL = {"s": "s", "min": "min", "h": "h", "days": "d", "working_days": "d"}


def duration(seconds: float, unit: str | None) -> str:
    """A timed value (always stored in seconds) in the unit the checklist asks it in."""
    unit = unit if unit in _UNIT_SECONDS else "s"
    amount = seconds / _UNIT_SECONDS[unit]
    text = f"{amount:.1f}".removesuffix(".0")
    return f"{text} {_UNIT_SYMBOL[unit]}"


def value_text(item: Item | None, observation: Observation) -> str | None:
    """What was recorded, e.g. "41.5 s", "4 / 5", "3"; None for N/A, no value and checks
    (a check's outcome says it all)."""
    value = observation.value
    if observation.na or value is None or isinstance(value, bool):
        return None
    if item is None:
        return str(value)
    if item.kind is Kind.TIMED and isinstance(value, int | float):
        return duration(float(value), item.unit)
    if item.kind is Kind.RATING:
        return f"{value} / {item.rating_scale}"
    return str(value)


def threshold_text(item: Item | None, peak: bool) -> str | None:
    """Timed items: the limit the value was held against (peak or off-peak), in its unit."""
    if item is None or item.kind is not Kind.TIMED:
        return None
    return duration(item.threshold_for(peak), item.unit)


def _compare(value: float, limit: float, at_most: bool) -> str:
    if at_most:
        return "≤" if value <= limit else ">"
    return "≥" if value >= limit else "<"


def against_limit(item: Item | None, value: Value, peak: bool) -> str | None:
    """A numeric value against the item's limit, with the relation that actually holds:
    "2.4 s ≤ 3 s", "41 s > 30 s", "5 > 3", "1 ≤ 2 ≤ 3" (a count between its min and max),
    "2 / 5 < 4" (a rating under its pass mark). None for checks, text, photos, no value."""
    if item is None or value is None or isinstance(value, bool | str):
        return None
    number = float(value)
    if item.kind is Kind.TIMED:
        limit = item.threshold_for(peak)
        return (f"{duration(number, item.unit)} {_compare(number, limit, True)} "
                f"{duration(limit, item.unit)}")
    if item.kind is Kind.COUNT:
        shown = weight(number)
        if item.max is not None and number > item.max:
            return f"{shown} > {item.max}"
        if item.min is not None and number < item.min:
            return f"{shown} < {item.min}"
        if item.min is not None and item.max is not None:
            return f"{item.min} ≤ {shown} ≤ {item.max}"
        if item.max is not None:
            return f"{shown} ≤ {item.max}"
        return f"{shown} ≥ {item.min}"
    if item.kind is Kind.RATING:
        assert item.pass_min is not None
        return (f"{weight(number)} / {item.rating_scale} "
                f"{_compare(number, item.pass_min, False)} {item.pass_min}")
    return None
