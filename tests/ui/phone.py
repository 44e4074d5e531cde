"""Drive the Flutter web app in Chromium the way a user does: by accessible role and name.

Flutter draws on a canvas; its accessibility DOM appears only after a click on the
`flt-semantics-placeholder` element (FLET_NOTES "Testing"). The accessibility tree updates before
the canvas paints, so screenshots wait for the picture to change and then hold still.
"""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

from PIL import Image, ImageChops
from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from audit_app.i18n import t

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCREENS_DIR = ARTIFACTS / "screens"
UI_TIMEOUT_MS = 30_000


class ScreenNotSettled(AssertionError):
    pass


def is_blank(png: bytes) -> bool:
    """One colour everywhere: the page before Flutter's first frame."""
    with Image.open(io.BytesIO(png)) as image:
        return all(low == high for low, high in image.convert("RGB").getextrema())


# A screen counts as still while what changes between two pictures fits in a box this small (a
# share of the screen): a ticking stopwatch or a spinner, never a screen sliding in or a report
# painting. Flutter drops taps only during transitions, and a running stopwatch never stops.
SMALL_CHANGE = 0.03


def barely_changed(before: bytes, after: bytes) -> bool:
    if before == after:
        return True
    with Image.open(io.BytesIO(before)) as first, Image.open(io.BytesIO(after)) as second:
        if first.size != second.size:
            return False
        box = ImageChops.difference(first.convert("RGB"), second.convert("RGB")).getbbox()
        if box is None:
            return True
        width, height = first.size
        return (box[2] - box[0]) * (box[3] - box[1]) <= SMALL_CHANGE * width * height


def settled_screenshot(page: Page, *, quiet_s: float = 1.0, timeout_s: float = 20.0) -> bytes:
    """The screen once it is not blank and has held still for `quiet_s` (consecutive
    screenshots equal but for a small box, see SMALL_CHANGE). The caller first waits for what it
    means to see, in the accessibility tree: comparing with the picture before a tap fails when
    the change was drawn before that picture was taken, or when the tap changes nothing visible.
    A whole second, because on a loaded machine the canvas can stall mid-transition for half a
    second (seen at 0.5 s)."""
    deadline = time.monotonic() + timeout_s
    last = page.screenshot()
    still_since = time.monotonic()
    while True:
        shot = page.screenshot()
        now = time.monotonic()
        if not barely_changed(last, shot):
            still_since = now
        last = shot
        if now - still_since >= quiet_s and not is_blank(shot):
            return shot
        if now > deadline:
            raise ScreenNotSettled(f"screen never held still within {timeout_s:.0f} s"
                                   if not is_blank(shot) else f"screen still blank after {timeout_s:.0f} s")


# Flutter web edits text in a DOM <input>/<textarea> it focuses when a field is tapped.
EDITOR_FOCUSED = "() => ['INPUT', 'TEXTAREA'].includes(document.activeElement?.tagName)"
EDITOR_HOLDS = "text => document.activeElement?.value === text"


