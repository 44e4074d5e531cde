"""No character is dropped: what the subset lacks comes from Debian's full Noto Sans CJK when it
is installed; what no face has is logged and drawn as [U+XXXX]."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sync_server.app import create_app
from sync_server.db import make_engine, make_session_factory
from sync_server.settings import DEBIAN_NOTO_CJK
from sync_server.tables import Site

from .conftest import PdfServer, pdf_text
from .report_data import RETAIL, upload, visit_body

RARE = "𠮷"        # U+20BB7: in the full face, not in the subset
NOWHERE = "\U00030000"  # CJK Extension G: in no installed face


def need_full_face() -> None:
    import os
    if not DEBIAN_NOTO_CJK.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail("fonts-noto-cjk missing; .ci/run installs it")
        pytest.skip("fonts-noto-cjk not installed")


@pytest.fixture(scope="module")
def rare_visit(pdf_server: PdfServer) -> str:
    engine = make_engine(pdf_server.settings)
    with make_session_factory(engine)() as session:
        site = Site(id="site-rare", name=f"{RARE}野家 {NOWHERE}店", region="east",
                    updated_at=session.get(Site, "site-ja").updated_at)  # type: ignore[union-attr]
        session.add(site)
        session.commit()
    engine.dispose()
    body = visit_body(RETAIL, site_id="site-rare", staff_ids=[])
    return upload(pdf_server.client, pdf_server.auth("auditor"), body, [])


def visit_text(client: TestClient, visit_id: str, auth: dict[str, str], tmp: Path) -> str:
    answer = client.get(f"/api/v1/visits/{visit_id}.pdf", params={"lang": "zh"}, headers=auth)
    assert answer.status_code == 200, answer.text
    return pdf_text(answer.content, tmp)


def test_a_rare_character_is_drawn_from_the_full_face_and_an_unknown_one_is_replaced(
        pdf_server: PdfServer, rare_visit: str, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    need_full_face()
    with caplog.at_level(logging.WARNING, logger="sync_server.pdf.fonts"):
        text = visit_text(pdf_server.client, rare_visit, pdf_server.auth("auditor"), tmp_path)
    assert f"{RARE}野家" in text
    assert "[U+30000]店" in text and NOWHERE not in text
    assert any("U+30000" in record.getMessage() for record in caplog.records)
    assert not any("U+20BB7" in record.getMessage() for record in caplog.records)


def test_without_the_full_face_the_subset_replaces_the_rare_character_visibly(
        pdf_server: PdfServer, rare_visit: str, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    settings = pdf_server.settings.model_copy(update={"cjk_font": tmp_path / "not-installed.ttc"})
    with TestClient(create_app(settings), raise_server_exceptions=False) as client, \
            caplog.at_level(logging.WARNING, logger="sync_server.pdf.fonts"):
        text = visit_text(client, rare_visit, pdf_server.auth("auditor"), tmp_path)
    assert "[U+20BB7]野家" in text and RARE not in text
    assert any("U+20BB7" in record.getMessage() for record in caplog.records)
