"""Building blocks every screen uses: handlers, big buttons, the error banner, the page frame.

Touch targets are at least 48 px high (`TOUCH`); primary actions are 56 px and full width, so
a whole visit works with one thumb. Every control a user touches has a text or tooltip that is
its accessible name."""

from __future__ import annotations

import inspect
from collections.abc import Callable

import flet as ft

from audit_app.i18n import t
from audit_app.state import AppState

# The theme's font (the app's CJK font); a button's own text style must name it again, or
# Chinese on that button is drawn with the web client's Latin-only default.
FONT = "CJK"
TOUCH = 48
BIG = 56
PASS_COLOUR = ft.Colors.GREEN_700
FAIL_COLOUR = ft.Colors.RED_700
NA_COLOUR = ft.Colors.BLUE_GREY_600


async def _run(action: Callable[..., object], *args: object) -> None:
    result = action(*args)
    if inspect.isawaitable(result):
        await result


def on(action: Callable[..., object], *args: object):
    """An event handler calling `action(*args)` (awaited when it is async)."""
    async def handle() -> None:
        await _run(action, *args)
    return handle


def on_value(action: Callable[..., object], *args: object):
    """An event handler calling `action(*args, <the control's value>)`."""
    async def handle(e: ft.Event) -> None:
        await _run(action, *args, e.control.value)
    return handle


def big_button(text: str, handler, *, icon=None, filled: bool = True, key: str | None = None,
               disabled: bool = False, colour=None) -> ft.Control:
    style = ft.ButtonStyle(shape=ft.RoundedRectangleBorder(radius=12),
                           text_style=ft.TextStyle(size=18, weight=ft.FontWeight.W_600, font_family=FONT),
                           bgcolor=colour)
    cls = ft.FilledButton if filled else ft.OutlinedButton
    return cls(content=text, icon=icon, on_click=handler, height=BIG, expand=True, style=style,
               key=key, disabled=disabled)


def choice_button(text: str, handler, *, selected: bool, colour, key: str | None = None,
                  disabled: bool = False) -> ft.Control:
    """A toggle-like answer button: filled in its colour when it is the saved answer."""
    style = ft.ButtonStyle(shape=ft.RoundedRectangleBorder(radius=10),
                           bgcolor=colour if selected else None,
                           color=ft.Colors.WHITE if selected else colour,
                           side=ft.BorderSide(2, colour),
                           text_style=ft.TextStyle(size=16, weight=ft.FontWeight.W_600, font_family=FONT))
    return ft.OutlinedButton(content=text, on_click=handler, height=TOUCH, expand=True, style=style,
                             key=key, disabled=disabled)


def error_banner(state: AppState) -> ft.Control | None:
    if state.error is None:
        return None
    lang = state.lang
    return ft.Container(
        key="error-banner", bgcolor=ft.Colors.RED_50, border=ft.Border.all(1, ft.Colors.RED_300),
        border_radius=8, padding=ft.Padding.all(10),
        content=ft.Row([
            ft.Icon(ft.Icons.ERROR_OUTLINE, color=ft.Colors.RED_700),
            # Not selectable: on the web a selectable text reaches screen readers as an unnamed,
            # disabled textbox, so the error itself was never read out.
            ft.Text(state.error.message(lang), color=ft.Colors.RED_900, expand=True),
            ft.TextButton(t(lang, "common.dismiss"), on_click=on(state.dismiss_error), height=TOUCH),
        ], vertical_alignment=ft.CrossAxisAlignment.START))


def flash_bar(state: AppState) -> ft.Control | None:
    if state.flash is None:
        return None
    return ft.Container(bgcolor=ft.Colors.GREEN_50, border_radius=8, padding=ft.Padding.all(10),
                        content=ft.Row([ft.Icon(ft.Icons.CHECK_CIRCLE, color=PASS_COLOUR),
                                        ft.Text(t(state.lang, state.flash), expand=True)]))


def icon_button(icon, name: str, handler, *, size: float = TOUCH, disabled: bool = False,
                **style: object) -> ft.Control:
    """An icon-only button whose accessible name is `name` (a tooltip alone gives none on the web)."""
    return ft.Semantics(label=name, button=True, content=ft.IconButton(
        icon, on_click=handler, width=size, height=size, disabled=disabled, **style))


def back_button(state: AppState, handler) -> ft.Control:
    return icon_button(ft.Icons.ARROW_BACK, t(state.lang, "common.back"), handler)


def screen(state: AppState, route: str, title: str, body: list[ft.Control | None], *,
           leading: ft.Control | None = None, actions: list[ft.Control] | None = None,
           bottom: ft.Control | None = None, scroll: bool = True) -> ft.View:
    """One screen: app bar, the error banner, the body (scrolling) and an optional bottom bar."""
    banner = [c for c in (error_banner(state), flash_bar(state)) if c is not None]
    # The banners live in one fixed slot, so showing one never shifts the body's positions
    # (a shifted position made the next redraw lose a control).
    content = [ft.Column(banner, spacing=8, key="banners"), *(c for c in body if c is not None)]
    # Keyed by route: a new screen is a new View control. Sharing one (changed in place),
    # Flutter's outgoing page kept drawing the new screen too, and the runner's jump to an item
    # scrolled that doomed copy instead of the list on screen.
    return ft.View(
        route=route, key=f"view-{route}",
        appbar=ft.AppBar(title=ft.Text(title, size=20, weight=ft.FontWeight.W_600), leading=leading,
                         automatically_imply_leading=False, actions=actions or [],
                         bgcolor=ft.Colors.BLUE_GREY_50),
        controls=[ft.Column(content, spacing=12, expand=True, horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
                            scroll=ft.ScrollMode.AUTO if scroll else None)],
        bottom_appbar=ft.BottomAppBar(content=bottom, height=80, padding=ft.Padding.symmetric(vertical=8, horizontal=12),
                                      bgcolor=ft.Colors.WHITE) if bottom is not None else None,
        padding=ft.Padding.all(12),
    )


def section_title(text: str) -> ft.Control:
    return ft.Text(text, size=16, weight=ft.FontWeight.W_600, color=ft.Colors.BLUE_GREY_800)


def pdf_saver(services, lang: str):
    """The save step of a PDF action: the page's FilePicker, a save dialog on a phone or desktop
    and a download in a browser (as the CSV export)."""
    async def save(name: str, data: bytes) -> None:
        await services.picker.save_file(file_name=name, src_bytes=data,
                                        dialog_title=t(lang, "pdf.saved"))
    return save
