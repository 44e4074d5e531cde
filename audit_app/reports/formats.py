"""Numbers as the report screens show them, the same in both languages."""

from __future__ import annotations


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
