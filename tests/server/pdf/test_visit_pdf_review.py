"""The visit PDF shows the visit's review and the integrity flags of its latest revision in the
PDF's language, as `GET /visits/{id}` has them: the state ("has issues", "有问题"), the
manager's reason, each flag's message; a visit no one has reviewed says "not reviewed yet", as
the app's visit detail does."""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw

from sync_server.pdf.words import Lang, Words

from .conftest import PdfServer, pdf_text
from .report_data import RETAIL, upload, visit_body

REASON = "价签照片模糊 / the price-tag photo is blurred"


def squeeze(text: str) -> str:
    return "".join(text.split())


@dataclass
class Reviewed:
    reviewed_id: str     # has issues, with REASON; flagged too_fast and duplicate_photo
    revised_id: str      # the photo dropped in revision 2: its duplicate_photo was revision 1's


def checkerboard_jpeg() -> bytes:
    """A photo unlike the fixture's gradients, so no similar_photo flag links it to them."""
    image = Image.new("RGB", (1200, 900), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    for x in range(0, 1200, 150):
        for y in range(0, 900, 150):
            if (x + y) // 150 % 2:
                draw.rectangle((x, y, x + 149, y + 149), fill=(20, 20, 20))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def visit_json(server: PdfServer, visit_id: str) -> dict[str, Any]:
    answer = server.client.get(f"/api/v1/visits/{visit_id}", headers=server.auth("manager"))
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def first_page(server: PdfServer, visit_id: str, lang: Lang, tmp: Path) -> str:
    answer = server.client.get(f"/api/v1/visits/{visit_id}.pdf", params={"lang": lang},
                               headers=server.auth("manager"))
    assert answer.status_code == 200, answer.text
    return squeeze(pdf_text(answer.content, tmp).split("\f")[0])


@pytest.fixture(scope="module")
def reviewed(pdf_server: PdfServer) -> Reviewed:
    """Three visits citing the same photo (a duplicate_photo flag on each; every answer
    recorded at one instant: too_fast); the first reviewed as having issues, the third revised
    without the photo (which withdraws every duplicate_photo naming it)."""
    shared = checkerboard_jpeg()
    auditor = pdf_server.auth("auditor")
    item = RETAIL.items[0].key
    bodies = [visit_body(RETAIL, site_id="site-ja", staff_ids=[], photos={item: [shared]})
              for _ in range(3)]
    for n, body in enumerate(bodies):
        upload(pdf_server.client, auditor, body, [shared] if n == 0 else [])
    first, third = bodies[0], bodies[2]
    review = pdf_server.client.put(f"/api/v1/visits/{first['id']}/review",
                                   json={"state": "has_issues", "reason": REASON},
                                   headers=pdf_server.auth("manager"))
    assert review.status_code == 200, review.text
    revised = copy.deepcopy(third)
    revised["revision"] = 2
    revised["photos"] = []
    for observation in revised["observations"]:
        observation["photos"] = []
    upload(pdf_server.client, auditor, revised, [])
    return Reviewed(first["id"], third["id"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_reviewed_visit_shows_its_state_reason_and_every_flag_in_that_language(
        pdf_server: PdfServer, reviewed: Reviewed, lang: Lang, tmp_path: Path) -> None:
    words = Words(lang)
    flags = visit_json(pdf_server, reviewed.reviewed_id)["flags"]
    assert {flag["code"] for flag in flags} == {"too_fast", "duplicate_photo"}
    page = first_page(pdf_server, reviewed.reviewed_id, lang, tmp_path)
    expected = {"zh": ["审核：有问题", "原因：" + REASON, "可信度提示"],
                "en": ["Review: has issues", "Reason: " + REASON, "Integrity flags"]}[lang]
    assert [text for text in expected if squeeze(text) not in page] == []
    shown = "message_zh" if lang == "zh" else "message"
    other = "message" if lang == "zh" else "message_zh"
    assert [flag[shown] for flag in flags if squeeze(flag[shown]) not in page] == []
    assert [flag[other] for flag in flags if squeeze(flag[other]) in page] == []
    # After the failed items, before the first section: all of it on page one.
    assert page.index(squeeze(words("pdf.failed.title"))) < page.index(squeeze(expected[0]))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_visit_no_one_reviewed_says_so_and_still_shows_its_flags(
        pdf_server: PdfServer, lang: Lang, tmp_path: Path) -> None:
    flags = visit_json(pdf_server, pdf_server.visit_id)["flags"]
    assert [flag["code"] for flag in flags] == ["too_fast"]
    page = first_page(pdf_server, pdf_server.visit_id, lang, tmp_path)
    assert squeeze({"zh": "审核：尚未审核", "en": "Review: not reviewed yet"}[lang]) in page
    assert squeeze(flags[0]["message_zh" if lang == "zh" else "message"]) in page
    assert squeeze({"zh": "原因：", "en": "Reason:"}[lang]) not in page


def test_only_the_latest_revisions_flags_are_drawn(pdf_server: PdfServer, reviewed: Reviewed,
                                                   tmp_path: Path) -> None:
    stored = visit_json(pdf_server, reviewed.revised_id)
    assert stored["visit"]["revision"] == 2 and [f["code"] for f in stored["flags"]] == ["too_fast"]
    page = first_page(pdf_server, reviewed.revised_id, "en", tmp_path)
    assert squeeze("Review: not reviewed yet") in page
    assert squeeze(stored["flags"][0]["message"]) in page
    assert squeeze("The same photo is in visit") not in page
