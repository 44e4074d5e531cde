"""The server's answers in the user's language.

The server gives English messages (and Chinese ones where it has them, `message_zh`); for the
rest the phone names the problem in Chinese itself: problems the domain knows are re-derived
from the phone's own check of the visit (same code and path), server-only codes have phrases
here, and anything else falls back to a generic sentence with the code."""

from __future__ import annotations

import re
from typing import Any

from audit_app.domain import Visit
from audit_app.domain.problems import Problem

from .http import ErrorInfo

CONFLICT_ZH = {
    "revision_conflict": "服务器上已有内容不同的同一版本；请编辑后作为新版本重新提交",
    "stale_revision": "服务器上已有更新的版本；请编辑后重新提交",
    "visit_id_taken": "此访问编号已被其他审核员的访问使用",
}
CONFLICT_ZH_DEFAULT = "服务器拒绝了此版本（版本冲突）；请编辑后重新提交"

# Why a visit is still queued after this sync (reasons of `http.TransientFailure` and push).
PENDING = {
    "offline": ("the server could not be reached", "无法连接服务器"),
    "timeout": ("the server did not answer in time", "服务器响应超时"),
    "network_error": ("the connection broke off", "网络连接中断"),
    "server_error": ("the server had a failure; try again later", "服务器出错，请稍后再试"),
    "rate_limited": ("the server is busy; try again later", "服务器繁忙，请稍后再试"),
    "redirect": ("the network redirected the request (a login page?)",
                 "网络把请求转到了别处（可能需要登录网络）"),
    "not_contract": ("the answer was not from the Field Audit server (a network login page?)",
                     "收到的回应不是来自现场审核服务器（可能需要登录网络）"),
    "unexpected_status": ("the server gave an unexpected answer", "服务器的回应不符合预期"),
    "photo_not_on_device": ("a photo of this visit is no longer on this device",
                            "此访问的照片已不在本设备上"),
    "photos_missing": ("the server still lacks photos of this visit", "服务器仍缺少此访问的照片"),
    "store_write_failed": ("this device could not save", "本设备无法保存数据"),
    "token_refused": ("not sent: the token was refused", "未发送：令牌被拒绝"),
    "forbidden": ("not sent: this account may not upload visits", "未发送：此账号无权上传访问"),
    "cancelled": ("not sent: the sync was cancelled", "未发送：同步已取消"),
}

_MB = 1024 * 1024


def pending_message(reason: str, detail: str | None = None) -> tuple[str, str]:
    en, zh = PENDING.get(reason, (reason, "未完成"))
    return (f"{en} ({detail})" if detail else en), zh


def conflict_messages(error: ErrorInfo) -> tuple[str, str]:
    return error.message, CONFLICT_ZH.get(error.code, CONFLICT_ZH_DEFAULT)


def too_large_problem(error: ErrorInfo, what: str, what_zh: str) -> dict[str, Any]:
    """A 413 as a problem naming the limit, e.g. `photo 3f2a…: larger than the server's limit of 15 MB`."""
    limit = re.search(r"larger than (\d+) bytes", error.message)
    if limit:
        megabytes = int(limit[1]) / _MB
        en = f"{what}: larger than the server's limit of {megabytes:g} MB"
        zh = f"{what_zh}：超过服务器的上限 {megabytes:g} MB"
    elif error.code == "image_too_large":
        en = f"{what}: {error.message}"
        zh = f"{what_zh}：图像像素超过服务器的上限"
    else:
        en = f"{what}: {error.message}"
        zh = f"{what_zh}：超过服务器允许的大小"
    return {"code": error.code, "path": what, "message": en, "message_zh": zh}


def rejection_problems(error: ErrorInfo, visit: Visit, local: list[Problem]) -> list[dict[str, Any]]:
    """Every problem of a 422, each with `message_zh` (the server's, the phone's, or a phrase)."""
    local_zh = {(p.code, p.path): p.message_zh for p in local}
    details = error.details or []
    if not details:  # a 422 naming no detail still has to say something
        return [{"code": error.code, "path": "", "message": error.message,
                 "message_zh": _server_only_zh(error.code, "", visit)}]
    problems = []
    for detail in details:
        zh = detail.message_zh or local_zh.get((detail.code, detail.path)) or \
            _server_only_zh(detail.code, detail.path, visit)
        problems.append({"code": detail.code, "path": detail.path, "message": detail.message,
                         "message_zh": zh})
    return problems


def photo_problem(error: ErrorInfo, sha256: str) -> dict[str, Any]:
    """A photo upload the server refused (422) as a problem of the visit citing it."""
    zh = {"hash_mismatch": "照片文件已损坏（校验值不符）",
          "not_an_image": "照片文件不是有效的 JPEG 或 PNG 图像",
          "photo_has_location": "照片含有位置信息，服务器不接受"}.get(error.code, "服务器拒绝了照片")
    what = f"photo {sha256[:12]}…"
    return {"code": error.code, "path": f"photos/{sha256}", "message": f"{what}: {error.message}",
            "message_zh": f"照片 {sha256[:12]}…：{zh}"}


def _server_only_zh(code: str, path: str, visit: Visit) -> str:
    if code == "unknown_site":
        return f"门店 {visit.site_id} 在服务器上不存在"
    if code == "unknown_staff":
        return f"员工 {_staff_at(path, visit) or ''} 在服务器上不存在".replace("  ", " ")
    if code == "unknown_checklist":
        return f"服务器上没有检查表 {visit.checklist_id}"
    if code == "unknown_checklist_version":
        return f"服务器上没有检查表 {visit.checklist_id} 第 {visit.checklist_version} 版"
    if code == "id_mismatch":
        return "访问编号与上传地址不一致"
    if code == "out_of_range":
        return f"{path}：数值超出服务器允许的范围"
    return f"服务器拒绝了此访问：{path or '-'}（{code}）"   # an unknown code: the code is all there is


def _staff_at(path: str, visit: Visit) -> str | None:
    """The staff id a path like `staff_ids[1]` or `observations[3].staff_id` points at."""
    match = re.fullmatch(r"staff_ids\[(\d+)\]", path)
    if match and int(match[1]) < len(visit.staff_ids):
        return visit.staff_ids[int(match[1])]
    match = re.fullmatch(r"observations\[(\d+)\]\.staff_id", path)
    if match and int(match[1]) < len(visit.observations):
        return visit.observations[int(match[1])].staff_id
    return None
