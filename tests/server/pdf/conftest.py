"""A server on the bundled checklists with one realistic visit (6 photos, 2 knock-outs), made
once per module: PDFs take about a second each, so each language is made once and read by many
tests."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sync_server.accounts import create_user
from sync_server.app import create_app, prepare_database
from sync_server.db import make_engine, make_session_factory
from sync_server.settings import REPO_CHECKLIST_DIR, Settings
from sync_server.tables import Site, Staff

from .report_data import RETAIL, photo_jpeg, upload, visit_body

SITE_NAME = "静安寺旗舰店 Jing'an Flagship"
KNOCK_OUTS = {item.key for item in RETAIL.items if item.critical}
FAILING = KNOCK_OUTS | {"greet_within_3s", "first_response_within_60s"}
# The server's clock: fixed, so flags that compare device and server times, reviews and the
# footer's generation time never depend on the day the tests run.
SERVER_NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def need_poppler() -> None:
    import os
    if shutil.which("pdftotext") is None or shutil.which("pdfimages") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("poppler-utils (pdftotext, pdfimages) missing; .ci/run installs them")
        pytest.skip("poppler-utils not installed")


def pdf_text(pdf: bytes, tmp: Path) -> str:
    path = tmp / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def pdf_images(pdf: bytes, tmp: Path) -> list[tuple[int, int, str]]:
    """(width, height, encoding) of every image `pdfimages -list` finds."""
    path = tmp / "report.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True,
                         check=True).stdout.splitlines()[2:]
    return [(int(cols[3]), int(cols[4]), cols[8]) for cols in (line.split() for line in out)]


@dataclass
class PdfServer:
    settings: Settings
    client: TestClient
    tokens: dict[str, str]
    visit_id: str
    photos: list[bytes]

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


@pytest.fixture(scope="module")
def pdf_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PdfServer]:
    need_poppler()
    settings = Settings(data_dir=tmp_path_factory.mktemp("pdf-server"), checklist_dir=REPO_CHECKLIST_DIR)
    prepare_database(settings)
    engine = make_engine(settings)
    now = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
    with make_session_factory(engine)() as session:
        tokens = {"auditor": create_user(session, "auditor-li", "auditor"),
                  "manager": create_user(session, "manager-east", "manager", "east"),
                  "admin": create_user(session, "admin", "admin")}
        session.add(Site(id="site-ja", name=SITE_NAME, region="east", updated_at=now))
        session.flush()
        session.add(Staff(id="staff-wf", name="王芳", site_id="site-ja", updated_at=now))
        session.commit()
    engine.dispose()
    photos = [photo_jpeg(n) for n in range(6)]
    items = [item.key for item in RETAIL.items]
    body = visit_body(RETAIL, site_id="site-ja", staff_ids=["staff-wf"], failing=FAILING,
                      photos={items[0]: photos[0:2], items[1]: photos[2:3], items[5]: photos[3:6]},
                      notes={items[0]: "等了很久才有人问候 / a long wait"})
    with TestClient(create_app(settings, clock=lambda: SERVER_NOW),
                    raise_server_exceptions=False) as client:
        visit_id = upload(client, {"Authorization": f"Bearer {tokens['auditor']}"}, body, photos)
        yield PdfServer(settings, client, tokens, visit_id, photos)
