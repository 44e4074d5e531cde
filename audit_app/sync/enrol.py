"""Enrolment: trade a one-time code (from `audit-server enrol`) for this device's own token.

Wire format (agreed with the server): `POST /api/v1/enrol {"code": "..."}`, no auth →
`201 {"token", "name", "role", "region"}`; a bad, used or expired code → 400 with the error code
`invalid_enrolment_code`; too many wrong codes → 429. Not retried: the user is waiting and
can press the button again."""

from __future__ import annotations

import math

import httpx
from pydantic import ValidationError

from .credentials import Credentials
from .errors import (
    EnrolmentRateLimited, InvalidEnrolmentCode, NotFieldAuditServer, ServerFailed, ServerUnreachable,
)
from .http import (
    DEFAULT_RETRY, json_body, make_client, normalise_server_url, parse_error_body, retry_after_seconds,
)
from .roster import Me


class _Enrolled(Me):
    token: str


def enrol_device(server_url: str, code: str, *,
                 transport: httpx.BaseTransport | None = None) -> tuple[Credentials, Me]:
    """The device's credentials and who they belong to; raises a `SyncError` subclass."""
    server_url = normalise_server_url(server_url)
    cleaned = "".join(code.split())
    if not cleaned:
        raise InvalidEnrolmentCode("enter the enrolment code", "请输入注册码")
    with make_client(server_url, None, transport=transport, policy=DEFAULT_RETRY) as client:
        try:
            response = client.post("/enrol", content=json_body({"code": cleaned}),
                                   headers={"Content-Type": "application/json"})
        except httpx.TransportError as exc:
            raise ServerUnreachable(f"cannot reach {server_url} ({type(exc).__name__})",
                                    "无法连接服务器，请检查地址和网络") from exc
    error = parse_error_body(response)
    if response.status_code == 201:
        try:
            enrolled = _Enrolled.model_validate(response.json())
        except (ValueError, ValidationError):
            raise _not_our_server(server_url) from None
        if not enrolled.token:
            raise _not_our_server(server_url)
        me = Me(name=enrolled.name, role=enrolled.role, region=enrolled.region)
        return Credentials(server_url=server_url, token=enrolled.token), me
    if response.status_code == 400 and error is not None and error.code == "invalid_enrolment_code":
        raise InvalidEnrolmentCode("the enrolment code is wrong, already used or expired; "
                                   "ask for a new one", "注册码错误、已使用或已过期，请重新申请")
    if response.status_code == 429:
        wait = retry_after_seconds(response)
        if wait is not None:
            minutes = max(1, math.ceil(wait / 60))
            raise EnrolmentRateLimited(f"too many wrong codes; try again in {minutes} min",
                                       f"错误次数过多，请 {minutes} 分钟后再试")
        raise EnrolmentRateLimited("too many wrong codes; wait a while and try again",
                                   "错误次数过多，请稍后再试")
    if response.status_code >= 500 and error is not None:
        raise ServerFailed(f"the server failed ({error.message}); try again later",
                           "服务器出错，请稍后再试")
    raise _not_our_server(server_url)


def _not_our_server(server_url: str) -> NotFieldAuditServer:
    return NotFieldAuditServer(f"{server_url} did not answer like a Field Audit server "
                               "(check the address, or log in to the network first)",
                               "该地址的回应不像现场审核服务器（请检查地址，或先登录网络）")
