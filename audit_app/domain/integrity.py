"""Integrity signals that need only the visit, its checklist, its site and the server's clock:
`too_fast`, `clock_skew`, `far_check_in`, `no_check_in`, and the bilingual message of every
flag code. The server adds the cross-visit signals (duplicate, similar photo, copied text),
which need its database. Flags never change a score; they inform review.

Pure: no I/O, no clock; the caller passes the server's `received_at`."""

from __future__ import annotations

import datetime as dt
import math
import re
import statistics
from dataclasses import dataclass, field
from typing import Any

from .checklist import Checklist, Kind
from .visit import Visit

FLAG_CODES = ("duplicate_photo", "similar_photo", "too_fast", "clock_skew", "copied_text",
              "far_check_in", "no_check_in")
CLOCK_SKEW_LIMIT = dt.timedelta(minutes=10)
# Answers recorded faster than anyone can read an item and tap: a median gap under 1.5 s
# between consecutive `recorded_at` over 10 or more answers.
FAST_MEDIAN_GAP_S = 1.5
FAST_MIN_ANSWERS = 10
COPIED_TEXT_MIN_CHARS = 20
DEFAULT_RADIUS_M = 300.0
# Seconds a careful shopper needs per item of each kind; `min_duration_s` defaults to their sum.
SECONDS_PER_KIND = {Kind.CHECK: 4.0, Kind.COUNT: 8.0, Kind.RATING: 6.0, Kind.TIMED: 10.0,
                    Kind.TEXT: 15.0, Kind.PHOTO: 15.0}
EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True)
class Flag:
    """One integrity signal of one revision; `other_visit_id` names the visit it points at."""

    code: str
    evidence: dict[str, Any] = field(default_factory=dict)
    other_visit_id: str | None = None


def min_duration_s(checklist: Checklist) -> float:
    """The checklist's `min_duration_s`, or the default derived from its items."""
    if checklist.min_duration_s is not None:
        return checklist.min_duration_s
    return sum(SECONDS_PER_KIND[item.kind] for item in checklist.items)


def too_fast(visit: Visit, checklist: Checklist) -> list[Flag]:
    """A visit shorter than the checklist's minimum, or answers tapped faster than readable."""
    flags = []
    minimum = min_duration_s(checklist)
    times = sorted(obs.recorded_at for obs in visit.observations)
    # Both rules carry the answers' times: the review queue draws them as a timeline.
    if visit.finished_at is not None:
        duration = (visit.finished_at - visit.started_at).total_seconds()
        if duration < minimum:
            flags.append(Flag("too_fast", {"rule": "duration", "duration_s": round(duration, 1),
                                           "min_duration_s": minimum,
                                           "recorded_at": [t.isoformat() for t in times]}))
    if len(times) >= FAST_MIN_ANSWERS:
        gaps = [(later - earlier).total_seconds() for earlier, later in zip(times, times[1:])]
        median = statistics.median(gaps)
        if median < FAST_MEDIAN_GAP_S:
            flags.append(Flag("too_fast", {"rule": "answer_rate", "median_gap_s": round(median, 2),
                                           "answers": len(times),
                                           "recorded_at": [t.isoformat() for t in times]}))
    return flags


def clock_skew(visit: Visit, received_at: dt.datetime) -> list[Flag]:
    """Device times that the server's clock contradicts by more than CLOCK_SKEW_LIMIT.

    A visit cannot end after the server received it; a photo cannot be taken far outside the
    visit's own window (start − limit to end + limit, the end being the reception when open)."""
    flags = []
    if visit.finished_at is not None and visit.finished_at > received_at + CLOCK_SKEW_LIMIT:
        flags.append(Flag("clock_skew", {
            "field": "finished_at", "device_time": visit.finished_at.isoformat(),
            "server_time": received_at.isoformat(),
            "skew_s": round((visit.finished_at - received_at).total_seconds())}))
    end = visit.finished_at or received_at
    for photo in visit.photos:
        if photo.taken_at is None:
            continue
        if photo.taken_at < visit.started_at - CLOCK_SKEW_LIMIT:
            skew = photo.taken_at - visit.started_at
        elif photo.taken_at > end + CLOCK_SKEW_LIMIT:
            skew = photo.taken_at - end
        else:
            continue
        flags.append(Flag("clock_skew", {
            "field": "photos.taken_at", "photo": photo.sha256,
            "device_time": photo.taken_at.isoformat(), "skew_s": round(skew.total_seconds())}))
    return flags


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in metres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def check_in_flags(visit: Visit, site_lat: float | None, site_lon: float | None,
                   radius_m: float = DEFAULT_RADIUS_M) -> list[Flag]:
    """`far_check_in` beyond radius + accuracy; `no_check_in` when the site has coordinates."""
    if site_lat is None or site_lon is None:
        return []
    check_in = visit.context.check_in
    if check_in is None:
        return [Flag("no_check_in", {"reason": visit.context.check_in_missing or "none"})]
    distance = distance_m(check_in.lat, check_in.lon, site_lat, site_lon)
    if distance > radius_m + check_in.accuracy_m:
        return [Flag("far_check_in", {
            "distance_m": round(distance), "radius_m": radius_m,
            "accuracy_m": check_in.accuracy_m, "check_in": [check_in.lat, check_in.lon],
            "site": [site_lat, site_lon]})]
    return []


