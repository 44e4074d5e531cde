"""The fault proxy itself does what the sync tests rely on, in front of the real server."""

from __future__ import annotations

import random
from collections.abc import Iterator

import httpx
import pytest

from audit_app.device import Device
from audit_app.domain import Visit, content_hash

from .conftest import LiveServer
from .fault_proxy import Fault, FaultProxy, ProxiedRequest, RandomFaults, ScriptedFaults
from .phone import make_visit
from .server_state import latest_revisions, stored_revisions


@pytest.fixture
def proxy(live_server: LiveServer) -> Iterator[FaultProxy]:
    with FaultProxy(live_server.url, hold_s=2.0) as running:
        yield running


def script(*faults: Fault) -> ScriptedFaults:
    return ScriptedFaults([("GET", "/healthz", fault) for fault in faults])


def test_each_failure_reaches_the_client_as_a_network_or_non_api_answer(proxy: FaultProxy) -> None:
    proxy.plan = script(Fault.RESET, Fault.TIMEOUT, Fault.BAD_GATEWAY, Fault.CAPTIVE_PORTAL,
                        Fault.LOGIN_REDIRECT, Fault.LOST_ACK)
    with httpx.Client(base_url=proxy.url, timeout=0.5) as client:
        with pytest.raises(httpx.ReadError):
            client.get("/healthz")
        with pytest.raises(httpx.ReadTimeout):
            client.get("/healthz")
        assert client.get("/healthz").status_code == 502
        portal = client.get("/healthz")
        assert (portal.status_code, portal.headers["content-type"]) == (200, "text/html")
        redirect = client.get("/healthz")
        assert redirect.status_code == 302 and "/login" in redirect.headers["location"]
        with pytest.raises(httpx.ReadError):
            client.get("/healthz")
        assert client.get("/healthz").json() == {"status": "ok"}  # the script is used up
    assert proxy.stats.requests == 7
    assert proxy.stats.upstream_requests == 2  # only the lost answer and the last one went up
    assert [status for _request, _fault, status in proxy.stats.log] == [None, None, 502, 200, 302, 200, 200]


def test_a_lost_answer_was_committed_and_a_duplicate_reaches_the_server_twice(
        live_server: LiveServer, proxy: FaultProxy, device: Device) -> None:
    name, token = live_server.new_user("auditor")
    visit_id = make_visit(device, random.Random(1), site_id="site-n1", staff_ids=["staff-1"], photos=0)
    with device.lock:
        body = device.store.outbox.pending_uploads()[0].visit.model_dump(mode="json")
    proxy.plan = ScriptedFaults([("PUT", "/api/v1/visits/", Fault.LOST_ACK),
                                 ("PUT", "/api/v1/visits/", Fault.DUPLICATE)])
    with httpx.Client(base_url=proxy.url, headers={"Authorization": f"Bearer {token}"}) as client:
        with pytest.raises(httpx.ReadError):
            client.put(f"/api/v1/visits/{visit_id}", json=body)
        assert latest_revisions(live_server, name) == {visit_id: 1}  # committed, answer lost
        replay = client.put(f"/api/v1/visits/{visit_id}", json=body)
    assert replay.status_code == 200  # the second copy of the duplicate is a replay
    assert [fault for _r, fault, _s in proxy.stats.log] == [Fault.LOST_ACK, Fault.DUPLICATE]
    assert proxy.stats.upstream_requests == 3
    assert stored_revisions(live_server, name) == {visit_id: {1: content_hash(Visit.model_validate(body))}}


def test_bytes_are_counted_on_both_sides_and_random_faults_follow_their_seed(proxy: FaultProxy) -> None:
    with httpx.Client(base_url=proxy.url) as client:
        client.post("/healthz", content=b"x" * 10_000)
    assert proxy.stats.bytes_from_client > 10_000
    assert proxy.stats.bytes_to_client > 0
    assert proxy.stats.body_bytes("POST", "/healthz") == 10_000

    def draw(seed: int) -> list[Fault]:
        plan = RandomFaults(rate=0.5, seed=seed)
        return [plan(ProxiedRequest(n, "GET", "/", 0)) for n in range(200)]

    faults = draw(3)
    assert faults == draw(3) and faults != draw(4)
    assert 60 < sum(fault is not Fault.PASS for fault in faults) < 140
    assert set(faults) == {Fault.PASS, *RandomFaults(0.5, 3).kinds}


def test_the_proxy_serves_only_a_server_on_the_loopback_address() -> None:
    with pytest.raises(ValueError):
        FaultProxy("http://10.0.0.1:8080")


def test_the_proxy_stops_listening_after_its_request_budget(live_server: LiveServer) -> None:
    with FaultProxy(live_server.url, max_requests=2) as proxy:
        with httpx.Client(base_url=proxy.url) as client:
            assert [client.get("/healthz").status_code for _ in range(2)] == [200, 200]
            with pytest.raises(httpx.ReadError):
                client.get("/healthz")
            with pytest.raises(httpx.ConnectError):
                client.get("/healthz")
