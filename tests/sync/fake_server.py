"""An in-memory stand-in for the sync API behind `httpx.MockTransport`, with a hook that lets a
test answer any request its own way (a portal's HTML, a 302, a 429, a timeout...).

It follows CONTRACT §4 for what the client uses: /me, /sites, /checklists, /photos/missing,
PUT /photos/{sha}, PUT /visits/{id} (201 new, 200 replay, 409 conflict, missing_photos) and
POST /visits/batch (each result what that PUT answers)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from audit_app.checklist_files import load_checklist_dir
from audit_app.domain import Visit, canonical_json

Hook = Callable[[httpx.Request], httpx.Response | Exception | None]


def error(status: int, code: str, message: str, details: list[dict] | None = None) -> httpx.Response:
    return httpx.Response(status, json={"error": {"code": code, "message": message,
                                                  "details": details or []}})


@dataclass
class FakeServer:
    token: str = "good-token"
    me: dict = field(default_factory=lambda: {"name": "ann", "role": "auditor", "region": None})
    photos: dict[str, bytes] = field(default_factory=dict)
    visits: dict[tuple[str, int], str] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)
    hook: Hook | None = None
    batch_route: bool = True  # False: a server from before POST /visits/batch (404)
    # Answers one visit its own way, whether it came alone (PUT) or in a batch.
    visit_hook: Callable[[Visit], httpx.Response | None] | None = None

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def paths(self) -> list[str]:
        return [f"{r.method} {r.url.path.removeprefix('/api/v1')}" for r in self.requests]

    def handle(self, request: httpx.Request) -> httpx.Response:
        body = request.read()  # consumes a streamed body too
        self.requests.append(request)
        if self.hook is not None:
            hooked = self.hook(request)
            if isinstance(hooked, Exception):
                raise hooked
            if hooked is not None:
                return hooked
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return error(401, "unauthorized", "unknown or revoked token")
        path = request.url.path.removeprefix("/api/v1")
        if request.method == "GET" and path == "/me":
            return httpx.Response(200, json=self.me)
        if request.method == "GET" and path == "/sites":
            return httpx.Response(200, json=[{"id": "site-1", "name": "One", "region": None,
                                              "staff": [{"id": "staff-1", "name": "Li", "site_id": "site-1"}]}])
        if request.method == "GET" and path == "/visits":  # reviews needing attention: none here
            return httpx.Response(200, json=[])
        if request.method == "GET" and path == "/actions":  # corrective actions: none here
            return httpx.Response(200, json=[])
        if request.method == "GET" and path == "/checklists":
            return httpx.Response(200, json=[c.model_dump(mode="json") for c in load_checklist_dir()])
        if request.method == "POST" and path == "/photos/missing":
            hashes = json.loads(body)["hashes"]
            return httpx.Response(200, json={"missing": [h for h in hashes if h not in self.photos]})
        if request.method == "PUT" and path.startswith("/photos/"):
            sha = path.removeprefix("/photos/")
            if hashlib.sha256(body).hexdigest() != sha:
                return error(422, "hash_mismatch", "the body's SHA-256 is not the path's")
            created = sha not in self.photos
            self.photos[sha] = body
            return httpx.Response(201 if created else 200, json={
                "sha256": sha, "status": "created" if created else "present",
                "media_type": "image/jpeg", "width": 1, "height": 1})
        if request.method == "POST" and path == "/visits/batch" and self.batch_route:
            results = []
            for raw in json.loads(body)["visits"]:
                answer = self.store_visit(Visit.model_validate(raw))
                results.append({"id": raw["id"], "status_code": answer.status_code, **answer.json()})
            return httpx.Response(200, json={"results": results})
        if request.method == "PUT" and path.startswith("/visits/"):
            return self.store_visit(Visit.model_validate_json(body))
        return error(404, "not_found", "no such route")

    def store_visit(self, visit: Visit) -> httpx.Response:
        """What PUT /visits/{id} answers (a batch result holds the same)."""
        hooked = self.visit_hook(visit) if self.visit_hook is not None else None
        if hooked is not None:
            return hooked
        content = canonical_json(visit)
        stored = self.visits.get((visit.id, visit.revision))
        if stored is not None and stored != content:
            return error(409, "revision_conflict", f"revision {visit.revision} is already "
                                                   "stored with different content")
        self.visits[(visit.id, visit.revision)] = content
        return httpx.Response(200 if stored else 201, json={
            "id": visit.id, "revision": visit.revision, "status": "replayed" if stored else "created",
            "received_at": datetime.now(UTC).isoformat(),
            "missing_photos": [p.sha256 for p in visit.photos if p.sha256 not in self.photos]})
