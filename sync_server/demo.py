"""Demo data: sites, staff, users and a few hundred synthetic visits, so a manager sees a real
report on first run (`audit-server demo`, and `make run`).

Visits are stored through the same code path as `PUT /visits/{id}` (`visit_ingest.ingest`), so every outcome and score comes from the domain. Visit ids are derived from
the seed and the visit's number, so a second run stores nothing twice; the demo users get fresh
tokens on every run (a token is shown once and stored only as a hash, so the old one is
replaced and stops working) and a fresh one-time enrolment code each, printed as an app link.
Devices enrolled by an earlier run keep their own device tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random
import uuid
from dataclasses import dataclass, replace
from typing import Any

from PIL import Image, ImageEnhance
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from audit_app.domain import Checklist, Item, Kind, Visit

from .accounts import create_user, hash_token, new_token
from .app import prepare_database
from .blob_store import BlobStore, open_photo_store
from .catalog import ChecklistCache
from .db import make_engine, make_session_factory
from .demo_photos import jpeg, scene
from .demo_actions import add_demo_actions
from .enrolment import enrolment_link, issue_code
from .errors import ApiError
from .integrity import index_photo
from .photo_store import check_image, store_photo
from .review import set_review
from .settings import Settings
from .tables import ObservationRow, Site, Staff, User, VisitHead
from .visit_ingest import Upload, ingest

CHINA = dt.timezone(dt.timedelta(hours=8))

# (id, name, region, kind of site, pass probability): some sites are clearly worse.
SITES = [
    ("demo-east-1", "Riverside Mall store 江畔商场店", "east", "retail", 0.95),
    ("demo-east-2", "Harbour Road restaurant 海港路餐厅", "east", "restaurant", 0.88),
    ("demo-east-3", "People's Square branch 人民广场支行", "east", "bank", 0.93),
    ("demo-south-1", "Pearl Tower business centre 明珠大厦商务中心", "south", "business", 0.90),
    ("demo-south-2", "Garden Street store 花园街店", "south", "retail", 0.78),
    ("demo-south-3", "Old Town restaurant 老城餐厅", "south", "restaurant", 0.84),
]
REGIONS = {"east": "East 华东", "south": "South 华南"}
# Where the sites are (Shanghai for the east, Guangzhou for the south): check-ins are near them.
COORDINATES = {
    "demo-east-1": (31.2397, 121.4998), "demo-east-2": (31.2520, 121.4890),
    "demo-east-3": (31.2304, 121.4737), "demo-south-1": (23.1291, 113.2644),
    "demo-south-2": (23.1200, 113.3220), "demo-south-3": (23.1110, 113.2510),
}
# A few visits that the integrity signals flag, and some reviews (docs/integrity.md). The
# second grooming visit at the first east site reuses the first one's photo (duplicate_photo),
# at the second east site a brightened copy of it (similar_photo).
DUPLICATE_SITE, SIMILAR_SITE = "demo-east-1", "demo-east-2"
FAR_CHECK_IN, REFUSED_CHECK_IN, TOO_FAST = 2, 3, 5
COPIED_NOTE = (4, 10)
NOTE = "Counter staff chatted on the phone while customers waited 店员在顾客等待时打电话聊天"
REVIEWS = {5: ("rejected", "answered faster than the items can be read 答题速度过快"),
           2: ("has_issues", "checked in 2 km from the shop 签到地点距门店约 2 公里"),
           8: ("approved", None), 9: ("approved", None)}
REVIEWER = "demo-manager"
PICTURE_SIZE = (320, 240)
CHECKLISTS_FOR = {
    "retail": ["retail-store-visit", "phone-mystery-call", "grooming-inspection"],
    "restaurant": ["restaurant-visit", "grooming-inspection"],
    "bank": ["bank-branch-visit", "phone-mystery-call", "complaint-handling-audit"],
    "business": ["business-centre-daily", "complaint-handling-audit"],
}
STAFF_NAMES = [
    "Li Na 李娜", "Wang Wei 王伟", "Zhang Min 张敏", "Liu Yang 刘洋", "Chen Jing 陈静",
    "Yang Fan 杨帆", "Zhao Lei 赵磊", "Huang Li 黄丽", "Zhou Jie 周杰", "Wu Xia 吴霞",
    "Xu Tao 徐涛", "Sun Yan 孙燕", "Ma Chao 马超", "Zhu Hong 朱红", "Hu Bin 胡斌",
    "Guo Ying 郭颖", "He Ping 何平", "Lin Feng 林峰", "Gao Yun 高云", "Luo Qing 罗青",
    "Zheng Kai 郑凯", "Liang Mei 梁梅", "Song Tao 宋涛", "Tang Ning 唐宁",
]
# (name, role, region)
USERS = [
    ("demo-admin", "admin", None),
    ("demo-manager", "manager", None),
    ("demo-manager-east", "manager", "east"),
    ("demo-auditor", "auditor", None),
    ("demo-auditor-2", "auditor", None),
]
AUDITORS = ["demo-auditor", "demo-auditor-2"]
DAYS = 56         # the demo visits fall on the DAYS local dates ending `today`
RECENT_DAYS = 7   # each site's first visit falls in the last week


class DemoError(Exception):
    """The demo cannot be loaded (no checklists, or a demo visit the server refuses)."""


@dataclass(frozen=True)
class DemoLogin:
    name: str
    role: str
    region: str | None
    token: str
    replaced: bool  # the user existed; their previous token no longer works
    enrolment_code: str = ""  # one-time, for `enrolment_link`


@dataclass(frozen=True)
class DemoResult:
    database_url: str
    sites: int
    staff: int
    visits_added: int
    visits_already_there: int
    observations: int
    logins: list[DemoLogin]
    actions_added: int = 0


def _user_token(session: Session, name: str, role: str, region: str | None) -> DemoLogin:
    """A fresh token for a demo user: created, or the existing user's token replaced."""
    user = session.get(User, name)
    if user is None:
        return DemoLogin(name, role, region, create_user(session, name, role, region), False)
    token = new_token()
    user.role, user.region, user.token_hash, user.revoked_at = role, region, hash_token(token), None
    session.commit()
    return DemoLogin(name, role, region, token, True)


