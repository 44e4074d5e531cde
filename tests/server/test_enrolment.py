"""Enrolment: `audit-server enrol` codes traded for device tokens at `POST /enrol`.

Replayed, expired, guessed and malformed codes get the same 400 and no token; wrong codes are
rate-limited per client; every device has its own token and revoking the user ends them all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from sync_server.accounts import revoke_user
from sync_server.app import create_app
from sync_server.cli import run
from sync_server.db import make_engine, make_session_factory
from sync_server.enrolment import (
    ALPHABET, CODE_LENGTH, WRONG_CODE_LIMIT, enrolment_link, issue_code, redeem_code,
)
from sync_server.settings import Settings
from sync_server.tables import DeviceToken, EnrolmentCode

from .conftest import CHECKLIST_DIR, populate

T0 = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)


class Clock:
    """The server's clock, moved by the test."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@dataclass
class Enrol:
    settings: Settings
    client: TestClient
    clock: Clock
    tokens: dict[str, str]

    def code(self, name: str, at: dt.datetime | None = None) -> str:
        engine = make_engine(self.settings)
        try:
            with make_session_factory(engine)() as session:
                return issue_code(session, name, at or self.clock.now).code
        finally:
            engine.dispose()

    def enrol(self, code: str, client: TestClient | None = None):  # type: ignore[no-untyped-def]
        return (client or self.client).post("/api/v1/enrol", json={"code": code})

    def works(self, token: str) -> bool:
        answer = self.client.get("/api/v1/sites", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code in (200, 401), answer.text
        return answer.status_code == 200


@pytest.fixture
def enrol(settings: Settings) -> Iterator[Enrol]:
    tokens = populate(settings)
    clock = Clock(T0)
    with TestClient(create_app(settings, clock=clock), raise_server_exceptions=False) as client:
        yield Enrol(settings, client, clock, tokens)


def assert_refused(answer) -> None:  # type: ignore[no-untyped-def]
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["code"] == "invalid_enrolment_code"
    assert "token" not in answer.text


def test_a_code_enrols_a_device_with_a_token_of_its_own(enrol: Enrol) -> None:
    code = enrol.code("manager_north")
    assert len(code) == CODE_LENGTH and set(code) <= set(ALPHABET)
    answer = enrol.enrol(code)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert {k: body[k] for k in ("name", "role", "region")} == {
        "name": "manager_north", "role": "manager", "region": "north"}
    assert body["token"] != enrol.tokens["manager_north"] and len(body["token"]) >= 40
    assert enrol.works(body["token"])
    reports = enrol.client.get("/api/v1/reports/compliance", params={"group_by": "site"},
                               headers={"Authorization": f"Bearer {body['token']}"})
    assert reports.status_code == 200  # the device token carries the user's role


def test_a_replayed_code_gets_400_and_no_token(enrol: Enrol) -> None:
    code = enrol.code("auditor_a")
    assert enrol.enrol(code).status_code == 201
    assert_refused(enrol.enrol(code))


def test_a_code_expires_after_24_hours(enrol: Enrol) -> None:
    fresh, stale = enrol.code("auditor_a"), enrol.code("auditor_b")
    enrol.clock.now = T0 + dt.timedelta(hours=24) - dt.timedelta(seconds=1)
    assert enrol.enrol(fresh).status_code == 201
    enrol.clock.now = T0 + dt.timedelta(hours=24)
    assert_refused(enrol.enrol(stale))


def test_guessed_malformed_and_revoked_users_codes_all_get_the_same_answer(enrol: Enrol) -> None:
    revoked_code = enrol.code("auditor_b")
    revoke_user_named(enrol.settings, "auditor_b")
    answers = [enrol.enrol(code) for code in
               ("23456789", "ABCDEFGH", "not a code", "0O1IL000", revoked_code)]
    for answer in answers:
        assert_refused(answer)
    assert len({answer.text for answer in answers}) == 1  # nothing tells them apart


def test_a_code_is_accepted_in_lower_case_with_spaces_or_a_dash(enrol: Enrol) -> None:
    code = enrol.code("auditor_a")
    typed = f" {code[:4].lower()}-{code[4:]} "
    assert enrol.enrol(typed).status_code == 201


def test_a_missing_code_is_422_listing_the_problem(enrol: Enrol) -> None:
    answer = enrol.client.post("/api/v1/enrol", json={})
    assert answer.status_code == 422
    assert [d["path"] for d in answer.json()["error"]["details"]] == ["body.code"]


def revoke_user_named(settings: Settings, name: str) -> None:
    engine = make_engine(settings)
    with make_session_factory(engine)() as session:
        revoke_user(session, name)
    engine.dispose()


def test_two_devices_both_work_and_revoking_the_user_ends_every_token(enrol: Enrol) -> None:
    phone = enrol.enrol(enrol.code("auditor_a")).json()["token"]
    laptop = enrol.enrol(enrol.code("auditor_a")).json()["token"]
    own = enrol.tokens["auditor_a"]
    assert phone != laptop
    assert enrol.works(phone) and enrol.works(laptop) and enrol.works(own)
    revoke_user_named(enrol.settings, "auditor_a")
    assert not enrol.works(phone) and not enrol.works(laptop) and not enrol.works(own)
    assert enrol.works(enrol.tokens["auditor_b"])


def test_codes_and_device_tokens_are_stored_only_as_hashes(enrol: Enrol) -> None:
    code = enrol.code("auditor_a")
    token = enrol.enrol(code).json()["token"]
    engine = make_engine(enrol.settings)
    with make_session_factory(engine)() as session:
        stored_codes = list(session.scalars(select(EnrolmentCode.code_hash)))
        stored_tokens = list(session.scalars(select(DeviceToken.token_hash)))
        used = session.scalars(select(EnrolmentCode.used_at)).one()
    engine.dispose()
    assert code not in stored_codes and len(stored_codes) == 1
    assert token not in stored_tokens and len(stored_tokens) == 1
    assert used is not None


def test_wrong_codes_are_rate_limited_per_client_and_the_limit_passes(enrol: Enrol) -> None:
    right = enrol.code("auditor_a")
    for _ in range(WRONG_CODE_LIMIT):
        assert_refused(enrol.enrol("ZZZZZZZZ"))
    limited = enrol.enrol(right)  # even the right code: otherwise guessing would go on
    assert limited.status_code == 429, limited.text
    assert limited.json()["error"]["code"] == "too_many_enrolment_attempts"
    assert 1 <= int(limited.headers["retry-after"]) <= 600
    with TestClient(enrol.client.app, client=("10.0.0.2", 50000)) as other:
        assert enrol.enrol(enrol.code("auditor_b"), other).status_code == 201
    enrol.clock.now = T0 + dt.timedelta(minutes=10, seconds=1)
    assert enrol.enrol(right).status_code == 201


def test_right_codes_do_not_count_towards_the_limit(enrol: Enrol) -> None:
    for _ in range(WRONG_CODE_LIMIT - 1):
        assert_refused(enrol.enrol("ZZZZZZZZ"))
    for _ in range(3):
        assert enrol.enrol(enrol.code("auditor_a")).status_code == 201
    assert_refused(enrol.enrol("ZZZZZZZZ"))  # the 10th wrong one is still answered
    assert enrol.enrol("ZZZZZZZZ").status_code == 429


def test_one_code_redeemed_by_racing_devices_makes_one_token(enrol: Enrol) -> None:
    code = enrol.code("auditor_a")
    engine = make_engine(enrol.settings)
    sessions = make_session_factory(engine)

    def redeem(_: int) -> bool:
        with sessions() as session:
            return redeem_code(session, code, T0) is not None

    try:
        with ThreadPoolExecutor(6) as pool:
            results = list(pool.map(redeem, range(6)))
        with sessions() as session:
            devices = len(list(session.scalars(select(DeviceToken.id))))
    finally:
        engine.dispose()
    assert results.count(True) == 1 and devices == 1


def test_enrolment_link_carries_the_code_and_the_quoted_server_address() -> None:
    link = enrolment_link("http://127.0.0.1:8550/", "http://10.0.0.5:8080/api", "ABCD2345")
    assert link == "http://127.0.0.1:8550/?enrol=ABCD2345&server=http%3A%2F%2F10.0.0.5%3A8080%2Fapi"
    assert parse_qs(urlsplit(link).query) == {"enrol": ["ABCD2345"],
                                              "server": ["http://10.0.0.5:8080/api"]}


def test_enrol_command_prints_a_code_and_link_that_enrol_a_device(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    environ = {"AUDIT_DATA_DIR": str(tmp_path), "AUDIT_CHECKLIST_DIR": str(CHECKLIST_DIR)}
    assert run(["create-user", "mei", "--role", "manager", "--region", "east"], environ) == 0
    capsys.readouterr()
    assert run(["enrol", "mei", "--app-url", "http://app.test:9000",
                "--server-url", "http://sync.test:8080"], environ) == 0
    printed = capsys.readouterr().out.splitlines()
    code = printed[-2].removeprefix("code: ")
    assert printed[-1] == f"link: {enrolment_link('http://app.test:9000', 'http://sync.test:8080', code)}"
    assert "mei (manager, region east)" in printed[0]
    settings = Settings(data_dir=tmp_path, checklist_dir=CHECKLIST_DIR)
    with TestClient(create_app(settings)) as client:
        answer = client.post("/api/v1/enrol", json={"code": code})
        assert answer.status_code == 201 and answer.json()["region"] == "east"


def test_enrol_command_refuses_unknown_and_revoked_users(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    environ = {"AUDIT_DATA_DIR": str(tmp_path)}
    assert run(["enrol", "nobody"], environ) == 1
    assert "no user named 'nobody'" in capsys.readouterr().err
    assert run(["create-user", "li", "--role", "auditor"], environ) == 0
    assert run(["revoke-user", "li"], environ) == 0
    assert run(["enrol", "li"], environ) == 1
    assert "revoked" in capsys.readouterr().err
