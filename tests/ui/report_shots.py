"""Screenshots of report screens that wait for the picture to hold still longer than the
shared 0.4 s: a report answer's chart and table can paint a second after the screen itself
appeared on a busy machine, and a shot taken in between shows an empty report."""

from __future__ import annotations

from tests.ui.phone import Phone, settled_screenshot

QUIET_S = 1.5


def shot(phone: Phone, name: str) -> None:
    phone.screens_dir.mkdir(parents=True, exist_ok=True)
    picture = settled_screenshot(phone.page, unlike=phone._before_action, quiet_s=QUIET_S, timeout_s=40)
    (phone.screens_dir / f"{name}.png").write_bytes(picture)
    phone._before_action = picture
