"""What the browser tests count as a screen holding still: a ticking stopwatch is still (a
running one never stops, and taps on its screen must go through), a screen sliding in is not."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from tests.ui.phone import barely_changed

SIZE = (412, 915)


def png(draw=None) -> bytes:
    image = Image.new("RGB", SIZE, "white")
    if draw is not None:
        draw(ImageDraw.Draw(image))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_a_ticking_clock_in_one_corner_counts_as_still() -> None:
    before = png(lambda d: d.text((20, 20), "00:01.2", fill="black"))
    after = png(lambda d: d.text((20, 20), "00:01.3", fill="black"))
    assert before != after and barely_changed(before, after)


def test_a_screen_sliding_in_is_not_still() -> None:
    before = png(lambda d: d.rectangle((0, 0, 411, 914), fill="white"))
    after = png(lambda d: d.rectangle((200, 0, 411, 914), fill="navy"))
    assert not barely_changed(before, after)


def test_a_list_redrawn_top_to_bottom_is_not_still() -> None:
    before = png(lambda d: d.line((10, 10, 10, 900), fill="black"))
    after = png(lambda d: d.line((10, 10, 400, 900), fill="black"))
    assert not barely_changed(before, after)
