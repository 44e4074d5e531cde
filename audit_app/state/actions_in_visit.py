"""The corrective actions inside the open visit, as `ActionsSession` methods: "Re-check these"
at its start, the runner's marks, "Create action" offered on a failed item that has none, and
finalise asking for an action (or a reason to skip it) for each failed knock-out item.
The rules are in `action_recheck.py` (pure); this reads the cached actions and the visit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .action_recheck import (
    ActionPrompt, Mark, RecheckLine, item_marks, knockouts_needing_action, recheck_lines,
    with_skip_line,
)
from .errors import ActionRefused, FieldRefused, UiError, catalogue_error

if TYPE_CHECKING:
    from .actions import ActionsSession

MAX_NOTE = 2000


class ActionsInVisit:
    """Mixed into `ActionsSession`; every method answers for `app.visit` (nothing without one)."""

    def recheck_lines(self: ActionsSession) -> list[RecheckLine]:
        """"Re-check these", above the first section's items of a visit being made."""
        session = self.app.visit
        if session is None or not session.editable or session.section != 0 or session.show_sections:
            return []
        return recheck_lines(self.views, session.visit, session.checklist, self.today)

    def item_marks(self: ActionsSession) -> dict[str, Mark]:
        session = self.app.visit
        return {} if session is None else item_marks(self.views, session.visit)

    def offers_create(self: ActionsSession, item_key: str) -> bool:
        """A failed item gets "Create action" unless an action already covers it."""
        return item_key not in self.item_marks()

    def knockouts_needing_action(self: ActionsSession) -> list[str]:
        session = self.app.visit
        if session is None:
            return []
        return knockouts_needing_action(session.checklist, session.visit, self.item_marks())

    @property
    def prompt(self: ActionsSession) -> ActionPrompt:
        session = self.app.visit
        return session.action_prompt if session is not None else ActionPrompt()

    def check_before_finalise(self: ActionsSession) -> None:
        """Refuse the finalise while a failed knock-out item has neither an action nor a
        reason to skip it; Review then asks for one under each (never more than that: a
        reason always lets the visit through)."""
        needing = self.knockouts_needing_action()
        if needing:
            self.prompt.asked = True
            raise ActionRefused(catalogue_error("actions_needed", "error.actions_needed",
                                                count=len(needing)))

    def set_skip_reason(self: ActionsSession, item_key: str, text: str) -> None:
        self.prompt.reasons[item_key] = text   # no redraw: the field shows what was typed

    async def skip_action(self: ActionsSession, item_key: str) -> bool:
        """No action for this failed knock-out item: the reason goes into its note (so the
        visit carries it to the server); an empty reason is refused at its field."""
        async def action() -> None:
            session = self.app.visit
            prompt = self.prompt
            if session is None:
                return
            reason = prompt.reasons.get(item_key, "").strip()
            if not reason:
                error = catalogue_error("skip_reason", "error.skip_reason")
                prompt.errors[item_key] = error
                raise FieldRefused(error, item_key)
            obs = session.visit.observation_for(item_key)
            note = with_skip_line(obs.note if obs else None, self.app.lang, reason)
            if len(note) > MAX_NOTE:
                error = catalogue_error("text_too_long", "error.text_too_long", limit=MAX_NOTE)
                prompt.errors[item_key] = error
                raise FieldRefused(error, item_key)
            await session.set_note(item_key, note)
            prompt.errors.pop(item_key, None)
            prompt.reasons.pop(item_key, None)
        done = await self.app.act(action)
        if done:
            self.app.flash = "review.action_skipped"   # after `act`, which clears the flash
            self.app.changed()
        return done

    def skip_error(self: ActionsSession, item_key: str, lang: str) -> str | None:
        error: UiError | None = self.prompt.errors.get(item_key)
        return error.message(lang) if error else None
