"""The pure core shared by the phone app and the server: checklist and visit models,
completeness checks, scoring and group rows. No flet, no I/O, no clock."""

from .checklist import (
    DIMENSION_LABELS, SCORED_KINDS, Checklist, Dimension, Item, Kind, PeakThresholds, Section, Text,
)
from .checklist_yaml import (
    ChecklistError, checklist_json_schema, parse_checklist_files, parse_checklist_yaml,
)
from .problems import Problem, value_problem, visit_problems
from .reports import (
    AWARD_FLOOR, GROUPINGS, SMALL_SAMPLE, TARGET, GroupBy, GroupRow, group_rows, make_row,
    observation_key, wilson_interval,
)
from .scoring import Outcome, ScoredObservation, VisitScore, attributed_staff, outcome, score_visit
from .visit import (
    CheckIn, Context, Mark, Observation, PhotoRef, Timing, Visit, canonical_hash, canonical_json,
    content_hash, latest_revisions,
)

__all__ = [
    "AWARD_FLOOR", "DIMENSION_LABELS", "GROUPINGS", "SCORED_KINDS", "SMALL_SAMPLE", "TARGET",
    "CheckIn", "Checklist", "ChecklistError", "Context", "Dimension", "GroupBy", "GroupRow", "Item", "Kind",
    "Mark", "Observation", "Outcome", "PeakThresholds", "PhotoRef", "Problem", "ScoredObservation",
    "Section", "Text", "Timing", "Visit", "VisitScore", "attributed_staff", "canonical_hash", "canonical_json",
    "checklist_json_schema", "content_hash", "group_rows", "latest_revisions", "make_row",
    "observation_key", "outcome", "parse_checklist_files", "parse_checklist_yaml", "score_visit", "value_problem",
    "visit_problems", "wilson_interval",
]
