"""One card per checklist item in the runner: the answer controls for its kind, its marks
(knock-out, photo required), photos and note. Pure functions of the row plus callbacks."""

from __future__ import annotations

import asyncio

import flet as ft

from audit_app.domain import Kind, Outcome
from audit_app.i18n import t
from audit_app.state import AppState
from audit_app.state.action_recheck import MARK_KEYS
from audit_app.state.durations import AnswerInput
from audit_app.state.runner_model import ItemRow, format_elapsed, unit_label
from audit_app.stopwatch import Stopwatch

from .action_button import create_action_button
from .common import BIG, FONT, FAIL_COLOUR, NA_COLOUR, PASS_COLOUR, TOUCH, choice_button, icon_button, on, on_value

TICK_S = 0.1


@ft.component
def ElapsedText(watch: Stopwatch | None, running: bool, marks: int, unit: str) -> ft.Control:
    """The live elapsed time: an asyncio ticker that only redraws this text."""
    text, set_text = ft.use_state(format_elapsed(watch.elapsed() if watch else 0, unit))

    def start_ticker():
        set_text(format_elapsed(watch.elapsed() if watch else 0, unit))
        if watch is None or not running:
            return None

        async def tick() -> None:
            while watch.running:
                set_text(format_elapsed(watch.elapsed(), unit))
                await asyncio.sleep(TICK_S)
            set_text(format_elapsed(watch.elapsed(), unit))
        task = asyncio.create_task(tick())
        return task.cancel

    ft.use_effect(start_ticker, [watch, running, marks, unit])
    return ft.Text(text, size=32, weight=ft.FontWeight.BOLD)


def _marks(row: ItemRow, lang: str) -> list[ft.Control]:
    chips = []
    if row.critical:
        chips.append((t(lang, "runner.knock_out"), ft.Colors.RED_700))
    if row.photo == "required":
        chips.append((t(lang, "runner.photo_required"), ft.Colors.ORANGE_800 if row.missing_photo
                      else ft.Colors.GREEN_700))
    if not row.required:
        chips.append((t(lang, "runner.optional"), ft.Colors.BLUE_GREY_600))
    if row.action_mark is not None:
        chips.append((t(lang, MARK_KEYS[row.action_mark]), ft.Colors.DEEP_ORANGE_700))
    return [ft.Container(ft.Text(text, size=12, color=ft.Colors.WHITE), bgcolor=colour, border_radius=10,
                         padding=ft.Padding.symmetric(vertical=2, horizontal=8)) for text, colour in chips]


def _na_button(state: AppState, row: ItemRow, disabled: bool) -> ft.Control:
    return choice_button(t(state.lang, "runner.na"), on(state.mark_na, row.key), selected=row.na,
                         colour=NA_COLOUR, disabled=disabled)


def _check(state: AppState, row: ItemRow, disabled: bool) -> list[ft.Control]:
    lang = state.lang
    return [ft.Row([
        choice_button(t(lang, "runner.pass"), on(state.answer_check, row.key, True),
                      selected=row.value is True and not row.na, colour=PASS_COLOUR, disabled=disabled),
        choice_button(t(lang, "runner.fail"), on(state.answer_check, row.key, False),
                      selected=row.value is False and not row.na, colour=FAIL_COLOUR, disabled=disabled),
        _na_button(state, row, disabled)], spacing=8)]


def _stopwatch(state: AppState, row: ItemRow, disabled: bool) -> list[ft.Control]:
    lang = state.lang
    session = state.visit
    watch = session.stopwatches.get(row.key) if session else None
    marks = len(watch.marks) if watch else 0
    running = bool(watch and watch.running)
    done = watch is not None and watch.next_label is None or (watch is None and row.value is not None)
    label = t(lang, "runner.mark") if running else t(lang, "runner.measured") if done else t(lang, "runner.start")
    # Once measured the button greys out (disabled): Undo takes the last mark back.
    colour = ft.Colors.ORANGE_700 if running else None if done else ft.Colors.BLUE_700
    style = ft.ButtonStyle(shape=ft.RoundedRectangleBorder(radius=14), bgcolor=colour,
                           text_style=ft.TextStyle(size=22, weight=ft.FontWeight.BOLD, font_family=FONT))
    icon = ft.Icons.FLAG if running else ft.Icons.CHECK if done else ft.Icons.TIMER
    tap = ft.FilledButton(content=label, icon=icon, height=BIG + 16,
                          expand=True, style=style, on_click=on(state.stopwatch_tap, row.key),
                          disabled=disabled or done)
    undo = ft.OutlinedButton(content=t(lang, "runner.undo"), icon=ft.Icons.UNDO, height=TOUCH,
                             on_click=on(state.stopwatch_undo, row.key), disabled=disabled or (marks == 0 and row.value is None))
    # Undo takes back the last mark only (after Mark it runs on from the first tap); Reset
    # starts over, after a confirmation.
    reset = ft.OutlinedButton(content=t(lang, "flow.reset"), icon=ft.Icons.RESTART_ALT, height=TOUCH,
                              on_click=on(state.ask_reset, row.key),
                              disabled=disabled or (marks == 0 and row.value is None))
    seconds_word = t(lang, "unit.s")
    saved = float(row.value) if isinstance(row.value, (int, float)) and not row.na else 0.0
    shown = ElapsedText(watch, running, marks, seconds_word) if watch else ft.Text(
        format_elapsed(saved, seconds_word), size=32, weight=ft.FontWeight.BOLD)
    controls = [ft.Row([shown, ft.Container(expand=True), undo, reset], spacing=4), ft.Row([tap])]
    if session is not None and session.reset_asked == row.key:
        controls.append(ft.Container(
            key=f"reset-confirm-{row.key}", bgcolor=ft.Colors.ORANGE_50, border_radius=8, padding=ft.Padding.all(8),
            content=ft.Column([ft.Text(t(lang, "flow.reset_confirm")), ft.Row([
                choice_button(t(lang, "flow.reset"), on(state.confirm_reset, row.key), selected=True,
                              colour=FAIL_COLOUR),
                choice_button(t(lang, "common.cancel"), on(state.cancel_reset), selected=False,
                              colour=NA_COLOUR)], spacing=8)], spacing=6)))
    return [*controls, ft.Row([_na_button(state, row, disabled)])]


