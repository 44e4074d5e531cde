"""The open visit: every runner and review action, each saved the moment it is given.

Store calls go through `DeviceAccess` (worker thread, device lock). The visit held here is the
one the store returned from the last write, so the screen never re-reads the whole record."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from audit_app.domain import Checklist, Item, Kind, Visit
from audit_app.i18n import t
from audit_app.photos import PhotoLimits, process_photo
from audit_app.stopwatch import Stopwatch
from audit_app.store import VisitState

from .action_recheck import ActionPrompt
from .device_access import DeviceAccess
from .durations import AnswerInput, answer_input, parse_duration
from .errors import ActionRefused, FieldRefused, UiError, refuse
from .runner_model import ScrollRequest, Typing, section_of, stopwatch_left_running

MAX_TEXT = 2000


@dataclass
class VisitSession:
    """One visit on screen: its checklist, its latest saved content, where the shopper is."""

    access: DeviceAccess
    checklist: Checklist
    visit: Visit
    state: VisitState
    now: Callable[[], datetime]
    photo_limits: PhotoLimits = field(default_factory=PhotoLimits)
    section: int = 0
    focus_item: str | None = None          # highlighted after a jump from Review
    processing_photos: dict[str, int] = field(default_factory=dict)   # item_key -> photos in work
    stopwatches: dict[str, Stopwatch] = field(default_factory=dict)
    monotonic: Callable[[], float] | None = None
    thumbnails: dict[str, bytes] = field(default_factory=dict)          # sha256 -> JPEG bytes
    # The server's reasons for a conflict or rejection, (English, Chinese) each.
    server_reasons: tuple[tuple[str, str], ...] = ()
    typing: Typing = field(default_factory=Typing)
    reset_asked: str | None = None      # the timed item whose Reset waits for a confirmation
    show_sections: bool = False         # the runner shows the list of sections instead of items
    scroll: ScrollRequest = field(default_factory=ScrollRequest)   # where the runner scrolls next
    offsets: dict[int, float] = field(default_factory=dict)        # each section's last scroll offset
    scroll_reports: int = 0             # how many scroll positions the runner's list has reported
    action_prompt: ActionPrompt = field(default_factory=ActionPrompt)  # finalise asked for actions

    def rejection_lines(self, lang: str) -> list[str]:
        return [zh if lang.startswith("zh") else en for en, zh in self.server_reasons]

    async def load_thumbnails(self) -> None:
        """Thumbnails of every photo of the visit (when it is opened)."""
        photos = self.access.device.photos

        def read_all() -> dict[str, bytes]:
            found = {}
            for ref in self.visit.photos:
                try:
                    found[ref.sha256] = photos.read_thumbnail(ref.sha256)
                except FileNotFoundError:
                    pass
            return found
        self.thumbnails = await self.access.locked(read_all)

    @property
    def visit_id(self) -> str:
        return self.visit.id

    @property
    def editable(self) -> bool:
        return self.state is VisitState.DRAFT

    def item(self, item_key: str) -> Item:
        item = self.checklist.item_map.get(item_key)
        if item is None:
            raise refuse("unknown_item", "error.unknown_item", item=item_key)
        return item

    # -- navigation inside the visit ------------------------------------------------------------

    def go_section(self, index: int) -> None:
        """A section further on opens at its top; going back returns where you were in it."""
        target = max(0, min(index, len(self.checklist.sections) - 1))
        back = target < self.section
        self.section = target
        self.focus_item = None
        self.show_sections = False
        self.scroll = self.scroll.next(offset=self.offsets.get(target, 0.0) if back else 0.0)

    def jump_to(self, item_key: str) -> None:
        """From Review or the section list: the item's section, scrolled to it, highlighted."""
        self.section = section_of(self.checklist, item_key)
        self.focus_item = item_key
        self.show_sections = False
        self.scroll = self.scroll.next(item_key=item_key)

    def remember_offset(self, offset: float) -> None:
        """The runner's scroll position in the current section (from its on_scroll)."""
        self.offsets[self.section] = max(0.0, float(offset))
        self.scroll_reports += 1

    def toggle_sections(self) -> None:
        self.show_sections = not self.show_sections
        self.scroll = self.scroll.next(offset=0.0 if self.show_sections else self.offsets.get(self.section, 0.0))

    # -- answers ------------------------------------------------------------------------------------

    async def _record(self, item_key: str, **answer: object) -> None:
        repo = self.access.device.store.visits
        existing = self.visit.observation_for(item_key)
        answer.setdefault("note", existing.note if existing else None)
        answer.setdefault("staff_id", existing.staff_id if existing else None)
        self.visit = await self.access.locked(partial(repo.record_observation, self.visit_id, item_key,
                                                      now=self.now(), **answer))

    async def answer_check(self, item_key: str, passed: bool) -> None:
        self._expect(item_key, Kind.CHECK)
        await self._record(item_key, value=bool(passed))

    async def mark_na(self, item_key: str) -> None:
        self.item(item_key)
        await self._record(item_key, value=None, na=True)

    async def answer_count(self, item_key: str, value: int) -> None:
        self._expect(item_key, Kind.COUNT)
        if not isinstance(value, int) or isinstance(value, bool):
            raise refuse("count_not_whole", "error.count_not_whole")
        if value < 0:
            raise refuse("count_negative", "error.count_negative")
        await self._record(item_key, value=value)

    async def step_count(self, item_key: str, delta: int) -> None:
        """The stepper: from the saved count (0 when none yet) by `delta`; below 0 is refused."""
        obs = self.visit.observation_for(item_key)
        current = obs.value if obs is not None and not obs.na and isinstance(obs.value, int) else 0
        await self.answer_count(item_key, current + delta)

    async def type_count(self, item_key: str, typed: str) -> None:
        async def save() -> None:
            try:
                value = int(typed.strip())
            except ValueError:
                raise refuse("count_not_whole", "error.count_not_whole") from None
            await self.answer_count(item_key, value)
        await self._typed_answer(item_key, typed, save)

    async def answer_rating(self, item_key: str, value: int) -> None:
        item = self._expect(item_key, Kind.RATING)
        if not isinstance(value, int) or not 1 <= value <= item.rating_scale:
            raise refuse("rating_out_of_range", "error.rating_out_of_range", scale=item.rating_scale)
        await self._record(item_key, value=value)

    async def answer_text(self, item_key: str, text: str) -> None:
        self._expect(item_key, Kind.TEXT)
        text = text.strip()
        if len(text) > MAX_TEXT:
            raise refuse("text_too_long", "error.text_too_long", limit=MAX_TEXT)
        await self._record(item_key, value=text or None)

    async def answer_duration(self, item_key: str, typed: str) -> None:
        """A timed item typed in its unit (minutes, h:mm, days) instead of timed live."""
        item = self._expect(item_key, Kind.TIMED)

        async def save() -> None:
            await self._record(item_key, value=parse_duration(typed, item.unit))
        await self._typed_answer(item_key, typed, save)

    async def _typed_answer(self, item_key: str, typed: str, save: Callable[[], object]) -> None:
        """Save a typed answer; refused, the field keeps the text and shows why (no banner)."""
        try:
            await save()
        except ActionRefused as refused:
            self.typing.refused(item_key, typed, refused.error)
            raise FieldRefused(refused.error, item_key) from None
        self.typing.accepted(item_key)

    def open_stopwatch(self, item_key: str) -> None:
        """A minute item watched live: show its stopwatch beside the typing field."""
        if answer_input(self.checklist, self._expect(item_key, Kind.TIMED)) is AnswerInput.TYPED_OR_STOPWATCH:
            self.typing.stopwatch_opened.add(item_key)

    async def set_note(self, item_key: str, note: str) -> None:
        self.item(item_key)
        note = note.strip()
        if len(note) > MAX_TEXT:
            raise refuse("text_too_long", "error.text_too_long", limit=MAX_TEXT)
        obs = self.visit.observation_for(item_key)
        await self._record(item_key, value=obs.value if obs else None, na=bool(obs and obs.na),
                           note=note or None)

    def _expect(self, item_key: str, kind: Kind) -> Item:
        item = self.item(item_key)
        if item.kind is not kind:  # named by its text in each language, not by its key
            raise ActionRefused(UiError("wrong_kind", t("en", "error.wrong_kind", item=item.text.en),
                                        t("zh-CN", "error.wrong_kind", item=item.text.zh)))
        return item

    # -- stopwatch ----------------------------------------------------------------------------------

    async def stopwatch(self, item_key: str) -> Stopwatch:
        """The item's stopwatch, restored from the store the first time it is asked for."""
        found = self.stopwatches.get(item_key)
        if found is None:
            self._expect(item_key, Kind.TIMED)
            repo = self.access.device.store.visits
            extra = {"monotonic": self.monotonic} if self.monotonic else {}
            found = await self.access.locked(
                lambda: Stopwatch(repo, self.visit_id, item_key, labels=("start", "mark"),
                                  wall=self.now, **extra))
            self.stopwatches[item_key] = found
        return found

    async def stopwatch_tap(self, item_key: str) -> None:
        watch = await self.stopwatch(item_key)
        await self._timed(watch.tap)
        self.typing.accepted(item_key)   # a timed value replaces a refused typed one

    async def stopwatch_undo(self, item_key: str) -> None:
        watch = await self.stopwatch(item_key)
        await self._timed(watch.undo)

    def ask_reset(self, item_key: str) -> None:
        """Reset throws every mark away: it asks first (`reset_asked`), `confirm_reset` does it."""
        self._expect(item_key, Kind.TIMED)
        self.reset_asked = item_key

    def cancel_reset(self) -> None:
        self.reset_asked = None

    async def confirm_reset(self, item_key: str) -> None:
        if self.reset_asked != item_key:
            raise refuse("reset_not_asked", "flow.reset_not_asked")
        watch = await self.stopwatch(item_key)
        self.reset_asked = None
        await self._timed(watch.reset)

    async def _timed(self, action: Callable[[], object]) -> None:
        repo = self.access.device.store.visits

        def act_then_read() -> Visit:
            action()
            return repo.get(self.visit_id).visit
        self.visit = await self.access.locked(act_then_read)

    # -- photos ---------------------------------------------------------------------------------------

    async def add_photo(self, item_key: str | None, data: bytes, *,
                        on_started: Callable[[], None] | None = None) -> None:
        """Decode and shrink in a worker thread (no lock: pure Pillow work), then store the file
        and cite it in the visit under the device lock."""
        if item_key is not None:
            self.item(item_key)
        slot = item_key or ""
        self.processing_photos[slot] = self.processing_photos.get(slot, 0) + 1
        if on_started is not None:
            on_started()
        try:
            processed = await self.access.unlocked(process_photo, data, limits=self.photo_limits,
                                                    local_tz=self.now().tzinfo)
            device = self.access.device

            def store_and_cite() -> Visit:
                stored = device.photos.store(processed)
                return device.store.visits.attach_photo(self.visit_id, stored.ref, item_key=item_key,
                                                        now=self.now())
            self.visit = await self.access.locked(store_and_cite)
            self.thumbnails[processed.sha256] = processed.thumbnail
        finally:
            self.processing_photos[slot] -= 1
            if not self.processing_photos[slot]:
                del self.processing_photos[slot]

    async def delete_photo(self, sha256: str) -> None:
        repo = self.access.device.store.visits
        self.visit = await self.access.locked(partial(repo.detach_photo, self.visit_id, sha256,
                                                      now=self.now()))
        self.thumbnails.pop(sha256, None)

    async def thumbnail(self, sha256: str) -> bytes | None:
        try:
            return await self.access.locked(self.access.device.photos.read_thumbnail, sha256)
        except FileNotFoundError:
            return None

    # -- finalise and edit ------------------------------------------------------------------------

    async def finalise(self) -> None:
        for item in self.checklist.items:   # before the store's own checks: say what to do
            if stopwatch_left_running(item, self.visit.observation_for(item.key)):
                raise ActionRefused(UiError(
                    code="stopwatch_running",
                    message_en=t("en", "flow.stopwatch_running", item=item.text.en),
                    message_zh=t("zh-CN", "flow.stopwatch_running", item=item.text.zh)))
        repo = self.access.device.store.visits
        self.visit = await self.access.locked(repo.finalise, self.visit_id, self.now())
        self.state = VisitState.FINALISED
        self.stopwatches.clear()

    async def edit(self) -> None:
        repo = self.access.device.store.visits
        self.visit = await self.access.locked(repo.edit_visit, self.visit_id, self.now())
        self.state = VisitState.DRAFT
        self.stopwatches.clear()
        self.section = 0