def _sites_and_staff(session: Session, rng: random.Random, now: dt.datetime) -> dict[str, list[str]]:
    """Create or refresh the demo sites and their staff; site id → staff ids."""
    names = iter(STAFF_NAMES)
    staff_of: dict[str, list[str]] = {}
    for number, (site_id, name, region, _kind, _quality) in enumerate(SITES):
        lat, lon = COORDINATES[site_id]
        session.merge(Site(id=site_id, name=name, region=region, updated_at=now, lat=lat, lon=lon,
                           radius_m=300.0))
        session.flush()
        count = 3 + number % 3  # 3 to 5 staff per site
        staff_of[site_id] = [f"{site_id}-staff-{index + 1}" for index in range(count)]
        for staff_id in staff_of[site_id]:
            session.merge(Staff(id=staff_id, name=next(names), site_id=site_id, updated_at=now))
    session.commit()
    return staff_of


def _visit_photo(sessions: sessionmaker[Session], settings: Settings, store: BlobStore,
                 picture: Image.Image, now: dt.datetime) -> dict[str, Any]:
    """A photo-like JPEG of the visit's own, stored like an upload (with its perceptual hash)."""
    body = jpeg(picture, quality=80)
    sha = hashlib.sha256(body).hexdigest()
    checked = check_image(body, settings.max_photo_pixels)
    with sessions() as session:
        created = store_photo(session, store, sha, body, checked, "demo-auditor", now)
    if created:
        index_photo(sessions, sha, body)
    return {"sha256": sha, "bytes": len(body), "width": checked.width, "height": checked.height}


def _crafted(visit: Visit, number: int, site_id: str, rng: random.Random,
             now: dt.datetime) -> Visit:
    """The visit with its check-in near the site, and the demo's crafted cases applied."""
    data = visit.model_dump(mode="json")
    started = visit.started_at
    finished = visit.finished_at or started
    if finished > now:  # a visit of today not over yet by `now`: the day before instead
        started, finished = started - dt.timedelta(days=1), finished - dt.timedelta(days=1)
        for obs in data["observations"]:
            obs["recorded_at"] = (dt.datetime.fromisoformat(obs["recorded_at"])
                                  - dt.timedelta(days=1)).isoformat()
    lat, lon = COORDINATES[site_id]
    if number == FAR_CHECK_IN:
        lat += 0.018  # about 2 km north
    check_in = {"lat": round(lat + rng.uniform(-0.0004, 0.0004), 6),
                "lon": round(lon + rng.uniform(-0.0004, 0.0004), 6),
                "accuracy_m": float(rng.randint(8, 30)), "at": started.isoformat()}
    data["context"]["check_in"] = check_in
    if number == REFUSED_CHECK_IN:
        data["context"].pop("check_in")
        data["context"]["check_in_missing"] = "denied"
    if number in COPIED_NOTE and data["observations"]:
        data["observations"][0]["note"] = NOTE
    if number == TOO_FAST:
        finished = started + dt.timedelta(seconds=len(data["observations"]) + 30)
        for index, obs in enumerate(data["observations"]):
            obs["recorded_at"] = (started + dt.timedelta(seconds=1 + index)).isoformat()
    data["started_at"], data["finished_at"] = started.isoformat(), finished.isoformat()
    return Visit.model_validate(data)


