"""`/checklists`: the current version of every checklist, and any stored version by number."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from audit_app.domain import Checklist

from ..deps import ChecklistsDep, CurrentUser, SessionDep
from ..errors import NOT_FOUND, ApiError, error_responses

router = APIRouter(prefix="/checklists", tags=["checklists"], responses=error_responses(401))


@router.get("", response_model_exclude_none=True)
def list_current(_user: CurrentUser, session: SessionDep, checklists: ChecklistsDep) -> list[Checklist]:
    """Every checklist in its current (highest) version, full JSON."""
    return checklists.current(session)


@router.get("/{checklist_id}/{version}", response_model_exclude_none=True,
            responses=error_responses(404, 422))
def get_version(_user: CurrentUser, session: SessionDep, checklists: ChecklistsDep,
                checklist_id: Annotated[str, Path(max_length=64)],
                version: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> Checklist:
    """One checklist version; old versions stay readable for old visits."""
    checklist = checklists.get(session, checklist_id, version)
    if checklist is None:
        raise ApiError(404, NOT_FOUND, f"no checklist {checklist_id} v{version}")
    return checklist
