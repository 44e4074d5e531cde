"""Taking a photo with the phone's camera (flet-camera), offered where the platform has one.

Only phones (Android, iOS) get it: in a browser the file picker already offers the camera on
phones, and a desktop browser may have none. The captured bytes go through the same
`AppState.add_photo` as a picked file (a photo of a fix: `ActionsSession.add_fix_photo`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import flet as ft

from audit_app.i18n import t
from audit_app.state import AppState

from .common import TOUCH

CAMERA_PLATFORMS = (ft.PagePlatform.ANDROID, ft.PagePlatform.IOS)


def camera_available(page: ft.Page) -> bool:
    if page.web or page.platform not in CAMERA_PLATFORMS:
        return False
    try:
        import flet_camera  # noqa: F401
    except ImportError:
        return False
    return True


def make_take_photo(page: ft.Page, state: AppState) -> Callable[[str | None], Awaitable[None]] | None:
    """The runner's "Take photo" action, or None where there is no camera to offer."""
    if not camera_available(page):
        return None

    async def take_photo(item_key: str | None) -> None:
        await _capture(page, state, lambda data: state.add_photo(item_key, data))
    return take_photo


def make_take_fix_photo(page: ft.Page, state: AppState) -> Callable[[], Awaitable[None]] | None:
    """The resolve form's "Take photo" (a photo of the fix), or None without a camera."""
    if not camera_available(page):
        return None

    async def take_fix_photo() -> None:
        await _capture(page, state, state.actions.add_fix_photo)
    return take_fix_photo


async def _capture(page: ft.Page, state: AppState, deliver: Callable[[bytes], Awaitable[object]]) -> None:
    import flet_camera as fc

    lang = state.lang
    camera = fc.Camera(expand=True, preview_enabled=True)
    dialog = ft.AlertDialog(modal=True, content=ft.Container(camera, width=360, height=480))

    async def capture() -> None:
        data = await camera.take_picture()
        page.pop_dialog()
        await deliver(data)

    def cancel() -> None:
        page.pop_dialog()
    dialog.actions = [
        ft.TextButton(t(lang, "common.cancel"), on_click=cancel, height=TOUCH),
        ft.FilledButton(content=t(lang, "runner.capture"), icon=ft.Icons.CAMERA, on_click=capture, height=TOUCH),
    ]
    page.show_dialog(dialog)
    cameras = await camera.get_available_cameras()
    if not cameras:
        page.pop_dialog()
        return
    back = next((c for c in cameras if c.lens_direction == fc.CameraLensDirection.BACK), cameras[0])
    await camera.initialize(back, fc.ResolutionPreset.HIGH, enable_audio=False)
