"""Every reason an uploaded visit is refused with 422, collected in one list.

The domain's `visit_problems` covers the visit against its checklist; this adds what only the
server knows: the path id, and whether the site, staff and checklist version exist. A batch reads
the sites and staff of all its visits at once (`known_rows`) and checks each visit against them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from audit_app.domain import Checklist, Visit, visit_problems

from .catalog import ChecklistCache
from .errors import ErrorDetail
from .tables import ChecklistVersion, Site, Staff

ID_MISMATCH = "id_mismatch"
UNKNOWN_CHECKLIST = "unknown_checklist"
UNKNOWN_CHECKLIST_VERSION = "unknown_checklist_version"
UNKNOWN_SITE = "unknown_site"
UNKNOWN_STAFF = "unknown_staff"
OUT_OF_RANGE = "out_of_range"
# Revisions and versions are stored as 32-bit integers (INTEGER on SQLite and PostgreSQL alike).
MAX_INT32 = 2**31 - 1


@dataclass(frozen=True)
class KnownRows:
    """The stored sites and staff ids some visits name (the others do not exist)."""

    sites: dict[str, Site]
    staff: frozenset[str]


def _named_staff(visit: Visit) -> list[tuple[str, int, str]]:
    named = [("staff_ids", index, staff_id) for index, staff_id in enumerate(visit.staff_ids)]
    return named + [("observations", index, obs.staff_id) for index, obs in enumerate(visit.observations)
                    if obs.staff_id is not None]


def known_rows(session: Session, visits: Sequence[Visit]) -> KnownRows:
    """The sites and staff `visits` name, two queries however many visits there are."""
    site_ids = sorted({visit.site_id for visit in visits})
    staff_ids = sorted({staff_id for visit in visits for _, _, staff_id in _named_staff(visit)})
    sites = {site.id: site for site in session.scalars(select(Site).where(Site.id.in_(site_ids)))} \
        if site_ids else {}
    staff = frozenset(session.scalars(select(Staff.id).where(Staff.id.in_(staff_ids)))) \
        if staff_ids else frozenset()
    return KnownRows(sites, staff)


def upload_problems(session: Session, checklists: ChecklistCache, path_id: str, visit: Visit,
                    known: KnownRows | None = None) -> tuple[Checklist | None, list[ErrorDetail]]:
    """The visit's checklist (if it exists) and every problem with the upload; `known` (read for
    a whole batch) saves reading the visit's site and staff again."""
    if known is None:
        known = known_rows(session, [visit])
    problems: list[ErrorDetail] = []
    if visit.id != path_id:
        problems.append(ErrorDetail(code=ID_MISMATCH, path="id",
                                    message=f"the body's id {visit.id} is not the path's {path_id}",
                                    message_zh="访问编号与上传地址不一致"))
    if visit.site_id not in known.sites:
        problems.append(ErrorDetail(code=UNKNOWN_SITE, path="site_id",
                                    message=f"{visit.site_id}: no such site",
                                    message_zh=f"门店 {visit.site_id} 在服务器上不存在"))
    for field, index, staff_id in _named_staff(visit):
        if staff_id not in known.staff:
            path = f"staff_ids[{index}]" if field == "staff_ids" else f"observations[{index}].staff_id"
            problems.append(ErrorDetail(code=UNKNOWN_STAFF, path=path,
                                        message=f"{staff_id}: no such staff member",
                                        message_zh=f"员工 {staff_id} 在服务器上不存在"))
    for field, number in (("revision", visit.revision), ("checklist_version", visit.checklist_version)):
        if number > MAX_INT32:
            problems.append(ErrorDetail(code=OUT_OF_RANGE, path=field,
                                        message=f"{field} must be at most {MAX_INT32}",
                                        message_zh=f"{field} 不能大于 {MAX_INT32}"))
    if visit.checklist_version > MAX_INT32:
        return None, problems
    checklist = checklists.get(session, visit.checklist_id, visit.checklist_version)
    if checklist is None:
        any_version = session.scalars(select(ChecklistVersion.version)
                                      .where(ChecklistVersion.id == visit.checklist_id)).first()
        if any_version is None:
            problems.append(ErrorDetail(code=UNKNOWN_CHECKLIST, path="checklist_id",
                                        message=f"{visit.checklist_id}: no such checklist",
                                        message_zh=f"服务器上没有检查表 {visit.checklist_id}"))
        else:
            problems.append(ErrorDetail(
                code=UNKNOWN_CHECKLIST_VERSION, path="checklist_version",
                message=f"{visit.checklist_id} has no version {visit.checklist_version}",
                message_zh=f"服务器上没有检查表 {visit.checklist_id} 第 {visit.checklist_version} 版"))
    else:
        problems.extend(ErrorDetail(code=p.code, path=p.path, message=p.message, message_zh=p.message_zh)
                        for p in visit_problems(visit, checklist))
    return checklist, problems