_SPACES = re.compile(r"\s+")


def normalised_text(text: str) -> str:
    """Text as compared for `copied_text`: whitespace collapsed, case folded."""
    return _SPACES.sub(" ", text).strip().casefold()


def comparable_texts(visit: Visit, checklist: Checklist) -> set[str]:
    """The visit's notes and text answers long enough to count as copied when identical."""
    texts = set()
    for obs in visit.observations:
        candidates = [obs.note]
        item = checklist.item_map.get(obs.item_key)
        if item is not None and item.kind is Kind.TEXT and isinstance(obs.value, str):
            candidates.append(obs.value)
        for text in candidates:
            if text is not None and len(normalised := normalised_text(text)) >= COPIED_TEXT_MIN_CHARS:
                texts.add(normalised)
    return texts


_REASONS_ZH = {"denied": "定位权限被拒绝", "no_fix": "无法定位", "unavailable": "设备不支持定位",
               "none": "未记录签到"}
_REASONS_EN = {"denied": "location permission refused", "no_fix": "no location fix",
               "unavailable": "location not available on the device", "none": "none recorded"}


def flag_message(code: str, evidence: dict[str, Any]) -> tuple[str, str]:
    """The flag explained in English and Chinese (full-width punctuation)."""
    other = evidence.get("other_visit", "")
    if code == "duplicate_photo":
        return (f"The same photo is in visit {other}.", f"同一张照片也出现在走访 {other} 中。")
    if code == "similar_photo":
        d = evidence.get("distance", "?")
        return (f"A photo looks like one in visit {other} (distance {d}).",
                f"有照片与走访 {other} 中的照片相似（差异 {d}）。")
    if code == "copied_text":
        return (f"A note is identical to one in visit {other}.",
                f"有备注与走访 {other} 中的完全相同。")
    if code == "too_fast" and evidence.get("rule") == "answer_rate":
        gap, n = evidence.get("median_gap_s"), evidence.get("answers")
        return (f"{n} answers were recorded {gap} s apart (median): faster than anyone can read.",
                f"{n} 个答案的记录间隔中位数为 {gap} 秒，快于正常阅读速度。")
    if code == "too_fast":
        took, need = evidence.get("duration_s"), evidence.get("min_duration_s")
        return (f"The visit took {took} s; this checklist needs at least {need} s.",
                f"走访用时 {took} 秒，此清单至少需要 {need} 秒。")
    if code == "clock_skew":
        skew = evidence.get("skew_s")
        if evidence.get("field") == "finished_at":
            return (f"The device says the visit ended {skew} s after the server received it.",
                    f"设备记录的结束时间比服务器收到的时间晚 {skew} 秒。")
        return (f"A photo's time is {skew} s outside the visit.",
                f"有照片的拍摄时间超出走访时段 {skew} 秒。")
    if code == "far_check_in":
        return (f"Checked in {evidence.get('distance_m')} m from the site "
                f"(allowed {evidence.get('radius_m')} m + accuracy {evidence.get('accuracy_m')} m).",
                f"签到位置距门店 {evidence.get('distance_m')} 米（允许 {evidence.get('radius_m')} 米"
                f"，加精度 {evidence.get('accuracy_m')} 米）。")
    if code == "no_check_in":
        reason = str(evidence.get("reason", "none"))
        return (f"No check-in: {_REASONS_EN.get(reason, reason)}.",
                f"没有签到：{_REASONS_ZH.get(reason, reason)}。")
    return (code, code)
