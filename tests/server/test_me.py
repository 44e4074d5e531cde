"""`GET /me`: any valid token learns its own name, role and region; nothing else gets in."""

from __future__ import annotations

import pytest

from .conftest import CAST, Server


@pytest.mark.parametrize("who", ["auditor_a", "manager_north", "manager_all", "admin"])
def test_me_names_the_tokens_owner(server: Server, who: str) -> None:
    answer = server.client.get("/api/v1/me", headers=server.auth(who))
    assert answer.status_code == 200
    role, region = CAST[who]
    assert answer.json() == {"name": who, "role": role, "region": region}


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not-a-token"},
                                     {"Authorization": "Basic YWxpY2U6c2VjcmV0"}])
def test_me_without_a_valid_token_is_401(server: Server, headers: dict[str, str]) -> None:
    answer = server.client.get("/api/v1/me", headers=headers)
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "unauthorized"


def test_me_with_a_revoked_token_is_401(server: Server) -> None:
    answer = server.client.get("/api/v1/me", headers=server.auth("revoked"))
    assert answer.status_code == 401

