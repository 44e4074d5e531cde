"""`GET /healthz`: liveness, no auth."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str


@router.get("/healthz")
def healthz() -> Health:
    """The server is up."""
    return Health(status="ok")