class Phone:
    """One browser tab at phone size (412x915) showing the app."""

    def __init__(self, page: Page, screens_dir: Path = SCREENS_DIR, lang: str = "en"):
        self.page = page
        self.lang = lang  # which catalogue say() reads: the language the app shows
        self.screens_dir = screens_dir
        page.set_default_timeout(UI_TIMEOUT_MS)

    # navigation ---------------------------------------------------------------------------
    def open(self, url: str) -> Phone:
        """Load the app and wait for its first drawn screen (its accessibility tree comes
        earlier, and a tap before the first frame can be lost)."""
        self.page.goto(url)
        self.enable_semantics()
        settled_screenshot(self.page)
        return self

    def open_in_new_tab(self, url: str) -> Phone:
        """Follow a link the way a messaging app does: a new tab of the same browser (so the
        same device), which is a new app session."""
        old = self.page
        self.page = old.context.new_page()
        self.page.set_default_timeout(UI_TIMEOUT_MS)
        old.close()
        return self.open(url)

    def reload(self) -> Phone:
        self.page.reload()
        self.enable_semantics()
        settled_screenshot(self.page)
        return self

    def enable_semantics(self) -> None:
        """Turn on Flutter's accessibility tree (it is off until a screen reader asks)."""
        placeholder = self.page.locator("flt-semantics-placeholder")
        placeholder.wait_for(state="attached")
        placeholder.dispatch_event("click")
        self.page.locator("flt-semantics").first.wait_for(state="attached")

    def say(self, key: str, **fmt: object) -> str:
        """The app's text for `key` in the phone's language (from the app's own catalogue)."""
        return t(self.lang, key, **fmt)

    # finding controls ---------------------------------------------------------------------
    def button(self, name: str | re.Pattern[str], exact: bool = True) -> Locator:
        return self.page.get_by_role("button", name=name, exact=exact)

    def textbox(self, name: str | re.Pattern[str]) -> Locator:
        return self.page.get_by_role("textbox", name=name)

    def text(self, text: str | re.Pattern[str], exact: bool = False) -> Locator:
        return self.page.get_by_text(text, exact=exact)

    def role(self, role: str, name: str | re.Pattern[str] | None = None, exact: bool = True) -> Locator:
        return self.page.get_by_role(role, name=name, exact=exact)  # type: ignore[arg-type]

    def wait_for_text(self, text: str | re.Pattern[str]) -> Locator:
        found = self.text(text).first
        found.wait_for()
        return found

    # acting -------------------------------------------------------------------------------
    def tap(self, target: Locator) -> None:
        target.wait_for()
        # Flutter ignores taps while a screen slides in: tap once the picture holds still.
        settled_screenshot(self.page, quiet_s=0.3)
        target.click()

    def tap_button(self, name: str | re.Pattern[str], exact: bool = True) -> None:
        self.tap(self.button(name, exact=exact).first)

    def tap_until(self, target: Locator, shows: Locator, *, tries: int = 3,
                  patience_ms: int = 8_000) -> None:
        """Tap `target` until `shows` (a control or text of the screen the tap opens) is in the
        accessibility tree. On a loaded machine the canvas can stall mid-transition after the
        picture held still, and Flutter then drops the tap: a tap that opened nothing, while
        `target` is still there, is tapped again, as a user would."""
        for _ in range(tries - 1):
            self.tap(target)
            try:
                shows.first.wait_for(timeout=patience_ms)
                return
            except PlaywrightTimeout:
                if not target.is_visible():  # the tap took: the new screen is on its way
                    shows.first.wait_for()
                    return
        self.tap(target)
        shows.first.wait_for()

    def fill(self, target: Locator, text: str, *, tries: int = 3) -> None:
        """Focus a Flutter text field and type into it (fill() does not reach Flutter's editor).
        Keys are sent once Flutter's editor element has focus, and the field is retyped when it
        does not then hold `text`: on a loaded machine the first key can land before the editor
        takes it (seen in CI: 'ool cabinet' for 'Tool cabinet')."""
        target.wait_for()
        for _ in range(tries):
            target.click()
            self.page.wait_for_function(EDITOR_FOCUSED)
            self.page.keyboard.press("Control+A")
            self.page.keyboard.type(text)
            try:
                self.page.wait_for_function(EDITOR_HOLDS, arg=text, timeout=5_000)
                return
            except PlaywrightTimeout:
                continue
        raise AssertionError(f"the text field never held {text!r} after {tries} tries")

    # screenshots --------------------------------------------------------------------------
    def screenshot(self, name: str, shows: Locator | str | re.Pattern[str], *,
                   quiet_s: float = 1.0) -> Path:
        """Save `<name>.png` once `shows` (a control or text of the screen meant) is in the
        accessibility tree and the picture has held still for `quiet_s`."""
        (self.wait_for_text(shows) if not isinstance(shows, Locator) else shows.first.wait_for())
        self.screens_dir.mkdir(parents=True, exist_ok=True)
        try:
            shot = settled_screenshot(self.page, quiet_s=quiet_s, timeout_s=20 + quiet_s * 10)
        except ScreenNotSettled as exc:
            self.page.screenshot(path=str(self.screens_dir / f"{name}.unsettled.png"))
            raise ScreenNotSettled(f"{name}: {exc}") from None
        path = self.screens_dir / f"{name}.png"
        path.write_bytes(shot)
        return path