def _typed_duration(state: AppState, row: ItemRow, disabled: bool, item) -> list[ft.Control]:
    """Typed in the item's unit; a refused text stays in the field with its error under it."""
    lang = state.lang
    hint = {"h": "flow.hint_h", "min": "flow.hint_min"}.get(item.unit or "", "flow.hint_days")
    field = ft.TextField(label=t(lang, "runner.duration_in", unit=unit_label(item, lang)), value=row.typed,
                         helper=t(lang, hint), error=row.field_error, expand=True, disabled=disabled,
                         keyboard_type=ft.KeyboardType.DATETIME if item.unit == "h" else ft.KeyboardType.NUMBER,
                         on_blur=on_value(state.answer_duration, row.key),
                         on_submit=on_value(state.answer_duration, row.key), key=f"typed-{row.key}")
    controls: list[ft.Control] = [ft.Row([field])]
    extra: list[ft.Control] = [_na_button(state, row, disabled)]
    if row.input is AnswerInput.TYPED_OR_STOPWATCH:
        extra.insert(0, ft.OutlinedButton(content=t(lang, "flow.use_stopwatch"), icon=ft.Icons.TIMER,
                                          height=TOUCH, disabled=disabled, expand=True,
                                          on_click=on(state.open_stopwatch, row.key)))
    return [*controls, ft.Row(extra, spacing=8)]


def _count(state: AppState, row: ItemRow, disabled: bool, item) -> list[ft.Control]:
    lang = state.lang
    shown = "–" if row.value is None or row.na else str(row.value)
    unit = t(lang, f"unit.{item.unit}") if item.unit else ""
    return [ft.Row([
        icon_button(ft.Icons.REMOVE, t(lang, "runner.less"), on(state.step_count, row.key, -1), size=BIG,
                    disabled=disabled, style=ft.ButtonStyle(side=ft.BorderSide(1, NA_COLOUR))),
        ft.Text(f"{shown} {unit}".strip(), size=26, weight=ft.FontWeight.BOLD, text_align=ft.TextAlign.CENTER,
                expand=True),
        icon_button(ft.Icons.ADD, t(lang, "runner.more"), on(state.step_count, row.key, 1), size=BIG,
                    disabled=disabled, style=ft.ButtonStyle(side=ft.BorderSide(1, NA_COLOUR))),
    ]), ft.Row([_na_button(state, row, disabled)])]


def _rating(state: AppState, row: ItemRow, disabled: bool) -> list[ft.Control]:
    buttons = [choice_button(str(n), on(state.answer_rating, row.key, n),
                             selected=row.value == n and not row.na, colour=ft.Colors.BLUE_700, disabled=disabled)
               for n in range(1, row.scale + 1)]
    return [ft.Row(buttons, spacing=4), ft.Row([_na_button(state, row, disabled)])]


def _text(state: AppState, row: ItemRow, disabled: bool) -> list[ft.Control]:
    return [ft.TextField(label=t(state.lang, "runner.answer"), value=row.value or "", multiline=True, min_lines=2,
                         disabled=disabled, on_blur=on_value(state.answer_text, row.key))]


