"""The check-in at visit start with flet-geolocator (docs/integrity.md): the platform side of
`audit_app.state.check_in`. A refusal, no location service or no fix becomes a reason in the
visit, never a blocked shopper; the runner shows the outcome with a re-try."""

from __future__ import annotations

import flet as ft

from audit_app.i18n import t
from audit_app.state import AppState
from audit_app.state.check_in import Fix, Locate, LocationUnavailable

from .common import TOUCH, on


def make_locate() -> Locate | None:
    """A locator on the current page's Geolocator service, or None without the extension."""
    try:
        import flet_geolocator as fg
    except ImportError:
        return None
    geolocator = fg.Geolocator()  # registers itself with the page being built
    refused = (fg.GeolocatorPermissionStatus.DENIED, fg.GeolocatorPermissionStatus.DENIED_FOREVER)

    async def locate() -> Fix:
        try:
            status = await geolocator.request_permission()
        except Exception as exc:  # the platform has no location service at all
            raise LocationUnavailable("unavailable") from exc
        if status in refused:
            raise LocationUnavailable("denied")
        try:
            position = await geolocator.get_current_position()
        except Exception as exc:  # e.g. the browser refused after all, or no fix came
            raise LocationUnavailable("denied" if "denied" in str(exc).lower() else "no_fix") from exc
        if position.latitude is None or position.longitude is None:
            raise LocationUnavailable("no_fix")
        return Fix(lat=float(position.latitude), lon=float(position.longitude),
                   accuracy_m=float(position.accuracy or 0.0))

    locate.geolocator = geolocator  # type: ignore[attr-defined]  # kept referenced with the page
    return locate


def check_in_line(state: AppState) -> ft.Control | None:
    """"Checked in" / why not, with "Check in again" (None where the app cannot locate)."""
    status = state.check_in_status
    if state.locate is None or status is None:
        return None
    text = t(state.lang, f"integrity.check_in.{status}")
    retry = (ft.TextButton(t(state.lang, "integrity.check_in.retry"), icon=ft.Icons.MY_LOCATION,
                           on_click=on(state.check_in_visit), height=TOUCH,
                           tooltip=t(state.lang, "integrity.check_in.retry"))
             if status not in ("locating", "done") else None)
    line: list[ft.Control] = [ft.Icon(ft.Icons.PLACE, size=18),
                              ft.Text(text, size=13, expand=True, key="check-in-status")]
    # No None among a Row's controls: the web client draws a grey error box for the whole list.
    return ft.Row(line + ([retry] if retry is not None else []), spacing=6)
