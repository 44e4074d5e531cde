"""The roster both the in-process and the live test servers start with."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from sync_server.tables import Site, Staff


def add_north_and_south_sites(session: Session, now: dt.datetime) -> None:
    """Sites site-n1 (north) and site-s1 (south) with staff-1, staff-2 and staff-3; the caller commits."""
    session.add_all([Site(id="site-n1", name="North One", region="north", updated_at=now),
                     Site(id="site-s1", name="South One", region="south", updated_at=now)])
    session.flush()
    session.add_all([Staff(id="staff-1", name="Li Na", site_id="site-n1", updated_at=now),
                     Staff(id="staff-2", name="Wang Wei", site_id="site-n1", updated_at=now),
                     Staff(id="staff-3", name="Zhang Min", site_id="site-s1", updated_at=now)])