def _value(item: Item, passes: bool, peak: bool, rng: random.Random) -> Any:
    """A realistic answer for `item` that passes or fails as asked."""
    if item.kind is Kind.CHECK:
        return passes
    if item.kind is Kind.TIMED:
        limit = item.threshold_for(peak)
        return round(limit * (rng.uniform(0.2, 0.95) if passes else rng.uniform(1.1, 2.5)), 1)
    if item.kind is Kind.COUNT:
        low = item.min if item.min is not None else 0
        high = item.max if item.max is not None else low + 5
        if passes or (item.max is None and low == 0):
            return rng.randint(low, high)
        return high + rng.randint(1, 3) if item.max is not None else rng.randint(0, low - 1)
    assert item.pass_min is not None  # rating
    return rng.randint(item.pass_min, item.rating_scale) if passes else rng.randint(1, item.pass_min - 1)


def hash_seed(seed: int, number: int) -> int:
    """A picture seed of its own for each demo visit."""
    return int.from_bytes(hashlib.sha256(f"demo-photo:{seed}:{number}".encode()).digest()[:8])


def _visit_id(seed: int, number: int) -> str:
    digest = hashlib.sha256(f"field-audit-demo:{seed}:{number}".encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def _visit_day(number: int, today: dt.date, rng: random.Random) -> dt.date:
    """The local date of demo visit `number`: within the DAYS ending `today`. Each site's first
    visit is in the last RECENT_DAYS, so every site shows in any period ending today that is at
    least that long (the reports' default, last 30 days, included), whatever day it is."""
    days_back = rng.randrange(RECENT_DAYS if number < len(SITES) else DAYS)
    return today - dt.timedelta(days=days_back)


def _demo_visit(number: int, seed: int, checklist: Checklist, site: tuple[Any, ...],
                staff: list[str], photo: dict[str, Any], today: dt.date,
                rng: random.Random) -> Visit:
    site_id, _name, _region, _kind, quality = site
    day = _visit_day(number, today, rng)
    started = dt.datetime.combine(day, dt.time(rng.randint(9, 19), rng.randrange(60)), CHINA)
    peak = started.hour in (11, 12, 17, 18)
    on_duty = rng.sample(staff, 1 if checklist.mode == "mystery_shop" else min(2, len(staff)))
    # Each staff member has a steady personal level around the site's.
    skill = {member: min(0.995, quality + random.Random(member).uniform(-0.08, 0.05))
             for member in on_duty}
    observations = []
    for index, item in enumerate(checklist.items):
        if item.kind is Kind.PHOTO and not item.is_required:
            continue
        recorded = (started + dt.timedelta(seconds=40 * index)).isoformat()
        obs: dict[str, Any] = {"item_key": item.key, "recorded_at": recorded}
        member = rng.choice(on_duty)
        if item.scored:
            if len(on_duty) > 1 and item.attribution == "staff":
                obs["staff_id"] = member
            level = skill[member] if item.attribution == "staff" else quality
            if item.critical:  # knock-outs are rare
                level = 1 - (1 - level) / 4
            if rng.random() < 0.05:
                obs["na"] = True
            else:
                obs["value"] = _value(item, rng.random() < level, peak, rng)
        elif item.kind is Kind.TEXT:
            obs["value"] = rng.choice(["", "busy afternoon 下午客流较多", "all fine 一切正常"])
        if item.photo == "required":
            obs["photos"] = [photo["sha256"]]
        observations.append(obs)
    return Visit.model_validate({
        "id": _visit_id(seed, number), "checklist_id": checklist.id,
        "checklist_version": checklist.version, "site_id": site_id, "staff_ids": on_duty,
        "context": {"peak": peak}, "started_at": started.isoformat(),
        "finished_at": (started + dt.timedelta(minutes=rng.randint(15, 40))).isoformat(),
        "observations": observations,
        "photos": [photo] if any(o.get("photos") for o in observations) else []})


def _store_visits(sessions: sessionmaker[Session], settings: Settings, count: int, seed: int,
                  staff_of: dict[str, list[str]], now: dt.datetime,
                  today: dt.date) -> tuple[int, int]:
    cache = ChecklistCache()
    store = open_photo_store(settings)
    with sessions() as session:
        available = {checklist.id: checklist for checklist in cache.current(session)}
    site_photo_visits: dict[str, list[int]] = {}  # site → numbers of its visits with a photo
    if not available:
        raise DemoError(f"no checklists in {settings.checklist_dir}; the demo needs at least one")
    added = existing = 0
    for number in range(count):
        rng = random.Random(f"{seed}:{number}")
        site = SITES[number % len(SITES)]
        choices = [available[c] for c in CHECKLISTS_FOR[site[3]] if c in available]
        checklist = rng.choice(choices or sorted(available.values(), key=lambda c: c.id))
        needs_photo = any(item.photo == "required" for item in checklist.items)
        if needs_photo:  # counted for skipped visits too, so a later run crafts nothing twice
            site_photo_visits.setdefault(site[0], []).append(number)
        with sessions() as session:
            if session.get(VisitHead, _visit_id(seed, number)) is not None:
                existing += 1
                continue
        photo: dict[str, Any] = {}
        if needs_photo:
            earlier = site_photo_visits[site[0]]
            picture = scene(hash_seed(seed, number), PICTURE_SIZE)
            if len(earlier) == 2 and site[0] in (DUPLICATE_SITE, SIMILAR_SITE):
                picture = scene(hash_seed(seed, earlier[0]), PICTURE_SIZE)  # the first one's
                if site[0] == SIMILAR_SITE:
                    picture = ImageEnhance.Brightness(picture).enhance(1.2)
            photo = _visit_photo(sessions, settings, store, picture, now)
        visit = _demo_visit(number, seed, checklist, site, staff_of[site[0]], photo, today, rng)
        visit = _crafted(visit, number, site[0], rng, now)
        (outcome,) = ingest(sessions, cache, [Upload(visit.id, visit)], rng.choice(AUDITORS),
                            lambda: now)
        if isinstance(outcome, ApiError):
            raise DemoError(f"demo visit {visit.id} is invalid: {[p.message for p in outcome.details]}")
        if number in REVIEWS:
            state, reason = REVIEWS[number]
            with sessions.begin() as session:
                head = session.get(VisitHead, visit.id)
                assert head is not None  # just stored
                set_review(session, head, state, reason, REVIEWER, now)
        added += 1
    return added, existing


def load_demo(settings: Settings, *, now: dt.datetime, visits: int = 300, seed: int = 2026,
              today: dt.date | None = None) -> DemoResult:
    """Migrate, load checklists, then create the demo sites, staff, users and visits, as of
    `now` (the caller's clock: nothing here reads one).

    `now` stamps what the server records (enrolment codes expire from it, so it is the server's
    clock); `today` is the last local date of the demo visits (default: `now`'s date in the demo
    sites' time zone). The two are apart so a test can put the visits in any month it needs."""
    today = today or now.astimezone(CHINA).date()
    prepare_database(settings)
    engine = make_engine(settings)
    try:
        sessions = make_session_factory(engine)
        with sessions() as session:
            staff_of = _sites_and_staff(session, random.Random(seed), now)
            logins = [_user_token(session, name, role, region) for name, role, region in USERS]
            logins = [replace(login, enrolment_code=issue_code(session, login.name, now).code)
                      for login in logins]
        added, existing = _store_visits(sessions, settings, visits, seed, staff_of, now, today)
        actions = add_demo_actions(sessions, seed, now)
        with sessions() as session:
            observations = session.scalar(select(func.count()).select_from(ObservationRow)
                                          .where(ObservationRow.is_latest.is_(True))) or 0
    finally:
        engine.dispose()
    return DemoResult(settings.resolved_database_url, len(SITES),
                      sum(len(staff) for staff in staff_of.values()), added, existing,
                      observations, logins, actions)


def describe(result: DemoResult, *, app_url: str | None = None, server_url: str | None = None) -> str:
    """What `audit-server demo` prints: the counts, the logins with their tokens and, given the
    app's and the server's addresses, one enrolment link per user:
    `  <name>  <role>[ (region)]  <link>` (`make run` reads these lines)."""
    lines = [
        f"Demo data 演示数据 in {result.database_url}",
        f"  {result.sites} sites in {len(REGIONS)} regions ({', '.join(REGIONS.values())}), "
        f"{result.staff} staff",
        f"  visits 访问: {result.visits_added} added, {result.visits_already_there} already there; "
        f"{result.observations} scored observations in reports",
        f"  corrective actions 整改: {result.actions_added} added",
        "",
        "Demo logins 演示账号 (tokens are shown only now 令牌仅显示一次; "
        "send as 'Authorization: Bearer <token>'):",
    ]
    for login in result.logins:
        scope = f"region {login.region}" if login.region else "all regions" if login.role == "manager" else ""
        lines.append(f"  {login.name:<18} {login.role:<8} {scope:<14} {login.token}")
    if any(login.replaced for login in result.logins):
        lines.append("  (these users existed: their previous tokens were revoked and replaced "
                     "旧令牌已作废)")
    if app_url and server_url:
        lines += ["", "Enrolment links 注册链接 (open one in a browser to sign in as that user; "
                      "single use, 24 h 一次性，24 小时内有效):"]
        for login in result.logins:
            who = login.role + (f" ({login.region})" if login.region else "")
            link = enrolment_link(app_url, server_url, login.enrolment_code)
            lines.append(f"  {login.name:<18} {who:<16} {link}")
    return "\n".join(lines)
