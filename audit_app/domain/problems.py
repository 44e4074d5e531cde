"""Completeness and consistency of a visit against its checklist (CONTRACT.md §2–3).

Every check collects *all* problems rather than stopping at the first, so the phone can show
the shopper everything left to do and the server can answer one 422 listing everything."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

from .checklist import Checklist, Item, Kind
from .visit import Observation, Visit


class Problem(BaseModel):
    """One thing wrong with a visit. `code` is stable; `path` points into the visit JSON;
    the message is given in English and Chinese."""

    model_config = ConfigDict(frozen=True)

    code: str
    path: str
    message: str
    message_zh: str


class ValueProblem(NamedTuple):
    code: str
    message: str
    message_zh: str


# Stable problem codes (the server's 422 details carry them unchanged).
CHECKLIST_MISMATCH = "checklist_mismatch"
UNKNOWN_ITEM = "unknown_item"
DUPLICATE_ITEM = "duplicate_item"
WRONG_TYPE = "wrong_type"
OUT_OF_RANGE = "out_of_range"
MISSING_REQUIRED = "missing_required"
MISSING_PHOTO = "missing_photo"
UNKNOWN_PHOTO = "unknown_photo"
NOT_FINISHED = "not_finished"


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def value_problem(item: Item, value: object) -> ValueProblem | None:
    """Why `value` is not a valid answer for `item`; None if it is valid."""
    kind = item.kind
    scale = item.rating_scale
    if kind is Kind.CHECK:
        if not isinstance(value, bool):
            return ValueProblem(WRONG_TYPE, "a check item needs true or false", "检查项需要填写“是”或“否”")
    elif kind is Kind.TIMED:
        if not _is_number(value):
            return ValueProblem(WRONG_TYPE, "a timed item needs a number of seconds", "计时项需要填写秒数")
        if not math.isfinite(value) or value < 0:  # type: ignore[arg-type]
            return ValueProblem(OUT_OF_RANGE, "seconds must be a finite number >= 0", "秒数必须是不小于 0 的数字")
    elif kind is Kind.COUNT:
        if not isinstance(value, int) or isinstance(value, bool):
            return ValueProblem(WRONG_TYPE, "a count item needs a whole number", "计数项需要填写整数")
        if value < 0:
            return ValueProblem(OUT_OF_RANGE, "a count must be >= 0", "计数不能小于 0")
    elif kind is Kind.RATING:
        if not isinstance(value, int) or isinstance(value, bool):
            return ValueProblem(WRONG_TYPE, f"a rating item needs a whole number from 1 to {scale}",
                                f"评分项需要填写 1 到 {scale} 的整数")
        if not 1 <= value <= scale:
            return ValueProblem(OUT_OF_RANGE, f"a rating must be between 1 and {scale}",
                                f"评分必须在 1 到 {scale} 之间")
    elif kind is Kind.TEXT:
        if value is not None and not isinstance(value, str):
            return ValueProblem(WRONG_TYPE, "a text item needs a string", "文字项需要填写文字")
    elif kind is Kind.PHOTO:
        if value is not None:
            return ValueProblem(WRONG_TYPE, "a photo item has no value (attach photos instead)",
                                "照片项不填写数值(请附上照片)")
    return None


def _observation_problems(index: int, item: Item, obs: Observation) -> Iterable[Problem]:
    path = f"observations[{index}]"
    if obs.na:
        return
    if obs.value is None:
        if item.scored or (item.kind is Kind.TEXT and item.is_required):
            yield Problem(code=MISSING_REQUIRED, path=f"{path}.value",
                          message=f"{item.key}: no answer given (answer it or mark it N/A)",
                          message_zh=f"{item.key}:尚未作答（请作答或标记为不适用）")
    else:
        found = value_problem(item, obs.value)
        if found is not None:
            yield Problem(code=found.code, path=f"{path}.value", message=f"{item.key}: {found.message}",
                          message_zh=f"{item.key}:{found.message_zh}")
    if item.photo == "required" and not obs.photos:
        yield Problem(code=MISSING_PHOTO, path=f"{path}.photos",
                      message=f"{item.key}: a photo is required as evidence",
                      message_zh=f"{item.key}:需要拍照作为证据")


def visit_problems(visit: Visit, checklist: Checklist, *, require_finished: bool = True) -> list[Problem]:
    """Every problem that stops `visit` from being finalised (app) or accepted (server)."""
    problems: list[Problem] = []
    if (visit.checklist_id, visit.checklist_version) != checklist.ref:
        problems.append(Problem(
            code=CHECKLIST_MISMATCH, path="checklist_id",
            message=f"visit uses {visit.checklist_id} v{visit.checklist_version}, "
                    f"checked against {checklist.id} v{checklist.version}",
            message_zh=f"访问使用的是 {visit.checklist_id} 第 {visit.checklist_version} 版,"
                       f"而不是 {checklist.id} 第 {checklist.version} 版"))
    if require_finished and visit.finished_at is None:
        problems.append(Problem(code=NOT_FINISHED, path="finished_at", message="finished_at is missing",
                                message_zh="缺少结束时间 finished_at"))
    items = checklist.item_map
    seen: set[str] = set()
    for index, obs in enumerate(visit.observations):
        item = items.get(obs.item_key)
        if item is None:
            problems.append(Problem(code=UNKNOWN_ITEM, path=f"observations[{index}].item_key",
                                    message=f"{obs.item_key}: not an item of {checklist.id} "
                                            f"v{checklist.version}",
                                    message_zh=f"{obs.item_key}:不是 {checklist.id} 第 "
                                               f"{checklist.version} 版中的项目"))
            continue
        if obs.item_key in seen:
            problems.append(Problem(code=DUPLICATE_ITEM, path=f"observations[{index}].item_key",
                                    message=f"{obs.item_key}: answered more than once",
                                    message_zh=f"{obs.item_key}:重复作答"))
            continue
        seen.add(obs.item_key)
        problems.extend(_observation_problems(index, item, obs))
    for item in checklist.items:
        if item.is_required and item.key not in seen:
            problems.append(Problem(code=MISSING_REQUIRED, path="observations",
                                    message=f"{item.key}: required item not answered",
                                    message_zh=f"{item.key}:必答项目尚未作答"))
    known_photos = {photo.sha256 for photo in visit.photos}
    for index, obs in enumerate(visit.observations):
        for p_index, sha in enumerate(obs.photos):
            if sha not in known_photos:
                problems.append(Problem(code=UNKNOWN_PHOTO, path=f"observations[{index}].photos[{p_index}]",
                                        message=f"photo {sha[:12]}… is not listed in the visit's photos",
                                        message_zh=f"照片 {sha[:12]}… 不在本次访问的照片列表中"))
    return problems
