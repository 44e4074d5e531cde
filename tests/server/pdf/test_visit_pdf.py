"""The visit PDF holds what the visit holds, in the asked language: the site, every item's
text and recorded value, knock-outs and failures first, and every photo at print size."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit_app.domain import Kind
from audit_app.domain.formats import against_limit
from sync_server.pdf.words import Lang, Words

from .conftest import FAILING, KNOCK_OUTS, SITE_NAME, PdfServer, pdf_images, pdf_text
from .report_data import RETAIL, failing_value, passing_value


def squeeze(text: str) -> str:
    """Text without whitespace: wrapped lines and pdftotext's spacing do not matter."""
    return "".join(text.split())


@pytest.fixture(scope="module")
def pdfs(pdf_server: PdfServer) -> dict[str, bytes]:
    made = {}
    for lang in ("zh", "en"):
        answer = pdf_server.client.get(f"/api/v1/visits/{pdf_server.visit_id}.pdf",
                                       params={"lang": lang}, headers=pdf_server.auth("auditor"))
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "application/pdf"
        assert answer.content.startswith(b"%PDF-")
        made[lang] = answer.content
    return made


def expected_value(lang: Lang, key: str) -> str | None:
    item = RETAIL.item_map[key]
    value = failing_value(item) if key in FAILING else passing_value(item)
    if item.kind is Kind.CHECK:
        return Words(lang)("pdf.check.yes" if value else "pdf.check.no")
    return against_limit(item, value, peak=False) or (value if isinstance(value, str) else None)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_text_holds_the_site_and_every_item_with_its_value_in_that_language(
        pdfs: dict[str, bytes], lang: Lang, tmp_path: Path) -> None:
    text = squeeze(pdf_text(pdfs[lang], tmp_path))
    assert squeeze(SITE_NAME) in text
    assert squeeze(RETAIL.title.zh if lang == "zh" else RETAIL.title.en) in text
    missing = []
    for item in RETAIL.items:
        wanted = [item.text.zh if lang == "zh" else item.text.en, item.source]
        value = expected_value(lang, item.key)
        if value is not None:
            wanted.append(value)
        missing += [f"{item.key}: {w}" for w in wanted if squeeze(w) not in text]
    assert missing == []
    other = "en" if lang == "zh" else "zh"
    other_title = RETAIL.title.zh if other == "zh" else RETAIL.title.en
    assert squeeze(other_title) not in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_one_lists_the_knock_outs_and_failures_before_the_sections(
        pdfs: dict[str, bytes], lang: Lang, tmp_path: Path) -> None:
    words = Words(lang)
    pages = pdf_text(pdfs[lang], tmp_path).split("\f")
    first = squeeze(pages[0])
    knock_outs = first.index(squeeze(words("pdf.knockouts.title")))
    failed = first.index(squeeze(words("pdf.failed.title")))
    first_passing = next(item for item in RETAIL.items if item.key not in FAILING)
    # Page one's text is the whole text's beginning; the sections may start on page two.
    whole = squeeze("".join(pages))
    assert whole.startswith(first)
    body_starts = whole.index(squeeze(words.pick(first_passing.text.en, first_passing.text.zh)))
    for key in FAILING:
        text = squeeze(words.pick(RETAIL.item_map[key].text.en, RETAIL.item_map[key].text.zh))
        assert knock_outs < failed < first.index(text, failed) < body_starts, key
    for key in KNOCK_OUTS:
        text = squeeze(words.pick(RETAIL.item_map[key].text.en, RETAIL.item_map[key].text.zh))
        assert knock_outs < first.index(text) < failed, key
    knocked = words("pdf.score.knocked_out", score="0.0%", raw="RAW").split("RAW")[0]
    assert squeeze(knocked) in first
    footer = words("pdf.footer", time="2026-12-01 00:00 UTC", page=1, pages=len(pages) - 1)
    assert squeeze(footer) in first  # the server's clock (conftest.SERVER_NOW)


def test_the_header_has_local_times_duration_staff_and_auditor(pdfs: dict[str, bytes],
                                                              tmp_path: Path) -> None:
    text = pdf_text(pdfs["en"], tmp_path)
    assert "2026-11-20 10:00 (UTC+08:00)" in text
    assert "2026-11-20 10:24 (UTC+08:00)" in text
    assert "24 min 31 s" in text
    assert "王芳" in text and "auditor-li" in text


def test_every_photo_is_embedded_at_print_size_not_as_a_thumbnail(
        pdf_server: PdfServer, pdfs: dict[str, bytes], tmp_path: Path) -> None:
    for lang in ("zh", "en"):
        images = pdf_images(pdfs[lang], tmp_path)
        assert len(images) == len(pdf_server.photos)
        assert all(max(w, h) >= 800 and enc == "jpeg" for w, h, enc in images), images
        assert len(pdfs[lang]) < 3_000_000
