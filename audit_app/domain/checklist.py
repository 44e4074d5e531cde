"""Checklist models: the checklist format of CONTRACT.md §1."""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, model_validator

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=64)]
Key = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:_[a-z0-9]+)*$", max_length=64)]
NonEmpty = Annotated[str, Field(min_length=1)]


class Kind(StrEnum):
    CHECK = "check"
    TIMED = "timed"
    COUNT = "count"
    RATING = "rating"
    TEXT = "text"
    PHOTO = "photo"


SCORED_KINDS = frozenset({Kind.CHECK, Kind.TIMED, Kind.COUNT, Kind.RATING})


class Dimension(StrEnum):
    CUSTOMER_ORIENTATION = "customer_orientation"
    RELIABILITY = "reliability"
    RESPONSIVENESS = "responsiveness"
    ASSURANCE = "assurance"
    EMPATHY = "empathy"
    TANGIBLES = "tangibles"


# Row labels for the dimension grouping (seed 000 ch.1 §2; 003 for the environment).
DIMENSION_LABELS: dict[str, dict[str, str]] = {
    "customer_orientation": {"en": "Customer orientation", "zh": "客户导向"},
    "reliability": {"en": "Reliability", "zh": "可靠性"},
    "responsiveness": {"en": "Responsiveness", "zh": "响应性"},
    "assurance": {"en": "Assurance", "zh": "保证性"},
    "empathy": {"en": "Empathy", "zh": "移情性"},
    "tangibles": {"en": "Tangibles (environment)", "zh": "有形性(环境设施)"},
}


class Strict(BaseModel):
    """Base for the wire/file formats: unknown keys are errors, not silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    en: NonEmpty
    zh: NonEmpty


class PeakThresholds(Strict):
    peak: PositiveFloat
    off_peak: PositiveFloat


# How the app asks for a value. Timed values are always stored in seconds; the unit
# only chooses the input (a 24 h threshold is entered in hours, not 86400 seconds).
Unit = Literal["s", "min", "h", "days", "working_days", "rings", "prompts"]


class Item(Strict):
    key: Key
    text: Text
    kind: Kind
    dimension: Dimension | None = None
    weight: PositiveFloat = 1.0
    critical: bool = False
    required: bool | None = None
    attribution: Literal["staff", "site"] = "staff"
    photo: Literal["none", "optional", "required"] = "none"
    source: NonEmpty
    unit: Unit | None = None
    threshold_s: PositiveFloat | None = None
    thresholds_s: PeakThresholds | None = None
    min: int | None = None
    max: int | None = None
    scale: Annotated[int, Field(ge=2, le=10)] | None = None
    pass_min: int | None = None

    @property
    def scored(self) -> bool:
        return self.kind in SCORED_KINDS

    @property
    def is_required(self) -> bool:
        """`required` defaults to true for scored items, false otherwise."""
        return self.scored if self.required is None else self.required

    @property
    def rating_scale(self) -> int:
        return self.scale if self.scale is not None else 5

    def threshold_for(self, peak: bool) -> float:
        """The timed threshold in seconds that applies to a visit with this peak flag."""
        if self.thresholds_s is not None:
            return self.thresholds_s.peak if peak else self.thresholds_s.off_peak
        assert self.threshold_s is not None  # guaranteed by validation
        return self.threshold_s

    @model_validator(mode="after")
    def _kind_rules(self) -> Item:
        kind_fields = {
            Kind.TIMED: {"threshold_s", "thresholds_s"},
            Kind.COUNT: {"min", "max"},
            Kind.RATING: {"scale", "pass_min"},
        }
        allowed = kind_fields.get(self.kind, set())
        for name in ("threshold_s", "thresholds_s", "min", "max", "scale", "pass_min"):
            if name not in allowed and getattr(self, name) is not None:
                raise ValueError(f"{name}: not allowed for kind {self.kind.value}")
        if self.scored and self.dimension is None:
            raise ValueError(f"dimension: required for scored kind {self.kind.value}")
        if not self.scored:
            if self.dimension is not None:
                raise ValueError(f"dimension: not allowed for unscored kind {self.kind.value}")
            if self.critical:
                raise ValueError(f"critical: not allowed for unscored kind {self.kind.value}")
        if self.kind is Kind.TIMED and (self.threshold_s is None) == (self.thresholds_s is None):
            raise ValueError("threshold_s: a timed item needs exactly one of threshold_s or thresholds_s")
        if self.kind is Kind.COUNT:
            if self.min is None and self.max is None:
                raise ValueError("max: a count item needs min and/or max")
            if self.min is not None and self.max is not None and self.min > self.max:
                raise ValueError(f"min: must be <= max ({self.max})")
        if self.kind is Kind.RATING:
            if self.pass_min is None:
                raise ValueError("pass_min: required for a rating item")
            if not 1 <= self.pass_min <= self.rating_scale:
                raise ValueError(f"pass_min: must be between 1 and scale ({self.rating_scale})")
        return self


class Section(Strict):
    key: Key
    title: Text
    items: Annotated[list[Item], Field(min_length=1)]


class Checklist(Strict):
    id: Slug
    version: Annotated[int, Field(ge=1)]
    title: Text
    mode: Literal["mystery_shop", "inspection"]
    # The shortest honest visit; shorter visits are flagged `too_fast` (default: derived from
    # the items, see audit_app.domain.integrity.min_duration_s).
    min_duration_s: PositiveFloat | None = None
    sections: Annotated[list[Section], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique_keys(self) -> Checklist:
        seen_sections: set[str] = set()
        seen_items: set[str] = set()
        for s_index, section in enumerate(self.sections):
            if section.key in seen_sections:
                raise ValueError(f"sections[{s_index}].key: duplicate section key {section.key!r}")
            seen_sections.add(section.key)
            for i_index, item in enumerate(section.items):
                if item.key in seen_items:
                    raise ValueError(
                        f"sections[{s_index}].items[{i_index}].key: duplicate item key {item.key!r}"
                    )
                seen_items.add(item.key)
        return self

    @cached_property
    def items(self) -> list[Item]:
        return [item for section in self.sections for item in section.items]

    @cached_property
    def item_map(self) -> dict[str, Item]:
        """Items by key (read-only by convention; the checklist itself is frozen)."""
        return {item.key: item for item in self.items}

    @property
    def ref(self) -> tuple[str, int]:
        return (self.id, self.version)
