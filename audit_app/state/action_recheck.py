"""What a visit shows of the corrective actions cached on the phone (pure: no flet, no I/O).

A new visit at a site first lists that site's actions to re-check (still open, or resolved and
waiting for the re-check the server makes from this visit); the runner marks each item that has
one; a failed item without one offers "Create action"; finalising asks for an action (or a
reason to skip it) for each failed knock-out item that has none."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from audit_app.domain import Checklist, Outcome, Visit, outcome
from audit_app.domain.actions import STILL_OPEN
from audit_app.i18n import LANGUAGES, t
from audit_app.store import ActionView

from .errors import UiError

# An item's mark in the runner: an action still to be done, or a fix waiting for this re-check.
Mark = Literal["open", "recheck"]
MARK_KEYS: dict[Mark, str] = {"open": "runner.open_action", "recheck": "runner.recheck_action"}


@dataclass(frozen=True)
class RecheckLine:
    """One action to re-check at the start of a visit."""

    action_id: str
    title: str
    due_on: date
    status: str
    overdue: bool
    item_key: str | None  # the item of this visit's checklist it is about (a tap jumps there)


def _at_site(views: Iterable[ActionView], site_id: str) -> list[ActionView]:
    return [v for v in views if v.action.site_id == site_id]


def recheck_lines(views: Iterable[ActionView], visit: Visit, checklist: Checklist,
                  today: date) -> list[RecheckLine]:
    """The site's actions still open or resolved (not those raised from this very visit),
    soonest due first."""
    lines = [RecheckLine(v.action.id, v.action.title, v.action.due_on, v.status, v.overdue(today),
                         v.action.item_key if v.action.item_key in checklist.item_map else None)
             for v in _at_site(views, visit.site_id)
             if v.action.visit_id != visit.id and (v.status in STILL_OPEN or v.status == "resolved")]
    return sorted(lines, key=lambda line: (line.due_on, line.action_id))


def item_marks(views: Iterable[ActionView], visit: Visit) -> dict[str, Mark]:
    """Each item with an action at the visit's site: "open" while one is still open (or was
    raised from this visit), else "recheck" while one is resolved. Such an item needs no new
    action: the server comments on the open one, or re-opens the resolved one, from this visit."""
    marks: dict[str, Mark] = {}
    for view in _at_site(views, visit.site_id):
        key = view.action.item_key
        if key is None:
            continue
        if view.status in STILL_OPEN or view.action.visit_id == visit.id:
            marks[key] = "open"
        elif view.status == "resolved":
            marks.setdefault(key, "recheck")
    return marks


# -- skipping the action of a failed knock-out item ---------------------------------------------
# The reason is written into the item's note, so it travels with the visit to the server (the
# manager reads it in the visit detail and the PDF) and the check below finds it again after a
# restart; deleting that line from the note asks again.

def skip_note_line(lang: str, reason: str) -> str:
    return t(lang, "review.no_action_note", reason=reason.strip())


def has_skip_line(note: str | None) -> bool:
    heads = [skip_note_line(lang, "") for lang in LANGUAGES]
    return any(line.strip().startswith(head.strip()) for line in (note or "").splitlines() for head in heads)


def with_skip_line(note: str | None, lang: str, reason: str) -> str:
    line = skip_note_line(lang, reason)
    return f"{note.rstrip()}\n{line}" if note and note.strip() else line


def knockouts_needing_action(checklist: Checklist, visit: Visit, marks: dict[str, Mark]) -> list[str]:
    """Failed critical items with no action (here or still open at the site) and no skip reason."""
    needing = []
    for item in checklist.items:
        obs = visit.observation_for(item.key)
        if not item.critical or obs is None or obs.na or obs.value is None:
            continue
        if outcome(item, obs, peak=visit.context.peak) is not Outcome.FAIL:
            continue
        if item.key not in marks and not has_skip_line(obs.note):
            needing.append(item.key)
    return needing


@dataclass
class ActionPrompt:
    """Review's question for each failed knock-out item without an action, shown once a
    finalise was refused for them: the reason typed to skip it, and its field's error."""

    asked: bool = False
    reasons: dict[str, str] = field(default_factory=dict)
    errors: dict[str, UiError] = field(default_factory=dict)
