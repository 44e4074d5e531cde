"""`/sites` and `/staff`: where visits happen and who works there. Admins create and update."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Response
from sqlalchemy import select

from ..deps import AdminUser, CurrentUser, SessionDep
from ..errors import UNKNOWN_SITE, ApiError, ErrorDetail, error_responses
from ..schemas import SitePublic, SiteUpdate, StaffPublic, StaffUpdate
from ..tables import Site, Staff

router = APIRouter(tags=["sites"], responses=error_responses(401))
IdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]


def _public(site: Site, staff: list[Staff]) -> SitePublic:
    return SitePublic(id=site.id, name=site.name, region=site.region, lat=site.lat, lon=site.lon,
                      radius_m=site.radius_m if site.radius_m is not None else 300.0, staff=[StaffPublic(id=s.id, name=s.name, site_id=s.site_id) for s in staff])


@router.get("/sites")
def list_sites(_user: CurrentUser, session: SessionDep) -> list[SitePublic]:
    """Every site with its staff."""
    staff_by_site: dict[str, list[Staff]] = {}
    for member in session.scalars(select(Staff).order_by(Staff.id)):
        staff_by_site.setdefault(member.site_id, []).append(member)
    return [_public(site, staff_by_site.get(site.id, []))
            for site in session.scalars(select(Site).order_by(Site.id))]


@router.put("/sites/{site_id}", status_code=200,
            responses={201: {"model": SitePublic, "description": "created"},
                       **error_responses(403, 422)})
def put_site(_user: AdminUser, session: SessionDep, site_id: IdPath, body: SiteUpdate,
             response: Response) -> SitePublic:
    """Create (201) or update (200) a site."""
    site = session.get(Site, site_id)
    now = dt.datetime.now(dt.UTC)
    if site is None:
        site = Site(id=site_id, name=body.name, region=body.region, updated_at=now,
                    lat=body.lat, lon=body.lon, radius_m=body.radius_m)
        session.add(site)
        response.status_code = 201
    else:
        site.name, site.region, site.updated_at = body.name, body.region, now
        site.lat, site.lon, site.radius_m = body.lat, body.lon, body.radius_m
    session.commit()
    staff = list(session.scalars(select(Staff).where(Staff.site_id == site_id).order_by(Staff.id)))
    return _public(site, staff)


@router.put("/staff/{staff_id}", status_code=200,
            responses={201: {"model": StaffPublic, "description": "created"},
                       **error_responses(403, 422)})
def put_staff(_user: AdminUser, session: SessionDep, staff_id: IdPath, body: StaffUpdate,
              response: Response) -> StaffPublic:
    """Create (201) or update (200) a staff member; `site_id` must be a known site."""
    if session.get(Site, body.site_id) is None:
        raise ApiError(422, UNKNOWN_SITE, "the staff member's site does not exist", [
            ErrorDetail(code=UNKNOWN_SITE, path="site_id", message=f"{body.site_id}: no such site")])
    member = session.get(Staff, staff_id)
    now = dt.datetime.now(dt.UTC)
    if member is None:
        member = Staff(id=staff_id, name=body.name, site_id=body.site_id, updated_at=now)
        session.add(member)
        response.status_code = 201
    else:
        member.name, member.site_id, member.updated_at = body.name, body.site_id, now
    session.commit()
    return StaffPublic(id=member.id, name=member.name, site_id=member.site_id)
