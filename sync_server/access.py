"""Who may read what: one definition for visits, corrective actions and the photos they cite.

A visit is readable by its auditor, admins, managers without a region, and managers whose
region is the visit's site's region. A photo is readable by admins, and by whoever may read a
visit whose *latest* revision cites it: that is the revision `GET /visits/{id}` shows, and a
photo the auditor removed in a later revision (a wrong shot, a bystander) stops being served.
An action is readable by admins, managers without a region, managers of its site's region,
and the auditor who created it or is assigned to it; a photo of a fix by whoever may read the
action whose event cites it. Anyone else gets 404, as if it did not exist, so hashes and ids leak nothing."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_, select, true
from sqlalchemy.orm import Session

from .tables import Action, ActionEventRow, ActionPhoto, Photo, Site, User, VisitPhoto, VisitRevision


def may_read_visit(user: User, auditor_id: str, site_region: str | None) -> bool:
    if user.role == "admin":
        return True
    if user.role == "auditor":
        return auditor_id == user.id
    return user.region is None or user.region == site_region


def may_read_action(user: User, created_by: str, assignee: str | None,
                    site_region: str | None) -> bool:
    if user.role == "auditor":
        return user.id in (created_by, assignee)
    return may_read_visit(user, "", site_region)


def readable_actions(user: User) -> ColumnElement[bool]:
    """`may_read_action` as a WHERE condition on `actions` (joined to nothing)."""
    if user.role == "auditor":
        return or_(Action.created_by == user.id, Action.assignee == user.id)
    if user.role == "manager" and user.region is not None:
        return Action.site_id.in_(select(Site.id).where(Site.region == user.region))
    return true()


def readable_photo(session: Session, user: User, sha256: str) -> Photo | None:
    """The stored photo if `user` may read it, else None (unknown and forbidden look alike)."""
    photo = session.get(Photo, sha256)
    if photo is None or user.role == "admin":
        return photo
    citing = (select(VisitPhoto.visit_id)
              .join(VisitRevision, and_(VisitRevision.visit_id == VisitPhoto.visit_id,
                                        VisitRevision.revision == VisitPhoto.revision))
              .where(VisitPhoto.sha256 == sha256, VisitRevision.is_latest.is_(True)))
    # The same rule as may_read_visit, as SQL: one cited visit the user may read is enough.
    if user.role == "auditor":
        citing = citing.where(VisitRevision.auditor_id == user.id)
    elif user.region is not None:
        citing = citing.join(Site, Site.id == VisitRevision.site_id).where(Site.region == user.region)
    if session.scalars(citing.limit(1)).first() is not None:
        return photo
    fixes = (select(ActionPhoto.event_id)
             .join(ActionEventRow, ActionEventRow.id == ActionPhoto.event_id)
             .join(Action, Action.id == ActionEventRow.action_id)
             .where(ActionPhoto.sha256 == sha256, readable_actions(user)))
    return photo if session.scalars(fixes.limit(1)).first() is not None else None