def _photos(state: AppState, row: ItemRow, services, disabled: bool) -> list[ft.Control]:
    lang = state.lang
    session = state.visit
    tiles: list[ft.Control] = []
    for sha in row.photos:
        thumb = session.thumbnails.get(sha) if session else None
        image = ft.Image(src=thumb, width=96, height=96, fit=ft.BoxFit.COVER, border_radius=8,
                         semantics_label=t(lang, "runner.photo")) if thumb else ft.Icon(ft.Icons.IMAGE, size=48)
        delete = icon_button(ft.Icons.DELETE, t(lang, "runner.delete_photo"), on(state.delete_photo, sha),
                             disabled=disabled, icon_color=ft.Colors.WHITE,
                             bgcolor=ft.Colors.with_opacity(0.6, ft.Colors.BLACK))
        tiles.append(ft.Stack([image, ft.Container(delete, right=0, top=0)], width=96, height=96))
    for _ in range(session.processing_photos.get(row.key, 0) if session else 0):
        tiles.append(ft.Container(ft.ProgressRing(semantics_label=t(lang, "runner.processing_photo")),
                                  width=96, height=96, alignment=ft.Alignment.CENTER,
                                  bgcolor=ft.Colors.BLUE_GREY_50, border_radius=8))
    buttons = [ft.OutlinedButton(content=t(lang, "runner.add_photo"), icon=ft.Icons.ADD_A_PHOTO, height=TOUCH,
                                 on_click=on(services.add_photo, row.key), disabled=disabled)]
    if services.take_photo is not None:
        buttons.append(ft.OutlinedButton(content=t(lang, "runner.take_photo"), icon=ft.Icons.CAMERA_ALT,
                                         height=TOUCH, on_click=on(services.take_photo, row.key),
                                         disabled=disabled))
    return [ft.Row([*tiles], wrap=True, spacing=8) if tiles else None, ft.Row(buttons, wrap=True)]


def _compact_evidence(state: AppState, row: ItemRow, services, disabled: bool) -> ft.Control:
    """Photo and note as two named icons: a screen holds more items (they expand on use)."""
    lang = state.lang
    buttons = [icon_button(ft.Icons.ADD_A_PHOTO, t(lang, "runner.add_photo"), on(services.add_photo, row.key),
                           disabled=disabled, icon_color=ft.Colors.BLUE_GREY_700)]
    if services.take_photo is not None:
        buttons.append(icon_button(ft.Icons.CAMERA_ALT, t(lang, "runner.take_photo"),
                                   on(services.take_photo, row.key), disabled=disabled,
                                   icon_color=ft.Colors.BLUE_GREY_700))
    buttons.append(icon_button(ft.Icons.EDIT_NOTE, t(lang, "runner.note"), on(state.open_note, row.key),
                               disabled=disabled, icon_color=ft.Colors.BLUE_GREY_700))
    return ft.Row(buttons, spacing=4, alignment=ft.MainAxisAlignment.END)


def _note(state: AppState, row: ItemRow, disabled: bool) -> ft.Control:
    return ft.TextField(label=t(state.lang, "runner.note"), value=row.note or "", disabled=disabled,
                        on_blur=on_value(state.set_note, row.key), on_submit=on_value(state.set_note, row.key))


def item_card(state: AppState, row: ItemRow, services) -> ft.Control:
    session = state.visit
    item = session.checklist.item_map[row.key]
    disabled = not session.editable
    if row.kind is Kind.CHECK:
        answer = _check(state, row, disabled)
    elif row.kind is Kind.TIMED:
        answer = _stopwatch(state, row, disabled) if row.stopwatch else _typed_duration(state, row, disabled, item)
    elif row.kind is Kind.COUNT:
        answer = _count(state, row, disabled, item)
    elif row.kind is Kind.RATING:
        answer = _rating(state, row, disabled)
    elif row.kind is Kind.TEXT:
        answer = _text(state, row, disabled)
    else:
        answer = []
    verdict = None
    if row.verdict:
        verdict = ft.Text(row.verdict, size=18, weight=ft.FontWeight.W_600,
                          color=PASS_COLOUR if row.outcome is Outcome.PASS else FAIL_COLOUR)
    # Evidence may back any answer; items whose policy asks for a photo say so in their marks.
    if row.evidence_expanded or session.processing_photos.get(row.key):
        prompt = ft.Text(t(state.lang, "flow.ask_evidence"), color=FAIL_COLOUR, weight=ft.FontWeight.W_600) \
            if row.ask_evidence else None
        evidence = [prompt, *_photos(state, row, services, disabled), _note(state, row, disabled)]
    else:
        evidence = [_compact_evidence(state, row, services, disabled)]
    focused = session.focus_item == row.key
    done_icon = ft.Icon(ft.Icons.CHECK_CIRCLE if row.answered else ft.Icons.RADIO_BUTTON_UNCHECKED,
                        color=PASS_COLOUR if row.answered else ft.Colors.BLUE_GREY_300, size=22)
    return ft.Container(
        key=ft.ScrollKey(f"item-{row.key}"), padding=ft.Padding.all(12), border_radius=12,
        border=ft.Border.all(3 if focused else 1, ft.Colors.ORANGE_700 if focused else ft.Colors.BLUE_GREY_100),
        bgcolor=ft.Colors.WHITE,
        content=ft.Column([c for c in [
            ft.Row([done_icon, ft.Text(row.text, size=16, expand=True)], vertical_alignment=ft.CrossAxisAlignment.START),
            ft.Row(_marks(row, state.lang), wrap=True, spacing=6) if _marks(row, state.lang) else None,
            *answer, verdict, *evidence,
            create_action_button(state, row.key) if row.offers_action and not disabled else None,
        ] if c is not None], spacing=8,
            horizontal_alignment=ft.CrossAxisAlignment.STRETCH))
