"""What the auditor is told about the server's review of a visit (docs/integrity.md)."""

from __future__ import annotations

from audit_app.i18n import t
from audit_app.sync.review_states import ReviewOutcome


def review_text(lang: str, outcome: ReviewOutcome | None) -> str | None:
    """"Has issues: <reason>" or "Rejected: <reason>" in the user's language, else None."""
    if outcome is None:
        return None
    reason = outcome.reason or "—"
    if outcome.state == "rejected":
        return t(lang, "integrity.rejected", reason=reason)
    return t(lang, "integrity.has_issues", reason=reason)
