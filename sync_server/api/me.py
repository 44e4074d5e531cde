"""`/me`: who the token belongs to, so the phone can greet the user and show role-based screens."""

from __future__ import annotations

from fastapi import APIRouter

from ..deps import CurrentUser
from ..errors import error_responses
from ..schemas import MePublic

router = APIRouter(tags=["me"], responses=error_responses(401))


@router.get("/me")
async def get_me(user: CurrentUser) -> MePublic:
    """The caller's name, role and region (any role)."""
    return MePublic(name=user.id, role=user.role, region=user.region)  # type: ignore[arg-type]
