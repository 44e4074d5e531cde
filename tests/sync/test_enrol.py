"""`enrol_device` against the agreed wire format (httpx.MockTransport stands in for the server)."""

from __future__ import annotations

import json

import httpx
import pytest

from audit_app.sync import (
    Credentials, EnrolmentRateLimited, InvalidEnrolmentCode, InvalidServerAddress, Me,
    NotFieldAuditServer, ServerFailed, ServerUnreachable, enrol_device,
)

from .fake_server import error

ENROLLED = {"token": "device-token-123", "name": "ann", "role": "auditor", "region": "east"}


def _transport(answer: httpx.Response | Exception, seen: list[httpx.Request] | None = None):
    def handle(request: httpx.Request) -> httpx.Response:
        request.read()
        if seen is not None:
            seen.append(request)
        if isinstance(answer, Exception):
            raise answer
        return answer
    return httpx.MockTransport(handle)


def test_a_good_code_gives_the_devices_credentials_and_who_they_belong_to() -> None:
    seen: list[httpx.Request] = []
    creds, me = enrol_device(" https://audit.example.com/api/v1/ ", " AB3D 7KQ9 ",
                             transport=_transport(httpx.Response(201, json=ENROLLED), seen))
    assert creds == Credentials(server_url="https://audit.example.com", token="device-token-123")
    assert me == Me(name="ann", role="auditor", region="east")
    [request] = seen
    assert (request.method, str(request.url)) == ("POST", "https://audit.example.com/api/v1/enrol")
    assert json.loads(request.content) == {"code": "AB3D7KQ9"}
    assert "authorization" not in request.headers


@pytest.mark.parametrize(("answer", "raised"), [
    (error(400, "invalid_enrolment_code", "unknown, used or expired code"), InvalidEnrolmentCode),
    (error(429, "too_many_attempts", "slow down"), EnrolmentRateLimited),
    (httpx.Response(429, text="Too Many Requests"), EnrolmentRateLimited),
    (httpx.Response(200, text="<html>Hotel Wi-Fi login</html>"), NotFieldAuditServer),
    (httpx.Response(201, text="<html>created?</html>"), NotFieldAuditServer),
    (httpx.Response(201, json={"token": "t", "name": "ann"}), NotFieldAuditServer),
    (httpx.Response(302, headers={"location": "http://portal/login"}), NotFieldAuditServer),
    (httpx.Response(404, text="Not Found"), NotFieldAuditServer),
    (error(500, "internal_error", "the server failed; nothing was stored"), ServerFailed),
])
def test_each_failed_enrolment_raises_its_own_error(answer: httpx.Response, raised: type) -> None:
    with pytest.raises(raised) as caught:
        enrol_device("https://audit.example.com", "AB3D7KQ9", transport=_transport(answer))
    assert caught.value.message_en and caught.value.message_zh


@pytest.mark.parametrize("failure", [httpx.ConnectError("refused"), httpx.ConnectTimeout("slow"),
                                     httpx.ReadTimeout("slow")])
def test_no_answer_is_server_unreachable(failure: Exception) -> None:
    with pytest.raises(ServerUnreachable):
        enrol_device("http://10.0.0.9:8080", "AB3D7KQ9", transport=_transport(failure))


@pytest.mark.parametrize("address", ["audit.example.com", "ftp://audit.example.com", "", "http://"])
def test_a_server_address_without_http_is_refused_before_any_request(address: str) -> None:
    seen: list[httpx.Request] = []
    with pytest.raises(InvalidServerAddress):
        enrol_device(address, "AB3D7KQ9", transport=_transport(httpx.Response(201, json=ENROLLED), seen))
    assert seen == []


def test_an_empty_code_is_refused_before_any_request() -> None:
    seen: list[httpx.Request] = []
    with pytest.raises(InvalidEnrolmentCode):
        enrol_device("https://audit.example.com", "  ", transport=_transport(httpx.Response(201), seen))
    assert seen == []


def test_a_rate_limit_names_how_long_to_wait() -> None:
    answer = error(429, "too_many_enrolment_attempts", "slow down")
    answer.headers["Retry-After"] = "290"
    with pytest.raises(EnrolmentRateLimited) as caught:
        enrol_device("https://audit.example.com", "AB3D7KQ9", transport=_transport(answer))
    assert "5 min" in caught.value.message_en and "5 分钟" in caught.value.message_zh
